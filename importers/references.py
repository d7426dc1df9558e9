"""What a file says about its coordinate system must be resolvable from the file itself.

GDAL resolves a GeoJSON ``crs`` member of type ``link`` or ``url`` (or a ``name`` that is a
URL) by fetching it, then uses what came back as the file's CRS; when it cannot resolve a
member it falls back, silently, to WGS 84. Both are refused here, before GDAL opens the
file, the way Django 5.2.19 refuses such members in geometries: only an EPSG/ESRI code, an
``AUTHORITY:CODE``, an OGC URN or a well-known name that PROJ knows without any I/O. A
``.prj`` beside the data must hold a coordinate system PROJ can read, not a reference.

``geoportal.gdal_network`` keeps GDAL off the network whatever slips past this; this module
is what turns such files into a clear refusal instead of a wrong CRS.
"""

import json
import mmap
import re
from pathlib import Path

from django.contrib.gis.gdal.geojson import ExternalCRSBlocker
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from pyproj import CRS
from pyproj.exceptions import CRSError

from importers.errors import UnreadableFile, UnsafeFile

# A member named "crs" (GDAL compares names case-insensitively, as C strings, after JSON
# unescaping): "crs", "CRS", "\u0063rs", "crs\u0000anything".
_CRS_MEMBER = re.compile(
    rb'"(?:c|\\u0063)(?:r|\\u0072)(?:s|\\u0073)(?:\\u0000(?:[^"\\]|\\.)*)?"\s*:\s*',
    re.IGNORECASE,
)
_MEMBER_BYTES = 64 * 1024  # a crs member is a few hundred bytes; anything longer is refused
_CODE_TYPES = {"epsg": "EPSG", "esri": "ESRI"}


def _refuse(name: str, reason: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "'{name}' names its coordinate system by reference ({reason}); the importer "
            "fetches nothing a file names. Give the CRS as a code instead, e.g. "
            '"crs": {{"type": "name", "properties": {{"name": "EPSG:9210"}}}}, or with --srs.'
        ).format(name=name, reason=reason),
        parameter="file",
    )


def _unresolvable(name: str, what: str) -> UnreadableFile:
    return UnreadableFile(
        _(
            "'{name}' declares the coordinate system {what}, which is not one PROJ knows; "
            "the importer would otherwise have to guess. Correct it, or state the CRS with --srs."
        ).format(name=name, what=what),
        parameter="file",
    )


def _key(raw: str) -> str:
    return ExternalCRSBlocker.normalize_key(raw)


def check_crs_member(member: object, name: str) -> None:
    """One GeoJSON ``crs`` value: null, or a code PROJ resolves without I/O; else refused."""
    if member is None:
        return
    if not isinstance(member, dict):
        raise _unresolvable(name, repr(member)[:80])
    try:
        ExternalCRSBlocker.check_member(member)
    except (SuspiciousOperation, ValueError):
        raise _refuse(name, json.dumps(member, ensure_ascii=False)[:200]) from None
    fields = {_key(k): v for k, v in member.items()}
    kind = str(fields.get("type", "")).lower()
    properties = fields.get("properties")
    properties = {_key(k): v for k, v in properties.items()} if isinstance(properties, dict) else {}
    if kind == "name" and isinstance(properties.get("name"), str):
        text = properties["name"]
    elif kind in _CODE_TYPES and str(properties.get("code", "")).isdigit():
        text = f"{_CODE_TYPES[kind]}:{properties['code']}"
    else:  # GDAL would ignore it and say WGS 84
        raise _unresolvable(name, json.dumps(member, ensure_ascii=False)[:200])
    try:
        CRS.from_user_input(text)
    except CRSError:
        raise _unresolvable(name, repr(text)) from None


def check_geojson(path: Path, name: str) -> None:
    """Every ``crs`` member of a GeoJSON file, found without loading the file (memory flat)."""
    if path.stat().st_size == 0:
        return
    decoder = json.JSONDecoder()
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for found in _CRS_MEMBER.finditer(data):
            window = data[found.end() : found.end() + _MEMBER_BYTES].decode("utf-8", "ignore")
            try:
                member, _end = decoder.raw_decode(window)
            except json.JSONDecodeError:
                if window.startswith(("{", "[", '"')) or window[:1].isalnum():
                    # A crs member too long or broken to read: GDAL would read it its way.
                    raise _unresolvable(name, repr(window[:80])) from None
                continue  # not a member after all (e.g. the text "crs": inside a string)
            check_crs_member(member, name)


def check_prj(path: Path, name: str) -> None:
    """The ``.prj`` beside ``path``, if any, holds a CRS PROJ reads (WKT), not a reference."""
    for prj in path.parent.glob(path.stem + ".*"):
        if prj.suffix.lower() != ".prj":
            continue
        text = prj.read_bytes()[: 1 << 20].decode("utf-8", "replace").strip().lstrip("\ufeff")
        label = f"{name.rsplit('/', 1)[0]}/{prj.name}" if "/" in name else prj.name
        if not text:
            continue  # an empty .prj says nothing: as if absent
        if "://" in text or text.lower().startswith(("http", "ftp", "/vsi", "file:")):
            raise _refuse(label, text[:200])
        try:
            CRS.from_wkt(text)
        except CRSError:
            raise _unresolvable(label, repr(text[:80])) from None
