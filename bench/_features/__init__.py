"""The pieces of ``bench/features.py`` (the GeoJSON export benchmark), one module a job.

Importing the package first sets Django up (``_common``): its modules read the app's models.
"""

import _common  # noqa: F401
