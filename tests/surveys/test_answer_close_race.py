"""An answer and a close of the same survey at the same moment: the close waits for the
answers in flight, and an answer that waited for a close is refused (never stored after it).

Two real transactions on two connections: the survey is committed (``committed``) and
removed at the end."""

import threading
import uuid

import psycopg
import pytest
from django.contrib.auth.models import Permission, User

from core.errors import Conflict
from feedback.models import Role, StaffMembership
from feedback.workflow import actor_for
from surveys import services
from surveys.models import AnswerSet, Survey
from surveys.survey_input import parse_survey
from tests.sessions import dsn
from tests.surveys.conftest import inside, survey_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_actor(committed):
    """City staff with the surveys permissions, committed; deleted afterwards."""

    def create() -> int:
        user = User.objects.create_user(f"race-{uuid.uuid4().hex[:8]}")
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="surveys", codename__in=["add_survey", "change_survey"]
            )
        )
        StaffMembership.objects.create(user=user, role=Role.CITY_STAFF)
        return user.pk

    pk = committed(create)
    yield committed(lambda: actor_for(User.objects.get(pk=pk)))
    committed(lambda: User.objects.filter(pk=pk).delete())


@pytest.fixture
def open_survey(committed, wards, city_actor):
    """A published survey of the first ward, committed; deleted afterwards."""

    def create() -> int:
        draft = parse_survey(survey_body([wards[0].code]), partial=False)
        survey = services.create_survey(city_actor, draft)
        return services.publish(city_actor, survey.pk).pk

    pk = committed(create)
    yield committed(lambda: Survey.objects.get(pk=pk))
    committed(lambda: Survey.objects.filter(pk=pk).delete())


def test_an_answer_waiting_for_a_close_is_refused(committed, wards, open_survey):
    question = str(committed(lambda: open_survey.questions.first().pk))
    lon, lat = inside(wards[0])
    outcome: dict[str, object] = {}

    def answer() -> None:
        try:
            services.answer("late", open_survey.pk, lon, lat, {question: "yes"})
            outcome["result"] = "stored"
        except Conflict as refusal:
            outcome["result"] = refusal

    with psycopg.connect(dsn()) as closer:
        # A close in flight: the row held FOR UPDATE, as services.close holds it, not committed.
        closer.execute("SELECT 1 FROM surveys_survey WHERE id = %s FOR UPDATE", [open_survey.pk])
        closer.execute(
            "UPDATE surveys_survey SET status = 'closed', closed_at = now() WHERE id = %s",
            [open_survey.pk],
        )
        worker = threading.Thread(target=lambda: committed(answer))
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive(), "the answer must wait for the close in flight"
        closer.commit()
    worker.join(timeout=10)
    assert isinstance(outcome["result"], Conflict), outcome["result"]
    assert committed(lambda: AnswerSet.objects.filter(survey_id=open_survey.pk).count()) == 0


def test_a_close_waits_for_an_answer_in_flight(committed, open_survey, city_actor):
    closed: dict[str, object] = {}

    def close() -> None:
        closed["status"] = services.close(city_actor, open_survey.pk).status

    with psycopg.connect(dsn()) as answering:
        # An answer in flight: the row held FOR SHARE, as services.answer holds it.
        answering.execute("SELECT 1 FROM surveys_survey WHERE id = %s FOR SHARE", [open_survey.pk])
        worker = threading.Thread(target=lambda: committed(close))
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive(), "the close must wait for the answer in flight"
        answering.commit()
    worker.join(timeout=10)
    assert closed["status"] == "closed"
