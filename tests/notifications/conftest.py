"""Notifications fixtures: a ward and a category to report in, people, steps, real local
receivers, and the committed world a real worker (another connection) can see."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from procrastinate.contrib.django import app

from feedback.intake import Submission, submit
from feedback.models import FeedbackCategory, FeedbackItem
from feedback.workflow import actor_for, transition
from layers.models import AdministrativeArea
from notifications.models import WebhookEndpoint
from tests.notifications.servers import HttpReceiver, SmtpServer

CATEGORY = "thu-thong-bao"
SECRET = "bi-mat-cua-dich-vu"


@pytest.fixture
def place(django_db_blocker) -> tuple[float, float]:
    """A point inside a current ward of the demo city."""
    with django_db_blocker.unblock():
        ward = (
            AdministrativeArea.objects.filter(level="ward", generation__valid_to__isnull=True)
            .order_by("code")
            .first()
        )
        point = ward.geom.point_on_surface
    return point.x, point.y


def ensure_category() -> FeedbackCategory:
    """The category the tests report in."""
    category, _created = FeedbackCategory.objects.get_or_create(
        code=CATEGORY,
        defaults={"name_vi": "Đèn đường hỏng", "name_en": "Broken light", "deadline_amount": 72},
    )
    return category


@pytest.fixture
def category(db) -> FeedbackCategory:
    """The category the tests report in (inside the test's transaction)."""
    return ensure_category()


def file_report(actor, place: tuple[float, float], **fields) -> FeedbackItem:
    """File a report as ``actor`` at ``place``."""
    lon, lat = place
    return submit(
        Submission(
            category=CATEGORY,
            description="Đèn đường không sáng",
            channel="app",
            lon=lon,
            lat=lat,
            reporter_name="Nguyễn Văn A",
            reporter_phone="0909123456",
            **fields,
        ),
        actor,
    )


@pytest.fixture
def staff(db) -> object:
    """An administrator's workflow actor."""
    return actor_for(User.objects.create_superuser("quan_tri_tb", password=None))


@pytest.fixture
def resident(db) -> User:
    """A signed-in resident."""
    return User.objects.create_user("cu_dan_tb")


@pytest.fixture
def make_item(place, category):
    """File a report: ``make_item(actor, reporter_email=..., api_key=...)``."""

    def make(actor, **fields) -> FeedbackItem:
        return file_report(actor, place, **fields)

    return make


def step(staff, item: FeedbackItem, to: str, note: str = "", **kwargs) -> FeedbackItem:
    """Take a workflow step as staff."""
    return transition(staff, item.tracking_code, to, note, **kwargs)


@pytest.fixture
def receiver():
    """A real HTTP receiver on 127.0.0.1."""
    server = HttpReceiver().start()
    yield server
    server.stop()


def make_endpoint(receiver: HttpReceiver) -> WebhookEndpoint:
    """An active webhook endpoint for most events, at the receiver."""
    return WebhookEndpoint.objects.create(
        name="Trung tâm điều hành",
        url=receiver.url + "/hook",
        secret=SECRET,
        events=["received", "accepted", "in_progress", "resolved", "closed", "reopened"],
    )


@pytest.fixture
def endpoint(db, receiver) -> WebhookEndpoint:
    """An active webhook endpoint at the receiver."""
    return make_endpoint(receiver)


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, configured as the site's."""
    server = SmtpServer().start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    yield server
    server.stop()


@pytest.fixture
def fast_retries(settings):
    """Retries without waiting, and a dead letter after three attempts."""
    settings.COMMONMAP = {
        **settings.COMMONMAP,
        "NOTIFY_RETRY_BASE_S": 0,
        "NOTIFY_MAX_ATTEMPTS": 3,
    }


def run_worker() -> None:
    """Run a real procrastinate worker in this process until the notifications queue is
    empty (only for transactional tests: the worker reads committed rows)."""
    with app.replace_connector(app.connector.get_worker_connector()):
        app.run_worker(
            queues=["notifications"], wait=False, install_signal_handlers=False, concurrency=1
        )


def _create_world(receiver: HttpReceiver) -> dict:
    ensure_category()
    user = User.objects.create_superuser("quan_tri_tho", password=None)
    return {"staff": actor_for(user), "user": user, "endpoint": make_endpoint(receiver)}


def _remove_world() -> None:
    FeedbackItem.objects.filter(category__code=CATEGORY).delete()  # events, notifications
    WebhookEndpoint.objects.filter(name="Trung tâm điều hành").delete()
    User.objects.filter(username="quan_tri_tho").delete()
    FeedbackCategory.objects.filter(code=CATEGORY).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs WHERE queue_name = 'notifications'")


@pytest.fixture
def world(committed, receiver, place):
    """Committed rows a worker can see (the category, an admin, an endpoint at the
    receiver); removed, with the items and jobs made on them, after the test."""
    # Only a test marked django_db has its connections pointed at the test database.
    assert connection.settings_dict["NAME"].startswith("test"), "mark the test django_db"
    committed(_remove_world)  # what an interrupted run left
    made = committed(lambda: _create_world(receiver))
    yield made
    committed(_remove_world)
