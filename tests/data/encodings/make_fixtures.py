"""Regenerate the legacy-encoding fixtures beside this file from ``places_utf8.csv``.

Run from the repository root: ``.venv/bin/python tests/data/encodings/make_fixtures.py``.

The legacy bytes are made by converters independent of ``importers/encodings.py``, so the
tests check our decoder against someone else's encoder: glibc's ``iconv`` for TCVN3
(``TCVN5712-1``, whose letters in 0xA1-0xFE are VN3's) and Windows-1258, and the npm
package ``vietnamese-conversion`` 2.0.0 (MIT) for VNI, which is also asked for TCVN3 as a
second opinion. Needs ``iconv``, ``node`` and ``npm`` (with the npm registry reachable).
The shapefiles are written through GDAL as ISO-8859-1 text, so the .dbf holds the legacy
bytes unchanged; the .cpg GDAL writes is removed, or replaced where a fixture needs one.
"""

import csv
import json
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
import pyogrio.raw
import shapely

HERE = Path(__file__).parent
NPM_PACKAGE = "vietnamese-conversion@2.0.0"
# Bytes that only VN1 (full TCVN 5712) uses: capitals and combining tones. VN3 has none.
VN1_ONLY = {0x01, 0x02, 0x04, 0x05, 0x06, *range(0x11, 0x18), 0xAF, *range(0xB0, 0xB5)}
VN1_ONLY |= {0xBA, 0xBF, *range(0xC0, 0xC6), 0xCD, 0xD9, 0xDA, 0xDB, 0xE0, 0xF0, 0xFF}
# The 134 Vietnamese letters that are not ASCII, typed out (lower case, then capitals).
_LOWER = "áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵ"
LETTERS = _LOWER + _LOWER.upper()


def read_places() -> list[dict[str, str]]:
    """The rows of ``places_utf8.csv``: name, address, lon, lat."""
    with open(HERE / "places_utf8.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def iconv(text: str, charset: str) -> bytes:
    """``text`` converted by glibc iconv."""
    run = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", charset],
        input=text.encode(),
        capture_output=True,
        check=True,
    )
    return run.stdout


def npm_convert(texts: list[str]) -> dict[str, list[bytes]]:
    """``texts`` converted by vietnamese-conversion's ``toVNI`` and ``toTCVN3``."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "install", "--no-save", "--silent", "--prefix", tmp, NPM_PACKAGE],
            check=True,
        )
        script = (
            "const vc = require('vietnamese-conversion');"
            "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
            "console.log(JSON.stringify({"
            "  vni: texts.map((t) => vc.toVNI(t, 'unicode')),"
            "  tcvn3: texts.map((t) => vc.toTCVN3(t, 'unicode')),"
            "}));"
        )
        run = subprocess.run(
            ["node", "-e", script],
            input=json.dumps(texts).encode(),
            capture_output=True,
            check=True,
            cwd=tmp,
        )
    converted = json.loads(run.stdout)
    return {name: [t.encode("cp1252") for t in out] for name, out in converted.items()}


def letter_tables(letters: str) -> dict[str, dict[str, str]]:
    """Each converter's bytes (hex) for each Vietnamese letter, for the tests to read."""
    npm = npm_convert(list(letters))
    return {
        letter: {
            "glibc TCVN5712-1": iconv(letter, "TCVN5712-1").hex(),
            "glibc CP1258": iconv(letter, "CP1258").hex(),
            "npm vietnamese-conversion VNI": vni.hex(),
            "npm vietnamese-conversion TCVN3": tcvn3.hex(),
        }
        for letter, vni, tcvn3 in zip(letters, npm["vni"], npm["tcvn3"], strict=True)
    }


def write_shapefile(stem: str, places: list[dict], columns: dict[str, list[bytes]], cpg: str):
    """Points in EPSG:4326 whose .dbf text fields hold ``columns``' bytes as they are."""
    path = HERE / f"{stem}.shp"
    points = shapely.points([[float(p["lon"]), float(p["lat"])] for p in places])
    pyogrio.raw.write(
        path,
        shapely.to_wkb(points),
        [
            np.array([b.decode("latin-1") for b in values], dtype=object)
            for values in columns.values()
        ],
        list(columns),
        driver="ESRI Shapefile",
        geometry_type="Point",
        crs="EPSG:4326",
        encoding="ISO-8859-1",
    )
    cpg_path = path.with_suffix(".cpg")
    if cpg:
        cpg_path.write_text(cpg, encoding="ascii")
    else:
        cpg_path.unlink()


def main() -> None:
    """Write every fixture."""
    places = read_places()
    texts = [p["name"] for p in places] + [p["address"] for p in places]
    npm = npm_convert(texts)
    tcvn3 = [iconv(t, "TCVN5712-1") for t in texts]
    assert tcvn3 == npm["tcvn3"], "glibc and npm disagree on TCVN3"
    assert not any(set(b) & VN1_ONLY for b in tcvn3), "a letter TCVN3 (VN3) cannot hold"
    cp1258 = [iconv(t, "CP1258") for t in texts]
    # Python's own cp1258 codec must read glibc's bytes back (tones stay combining marks).
    assert [unicodedata.normalize("NFC", b.decode("cp1258")) for b in cp1258] == texts

    n = len(places)
    for stem, raw, cpg in [
        ("places_tcvn3", tcvn3, ""),
        ("places_vni", npm["vni"], ""),
        ("places_cp1258", cp1258, "1258"),
    ]:
        write_shapefile(stem, places, {"name": raw[:n], "address": raw[n:]}, cpg)

    with open(HERE / "places_tcvn3.csv", "wb") as f:
        f.write(b"name,lon,lat\r\n")
        for place, name in zip(places, tcvn3[:n], strict=True):
            f.write(name + f",{place['lon']},{place['lat']}\r\n".encode("ascii"))

    tables = letter_tables(LETTERS)
    with open(HERE / "letter_tables.json", "w", encoding="utf-8") as f:
        json.dump(tables, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
