"""A ZIP or KMZ is unpacked safely (``importers.archives``): good archives give their files,
hostile ones (paths out of the folder, links, zip bombs, lying headers) are refused and
leave nothing behind. Each hostile archive is built here so the test shows the attack.
"""

import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from importers.archives import safe_extract
from importers.errors import FileTooLarge, UnreadableFile, UnsafeFile
from importers.formats import check_format, sniff
from importers.limits import Limits
from importers.xml_guard import check_xml
from tests.importers.vetting import (
    KML,
    MIB,
    SHP,
    central_offset,
    listing,
    make_zip,
    patch_first_entry,
    refused,
)

# ZIP: good archives --------------------------------------------------------------------------


def test_zipped_shapefile_extracts_its_files(tmp_path):
    parts = {p.name: p.read_bytes() for p in SHP.parent.iterdir()}
    archive = make_zip(tmp_path / "shp.zip", parts)
    dest = tmp_path / "out"
    files = safe_extract(archive, dest, Limits())
    assert sorted(p.name for p in files) == sorted(parts)
    assert all(p.parent == dest and p.read_bytes() == parts[p.name] for p in files)
    assert sniff(dest / "ne_vnm_admin1.shp") == "shp"


def test_kmz_extracts_a_doc_kml_that_passes_the_xml_check(tmp_path):
    archive = make_zip(tmp_path / "a.kmz", {"doc.kml": KML.read_bytes(), "files/icon.png": b"x"})
    assert check_format(archive, "a.kmz") == "zip"
    files = safe_extract(archive, tmp_path / "out", Limits())
    assert [p.relative_to(tmp_path / "out").as_posix() for p in files] == [
        "doc.kml",
        "files/icon.png",
    ]
    check_xml(files[0])


def test_folders_and_macos_junk_are_skipped(tmp_path):
    archive = make_zip(
        tmp_path / "a.zip",
        {
            "roads/": b"",
            "roads/roads.geojson": b"{}",
            "__MACOSX/roads/._roads.geojson": b"junk",
            "roads/._roads.geojson": b"junk",
            "roads/.DS_Store": b"junk",
        },
    )
    files = safe_extract(archive, tmp_path / "out", Limits())
    assert files == [tmp_path / "out" / "roads" / "roads.geojson"]
    assert listing(tmp_path / "out") == ["roads", "roads/roads.geojson"]


def test_nested_archive_is_extracted_as_a_file(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", {"a.csv": b"x,y\n"}).read_bytes()
    archive = make_zip(tmp_path / "outer.zip", {"inner.zip": inner})
    [path] = safe_extract(archive, tmp_path / "out", Limits())
    assert path.read_bytes() == inner


def test_small_highly_compressible_entry_passes_the_ratio_rule(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"blank.dbf": bytes(900_000)})
    assert zipfile.ZipFile(archive).getinfo("blank.dbf").compress_size < 9_000  # > 100:1
    [path] = safe_extract(archive, tmp_path / "out", Limits())
    assert path.stat().st_size == 900_000


# ZIP: hostile archives -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry", ["../evil.txt", "a/../../evil.txt", "a\\..\\..\\evil.txt", "ok/..", "../"]
)
def test_parent_traversal_is_refused_and_nothing_written(tmp_path, entry):
    archive = make_zip(tmp_path / "a.zip", {"fine.txt": b"x", entry: b"evil"})
    dest = tmp_path / "out"
    error = refused(UnsafeFile, safe_extract, archive, dest, Limits())
    assert error.message == (
        f"'a.zip' contains an entry with an unsafe path, '{entry}', "
        "that would be written outside the upload folder."
    )
    assert not dest.exists()
    assert listing(tmp_path) == ["a.zip"]


@pytest.mark.parametrize("entry", ["/etc/x", "C:\\x", "c:x", "\\\\server\\share\\x", "//server/x"])
def test_absolute_paths_are_refused(tmp_path, entry):
    archive = make_zip(tmp_path / "a.zip", {entry: b"evil"})
    error = refused(UnsafeFile, safe_extract, archive, tmp_path / "out", Limits())
    assert "unsafe path" in error.message
    assert not (tmp_path / "out").exists()


def test_symlink_entry_is_refused(tmp_path):
    link = zipfile.ZipInfo("passwd.shp")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = make_zip(tmp_path / "a.zip", {link: b"/etc/passwd"})
    error = refused(UnsafeFile, safe_extract, archive, tmp_path / "out", Limits())
    assert error.message == "'a.zip' contains a symbolic link, 'passwd.shp'; links are refused."


def test_encrypted_entry_is_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"roads.geojson": b"{}"})
    patch_first_entry(archive, flags=0x1)
    error = refused(UnreadableFile, safe_extract, archive, tmp_path / "out", Limits())
    assert error.message == "'roads.geojson' in 'a.zip' is encrypted."
    assert "without a password" in error.hint


def test_unreadable_compression_method_is_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"roads.geojson": b"{}"}, zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    for at in (8, central_offset(data) + 10):
        struct.pack_into("<H", data, at, 9)  # Deflate64, what Windows uses for big files
    archive.write_bytes(bytes(data))
    error = refused(UnreadableFile, safe_extract, archive, tmp_path / "out", Limits())
    assert "uses a compression method the importer cannot read" in error.message


def test_too_many_entries_are_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {f"{i}.csv": b"x" for i in range(6)})
    error = refused(UnsafeFile, safe_extract, archive, tmp_path / "out", Limits(max_entries=5))
    assert error.message == "'a.zip' has 6 entries; at most 5 are accepted."


def test_entry_count_is_read_from_the_end_record_before_the_directory(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"a.csv": b"x"})
    data = bytearray(archive.read_bytes())
    struct.pack_into("<HH", data, len(data) - 22 + 8, 5000, 5000)
    archive.write_bytes(bytes(data))
    error = refused(UnsafeFile, safe_extract, archive, tmp_path / "out", Limits())
    assert error.message == "'a.zip' has 5000 entries; at most 1000 are accepted."


def test_zip64_end_record_is_read_too(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"a.csv": b"x"})
    data = archive.read_bytes()
    end = len(data) - 22
    directory_at = central_offset(data)
    directory_bytes = end - directory_at
    record = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 70_000, 70_000, directory_bytes, directory_at
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    end_record = bytearray(data[end:])
    struct.pack_into("<HH", end_record, 8, 0xFFFF, 0xFFFF)
    archive.write_bytes(data[:end] + record + locator + end_record)
    error = refused(UnsafeFile, safe_extract, archive, tmp_path / "out", Limits())
    assert error.message == "'a.zip' has 70000 entries; at most 1000 are accepted."


def test_oversized_directory_is_refused_before_it_is_read(tmp_path):
    """A directory bigger than the entry limit could need is refused before zipfile parses it."""
    archive = make_zip(tmp_path / "a.zip", {"a/" * 4500 + "x.csv": b"x"})
    error = refused(UnsafeFile, safe_extract, archive, tmp_path / "out", Limits(max_entries=2))
    assert error.message == "'a.zip' has a directory too large for 2 entries; refused."


def test_duplicate_entry_is_refused(tmp_path):
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive = make_zip(tmp_path / "a.zip", {"a.csv": b"x", zipfile.ZipInfo("a.csv"): b"y"})
    error = refused(UnsafeFile, safe_extract, archive, tmp_path / "out", Limits())
    assert "contains 'a.csv' twice" in error.message


def test_entry_that_is_both_file_and_folder_is_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"a": b"x", "a/b.csv": b"y"})
    error = refused(UnreadableFile, safe_extract, archive, tmp_path / "out", Limits())
    assert error.message == "'a.zip' contains 'a' both as a file and as a folder."


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """200 MB of zeros deflated to about 200 KB: a ratio near 1000:1."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.bin", "w") as out,
    ):
        for _ in range(200):
            out.write(bytes(MIB))
    return path


def test_zip_bomb_ratio_is_refused(zip_bomb, tmp_path):
    error = refused(UnsafeFile, safe_extract, zip_bomb, tmp_path / "out", Limits())
    assert error.message.startswith("'zeros.bin' in 'bomb.zip' has a compression ratio 10")
    assert ":1 (at most 100:1 is accepted); the archive looks like a zip bomb." in error.message
    assert not (tmp_path / "out").exists()


def test_zip_bomb_declared_size_over_the_unpacked_limit_is_refused(zip_bomb, tmp_path):
    limits = Limits(max_unpacked_bytes=100 * MIB, max_ratio=10_000)
    error = refused(FileTooLarge, safe_extract, zip_bomb, tmp_path / "out", limits)
    assert error.message == "'bomb.zip' unpacks to 200.0 MB; the limit is 100.0 MB."


def test_header_understating_the_size_never_unpacks_more_than_declared(tmp_path):
    """The output stops at the declared size; the rest of the stream is never inflated."""
    archive = make_zip(tmp_path / "a.zip", {"zeros.bin": bytes(5 * MIB)})
    patch_first_entry(archive, size=1000, crc=zlib.crc32(bytes(1000)))
    [path] = safe_extract(archive, tmp_path / "out", Limits())
    assert path.stat().st_size == 1000


def test_header_lying_about_the_size_fails_its_checksum_and_leaves_nothing(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"zeros.bin": bytes(5 * MIB), "z.csv": b"x"})
    patch_first_entry(archive, size=1000)
    dest = tmp_path / "out"
    error = refused(UnreadableFile, safe_extract, archive, dest, Limits())
    assert error.message == (
        "'a.zip' is not a readable ZIP archive (Bad CRC-32 for file 'zeros.bin')."
    )
    assert not dest.exists()


def test_partial_output_is_removed_but_existing_files_are_kept(tmp_path):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    archive = make_zip(tmp_path / "a.zip", {"sub/a.csv": b"x", "sub/b.bin": bytes(5 * MIB)})
    data = bytearray(archive.read_bytes())
    info = zipfile.ZipFile(archive).getinfo("sub/b.bin")
    data[info.header_offset + 30 + len("sub/b.bin") + 10] ^= 0xFF  # corrupt b.bin's stream
    archive.write_bytes(bytes(data))
    refused(UnreadableFile, safe_extract, archive, dest, Limits(max_ratio=10_000))
    assert listing(dest) == ["keep.txt"]


@pytest.mark.parametrize("data", [b"PK\x03\x04" + bytes(100), b"PK\x05\x06garbage"])
def test_corrupt_zip_is_refused(tmp_path, data):
    archive = tmp_path / "a.zip"
    archive.write_bytes(data)
    error = refused(UnreadableFile, safe_extract, archive, tmp_path / "out", Limits())
    assert error.message.startswith("'a.zip' is not a readable ZIP archive (")


def test_truncated_zip_is_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"doc.kml": KML.read_bytes()})
    archive.write_bytes(archive.read_bytes()[:20_000])
    error = refused(UnreadableFile, safe_extract, archive, tmp_path / "out", Limits())
    assert "is not a readable ZIP archive" in error.message
