"""Encoding names (``importers.encodings``): what staff type or a ``.cpg`` says, to codecs;
the legacy codecs registered with Python under every alias."""

import codecs

import pytest

from core.errors import InvalidParameter, status_for
from importers.encodings import canonical, decode, from_cpg


@pytest.mark.parametrize(
    ("alias", "codec"),
    [
        ("tcvn3", "tcvn3"),
        ("abc", "tcvn3"),
        ("tcvn", "tcvn3"),
        ("tcvn5712", "tcvn3"),
        ("vn3", "tcvn3"),
        ("TCVN3", "tcvn3"),
        ("vni", "vni"),
        ("vni-windows", "vni"),
        ("vni_win", "vni"),
    ],
)
def test_python_codecs_are_registered_under_every_alias(alias, codec):
    raw = "Đường".encode(codec)

    assert codecs.lookup(alias).name == codec
    assert raw.decode(alias) == "Đường"
    assert canonical(alias) == codec


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("Windows-1258", "cp1258"),
        ("ANSI 1258", "cp1258"),
        ("TCVN 5712", "tcvn3"),
        ("VNI-Windows", "vni"),
        ("latin-1", "latin-1"),
        ("ISO-8859-1", "latin-1"),
        ("cp1252", "cp1252"),
        ("Windows-1252", "cp1252"),
    ],
)
def test_canonical_names(name, expected):
    assert canonical(name) == expected


@pytest.mark.parametrize(
    ("cpg", "expected"),
    [
        ("UTF-8", "utf-8"),
        ("utf8", "utf-8"),
        ("65001", "utf-8"),
        ("UTF-8\r\n", "utf-8"),
        ("\ufeffUTF-8", "utf-8"),
        ("1258", "cp1258"),
        ("CP1258", "cp1258"),
        ("ANSI 1258", "cp1258"),
        ("Windows-1258", "cp1258"),
        ("1252", "cp1252"),
        ("ANSI 1252", "cp1252"),
        ("ISO-8859-1", "latin-1"),
        ("88591", "latin-1"),
        ("8859-15", "iso8859-15"),
    ],
)
def test_from_cpg(cpg, expected):
    assert from_cpg(cpg) == expected


@pytest.mark.parametrize("cpg", ["", "  \r\n", "LDID/87", "Klingon"])
def test_from_cpg_unrecognised_is_none(cpg):
    assert from_cpg(cpg) is None


def test_unknown_encoding_is_refused_with_the_supported_list():
    with pytest.raises(InvalidParameter) as caught:
        canonical("klingon")

    error = caught.value
    assert error.message == (
        "Unknown text encoding 'klingon'. Supported: UTF-8, Windows-1258 (cp1258), "
        "TCVN3 (ABC), VNI, or a code page such as cp1252."
    )
    assert error.parameter == "encoding"
    assert status_for(error) == 400


@pytest.mark.parametrize("name", ["rot13", "base64", "99999"])
def test_codecs_that_are_not_text_encodings_are_refused(name):
    with pytest.raises(InvalidParameter):
        decode(b"abc", name)
