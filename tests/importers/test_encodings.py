"""Vietnamese text encodings: real legacy files decode to NFC, and round trips.

The legacy bytes in ``tests/data/encodings/`` were made by other converters (glibc iconv and
the npm package vietnamese-conversion, see its README), so these tests hold our tables
against theirs, not our encoder against our decoder. Detection and encoding names have
modules of their own (``test_encoding_detection.py``, ``test_encoding_names.py``).
"""

import codecs
import csv
import io
import json
import unicodedata

import pyogrio.raw
import pytest

from importers.encoding_detection import detect
from importers.encodings import decode, from_cpg
from importers.vietnamese_codecs import VIETNAMESE_LETTERS
from tests.importers.encoded_files import (
    DATA,
    LETTERS,
    LOWER,
    SHAPEFILES,
    TCVN3_CAPITALS,
    cp1258_bytes,
    dbf_bytes,
    place_rows,
)


@pytest.fixture(scope="module")
def places() -> tuple[dict[str, str], ...]:
    """The fixtures' text as it should read: name, address, lon, lat."""
    return place_rows()


@pytest.fixture(scope="module")
def other_converters() -> dict[str, dict[str, bytes]]:
    """Per converter, the bytes it writes for each of the 134 letters (letter_tables.json)."""
    with open(DATA / "letter_tables.json", encoding="utf-8") as f:
        tables = json.load(f)
    converters = next(iter(tables.values())).keys()
    return {c: {letter: bytes.fromhex(t[c]) for letter, t in tables.items()} for c in converters}


# --- The fixtures: real legacy bytes ---------------------------------------------------------


def test_hand_written_letter_list_is_the_modules_134_letters():
    assert len(LETTERS) == len(set(LETTERS)) == 134
    assert set(LETTERS) == VIETNAMESE_LETTERS


@pytest.mark.parametrize("field", ["name", "address"])
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_shapefile_text_decodes_to_the_vietnamese_names(encoding, field, places):
    decoded = [decode(raw, encoding) for raw in dbf_bytes(encoding, field)]

    assert decoded == [place[field] for place in places]
    assert all(unicodedata.is_normalized("NFC", text) for text in decoded)


@pytest.mark.parametrize(
    ("encoding", "first_name"),
    [
        ("tcvn3", b"Ch\xee B\xd5n Th\xb5nh"),
        ("vni", b"Ch\xf4\xef Be\xe1n Tha\xf8nh"),
        ("cp1258", b"Ch\xf5\xf2 B\xea\xecn Th\xe0nh"),
    ],
)
def test_shapefile_holds_legacy_bytes_not_utf8(encoding, first_name):
    names = dbf_bytes(encoding, "name")

    assert names[0] == first_name  # "Chợ Bến Thành"
    for raw in names:
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_tcvn3_and_vni_shapefiles_have_no_cpg(encoding):
    assert not (DATA / f"{SHAPEFILES[encoding]}.cpg").exists()
    assert (DATA / f"{SHAPEFILES[encoding]}.dbf").exists()


def test_cp1258_shapefile_cpg_names_cp1258():
    text = (DATA / "places_cp1258.cpg").read_text(encoding="ascii")

    assert text == "1258"
    assert from_cpg(text) == "cp1258"


def test_shapefiles_are_points_in_ho_chi_minh_city():
    for stem in SHAPEFILES.values():
        meta, _fids, geometry, _fields = pyogrio.raw.read(DATA / f"{stem}.shp")
        assert meta["crs"] == "EPSG:4326"
        assert meta["geometry_type"] == "Point"
        assert len(geometry) == 8


def test_tcvn3_csv_reads_through_the_registered_codec(places):
    with open(DATA / "places_tcvn3.csv", encoding="tcvn3", newline="") as f:
        rows = list(csv.DictReader(f))

    assert [row["name"] for row in rows] == [place["name"] for place in places]
    assert [(row["lon"], row["lat"]) for row in rows] == [(p["lon"], p["lat"]) for p in places]


def test_tcvn3_csv_names_are_detected_as_tcvn3():
    text = (DATA / "places_tcvn3.csv").read_bytes().decode("latin-1")
    names = [row["name"].encode("latin-1") for row in csv.DictReader(io.StringIO(text))]

    detection = detect(names)

    assert detection.encoding == "tcvn3"
    assert detection.confidence >= 0.9


def test_tcvn3_reads_glibc_and_npm_bytes_for_every_letter_it_holds(other_converters):
    for converter in ("glibc TCVN5712-1", "npm vietnamese-conversion TCVN3"):
        table = other_converters[converter]
        for letter in LOWER + TCVN3_CAPITALS:
            assert decode(table[letter], "tcvn3") == letter, (converter, letter)


def test_cp1258_reads_glibc_bytes_for_every_letter(other_converters):
    table = other_converters["glibc CP1258"]

    assert [decode(table[letter], "cp1258") for letter in LETTERS] == list(LETTERS)


def test_vni_reads_npm_bytes_for_every_letter_but_its_y_bug(other_converters):
    table = other_converters["npm vietnamese-conversion VNI"]

    misread = {letter for letter in LETTERS if decode(table[letter], "vni") != letter}

    # vietnamese-conversion 2.0.0 writes ỷ ỹ as "ë" "ì", which in VNI are ặ's mark and ì.
    assert misread == {"ỷ", "ỹ", "Ỷ", "Ỹ"}
    assert "ỷỹ".encode("vni") == b"y\xfby\xf5"  # UniKey's VNI-WIN: y + hook, y + tilde


# --- NFC ---------------------------------------------------------------------------------------


def test_cp1258_combining_tones_come_out_composed():
    raw = b"Ph\xfd\xf5\xccng"  # glibc iconv's "Phường": ư, ơ, then a combining grave

    assert raw.decode("cp1258") == "Phươ\u0300ng"  # Python alone leaves the mark apart
    assert decode(raw, "Windows-1258") == "Phường"
    assert len(decode(raw, "cp1258")) == 6


def test_utf8_is_composed_and_loses_its_bom():
    raw = b"\xef\xbb\xbf" + unicodedata.normalize("NFD", "Phường").encode("utf-8")

    assert decode(raw, "UTF-8") == "Phường"


# --- Round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("letter", LOWER + TCVN3_CAPITALS)
def test_tcvn3_round_trips_each_letter_in_one_byte(letter):
    raw = letter.encode("tcvn3")

    assert len(raw) == 1 and raw[0] >= 0xA1
    assert decode(raw, "tcvn3") == letter


def test_tcvn3_cannot_hold_toned_capitals():
    capitals = [c for c in LOWER.upper() if c not in TCVN3_CAPITALS]
    assert len(capitals) == 60

    for letter in capitals:
        with pytest.raises(UnicodeEncodeError):
            letter.encode("tcvn3")


@pytest.mark.parametrize("letter", LETTERS)
def test_vni_round_trips_every_letter(letter):
    raw = letter.encode("vni")

    assert 1 <= len(raw) <= 2
    assert decode(raw, "vni") == letter


@pytest.mark.parametrize("letter", LETTERS)
def test_cp1258_round_trips_every_letter(letter):
    assert decode(cp1258_bytes(letter), "cp1258") == letter


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_all_letters_round_trip_in_one_string(encoding):
    text = " ".join(LETTERS if encoding == "vni" else LOWER + TCVN3_CAPITALS)

    assert decode(text.encode(encoding), encoding) == text


def test_vni_decoder_joins_a_vowel_and_its_mark_across_chunks():
    raw = "Bệnh viện Chợ Rẫy".encode("vni")
    decoder = codecs.getincrementaldecoder("vni")()

    pieces = [decoder.decode(raw[i : i + 1]) for i in range(len(raw))]

    assert "".join(pieces) + decoder.decode(b"", final=True) == "Bệnh viện Chợ Rẫy"


def test_vni_reads_the_single_byte_letters():
    # đ, ơ, ư, ì, í, ỉ, ĩ, ị, ỵ each take one byte in VNI (UniKey's VNI-WIN table).
    assert b"\xf1\xf4\xf6\xec\xed\xe6\xf3\xf2\xee".decode("vni") == "đơưìíỉĩịỵ"
    assert b"\xd1\xd4\xd6\xcc\xcd\xc6\xd3\xd2\xce".decode("vni") == "ĐƠƯÌÍỈĨỊỴ"


def test_vni_refuses_to_encode_what_it_would_read_back_wrong():
    with pytest.raises(UnicodeEncodeError):
        "Peña".encode("vni")  # ñ's byte is VNI's đ


def test_tcvn3_refuses_bytes_it_does_not_map():
    with pytest.raises(UnicodeDecodeError):
        b"\xb0".decode("tcvn3")
    assert decode(b"a\xb0", "tcvn3", errors="replace") == "a\ufffd"
