"""The legacy-encoded fixtures of ``tests/data/encodings/`` (made by other converters: its
README) and the letters they hold, for the encoding tests."""

import csv
import unicodedata
from functools import cache
from pathlib import Path

import pyogrio.raw

DATA = Path(__file__).parents[1] / "data" / "encodings"
SHAPEFILES = {"tcvn3": "places_tcvn3", "vni": "places_vni", "cp1258": "places_cp1258"}
# Written out by hand: the 67 lower-case letters that are not ASCII, by base vowel.
LOWER = ("áàảãạ ăắằẳẵặ âấầẩẫậ đ éèẻẽẹ êếềểễệ íìỉĩị óòỏõọ ôốồổỗộ ơớờởỡợ úùủũụ ưứừửữự ýỳỷỹỵ").replace(
    " ", ""
)
LETTERS = LOWER + LOWER.upper()
TCVN3_CAPITALS = "ĂÂÊÔƠƯĐ"


@cache
def place_rows() -> tuple[dict[str, str], ...]:
    """The fixtures' text as it should read: name, address, lon, lat."""
    with open(DATA / "places_utf8.csv", encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def dbf_bytes(encoding: str, field: str) -> list[bytes]:
    """A text field's raw bytes as GDAL reads them (ISO-8859-1 maps each byte to itself)."""
    path = DATA / f"{SHAPEFILES[encoding]}.shp"
    _meta, _fids, _geometry, fields = pyogrio.raw.read(path, encoding="ISO-8859-1", columns=[field])
    return [value.encode("latin-1") for value in fields[0]]


def cp1258_bytes(letter: str) -> bytes:
    """``letter`` as Windows-1258 writes it: base letter, then the tone as a combining mark."""
    decomposed = unicodedata.normalize("NFD", letter)
    tones = "".join(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
    return (base + tones).encode("cp1258")  # Python's own codec, not ours
