"""What every page's frame needs to know (``geoportal/base.html``)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _is_staff_member(user) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.feedback_roles.exists()))


def frame(request: HttpRequest) -> dict:
    """``staff_member``: whether the signed-in person is city staff (a staff role or the
    admin's flag), so the navigation offers the workspace only to them and not to residents
    who signed in to rate a resolution. Lazy: a page that does not ask runs no query."""
    user = getattr(request, "user", None)
    return {"staff_member": SimpleLazyObject(lambda: user is not None and _is_staff_member(user))}
