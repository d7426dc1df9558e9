"""Place search: texts that name nothing, the limit, and bad input (each with its message)."""

import pytest

from core.errors import InvalidParameter
from feedback.places import resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["xyzzy qwerty", "12/3 Lê Lợi", "phường", "???"])
def test_text_naming_nothing_is_not_found(text):
    resolution = resolve(text)
    assert (resolution.status, resolution.candidates, resolution.place) == ("not_found", (), None)


def test_limit_caps_the_candidates():
    resolution = resolve("Phường 1", limit=3)
    assert resolution.status == "ambiguous"
    assert len(resolution.candidates) == 3


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_text_is_rejected(text):
    with pytest.raises(InvalidParameter) as caught:
        resolve(text)
    assert caught.value.as_dict() == {
        "detail": "Type an address or a place name.",
        "code": "invalid_parameter",
        "parameter": "address",
    }


def test_overlong_text_is_rejected():
    with pytest.raises(InvalidParameter) as caught:
        resolve("chợ " * 100)
    assert (caught.value.message, caught.value.parameter) == (
        "The address is over 300 characters.",
        "address",
    )


@pytest.mark.parametrize("limit", [0, -1, 51])
def test_limit_out_of_range_is_rejected(limit):
    with pytest.raises(InvalidParameter) as caught:
        resolve("chợ sao khuê", limit=limit)
    assert (caught.value.message, caught.value.parameter) == (
        "The limit must be between 1 and 50.",
        "limit",
    )
