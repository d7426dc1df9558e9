"""The pieces of ``bench/tiles.py`` (the vector tile benchmark), one module a job.

Importing the package first sets Django up (``_common``): its modules read the app's models.
"""

import _common  # noqa: F401
