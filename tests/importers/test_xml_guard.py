"""A KML is parsed end to end before GDAL reads it (``importers.xml_guard``): DTDs, entities,
NetworkLinks, absurd nesting and giant tags are refused, and memory stays flat.
"""

import tracemalloc
from pathlib import Path

import pytest

from importers.errors import UnreadableFile, UnsafeFile
from importers.formats import check_format, sniff
from importers.xml_guard import check_xml
from tests.importers.vetting import (
    KML_NS,
    MIB,
    refused,
)

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
