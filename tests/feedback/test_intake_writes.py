"""Intake in one statement: the queries a report makes (the outbox's included), the answer
built from what was written (equal to a fresh read), the catalogue and the calendar kept
per process and checked on every write, the race on a key, a tracking code drawn again,
the rate limit's windows."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apikeys.keys import create_key
from core.errors import InvalidParameter, TooManyRequests
from feedback import intake, ratelimit
from feedback.deadlines import first_deadline
from feedback.intake import Submission, file_once, submit
from feedback.models import FeedbackCategory, FeedbackItem, IdempotencyRecord, RateWindow, Role
from feedback.workflow import Actor
from notifications.models import Notification
from tests.feedback.conftest import inside
from workdays import calendar
from workdays.models import CalendarDay, DayKind

from .rest import limits, post, report

pytestmark = pytest.mark.django_db

QUERIES = 6  # the budget for a report, the notifications outbox's included


def _outbox(query: dict) -> bool:
    """A statement of the notifications outbox (``step_recorded``'s receiver), not intake's."""
    sql = query["sql"]
    return "notifications_" in sql or "procrastinate" in sql


def _split(captured) -> tuple[list[str], list[str]]:
    own = [q["sql"] for q in captured.captured_queries if not _outbox(q)]
    outbox = [q["sql"] for q in captured.captured_queries if _outbox(q)]
    return own, outbox


def _post_counted(client, ward, django_assert_max_num_queries, **extra):
    """A warm-up report (catalogue, calendar, templates, a key's first use), then one
    counted: at most six queries in all, one of them the outbox's."""
    assert post(client, report(ward), str(uuid.uuid4()), **extra).status_code == 201
    with (
        CaptureQueriesContext(connection) as captured,
        django_assert_max_num_queries(QUERIES),
    ):
        response = post(client, report(ward), str(uuid.uuid4()), **extra)
    assert response.status_code == 201, response.content
    _own, outbox = _split(captured)
    # The outbox writes the step's notifications and their jobs in one statement, inside
    # the report's transaction: last before its end (a COMMIT, here a savepoint's release).
    assert len(outbox) == 1, "\n".join(outbox)
    sql = [q["sql"] for q in captured.captured_queries]
    assert sql.index(outbox[0]) == len(sql) - 2
    assert sql[-1] == "COMMIT" or sql[-1].startswith("RELEASE SAVEPOINT")
    code = response.json()["tracking_code"]
    assert Notification.objects.filter(item__tracking_code=code).exists()
    return response


def test_an_anonymous_report_makes_at_most_six_queries(
    client, wards, django_assert_max_num_queries
):
    _post_counted(client, wards[0], django_assert_max_num_queries)


def test_a_report_with_an_api_key_makes_at_most_six_queries(
    client, wards, django_assert_max_num_queries
):
    _key, raw = create_key("counted", ["feedback"])
    response = _post_counted(client, wards[0], django_assert_max_num_queries, HTTP_X_API_KEY=raw)
    assert FeedbackItem.objects.get(tracking_code=response.json()["tracking_code"]).api_key_id


def test_the_answer_built_from_the_write_equals_a_fresh_read(client, wards):
    # A resolved-then-open neighbour makes the duplicates non-empty.
    lon, lat = inside(wards[0])
    earlier = submit(
        Submission(category="den-duong", description="Đèn tắt", channel="app", lon=lon, lat=lat),
        Actor(None, Role.RESIDENT),
    )
    response = post(client, report(wards[0]), str(uuid.uuid4()))
    assert response.status_code == 201
    written = response.json()
    read = client.get(f"/api/v1/feedback/track/{written['tracking_code']}/").json()
    offered = written.pop("possible_duplicates")
    assert written == read
    assert [d["tracking_code"] for d in offered] == [earlier.tracking_code]
    asked = client.get(
        "/api/v1/feedback/duplicates/", {"category": "den-duong", "lon": lon, "lat": lat}
    ).json()["results"]
    assert offered == [d for d in asked if d["tracking_code"] != written["tracking_code"]]


def test_a_residents_answer_equals_their_fresh_read(client, wards, people):
    client.force_login(people["resident"])
    written = post(client, report(wards[0])).json()
    written.pop("possible_duplicates")
    read = client.get(f"/api/v1/feedback/items/{written['tracking_code']}/").json()
    assert written == read


def _category_report(ward, category="den-duong") -> Submission:
    lon, lat = inside(ward)
    return Submission(category=category, description="Đèn", channel="app", lon=lon, lat=lat)


def test_a_category_changed_by_another_process_is_noticed_by_the_next_report(wards, actors):
    submit(_category_report(wards[0]), actors["resident"])  # the catalogue is now known
    # .update() sends no signal: as if another gunicorn worker or the admin changed it.
    FeedbackCategory.objects.filter(code="den-duong").update(
        deadline_amount=24, deadline_unit="hours"
    )
    item = submit(_category_report(wards[0]), actors["resident"])
    item.refresh_from_db()
    assert item.deadline_at - item.created_at == timezone.timedelta(hours=24)
    assert item.category.deadline_unit == "hours"


def test_a_category_deactivated_elsewhere_is_refused(wards, actors):
    submit(_category_report(wards[0]), actors["resident"])
    FeedbackCategory.objects.filter(code="den-duong").update(is_active=False)
    with pytest.raises(InvalidParameter) as refused:
        submit(_category_report(wards[0]), actors["resident"])
    assert refused.value.parameter == "category"
    assert not FeedbackItem.objects.filter(category__code="den-duong").count() > 1


def test_a_category_added_elsewhere_is_taken_at_once(wards, actors):
    submit(_category_report(wards[0]), actors["resident"])
    FeedbackCategory.objects.bulk_create(  # no signal: another process's insert
        [FeedbackCategory(code="ho-ga", name_vi="Hố ga", name_en="Manhole", deadline_amount=8)]
    )
    item = submit(_category_report(wards[0], "ho-ga"), actors["resident"])
    assert item.category.code == "ho-ga"


def test_a_calendar_day_entered_by_another_process_is_noticed_by_the_next_report(wards, actors):
    FeedbackCategory.objects.filter(code="den-duong").update(
        deadline_amount=3, deadline_unit="working_days"
    )
    submit(_category_report(wards[0]), actors["resident"])  # the calendar is now held
    held, _state = calendar.held()
    today = timezone.localdate()
    # bulk_create sends no signal: as if another gunicorn worker's admin entered them.
    CalendarDay.objects.bulk_create(
        CalendarDay(date=today + timedelta(days=n), kind=DayKind.DAY_OFF, name_vi="Nghỉ")
        for n in range(1, 10)
    )
    item = submit(_category_report(wards[0]), actors["resident"])
    category = FeedbackCategory.objects.get(code="den-duong")
    assert item.deadline_at == first_deadline(category, item.created_at)  # a fresh read's
    assert item.deadline_at != first_deadline(category, item.created_at, on=held)
    item.refresh_from_db()
    assert item.deadline_at == first_deadline(category, item.created_at)


def test_a_tracking_code_already_taken_is_drawn_again(wards, actors, monkeypatch):
    taken = submit(_category_report(wards[0]), actors["resident"]).tracking_code
    codes = iter([taken, "HCM-0000-0001"])
    monkeypatch.setattr(intake, "new_tracking_code", lambda: next(codes))
    assert submit(_category_report(wards[0]), actors["resident"]).tracking_code == "HCM-0000-0001"


def test_a_key_taken_between_the_lookup_and_the_write_returns_the_first_item(wards, actors):
    submission = _category_report(wards[0])
    first, created = intake.submit_once(submission, actors["resident"], scope="s", key="k")
    # The second request read the key's record before the first wrote it: its write hits
    # the unique key, and it answers with the first request's item.
    again, written = file_once(
        submission, actors["resident"], scope="s", key="k", known=None, looked_up=True
    )
    assert (again.pk, written, created) == (first.pk, None, True)
    assert IdempotencyRecord.objects.filter(scope="s", key="k").count() == 1
    assert FeedbackItem.objects.count() == 1


def test_a_request_refused_by_the_minute_is_not_counted_in_the_hour():
    with limits(FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=100):
        now = timezone.now().replace(second=10)
        ratelimit.hit("c", now=now)
        with pytest.raises(TooManyRequests):
            ratelimit.hit("c", now=now)
    hits = dict(RateWindow.objects.filter(bucket__endswith=":c").values_list("bucket", "hits"))
    assert hits == {"submit:60:c": 2, "submit:3600:c": 1}


def test_a_window_switched_off_is_not_counted():
    with limits(FEEDBACK_ANON_PER_MINUTE=0, FEEDBACK_ANON_PER_HOUR=2):
        now = timezone.now().replace(second=10)
        ratelimit.hit("d", now=now)
        ratelimit.hit("d", now=now)
        with pytest.raises(TooManyRequests) as refused:
            ratelimit.hit("d", now=now)
    assert "hour" in str(
        refused.value.detail if hasattr(refused.value, "detail") else refused.value
    )
    hits = dict(RateWindow.objects.filter(bucket__endswith=":d").values_list("bucket", "hits"))
    assert hits == {"submit:3600:d": 3}
