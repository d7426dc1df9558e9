"""The city app's back end acting for a pseudonymous resident: an API key with the
``residents`` scope and ``X-Resident-Id``."""

import pytest
from django.test import RequestFactory

from apikeys.keys import create_key, revoke
from core.errors import Forbidden, InvalidParameter
from residents.errors import ResidentNotAuthenticated
from residents.identity import resident_of
from tests.residents.conftest import ME
from tests.residents.helpers import service_headers, service_resident_key_of

pytestmark = pytest.mark.django_db

BAD_ID = "X-Resident-Id must be 1 to 128 printable ASCII characters without spaces."


def key_with(*scopes: str) -> str:
    return create_key("the city app", list(scopes))[1]


def test_a_key_with_the_scope_acts_for_the_named_resident(client):
    response = client.get(ME, **service_headers("resident-42"))
    assert response.status_code == 200
    assert response.json() == {"authenticated": True, "via": "service"}


def test_no_credentials_is_a_401_with_a_bearer_challenge(client):
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "This is for residents: sign in with the city's app (a bearer token) "
        "or call from its back end with an API key and X-Resident-Id.",
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="Common Map residents"'


def test_a_resident_id_without_a_key_is_a_401(client):
    response = client.get(ME, HTTP_X_RESIDENT_ID="resident-42")
    assert response.status_code == 401
    body = response.json()
    assert body["detail"] == (
        "X-Resident-Id is for the city app's back end: send its API key with it."
    )
    assert response["WWW-Authenticate"].startswith("Bearer ")


def test_an_unknown_key_is_a_401(client):
    response = client.get(ME, HTTP_X_API_KEY="cm_00000000_nope", HTTP_X_RESIDENT_ID="r")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_api_key"
    assert response.json()["detail"] == "Unknown API key."


def test_a_revoked_key_is_a_401(client):
    raw = key_with("residents")
    revoke(raw)
    response = client.get(ME, HTTP_X_API_KEY=raw, HTTP_X_RESIDENT_ID="r")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("This API key was revoked on ")


def test_a_key_without_the_scope_is_a_403(client):
    response = client.get(ME, HTTP_X_API_KEY=key_with("feedback"), HTTP_X_RESIDENT_ID="r")
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "detail": "This API key is not for residents; its scopes are feedback.",
    }


def test_a_key_without_a_resident_id_is_a_400_naming_the_header(client):
    response = client.get(ME, HTTP_X_API_KEY=key_with("residents"))
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_parameter",
        "parameter": "X-Resident-Id",
        "detail": "An API key acts for one resident: name them in the X-Resident-Id header.",
    }


@pytest.mark.parametrize(
    "resident_id", ["", "two words", "x" * 129, "tab\there", "ng\u01b0\u1eddi", "nul\x7f"]
)
def test_a_malformed_resident_id_is_a_400_naming_the_header(client, resident_id):
    response = client.get(ME, HTTP_X_API_KEY=key_with("residents"), HTTP_X_RESIDENT_ID=resident_id)
    assert response.status_code == 400
    body = response.json()
    assert (body["parameter"], body["detail"]) == ("X-Resident-Id", BAD_ID)


def test_a_resident_id_of_128_printable_characters_is_accepted(client):
    response = client.get(ME, **service_headers("~" + "A" * 126 + "!"))
    assert response.status_code == 200


def test_a_bearer_token_and_a_resident_id_together_are_a_400(client):
    headers = {**service_headers("r"), "HTTP_AUTHORIZATION": "Bearer abc"}
    response = client.get(ME, **headers)
    assert response.status_code == 400
    assert response.json()["parameter"] == "X-Resident-Id"


def test_a_plain_django_request_is_read_the_same_way():
    request = RequestFactory().get("/", **service_headers("resident-42"))
    resident = resident_of(request)
    assert (resident.key, resident.via) == (service_resident_key_of("resident-42"), "service")


def test_a_plain_django_request_is_refused_the_same_way():
    factory = RequestFactory()
    with pytest.raises(ResidentNotAuthenticated):
        resident_of(factory.get("/"))
    with pytest.raises(Forbidden):
        resident_of(factory.get("/", HTTP_X_API_KEY=key_with("open311"), HTTP_X_RESIDENT_ID="r"))
    with pytest.raises(InvalidParameter):
        resident_of(factory.get("/", HTTP_X_API_KEY=key_with("residents")))


def test_the_key_of_a_resident_is_never_in_its_repr():
    request = RequestFactory().get("/", **service_headers("resident-42"))
    resident = resident_of(request)
    assert resident.key not in repr(resident)
