"""Shared pieces of the vetting tests (format, size, archives, XML): the real files of
``../shared/data`` and hostile archives built with ``zipfile`` and ``struct``."""

import struct
import zipfile
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "shared"  # copies of ../shared/data
GPKG = DATA / "derived" / "ne_vnm_admin1.gpkg"
KML = DATA / "derived" / "ne_vnm_admin1.kml"
SHP = DATA / "derived" / "shp_wgs84" / "ne_vnm_admin1.shp"
CSV = DATA / "derived" / "ne_vnm_admin1_wkt.csv"
GEOJSON = DATA / "natural_earth" / "ne_10m_admin1_vnm.geojson"
MIB = 1 << 20
KML_NS = 'xmlns="http://www.opengis.net/kml/2.2"'


def refused(cls, call, *args, **kwargs):
    """Run ``call``, assert it raises exactly ``cls`` (not a subclass), return the error."""
    with pytest.raises(Exception) as info:  # the exact class is checked below
        call(*args, **kwargs)
    assert type(info.value) is cls, f"{type(info.value).__name__}: {info.value}"
    assert info.value.parameter == "file"
    return info.value


def make_zip(path: Path, entries: dict, method=zipfile.ZIP_DEFLATED) -> Path:
    """A ZIP of ``{name or ZipInfo: bytes}``."""
    with zipfile.ZipFile(path, "w", method) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return path


def central_offset(data: bytes) -> int:
    """Offset of the first central directory record (the archives here have no comment)."""
    return struct.unpack_from("<L", data, len(data) - 22 + 16)[0]


def patch_first_entry(path: Path, *, size=None, crc=None, flags=None) -> None:
    """Rewrite the first entry's size, CRC or flag bits in both its local and central header."""
    data = bytearray(path.read_bytes())
    central = central_offset(data)
    # (flags, crc, uncompressed size) offsets in the local header, then the central one.
    for flag_at, crc_at, size_at in ((6, 14, 22), (central + 8, central + 16, central + 24)):
        for value, at, fmt in ((flags, flag_at, "<H"), (crc, crc_at, "<L"), (size, size_at, "<L")):
            if value is not None:
                struct.pack_into(fmt, data, at, value)
    path.write_bytes(bytes(data))


def listing(folder: Path) -> list[str]:
    """Every path under ``folder``, relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
