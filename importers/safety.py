"""Vetting an uploaded file before GDAL reads it: format by content, size, ZIP and XML safety.

GDAL trusts its input. Staff uploads are not always what their names say, and a hostile
file (a path that climbs out of the upload folder, a zip bomb, an XML entity bomb) must be
refused with a precise message before any reader opens it.
"""

import codecs
import re
import stat
import struct
import zipfile
import zlib
from contextlib import suppress
from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import CommonMapError
from importers.errors import FileTooLarge, FormatMismatch, UnreadableFile, UnsafeFile

MIB = 1 << 20
GIB = 1 << 30


def _refusal(
    cls: type[CommonMapError], message: str, hint: str | None = None, **values: object
) -> CommonMapError:
    """``cls`` with ``message`` filled in, about the uploaded ``file``."""
    return cls(message.format(**values), parameter="file", hint=hint)


@dataclass(frozen=True)
class Limits:
    """How big an upload, and what it unpacks to, may be."""

    max_file_bytes: int = GIB
    max_unpacked_bytes: int = 4 * GIB
    max_entries: int = 1000
    max_ratio: int = 100
    # Small entries may compress as well as they like: a 200 KB .dbf of blanks is normal.
    ratio_floor_bytes: int = MIB

    @classmethod
    def from_settings(cls) -> "Limits":
        """The limits from ``settings.COMMONMAP["IMPORT_MAX_..."]``, defaults where unset."""
        options = getattr(settings, "COMMONMAP", {})
        return cls(
            **{
                field.name: int(options.get(f"IMPORT_{field.name.upper()}", field.default))
                for field in fields(cls)
                if field.name.startswith("max_")
            }
        )


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
        raise _refusal(
            UnreadableFile,
            _("'{name}' is not a file type the importer reads. Accepted: {extensions}."),
            name=label,
            extensions=extensions,
        )
    if path.stat().st_size == 0:
        raise _refusal(UnreadableFile, _("'{name}' is empty."), name=label)
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
    raise _refusal(
        FormatMismatch,
        message,
        hint,
        name=label,
        expected=_DESCRIPTIONS[expected],
        actual=_DESCRIPTIONS.get(actual),
    )


def megabytes(size: int) -> str:
    value = size / MIB
    return f"{value:,.1f}" if value >= 0.1 else f"{value:.2g}"


def check_size(path: Path, limits: Limits, *, name: str | None = None) -> None:
    """Refuse a file over ``limits.max_file_bytes``."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise _refusal(
            FileTooLarge,
            _("'{name}' is {size} MB; the limit is {limit} MB."),
            _("Split the data into several smaller files."),
            name=name or path.name,
            size=megabytes(size),
            limit=megabytes(limits.max_file_bytes),
        )


_JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db"})
_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
# A central directory record is 46 bytes plus name, extra field and comment; no honest
# entry needs 4 KiB, so a bigger directory holds more entries than the limit.
_DIRECTORY_BYTES_PER_ENTRY = 4096


def safe_extract(
    zip_path: Path, dest: Path, limits: Limits, *, name: str | None = None
) -> list[Path]:
    """Unpack a ZIP (or KMZ) into ``dest`` and return its files, refusing anything hostile.

    Every entry is vetted before one byte is written; writing then counts the bytes that
    really come out, since header sizes are the sender's to choose. A refusal removes
    whatever was written.
    """
    label = name or zip_path.name
    _check_directory(zip_path, label, limits)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = _vet_members(archive.infolist(), label, limits)
            return _write_members(archive, members, dest, label, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _refusal(
            UnreadableFile,
            _("'{name}' is not a readable ZIP archive ({error})."),
            name=label,
            error=exc,
        ) from None


def _too_many(label: str, count: int, limits: Limits) -> CommonMapError:
    return _refusal(
        UnsafeFile,
        _("'{name}' has {count} entries; at most {limit} are accepted."),
        _("Zip only the files of the layer to import."),
        name=label,
        count=count,
        limit=limits.max_entries,
    )


def _check_directory(zip_path: Path, label: str, limits: Limits) -> None:
    """Refuse too many entries from the end record, before zipfile builds one object each.

    Finds the end record (and its ZIP64 twin) where ``zipfile`` looks for it, so both read
    the same directory.
    """
    with zip_path.open("rb") as fh:
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 22 - 0xFFFF))
        tail = fh.read()
        end = len(tail) - 22
        if not (tail[end : end + 4] == b"PK\x05\x06" and tail[-2:] == b"\0\0"):
            end = tail.rfind(b"PK\x05\x06")
        if len(tail) < 22 or end < 0 or len(tail) - end < 22:
            return  # no end record: zipfile reports the damage
        count, directory_bytes = struct.unpack_from("<10xHL", tail, end)
        at = size - len(tail) + end
        if at >= 76:
            fh.seek(at - 76)
            record, locator = fh.read(56), fh.read(20)
            if record[:4] == b"PK\x06\x06" and locator[:4] == b"PK\x06\x07":
                count, directory_bytes = struct.unpack_from("<32xQQ", record)
    if count > limits.max_entries:
        raise _too_many(label, count, limits)
    if directory_bytes > limits.max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        raise _refusal(
            UnsafeFile,
            _("'{name}' has a directory too large for {limit} entries; refused."),
            name=label,
            limit=limits.max_entries,
        )


def _vet_members(
    infos: list[zipfile.ZipInfo], label: str, limits: Limits
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The entries to write, with safe relative paths; raises on the first bad one."""
    if len(infos) > limits.max_entries:
        raise _too_many(label, len(infos), limits)
    members: dict[PurePosixPath, zipfile.ZipInfo] = {}
    for info in infos:
        raw = info.filename.replace("\\", "/")
        parts = [part for part in raw.split("/") if part not in ("", ".")]
        entry = info.filename if len(info.filename) < 120 else info.filename[:117] + "..."
        if raw.startswith("/") or re.match(r"[A-Za-z]:", raw) or ".." in parts:
            raise _refusal(
                UnsafeFile,
                _(
                    "'{name}' contains an entry with an unsafe path, '{entry}', "
                    "that would be written outside the upload folder."
                ),
                name=label,
                entry=entry,
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _refusal(
                UnsafeFile,
                _("'{name}' contains a symbolic link, '{entry}'; links are refused."),
                name=label,
                entry=entry,
            )
        if info.is_dir() or not parts or "__MACOSX" in parts:
            continue
        if parts[-1] in _JUNK_NAMES or parts[-1].startswith("._"):
            continue
        if info.flag_bits & 0x1:
            raise _refusal(
                UnreadableFile,
                _("'{entry}' in '{name}' is encrypted."),
                _("Zip the files again without a password."),
                name=label,
                entry=entry,
            )
        if info.compress_type not in _METHODS:
            raise _refusal(
                UnreadableFile,
                _("'{entry}' in '{name}' uses a compression method the importer cannot read."),
                _("Zip the files again with ordinary (Deflate) compression."),
                name=label,
                entry=entry,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise _refusal(
                UnsafeFile,
                _(
                    "'{entry}' in '{name}' has a compression ratio {ratio}:1 (at most "
                    "{limit}:1 is accepted); the archive looks like a zip bomb."
                ),
                name=label,
                entry=entry,
                ratio=round(ratio),
                limit=limits.max_ratio,
            )
        path = PurePosixPath(*parts)
        if path in members:
            raise _refusal(
                UnsafeFile,
                _("'{name}' contains '{entry}' twice; tools disagree on which one counts."),
                name=label,
                entry=entry,
            )
        members[path] = info
    _check_unpacked(sum(info.file_size for info in members.values()), label, limits)
    folders = {parent for path in members for parent in path.parents}
    for path in members.keys() & folders:
        raise _refusal(
            UnreadableFile,
            _("'{name}' contains '{entry}' both as a file and as a folder."),
            name=label,
            entry=path,
        )
    return [(info, path) for path, info in members.items()]


def _check_unpacked(total: int, label: str, limits: Limits) -> None:
    if total > limits.max_unpacked_bytes:
        raise _refusal(
            FileTooLarge,
            _("'{name}' unpacks to {size} MB; the limit is {limit} MB."),
            name=label,
            size=megabytes(total),
            limit=megabytes(limits.max_unpacked_bytes),
        )


def _write_members(
    archive: zipfile.ZipFile,
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]],
    dest: Path,
    label: str,
    limits: Limits,
) -> list[Path]:
    """Stream the vetted entries out, counting real bytes; undo everything on failure."""
    made_dest = not dest.exists()
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    written: list[Path] = []
    made_folders: list[Path] = []
    total = 0
    try:
        for info, path in members:
            target = dest.joinpath(*path.parts)
            if not target.resolve().is_relative_to(root):  # a link already inside ``dest``
                raise _refusal(
                    UnsafeFile,
                    _("'{name}' contains '{entry}', which resolves outside the upload folder."),
                    name=label,
                    entry=path,
                )
            for parent in reversed(path.parents[:-1]):
                folder = dest.joinpath(*parent.parts)
                if not folder.is_dir():
                    folder.mkdir()
                    made_folders.append(folder)
            with archive.open(info) as source, target.open("xb") as out:
                written.append(target)
                size = 0
                while chunk := source.read(MIB):
                    size += len(chunk)
                    total += len(chunk)
                    if size > info.file_size:
                        raise _refusal(
                            UnsafeFile,
                            _(
                                "'{entry}' in '{name}' unpacks to more than the {size} bytes "
                                "its header declares; the archive looks like a zip bomb."
                            ),
                            name=label,
                            entry=path,
                            size=info.file_size,
                        )
                    _check_unpacked(total, label, limits)
                    out.write(chunk)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        for folder in reversed(made_folders):
            with suppress(OSError):
                folder.rmdir()
        if made_dest:
            with suppress(OSError):
                dest.rmdir()
        raise
    return written


_MAX_XML_DEPTH = 256
# Expat holds a whole tag or comment in memory; nothing honest in KML comes near this.
_MAX_XML_TOKEN_BYTES = 4 * MIB


class _XmlGuard(ContentHandler):
    """Builds nothing (so memory stays flat), but refuses absurd nesting and giant tags."""

    def __init__(self, label: str):
        super().__init__()
        self.label = label
        self.depth = 0
        self.quiet_bytes = 0  # fed since the parser last reported anything

    def startElement(self, name: str, attrs: object) -> None:
        """One level down; KML never nests anywhere near the limit. A NetworkLink (another
        file, usually on a server) is refused: the importer fetches nothing a file names."""
        self.depth += 1
        self.quiet_bytes = 0
        if name.rsplit(":", 1)[-1].lower() == "networklink":
            raise _refusal(
                UnsafeFile,
                _(
                    "'{name}' holds a NetworkLink to another file; the importer fetches "
                    "nothing a file names. Upload the linked file itself."
                ),
                name=self.label,
            )
        if self.depth > _MAX_XML_DEPTH:
            raise _refusal(
                UnsafeFile,
                _("'{name}' nests elements more than {limit} deep; refused."),
                name=self.label,
                limit=_MAX_XML_DEPTH,
            )

    def endElement(self, name: str) -> None:
        """One level up."""
        self.depth -= 1
        self.quiet_bytes = 0

    def characters(self, content: str) -> None:
        """Text is reported in pieces as it is fed, however long the element."""
        self.quiet_bytes = 0

    def fed(self, size: int) -> None:
        """Count bytes fed; many without an event mean one enormous tag or comment."""
        self.quiet_bytes += size
        if self.quiet_bytes > _MAX_XML_TOKEN_BYTES:
            raise _refusal(
                UnsafeFile,
                _("'{name}' has a single tag or comment over {limit} MB; refused."),
                name=self.label,
                limit=megabytes(_MAX_XML_TOKEN_BYTES),
            )


def check_xml(path: Path, *, name: str | None = None) -> None:
    """Parse a KML (or a KMZ's doc.kml) end to end, refusing DTDs, entities and bad XML.

    A streaming SAX parse that keeps nothing, so a large file costs time, not memory.
    """
    label = name or path.name
    guard = _XmlGuard(label)
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(guard)
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 16):
                parser.feed(chunk)
                guard.fed(len(chunk))
        parser.close()
    except DefusedXmlException:
        raise _refusal(
            UnsafeFile,
            _("'{name}' declares a DTD or entities, which KML never needs; refused."),
            name=label,
        ) from None
    except SAXParseException as exc:
        raise _refusal(
            UnreadableFile,
            _("'{name}' is not well-formed XML: {error} (line {line}, column {column})."),
            name=label,
            error=exc.getMessage(),
            line=exc.getLineNumber(),
            column=exc.getColumnNumber() + 1,  # expat counts columns from 0
        ) from None
