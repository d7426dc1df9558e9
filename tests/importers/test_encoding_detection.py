"""Guessing a file's text encoding (``importers.encoding_detection``) from real legacy
Shapefiles made by other converters (``tests/data/encodings/``)."""

import dataclasses

import pytest

from importers.encoding_detection import Detection, detect
from tests.importers.encoded_files import dbf_bytes, place_rows


@pytest.fixture(scope="module")
def places() -> tuple[dict[str, str], ...]:
    """The fixtures' text as it should read: name, address, lon, lat."""
    return place_rows()


@pytest.mark.parametrize("field", ["name", "address"])
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_detect_picks_the_encoding_of_each_shapefile(encoding, field):
    detection = detect(dbf_bytes(encoding, field))

    assert detection.encoding == encoding
    assert detection.confidence >= 0.9
    label = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI", "cp1258": "Windows-1258"}[encoding]
    assert detection.reason.startswith(f"The text is not UTF-8. Read as {label}, ")


@pytest.mark.parametrize("size", [1, 2])
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_detect_needs_only_one_or_two_names(encoding, size):
    names = dbf_bytes(encoding, "name")

    guesses = [detect(names[i : i + size]).encoding for i in range(len(names))]

    assert guesses == [encoding] * len(names)


def test_detect_reason_quotes_the_text_as_read():
    detection = detect([b"\xa7\xad\xeang L\xaa L\xeei"])

    assert detection == Detection(
        "tcvn3",
        1.0,
        "The text is not UTF-8. Read as TCVN3 (ABC), 3 of 3 accented words are Vietnamese "
        "syllables (e.g. 'Đường Lê Lợi'); read as Windows-1258, 0 of 3 are.",
    )


def test_detect_ascii_only_is_utf8():
    detection = detect([b"Quan 1", b"Ben Thanh"])

    assert detection == Detection(
        "utf-8", 1.0, "The text is ASCII only, so it reads the same in every encoding."
    )


def test_detect_valid_utf8_is_utf8(places):
    detection = detect([place["name"].encode("utf-8") for place in places])

    assert detection.encoding == "utf-8"
    assert detection.confidence == 1.0
    assert detection.reason.startswith("The text is valid UTF-8")


def test_detect_without_text_has_no_confidence():
    assert detect([b"", b""]).confidence == 0.0


def test_detect_non_vietnamese_text_has_low_confidence():
    samples = ["Café São Paulo".encode("cp1252"), "Müller Straße".encode("cp1252")]

    detection = detect(samples)

    assert detection.confidence < 0.5
    assert detection.reason.endswith(
        "None of the readings looks like Vietnamese: check the encoding."
    )


def test_detection_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        detect([b"x"]).encoding = "vni"
