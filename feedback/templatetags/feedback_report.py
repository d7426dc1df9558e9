"""Template tags of the report form: the limits the feedback API puts on photos, so that the
page resizes and counts them before sending (the API checks them again)."""

from django import template
from django.conf import settings

from feedback import photos

register = template.Library()

# The longest side the browser resizes a photo to (the API accepts up to photos.MAX_SIDE).
BROWSER_MAX_SIDE = 1600


@register.simple_tag
def photo_limits() -> dict:
    """``{"count", "bytes", "side"}``: photos per report, bytes per photo, longest side."""
    return {
        "count": photos.MAX_PHOTOS,
        "bytes": settings.COMMONMAP.get("FEEDBACK_PHOTO_MAX_BYTES", photos.DEFAULT_MAX_BYTES),
        "side": min(photos.MAX_SIDE, BROWSER_MAX_SIDE),
    }
