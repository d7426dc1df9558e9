"""A PROJ database for MapProxy in which VN-2000 → WGS 84 is always the official EPSG:6960.

MapProxy 7 builds every CRS from its code with pyproj (``CRS.from_epsg``) and lets PROJ
choose the transformation. Between VN-2000 and WGS 84 PROJ knows two that cover Ho Chi
Minh City: EPSG:6960 (Decision 05/2007/QĐ-BTNMT, Viet Nam onshore) and EPSG:5194 (Total's
set for two Mekong-delta oil blocks), and inside the blocks it picks EPSG:5194, 0.8 m from
the official answer (layers/crs.py). MapProxy has no setting for a CRS definition of our
own, and PROJ ≥ 8 no longer reads ``+init=`` files; MapProxy's one hook is
``globals.srs.proj_data_dir``, which it hands to ``pyproj.datadir.set_data_dir``.

So the config command writes there a copy of pyproj's own ``proj.db`` (the same PROJ
version, so the layout always matches) in which EPSG:6960 supersedes every other
VN-2000 → WGS 84 transformation: PROJ drops a superseded operation when its replacement
applies, and every EPSG:9210 ↔ EPSG:3857/4326 transformation in MapProxy uses the official
parameters. Nothing else in the database changes.
"""

import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pyproj.datadir

VN2000 = ("EPSG", "4756")
WGS84 = ("EPSG", "4326")
OFFICIAL = ("EPSG", "6960")  # "VN-2000 to WGS 84 (2)"
SOURCE = "Common Map: Decision 05/2007/QĐ-BTNMT (official VN-2000 parameters)"

# EPSG declares datum shifts towards WGS 84; PROJ inverts them as needed.
_OPERATIONS = (
    "SELECT table_name, auth_name, code FROM coordinate_operation_view "
    "WHERE deprecated = 0 AND source_crs_auth_name = ? AND source_crs_code = ? "
    "AND target_crs_auth_name = ? AND target_crs_code = ?"
)


def superseded_operations(db: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """The VN-2000 → WGS 84 operations other than the official one: (table, auth, code)."""
    rows = db.execute(_OPERATIONS, (*VN2000, *WGS84)).fetchall()
    return [(t, a, str(c)) for t, a, c in rows if (a, str(c)) != OFFICIAL]


def write_proj_dir(directory: Path) -> Path:
    """Write ``proj.db`` (and pyproj's ``proj.ini``) into ``directory``; returns the db.

    The file is replaced atomically: a running MapProxy keeps the copy it opened.
    """
    source = Path(pyproj.datadir.get_data_dir())
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / "proj.db.partial"
    shutil.copyfile(source / "proj.db", partial)
    with closing(sqlite3.connect(partial)) as db, db:
        official = db.execute(
            "SELECT table_name FROM coordinate_operation_view WHERE auth_name = ? AND code = ?",
            OFFICIAL,
        ).fetchone()
        if official is None:
            raise RuntimeError(f"{OFFICIAL[0]}:{OFFICIAL[1]} is missing from {source}/proj.db")
        for table, auth, code in superseded_operations(db):
            db.execute(
                "INSERT INTO supersession (superseded_table_name, superseded_auth_name, "
                "superseded_code, replacement_table_name, replacement_auth_name, "
                "replacement_code, source, same_source_target_crs) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                (table, auth, code, official[0], *OFFICIAL, SOURCE),
            )
    os.replace(partial, directory / "proj.db")
    if (source / "proj.ini").exists():
        shutil.copyfile(source / "proj.ini", directory / "proj.ini")
    return directory / "proj.db"
