"""Who may run surveys: staff with ``surveys.add_survey`` / ``surveys.change_survey``.

Ward staff (feedback's ``StaffMembership`` with the ward_staff role) survey only their own
wards: the target area must lie within the union of their wards of the generation in
force; city staff, leaders and administrators target anywhere. A survey a ward-scoped
actor may not manage does not exist for them (404), as in the feedback workflow.
"""

from django.contrib.gis.geos import MultiPolygon
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.errors import Forbidden, NotAuthenticated, NotFound
from feedback.models import Role
from feedback.workflow import Actor, actor_for
from layers.wards import generations_valid_on
from surveys.models import Survey
from surveys.sql import load_sql

ADD = "surveys.add_survey"
CHANGE = "surveys.change_survey"


def staff_actor(user, permission: str) -> Actor:
    """The actor of a staff user holding ``permission``; 401 for nobody, 403 without it."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(
            _("Sign in as staff to manage surveys."),
            headers={"WWW-Authenticate": 'Basic realm="Common Map"'},
        )
    if not user.has_perm(permission):
        raise Forbidden(
            _("Managing surveys needs the permission {permission}.").format(permission=permission)
        )
    return actor_for(user)


def is_ward_scoped(actor: Actor) -> bool:
    """True for ward staff, who survey only their own wards."""
    return actor.role == Role.WARD_STAFF


def check_area_in_scope(actor: Actor, area: MultiPolygon) -> None:
    """Ward staff may target only ground within their own wards (403 otherwise)."""
    if not is_ward_scoped(actor):
        return
    generation = generations_valid_on().values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            load_sql("area_within_wards"),
            {
                "ewkb": bytes(area.ewkb),
                "codes": sorted(actor.ward_codes),
                "generation": generation,
            },
        )
        (inside,) = cursor.fetchone()
    if not inside:
        raise Forbidden(
            _("Ward staff may target only their own wards ({codes}).").format(
                codes=", ".join(sorted(actor.ward_codes))
            )
        )


def managed_surveys(actor: Actor) -> QuerySet[Survey]:
    """The surveys this actor may see and manage: all, or for ward staff those that lie
    within their wards (checked row by row in the database, see ``managed_ids``)."""
    surveys = Survey.objects.all()
    if not is_ward_scoped(actor):
        return surveys
    return surveys.filter(pk__in=managed_ids(actor))


def managed_ids(actor: Actor) -> list[int]:
    """Ids of the surveys whose area lies within a ward-scoped actor's wards."""
    generation = generations_valid_on().values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            load_sql("surveys_within_wards"),
            {"codes": sorted(actor.ward_codes), "generation": generation},
        )
        return [pk for (pk,) in cursor.fetchall()]


def managed_survey(actor: Actor, survey_id: int, *, for_update: bool = False) -> Survey:
    """One survey this actor may manage, or 404."""
    surveys = managed_surveys(actor)
    if for_update:
        surveys = surveys.select_for_update()
    survey = surveys.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(_("No survey {id}.").format(id=survey_id))
    return survey
