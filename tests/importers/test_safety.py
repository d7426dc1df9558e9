"""importers.safety: uploads are vetted by content, size and safety before GDAL opens them.

Good files are the real Natural Earth extracts in ``../shared/data``; hostile files are built
here with ``zipfile`` and ``struct`` so each test shows exactly what the attack looks like.
"""

import sqlite3
import stat
import struct
import subprocess
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from django.utils import translation

from importers.errors import FileTooLarge, FormatMismatch, UnreadableFile, UnsafeFile
from importers.safety import (
    Limits,
    check_format,
    check_size,
    check_xml,
    expected_format,
    safe_extract,
    sniff,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "shared"  # copies of ../shared/data
GPKG = DATA / "derived" / "ne_vnm_admin1.gpkg"
KML = DATA / "derived" / "ne_vnm_admin1.kml"
SHP = DATA / "derived" / "shp_wgs84" / "ne_vnm_admin1.shp"
CSV = DATA / "derived" / "ne_vnm_admin1_wkt.csv"
GEOJSON = DATA / "natural_earth" / "ne_10m_admin1_vnm.geojson"
MIB = 1 << 20
KML_NS = 'xmlns="http://www.opengis.net/kml/2.2"'


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English whatever the site's default language."""
    with translation.override("en"):
        yield


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


# Limits ------------------------------------------------------------------------------------


def test_limits_default_to_one_gib_file_four_gib_unpacked_1000_entries_ratio_100():
    limits = Limits()
    assert (limits.max_file_bytes, limits.max_unpacked_bytes) == (1 << 30, 4 << 30)
    assert (limits.max_entries, limits.max_ratio, limits.ratio_floor_bytes) == (1000, 100, MIB)


def test_limits_from_settings_read_the_commonmap_options(settings):
    settings.COMMONMAP = {
        "IMPORT_MAX_FILE_BYTES": 10,
        "IMPORT_MAX_UNPACKED_BYTES": 20,
        "IMPORT_MAX_ENTRIES": 30,
        "IMPORT_MAX_RATIO": 40,
    }
    assert Limits.from_settings() == Limits(10, 20, 30, 40)


def test_limits_from_settings_fall_back_to_defaults(settings):
    settings.COMMONMAP = {"IMPORT_MAX_ENTRIES": 7}
    assert Limits.from_settings() == Limits(max_entries=7)


# Format by content -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name", "fmt"),
    [
        (GPKG, "ne_vnm_admin1.gpkg", "gpkg"),
        (KML, "ne_vnm_admin1.kml", "kml"),
        (SHP, "ne_vnm_admin1.shp", "shp"),
        (CSV, "ne_vnm_admin1_wkt.csv", "csv"),
        (CSV, "ne_vnm_admin1_wkt.TXT", "csv"),
        (GEOJSON, "ne_10m_admin1_vnm.geojson", "geojson"),
        (GEOJSON, "ne_10m_admin1_vnm.json", "geojson"),
    ],
)
def test_real_files_pass_the_format_check(path, name, fmt):
    assert check_format(path, name) == fmt


def test_flatgeobuf_written_by_ogr2ogr_passes(tmp_path):
    fgb = tmp_path / "admin1.fgb"
    subprocess.run(["ogr2ogr", "-f", "FlatGeobuf", fgb, GEOJSON], check=True)
    assert check_format(fgb, "admin1.fgb") == "fgb"


def test_shapefile_sidecars_sniff_as_their_own_formats():
    assert sniff(SHP.with_suffix(".dbf")) == "dbf"
    assert sniff(SHP.with_suffix(".shx")) == "shp"  # same header as the .shp


def test_truncated_shapefile_is_not_a_shapefile(tmp_path):
    shp = tmp_path / "cut.shp"
    shp.write_bytes(SHP.read_bytes()[:5000])
    error = refused(FormatMismatch, check_format, shp, "cut.shp")
    assert error.message == (
        "'cut.shp' is not a Shapefile (.shp): its content is not a format the importer reads."
    )


def test_geojson_after_bom_and_whitespace_is_geojson(tmp_path):
    path = tmp_path / "a.geojson"
    path.write_bytes(b'\xef\xbb\xbf\n  \t{"type": "FeatureCollection", "features": []}')
    assert check_format(path, "a.geojson") == "geojson"


def test_kml_without_declaration_and_with_prefixed_root_is_kml(tmp_path):
    path = tmp_path / "a.kml"
    path.write_text('<!-- made by hand -->\n<k:kml xmlns:k="http://www.opengis.net/kml/2.2"/>')
    assert sniff(path) == "kml"


def test_other_xml_is_xml(tmp_path):
    path = tmp_path / "a.kml"
    path.write_text('<?xml version="1.0"?>\n<gpx version="1.1"></gpx>')
    error = refused(FormatMismatch, check_format, path, "a.kml")
    assert error.message == "'a.kml' is not KML: its content looks like XML that is not KML."


def test_excel_unicode_text_is_csv(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffWKT\ttên\nPOINT (106.7 10.8)\tBến Nghé\n".encode("utf-16-le"))
    assert check_format(path, "a.txt") == "csv"


def test_windows_1258_csv_is_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("lon,lat,tên\n106.7,10.8,Bê\u0301n Tha\u0300nh\n".encode("cp1258"))
    assert check_format(path, "a.csv") == "csv"


def test_text_without_a_delimiter_is_not_csv(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("just some notes\n")
    error = refused(FormatMismatch, check_format, path, "notes.csv")
    assert "looks like plain text with no delimiter on its first line" in error.message


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.zip", "zip"),
        ("doc.KMZ", "zip"),
        ("a.gpkg", "gpkg"),
        ("a.fgb", "fgb"),
        ("a.shp", "shp"),
        ("a.geojson", "geojson"),
        ("a.json", "geojson"),
        ("a.kml", "kml"),
        ("a.csv", "csv"),
        ("a.txt", "csv"),
        ("C:\\Users\\me\\roads.GPKG", "gpkg"),
        ("roads.shp.zip", "zip"),
        ("a.dbf", None),
        ("a.xlsx", None),
        ("noextension", None),
    ],
)
def test_expected_format_comes_from_the_extension(name, fmt):
    assert expected_format(name) == fmt


def test_gpkg_that_is_a_zip_is_refused(tmp_path):
    path = make_zip(tmp_path / "upload", {"roads.shp": b"x"})
    error = refused(FormatMismatch, check_format, path, "roads.gpkg")
    assert (
        error.message == "'roads.gpkg' is not a GeoPackage: its content looks like a ZIP archive."
    )
    assert error.hint == "If it is a ZIP archive, give it the .zip extension."


def test_geojson_that_is_a_png_is_refused(tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    error = refused(FormatMismatch, check_format, path, "map.geojson")
    assert error.message == (
        "'map.geojson' is not GeoJSON: its content is not a format the importer reads."
    )


def test_sqlite_without_the_geopackage_id_is_refused(tmp_path):
    path = tmp_path / "a.gpkg"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    error = refused(FormatMismatch, check_format, path, "a.gpkg")
    assert "looks like an SQLite database that is not a GeoPackage" in error.message


def test_dbf_uploaded_as_shp_gets_a_shapefile_hint():
    error = refused(FormatMismatch, check_format, SHP.with_suffix(".dbf"), "roads.shp")
    assert "looks like a dBASE table (.dbf)" in error.message
    assert ".shx" in error.hint


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "x.geojson"
    path.touch()
    error = refused(UnreadableFile, check_format, path, "x.geojson")
    assert error.message == "'x.geojson' is empty."


def test_unknown_extension_is_refused_with_the_accepted_list():
    error = refused(UnreadableFile, check_format, GPKG, "roads.xlsx")
    assert error.message.startswith("'roads.xlsx' is not a file type the importer reads.")
    for extension in (".csv", ".fgb", ".geojson", ".gpkg", ".kml", ".kmz", ".shp", ".zip"):
        assert extension in error.message


# Size --------------------------------------------------------------------------------------


def test_file_over_the_limit_is_refused_with_both_sizes_in_mb(tmp_path):
    path = tmp_path / "big.geojson"
    path.write_bytes(b" " * (3 * MIB))
    error = refused(FileTooLarge, check_size, path, Limits(max_file_bytes=2 * MIB))
    assert error.message == "'big.geojson' is 3.0 MB; the limit is 2.0 MB."


def test_file_at_the_limit_passes():
    check_size(GPKG, Limits(max_file_bytes=GPKG.stat().st_size))


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


# XML ---------------------------------------------------------------------------------------

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE kml [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<kml {KML_NS}><Document><name>&lol4;</name></Document></kml>
"""
XXE = f"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<kml {KML_NS}><Document><name>&xxe;</name></Document></kml>
"""
EXTERNAL_DTD = f"""<?xml version="1.0"?>
<!DOCTYPE kml SYSTEM "http://attacker.example/kml.dtd">
<kml {KML_NS}/>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE, EXTERNAL_DTD], ids=["lol", "xxe", "dtd"])
def test_dtd_or_entities_are_refused(tmp_path, text):
    path = tmp_path / "evil.kml"
    path.write_text(text)
    assert check_format(path, "evil.kml") == "kml"  # so the importer goes on to check_xml
    error = refused(UnsafeFile, check_xml, path)
    assert error.message == (
        "'evil.kml' declares a DTD or entities, which KML never needs; refused."
    )


def test_long_dtd_still_sniffs_as_kml(tmp_path):
    path = tmp_path / "evil.kml"
    path.write_text(BILLION_LAUGHS.replace("]>", "<!-- " + "x" * 10_000 + " -->]>"))
    assert sniff(path) == "kml"


def test_malformed_xml_is_refused_with_line_and_column(tmp_path):
    path = tmp_path / "bad.kml"
    path.write_text(f"<kml {KML_NS}>\n<Document>\n  <name>x</nam>\n</Document></kml>")
    error = refused(UnreadableFile, check_xml, path, name="roads.kml")
    assert error.message == (
        "'roads.kml' is not well-formed XML: mismatched tag (line 3, column 12)."
    )


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "deep.kml"
    path.write_text(f"<kml {KML_NS}>" + "<Folder>" * 300 + "</Folder>" * 300 + "</kml>")
    error = refused(UnsafeFile, check_xml, path)
    assert error.message == "'deep.kml' nests elements more than 256 deep; refused."


def test_large_kml_is_parsed_in_flat_memory(tmp_path):
    path = tmp_path / "big.kml"
    placemark = (
        "<Placemark><name>Phường Bến Nghé</name><Point>"
        "<coordinates>106.7,10.78</coordinates></Point></Placemark>\n"
    ).encode()
    with path.open("wb") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<kml {KML_NS}><Document>'.encode())
        for _ in range(30):
            out.write(placemark * 2000)
        out.write(b"</Document></kml>")
    assert path.stat().st_size > 6 * MIB
    tracemalloc.start()
    try:
        check_xml(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MIB, peak


def write_kml(path: Path, before: bytes, filler: bytes, times: int, after: bytes) -> Path:
    """A KML with ``filler`` repeated between ``before`` and ``after``, written in pieces."""
    with path.open("wb") as out:
        out.write(f"<kml {KML_NS}><Document>".encode() + before)
        for _ in range(times):
            out.write(filler)
        out.write(after + b"</Document></kml>")
    return path


@pytest.mark.parametrize(
    ("before", "after"),
    [(b"<!--", b"-->"), (b'<Placemark id="', b'"/>')],
    ids=["comment", "attribute"],
)
def test_single_giant_tag_or_comment_is_refused(tmp_path, before, after):
    path = write_kml(tmp_path / "huge.kml", before, b"1" * MIB, 5, after)
    error = refused(UnsafeFile, check_xml, path)
    assert error.message == "'huge.kml' has a single tag or comment over 4.0 MB; refused."


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"<Placemark><LineString><coordinates>", b"</coordinates></LineString></Placemark>"),
        (b"<Placemark><description><![CDATA[", b"]]></description></Placemark>"),
    ],
    ids=["text", "cdata"],
)
def test_giant_text_passes_in_flat_memory(tmp_path, before, after):
    path = write_kml(tmp_path / "long.kml", before, b"106.7,10.8 " * 100_000, 20, after)
    assert path.stat().st_size > 20 * MIB
    tracemalloc.start()
    try:
        check_xml(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MIB, peak
