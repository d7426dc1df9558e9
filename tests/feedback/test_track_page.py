"""The residents' tracking page: public view only, both languages, forgiving codes."""

import pytest

from feedback.workflow import transition

pytestmark = pytest.mark.django_db


def test_the_page_shows_where_the_report_stands_and_nothing_private(client, item, actors):
    transition(actors["ward_staff"], item.tracking_code, "accepted", "Đã giao đội điện lực")
    response = client.get(f"/track/{item.tracking_code}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert item.tracking_code in text
    assert "Accepted" in text and "Đã giao đội điện lực" in text
    assert item.ward.name in text
    assert text.count("<li><time") == 2  # received, accepted
    for private in ("Nguyễn Văn A", "0909123456", f"{item.geom.x:.6f}", "dan"):
        assert private not in text


def test_the_api_links_to_the_page(client, item):
    body = client.get(f"/api/v1/feedback/track/{item.tracking_code}/").json()
    assert body["page"] == f"http://testserver/track/{item.tracking_code}/"
    assert client.get(body["page"]).status_code == 200


def test_vietnamese_by_default(vi_client, item):
    text = vi_client.get(f"/track/{item.tracking_code}/").content.decode()
    assert "Đã tiếp nhận" in text or "Tiếp nhận" in text
    assert 'lang="vi"' in text


def test_a_code_as_heard_goes_to_its_page(client, item):
    spoken = item.tracking_code.lower().replace("-", " ").replace("0", "o")
    response = client.get("/track/", {"code": spoken})
    assert response.status_code == 302
    assert response["Location"] == f"/track/{item.tracking_code}/"
    lower = client.get(f"/track/{item.tracking_code.lower()}/")
    assert lower.status_code == 302


def test_an_unknown_code_is_a_404_page_with_the_form(client):
    response = client.get("/track/HCM-0000-0000/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "HCM-0000-0000" in text and 'name="code"' in text


def test_a_rejected_report_shows_its_reason(client, item, actors):
    transition(actors["ward_staff"], item.tracking_code, "rejected", reason="Thuộc EVN xử lý")
    text = client.get(f"/track/{item.tracking_code}/").content.decode()
    assert "Thuộc EVN xử lý" in text and "Rejected" in text


def test_the_description_is_text_not_markup(client, wards, actors):
    from feedback.intake import Submission, submit

    from .conftest import inside

    lon, lat = inside(wards[0])
    made = submit(
        Submission("rac-thai", "<script>alert(1)</script>", "web", lon, lat), actors["resident"]
    )
    text = client.get(f"/track/{made.tracking_code}/").content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text
