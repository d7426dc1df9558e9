"""Who sees what on the dashboard.

Leaders (the ``dashboard.view_dashboard`` permission, or the feedback workflow's leader,
city staff and administrator roles) see every ward, every level and the city total. Ward
staff see their own wards' rows (today's generation, ward level). Everyone else, signed in
or not, has the public open-data subset (``/api/v1/dashboard/public/``).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from apikeys.keys import ServiceAccount
from core.errors import Forbidden, NotAuthenticated
from feedback.models import Role
from feedback.workflow import actor_for

PERMISSION = "dashboard.view_dashboard"
PUBLIC_HINT = "/api/v1/dashboard/public/"
_LEADING_ROLES = {Role.LEADER, Role.CITY_STAFF, Role.ADMIN}


@dataclass(frozen=True)
class Scope:
    """What a caller may see: everything, or the rows of these ward codes only."""

    everything: bool
    ward_codes: frozenset[str] = frozenset()


def scope_for(user) -> Scope:
    """The caller's scope; 401 for anonymous callers, 403 for those without a role."""
    if isinstance(user, ServiceAccount):
        raise Forbidden(_("Service accounts read the public dashboard."), hint=PUBLIC_HINT)
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(
            _("Sign in to see the leaders' dashboard; the public one is open to all."),
            hint=PUBLIC_HINT,
            headers={"WWW-Authenticate": 'Basic realm="Common Map"'},
        )
    if user.has_perm(PERMISSION):
        return Scope(everything=True)
    actor = actor_for(user)
    if actor.role in _LEADING_ROLES:
        return Scope(everything=True)
    if actor.role == Role.WARD_STAFF:
        return Scope(everything=False, ward_codes=actor.ward_codes)
    raise Forbidden(
        _("The leaders' dashboard is for leaders and ward staff; the public one is open to all."),
        hint=PUBLIC_HINT,
    )


def check_ward_staff_request(scope: Scope, level: str, is_current: bool) -> None:
    """Ward staff ask for their wards only: today's generation, ward level (403 otherwise)."""
    if scope.everything:
        return
    if level != "ward":
        raise Forbidden(
            _("Ward staff see their own wards only, not level {level}.").format(level=repr(level))
        )
    if not is_current:
        raise Forbidden(_("Ward staff see their own wards in today's boundaries only."))
