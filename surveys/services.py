"""Surveys' actions: staff create, edit, publish and close; residents find and answer.

Every function takes plain arguments (the actor or the resident's key, ids, parsed
values) and raises ``core.errors`` with the reason: an edit of a survey that is no longer
a draft, a publication without questions or with a window already past, an answer
outside the area or the window are 409s that say so.
"""

from datetime import datetime

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from core.errors import Conflict, NotFound
from feedback.workflow import Actor
from layers.target_areas import TargetArea, covers_sql, target_area
from layers.wards import resolve_ward
from surveys.access import check_area_in_scope, managed_survey
from surveys.answers import check_answers
from surveys.models import AnswerSet, Question, Survey, SurveyStatus
from surveys.questions import QuestionDraft
from surveys.sql import load_sql
from surveys.survey_input import SurveyInput, check_window


def _area_fields(area: TargetArea) -> dict:
    return {
        "area_kind": area.kind,
        "area": area.geom,
        "area_center": area.center,
        "area_radius_m": area.radius_m,
        "ward_codes": list(area.ward_codes),
        "area_generation": area.generation,
    }


def _store_questions(survey: Survey, drafts: list[QuestionDraft]) -> None:
    survey.questions.all().delete()
    Question.objects.bulk_create(
        Question(
            survey=survey,
            order=index + 1,
            kind=draft.kind,
            required=draft.required,
            text_vi=draft.text_vi,
            text_en=draft.text_en,
            choices=draft.choices,
            min_value=draft.min_value,
            max_value=draft.max_value,
        )
        for index, draft in enumerate(drafts)
    )


@transaction.atomic
def create_survey(actor: Actor, data: SurveyInput) -> Survey:
    """A new draft survey (with its questions), its area within the actor's scope."""
    area = target_area(data.area)
    check_area_in_scope(actor, area.geom)
    check_window(data.fields["opens_at"], data.fields["closes_at"])
    survey = Survey.objects.create(
        **data.fields,
        area_spec=data.area,
        created_by=actor.user,
        **_area_fields(area),
    )
    _store_questions(survey, data.questions or [])
    return survey


@transaction.atomic
def update_survey(actor: Actor, survey_id: int, data: SurveyInput) -> Survey:
    """Change a draft: texts, window, area, questions (replaced as a whole list)."""
    survey = managed_survey(actor, survey_id, for_update=True)
    if survey.status != SurveyStatus.DRAFT:
        if data.questions is not None:
            raise Conflict(
                _("The survey is {status}: its questions are frozen.").format(status=survey.status)
            )
        raise Conflict(
            _("The survey is {status}: only a draft can be edited.").format(status=survey.status)
        )
    for name, value in data.fields.items():
        setattr(survey, name, value)
    check_window(survey.opens_at, survey.closes_at)
    if data.area is not None:
        area = target_area(data.area)
        check_area_in_scope(actor, area.geom)
        survey.area_spec = data.area
        for name, value in _area_fields(area).items():
            setattr(survey, name, value)
    survey.save()
    if data.questions is not None:
        _store_questions(survey, data.questions)
    return survey


@transaction.atomic
def publish(actor: Actor, survey_id: int, now: datetime | None = None) -> Survey:
    """Publish a draft: it needs a question and a window that has not ended."""
    now = now or timezone.now()
    survey = managed_survey(actor, survey_id, for_update=True)
    if survey.status != SurveyStatus.DRAFT:
        raise Conflict(
            _("Only a draft can be published; this survey is {status}.").format(
                status=survey.status
            )
        )
    if not survey.questions.exists():
        raise Conflict(_("A survey needs at least one question to be published."))
    if survey.closes_at <= now:
        raise Conflict(_("The survey's window has already ended: move 'closes_at' first."))
    survey.status = SurveyStatus.PUBLISHED
    survey.published_at = now
    survey.save(update_fields=["status", "published_at"])
    return survey


@transaction.atomic
def close(actor: Actor, survey_id: int, now: datetime | None = None) -> Survey:
    """Close a published survey: no answer is taken or changed after this."""
    survey = managed_survey(actor, survey_id, for_update=True)
    if survey.status != SurveyStatus.PUBLISHED:
        raise Conflict(
            _("Only a published survey can be closed; this one is {status}.").format(
                status=survey.status
            )
        )
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now or timezone.now()
    survey.save(update_fields=["status", "closed_at"])
    return survey


def _point_sql() -> sql.Composable:
    return sql.SQL("ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)")


def _covers() -> sql.Composed:
    return covers_sql(
        sql.SQL("s.area"), sql.SQL("s.area_center"), sql.SQL("s.area_radius_m"), _point_sql()
    )


def open_surveys(lon: float, lat: float, now: datetime | None = None) -> list[Survey]:
    """Published surveys whose area covers the point (border included) and whose window
    holds ``now``, with their questions."""
    statement = sql.SQL(load_sql("open_at_point")).format(covers=_covers())
    with connection.cursor() as cursor:
        cursor.execute(
            statement.as_string(None), {"lon": lon, "lat": lat, "now": now or timezone.now()}
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    surveys = Survey.objects.filter(pk__in=ids).prefetch_related("questions")
    order = {pk: index for index, pk in enumerate(ids)}
    return sorted(surveys, key=lambda survey: order[survey.pk])


def _survey_covers(survey: Survey, lon: float, lat: float) -> bool:
    statement = sql.SQL(load_sql("survey_covers")).format(covers=_covers())
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(None), {"survey": survey.pk, "lon": lon, "lat": lat})
        (inside,) = cursor.fetchone()
    return bool(inside)


def answerable_survey(survey_id: int, now: datetime) -> Survey:
    """A survey residents may answer now, or why not (404 for a draft, 409 otherwise)."""
    survey = Survey.objects.filter(pk=survey_id).exclude(status=SurveyStatus.DRAFT).first()
    if survey is None:
        raise NotFound(_("No survey {id}.").format(id=survey_id))
    if survey.status == SurveyStatus.CLOSED:
        raise Conflict(_("The survey is closed: answers can no longer be given or changed."))
    if now < survey.opens_at:
        raise Conflict(_("The survey opens at {when}.").format(when=survey.opens_at.isoformat()))
    if now >= survey.closes_at:
        raise Conflict(_("The survey closed at {when}.").format(when=survey.closes_at.isoformat()))
    return survey


@transaction.atomic
def answer(
    resident_key: str,
    survey_id: int,
    lon: float,
    lat: float,
    raw_answers: object,
    now: datetime | None = None,
) -> tuple[AnswerSet, bool]:
    """Store (or change) a resident's answer set; True when it is their first.

    The survey's row is held FOR SHARE first: answers do not wait for each other, but a
    close (FOR UPDATE) waits for the answers in flight, and an answer that waited for a
    close reads the survey after it and is refused."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM surveys_survey WHERE id = %s FOR SHARE", [survey_id])
    survey = answerable_survey(survey_id, now)
    if not _survey_covers(survey, lon, lat):
        raise Conflict(_("This point is outside the survey's area."))
    answers = check_answers(list(survey.questions.all()), raw_answers)
    point = Point(lon, lat, srid=4326)
    ward = resolve_ward(point, on=timezone.localdate(now))
    answer_set, created = AnswerSet.objects.select_for_update().get_or_create(
        survey=survey,
        resident_key=resident_key,
        defaults={"point": point, "ward": ward, "answers": answers},
    )
    if not created:
        answer_set.point, answer_set.ward, answer_set.answers = point, ward, answers
        answer_set.save(update_fields=["point", "ward", "answers", "updated_at"])
    return answer_set, created
