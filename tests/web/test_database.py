"""The browser tests' server reads the test database, never the configured one.

pytest-django creates the test database only when a collected test asks for it: this
module's test asks, so running ``tests/web/`` (or any file of it together with this one)
serves ``test_...``; ``server_url`` refuses to start on any other database."""

import pytest
import requests
from django.db import connection

from feedback.models import FeedbackCategory

CODE = "thu-csdl-trang-web"


@pytest.mark.django_db
def test_the_server_serves_the_test_database(server_url, committed):
    assert connection.settings_dict["NAME"].startswith("test_")
    committed(
        lambda: FeedbackCategory.objects.create(
            code=CODE, name_vi="Thử", name_en="Test", deadline_amount=3
        )
    )
    try:
        answer = requests.get(f"{server_url}/api/v1/feedback/categories/", timeout=30)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        rows = body["results"] if isinstance(body, dict) else body
        assert CODE in [row["code"] for row in rows]
    finally:
        committed(lambda: FeedbackCategory.objects.filter(code=CODE).delete())
