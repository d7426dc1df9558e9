"""What a file is, by its content: the format its first bytes show, against its name.

Staff uploads are not always what their names say (a ``.gpkg`` that is a ZIP, a ``.dbf``
uploaded as ``.shp``); the importer refuses those with a hint before GDAL opens anything.
"""

import codecs
import re
import struct
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from importers.errors import FormatMismatch, UnreadableFile, file_refusal

# Extension -> the format sniff() must find inside.
_EXTENSIONS = {
    ".zip": "zip",
    ".kmz": "zip",
    ".gpkg": "gpkg",
    ".fgb": "fgb",
    ".shp": "shp",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".csv": "csv",
    ".txt": "csv",
}
_EXTENSION_FOR = {fmt: ext for ext, fmt in reversed(_EXTENSIONS.items())}
_DESCRIPTIONS = {
    "zip": gettext_lazy("a ZIP archive"),
    "gpkg": gettext_lazy("a GeoPackage"),
    "sqlite": gettext_lazy("an SQLite database that is not a GeoPackage"),
    "fgb": gettext_lazy("a FlatGeobuf file"),
    "shp": gettext_lazy("a Shapefile (.shp)"),
    "dbf": gettext_lazy("a dBASE table (.dbf), the attribute part of a Shapefile"),
    "geojson": gettext_lazy("GeoJSON"),
    "kml": gettext_lazy("KML"),
    "xml": gettext_lazy("XML that is not KML"),
    "csv": gettext_lazy("a CSV file"),
    "text": gettext_lazy("plain text with no delimiter on its first line"),
}
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")
_DBF_VERSIONS = frozenset(b"\x02\x03\x04\x05\x30\x31\x32\x43\x63\x83\x8b\x8e\xcb\xf5\xfb")
_BOMS = {
    codecs.BOM_UTF8: "utf-8",
    codecs.BOM_UTF16_LE: "utf-16-le",
    codecs.BOM_UTF16_BE: "utf-16-be",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_PROLOG = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
# The DOCTYPE names the root element, so it stands in when a long DTD hides the root.
_XML_ROOT = re.compile(r"\s*<(?:!DOCTYPE\s+)?(?:[\w.-]+:)?([A-Za-z_][\w.-]*)")


def accepted_extensions() -> tuple[str, ...]:
    """The file name endings an upload may have (".zip" holds a Shapefile and its parts)."""
    return tuple(_EXTENSIONS)


def sniff(path: Path) -> str:
    """The file's format judged by its first bytes, whatever its name says."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    size = path.stat().st_size
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg" if head[68:72] in _GPKG_IDS else "sqlite"
    if head.startswith(b"fgb\x03"):
        return "fgb"
    # 9994 big-endian, then the file length in 16-bit words.
    if head[:4] == b"\x00\x00\x27\x0a" and len(head) >= 100:
        return "shp" if struct.unpack_from(">i", head, 24)[0] * 2 == size else "unknown"
    if len(head) >= 32 and head[0] in _DBF_VERSIONS:
        records, header_bytes, record_bytes = struct.unpack_from("<IHH", head, 4)
        if header_bytes >= 33 and size - header_bytes - records * record_bytes in (0, 1):
            return "dbf"
    text = _text_head(head)
    if text is None:
        return "unknown"
    body = text.lstrip()
    if body[:1] in ("{", "["):
        return "geojson"
    if body[:1] == "<":
        pos = 0
        while prolog := _XML_PROLOG.match(body, pos):
            pos = prolog.end()
        root = _XML_ROOT.match(body, pos)
        return "kml" if root and root.group(1) == "kml" else "xml"
    first_line = text.split("\n", 1)[0]
    return "csv" if any(d in first_line for d in ",;\t|") else "text"


def _text_head(head: bytes) -> str | None:
    """The first bytes as text (UTF-8, UTF-16 with a BOM, or a legacy 8-bit code page)."""
    bom = next((bom for bom in _BOMS if head.startswith(bom)), b"")
    try:
        # Not final: the 8 KB cut may fall inside a multi-byte character.
        text = codecs.getincrementaldecoder(_BOMS.get(bom, "utf-8"))().decode(head[len(bom) :])
    except UnicodeDecodeError:
        text = head.decode("latin-1")  # e.g. a CSV saved in Windows-1258
    return None if not text or _CONTROL.search(text) else text


def expected_format(name: str) -> str | None:
    """The format a file's extension promises, or None for an extension we do not read."""
    return _EXTENSIONS.get(PurePosixPath(name.replace("\\", "/")).suffix.lower())


def check_format(path: Path, name: str) -> str:
    """Refuse a file that is empty or whose content is not what its name says; return it."""
    label = PurePosixPath(name.replace("\\", "/")).name
    expected = expected_format(name)
    if expected is None:
        extensions = ", ".join(sorted(_EXTENSIONS))
        raise file_refusal(
            UnreadableFile,
            _("'{name}' is not a file type the importer reads. Accepted: {extensions}."),
            name=label,
            extensions=extensions,
        )
    if path.stat().st_size == 0:
        raise file_refusal(UnreadableFile, _("'{name}' is empty."), name=label)
    actual = sniff(path)
    if actual == expected:
        return actual
    hint = None
    if actual == "dbf":
        hint = _("Upload the .shp with its .shx, .dbf and .prj, or a ZIP of them.")
    elif actual in _EXTENSION_FOR:
        hint = _("If it is {actual}, give it the {extension} extension.").format(
            actual=_DESCRIPTIONS[actual], extension=_EXTENSION_FOR[actual]
        )
    if actual == "unknown":
        message = _("'{name}' is not {expected}: its content is not a format the importer reads.")
    else:
        message = _("'{name}' is not {expected}: its content looks like {actual}.")
    raise file_refusal(
        FormatMismatch,
        message,
        hint,
        name=label,
        expected=_DESCRIPTIONS[expected],
        actual=_DESCRIPTIONS.get(actual),
    )
