"""Official unit lists for the city, read from the ``vietnamadminunits`` package (MIT).

The package ships a SQLite file with both the 34-province (current) and the
63-province (legacy) lists, with GSO codes, centre points, areas (current) and
bounding boxes (legacy), and a JSON file mapping every old ward to its new unit(s).
Only the package's data files are read; its parser (which geocodes online) is not used.
"""

import json
import math
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources

from layers.models import AreaLevel, AreaType
from layers.names import normalise_name

CITY_CODE = "79"
CITY_KEY = "thanhphohochiminh"
LEGACY_PROVINCE_CODES = ("79", "74", "77")  # Hồ Chí Minh, Bình Dương, Bà Rịa - Vũng Tàu

# vietnamadminunits 1.0.4 gives ten of the new wards the code of another old ward that
# merged into them. The GSO list (as carried by vietnam-provinces 2025.10.1, data of
# 2025-10-18, and shared/data/vn_admin_lists) has these; a test cross-checks all 168.
_OFFICIAL_CODE = {
    "26800": "26794",  # Phường Linh Xuân
    "26803": "26797",  # Phường Tam Bình
    "26809": "26812",  # Phường Hiệp Bình
    "26876": "26887",  # Phường An Nhơn
    "26890": "26902",  # Phường Hạnh Thông
    "26898": "26899",  # Phường Thông Tây Hội
    "27019": "27010",  # Phường Tân Sơn Nhì
    "27094": "27118",  # Phường An Khánh
    "27154": "27160",  # Phường Bàn Cờ
    "27364": "27385",  # Phường Bình Phú
}


def official_code(code: str) -> str:
    """The GSO code of a current ward, correcting the package where it differs."""
    return _OFFICIAL_CODE.get(code, code)


_UNIT_TYPES = {
    "Phường": AreaType.PHUONG,
    "Xã": AreaType.XA,
    "Thị trấn": AreaType.THI_TRAN,
    "Đặc khu": AreaType.DAC_KHU,
    "Quận": AreaType.QUAN,
    "Huyện": AreaType.HUYEN,
    "Thị xã": AreaType.THI_XA,
    "Thành phố": AreaType.THANH_PHO,
    "Tỉnh": AreaType.TINH,
}


@dataclass(frozen=True)
class UnitRecord:
    """One unit as the official list gives it (no geometry)."""

    code: str
    name: str
    area_type: str
    level: str
    parent_code: str | None
    lon: float
    lat: float
    area_km2: float | None  # official (current list) or estimated from the bounding box


@dataclass(frozen=True)
class Succession:
    """Old unit ``old_code`` went into new unit ``new_code`` (wholly or in part)."""

    old_code: str
    new_code: str
    is_whole: bool
    is_default: bool


def _rows(sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


def _type_of(name: str) -> str:
    """The unit type from the name's leading word(s): "Phường Bến Thành" → phuong."""
    for prefix in sorted(_UNIT_TYPES, key=len, reverse=True):
        if name.startswith(prefix + " "):
            return _UNIT_TYPES[prefix]
    raise ValueError(f"unknown unit type in {name!r}")


def _bbox_area_km2(bounds: str) -> float:
    """Area of an ellipse inscribed in a "lat,lon – lat,lon" box: a fair guess at a unit's area."""
    (lat1, lon1), (lat2, lon2) = (map(float, p.split(",")) for p in bounds.split("–"))
    km_per_deg = 111.32
    width = abs(lon2 - lon1) * km_per_deg * math.cos(math.radians((lat1 + lat2) / 2))
    return math.pi / 4 * width * abs(lat2 - lat1) * km_per_deg


@cache
def current_units() -> tuple[UnitRecord, ...]:
    """The city and its 168 units since 2025-07-01 (wards, communes, one special zone)."""
    rows = sorted(
        _rows("SELECT * FROM admin_units WHERE provinceCode = ?", (CITY_CODE,)),
        key=lambda r: official_code(r["wardCode"]),
    )
    first = rows[0]
    city = UnitRecord(
        code=CITY_CODE,
        name=normalise_name(first["province"]),
        area_type=AreaType.THANH_PHO,
        level=AreaLevel.PROVINCE,
        parent_code=None,
        lon=first["provinceLon"],
        lat=first["provinceLat"],
        area_km2=None,
    )
    wards = [
        UnitRecord(
            code=official_code(r["wardCode"]),
            name=normalise_name(r["ward"]),
            area_type=_type_of(normalise_name(r["ward"])),
            level=AreaLevel.WARD,
            parent_code=CITY_CODE,
            lon=r["wardLon"],
            lat=r["wardLat"],
            area_km2=r["wardAreaKm2"],
        )
        for r in rows
    ]
    return (city, *wards)


@cache
def legacy_units() -> tuple[UnitRecord, ...]:
    """Ho Chi Minh City, Bình Dương and Bà Rịa - Vũng Tàu as they stood until 2025-06-30."""
    marks = ",".join("?" * len(LEGACY_PROVINCE_CODES))
    rows = _rows(
        f"SELECT * FROM admin_units_legacy WHERE provinceCode IN ({marks}) "  # noqa: S608
        "ORDER BY provinceCode, districtCode, wardCode",
        LEGACY_PROVINCE_CODES,
    )
    units: dict[str, UnitRecord] = {}
    for r in rows:
        province = normalise_name(r["province"])
        units.setdefault(
            r["provinceCode"],
            UnitRecord(
                code=r["provinceCode"],
                name=province,
                area_type=_type_of(province),
                level=AreaLevel.PROVINCE,
                parent_code=None,
                lon=r["provinceLon"],
                lat=r["provinceLat"],
                area_km2=_bbox_area_km2(r["provinceBounds"]),
            ),
        )
        district = normalise_name(r["district"])
        units.setdefault(
            r["districtCode"],
            UnitRecord(
                code=r["districtCode"],
                name=district,
                area_type=_type_of(district),
                level=AreaLevel.DISTRICT,
                parent_code=r["provinceCode"],
                lon=r["districtLon"],
                lat=r["districtLat"],
                area_km2=_bbox_area_km2(r["districtBounds"]),
            ),
        )
        if r["wardCode"]:  # Côn Đảo district had no wards
            ward = normalise_name(r["ward"])
            units[r["wardCode"]] = UnitRecord(
                code=r["wardCode"],
                name=ward,
                area_type=_type_of(ward),
                level=AreaLevel.WARD,
                parent_code=r["districtCode"],
                lon=r["wardLon"],
                lat=r["wardLat"],
                area_km2=_bbox_area_km2(r["wardBounds"]),
            )
    return tuple(units.values())


@cache
def successions() -> tuple[Succession, ...]:
    """Which new unit(s) each old ward (or ward-less district) of the three provinces went into."""
    data = json.loads(
        (resources.files("vietnamadminunits") / "data" / "converter_2025.json").read_text("utf-8")
    )
    new_code = {
        r["wardKey"]: official_code(r["wardCode"])
        for r in _rows(
            "SELECT wardKey, wardCode FROM admin_units WHERE provinceCode = ?", (CITY_CODE,)
        )
    }
    marks = ",".join("?" * len(LEGACY_PROVINCE_CODES))
    old_code = {}
    for r in _rows(
        "SELECT provinceKey, districtKey, wardKey, districtCode, wardCode "  # noqa: S608
        f"FROM admin_units_legacy WHERE provinceCode IN ({marks})",
        LEGACY_PROVINCE_CODES,
    ):
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        old_code[key] = r["wardCode"] or r["districtCode"]

    pairs = [
        Succession(old_code[old], new_code[new], is_whole=True, is_default=True)
        for new, olds in data["DICT_PROVINCE_WARD_NO_DIVIDED"][CITY_KEY].items()
        for old in olds
    ]
    pairs += [
        Succession(old_code[old], new_code[n["newWardKey"]], False, bool(n["isDefaultNewWard"]))
        for old, news in data["DICT_PROVINCE_WARD_DIVIDED"].get(CITY_KEY, {}).items()
        for n in news
    ]
    return tuple(sorted(pairs, key=lambda s: (s.old_code, s.new_code)))
