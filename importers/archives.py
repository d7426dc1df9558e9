"""Unpacking an uploaded ZIP (or KMZ) safely: no path out of the folder, no zip bomb.

Every entry is vetted (path, link, encryption, method, ratio, duplicates, size) before a byte
is written; writing counts the bytes that really come out, and a refusal removes whatever
was written.
"""

import re
import stat
import struct
import zipfile
import zlib
from contextlib import suppress
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from core.errors import CommonMapError
from importers.errors import FileTooLarge, UnreadableFile, UnsafeFile, file_refusal
from importers.limits import MIB, Limits, megabytes

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
        raise file_refusal(
            UnreadableFile,
            _("'{name}' is not a readable ZIP archive ({error})."),
            name=label,
            error=exc,
        ) from None


def _too_many(label: str, count: int, limits: Limits) -> CommonMapError:
    return file_refusal(
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
        raise file_refusal(
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
            raise file_refusal(
                UnsafeFile,
                _(
                    "'{name}' contains an entry with an unsafe path, '{entry}', "
                    "that would be written outside the upload folder."
                ),
                name=label,
                entry=entry,
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise file_refusal(
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
            raise file_refusal(
                UnreadableFile,
                _("'{entry}' in '{name}' is encrypted."),
                _("Zip the files again without a password."),
                name=label,
                entry=entry,
            )
        if info.compress_type not in _METHODS:
            raise file_refusal(
                UnreadableFile,
                _("'{entry}' in '{name}' uses a compression method the importer cannot read."),
                _("Zip the files again with ordinary (Deflate) compression."),
                name=label,
                entry=entry,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise file_refusal(
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
            raise file_refusal(
                UnsafeFile,
                _("'{name}' contains '{entry}' twice; tools disagree on which one counts."),
                name=label,
                entry=entry,
            )
        members[path] = info
    _check_unpacked(sum(info.file_size for info in members.values()), label, limits)
    folders = {parent for path in members for parent in path.parents}
    for path in members.keys() & folders:
        raise file_refusal(
            UnreadableFile,
            _("'{name}' contains '{entry}' both as a file and as a folder."),
            name=label,
            entry=path,
        )
    return [(info, path) for path, info in members.items()]


def _check_unpacked(total: int, label: str, limits: Limits) -> None:
    if total > limits.max_unpacked_bytes:
        raise file_refusal(
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
                raise file_refusal(
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
                        raise file_refusal(
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
