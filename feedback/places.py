"""Where is the problem? The address a resident or hotline operator types, as places.

Searching wards, old wards and facilities is the layers app's (``layers.places``, over
its own tables); feedback only asks it about the addresses that come with reports: at
intake (``feedback.intake``, which then takes the point and its ward) and for the
operator's search box (``/api/v1/feedback/places/``). Reports are routed on today's
boundaries, so the search runs on today.
"""

from layers.places import Place, Resolution
from layers.places import resolve as search_places

__all__ = ["Place", "Resolution", "resolve"]


def resolve(text: str, limit: int = 10) -> Resolution:
    """The place(s) an address typed for a report means today, best first, at most ``limit``."""
    return search_places(text, limit)
