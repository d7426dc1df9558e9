"""The city's extent: what "outside the city" means for an imported feature.

Defined once, in ``layers.city`` (the map's centre and bounds use it too).
"""

from layers.city import city_extent

__all__ = ["city_extent"]
