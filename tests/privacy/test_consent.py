"""Consent: every report records the purpose and notice version agreed to; the notice."""

import pytest
from django.conf import settings

from apikeys.keys import create_key
from feedback.models import FeedbackCategory, FeedbackItem
from tests.feedback.rest import post, report
from tests.feedback.test_open311 import file_request

pytestmark = pytest.mark.django_db

NOTICE = "/api/v1/privacy/notice/"


def test_report_without_consent_fields_records_the_notices_defaults(client, wards):
    response = post(client, report(wards[0]))
    assert response.status_code == 201
    item = FeedbackItem.objects.get(tracking_code=response.json()["tracking_code"])
    assert item.consent_purpose == "feedback_handling"
    assert item.consent_notice_version == settings.COMMONMAP["PRIVACY_NOTICE_VERSION"]
    assert item.consent_at is not None


def test_report_records_the_purpose_and_version_sent(client, wards):
    body = report(wards[0], consent_purpose="service_improvement", consent_notice_version="2025-07")
    response = post(client, body)
    assert response.status_code == 201
    item = FeedbackItem.objects.get(tracking_code=response.json()["tracking_code"])
    assert (item.consent_purpose, item.consent_notice_version) == ("service_improvement", "2025-07")


def test_unknown_purpose_is_a_400_naming_it(client, wards):
    response = post(client, report(wards[0], consent_purpose="marketing"))
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "consent_purpose"
    assert "'marketing'" in body["detail"] and "feedback_handling" in body["detail"]
    assert not FeedbackItem.objects.exists()


def test_malformed_notice_version_is_a_400_naming_it(client, wards):
    response = post(client, report(wards[0], consent_notice_version="2026 01; drop"))
    assert response.status_code == 400
    assert response.json()["parameter"] == "consent_notice_version"


def test_consent_that_is_not_text_is_a_400(client, wards):
    response = post(client, report(wards[0], consent_purpose=["feedback_handling"]))
    assert response.status_code == 400
    assert response.json()["parameter"] == "consent_purpose"


def test_notice_lists_version_purposes_retention_and_both_languages(client):
    response = client.get(NOTICE)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == settings.COMMONMAP["PRIVACY_NOTICE_VERSION"]
    assert body["purposes"][0]["default"] is True
    lights = next(c for c in body["retention"]["categories"] if c["code"] == "den-duong")
    assert lights["retention_days"] == settings.COMMONMAP["RETENTION_DAYS"]
    assert body["request_answer_hours"] == {"export": 72, "correct": 72, "delete": 72}
    assert "Nghị định 13/2023" in body["text"]["vi"] and "Decree" in body["text"]["en"]


def test_notice_shows_a_categorys_own_retention(client):
    FeedbackCategory.objects.filter(code="den-duong").update(retention_days=30)
    body = client.get(NOTICE).json()
    lights = next(c for c in body["retention"]["categories"] if c["code"] == "den-duong")
    assert lights["retention_days"] == 30


def test_open311_request_records_consent_and_refuses_an_unknown_purpose(client, wards):
    raw = create_key("aggregator", ["open311"])[1]
    response = file_request(client, raw, wards[0], consent_purpose="service_improvement")
    assert response.status_code == 201
    code = response.json()[0]["service_request_id"]
    assert FeedbackItem.objects.get(tracking_code=code).consent_purpose == "service_improvement"
    refused = file_request(client, raw, wards[0], consent_purpose="ads")
    assert refused.status_code == 400
    assert "Unknown consent purpose 'ads'" in refused.json()[0]["description"]
