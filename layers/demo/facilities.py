"""Demo facilities: a SYNTHETIC, deterministic set of public places in the current wards.

**None of these places is real.** Names, addresses, phone numbers, opening hours, sizes
and staff notes are made up so that the map, the search and the APIs have plausible data
to show: they follow the real patterns ("Ủy ban nhân dân Phường Bến Thành", "Số 12 đường
Lê Lợi, ...", "028 3822 1234") and use real street names, but no record describes an
actual building, and the positions are random points inside the (synthetic) ward shapes.

Every ward of the current generation gets one People's Committee, one public-service
centre, one police station and one health station next to its centre point; the other
categories are spread over the ward with ``ST_GeneratePoints`` (fixed seeds). Counts
per ward are a base that depends on the ward type plus a term that grows with the square
root of its area, so the small inner-city wards are denser than an area share would make
them. The same database gives the same facilities on every run; each carries a stable
``demo_key`` ("tieu_hoc-26734-2") that the loader upserts by.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db import connection

from layers.models import AdministrativeArea, AreaLevel, AreaType
from layers.names import normalise_name

CITY_NAME = "Thành phố Hồ Chí Minh"
# GSO ward codes run by province: a current ward's code tells which of the three merged
# provinces it was in, and so its landline area code (unchanged by the merger).
_FORMER_PROVINCES = (  # (first code, landline prefix, typical of the old city's streets)
    ("26734", "028", True),  # Hồ Chí Minh City
    ("26506", "0254", False),  # Bà Rịa - Vũng Tàu
    ("", "0274", False),  # Bình Dương
)


@dataclass(frozen=True)
class CategorySpec:
    """One facility category of the catalogue."""

    code: str
    name_vi: str
    name_en: str
    group: str
    sort_order: int


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("ubnd", "Ủy ban nhân dân phường/xã", "People's Committee", "administration", 10),
    CategorySpec(
        "mot_cua",
        "Trung tâm phục vụ hành chính công (bộ phận một cửa)",
        "Public administrative service centre (one-stop desk)",
        "administration",
        20,
    ),
    CategorySpec("cong_an", "Công an phường/xã", "Ward police", "public_safety", 30),
    CategorySpec("tram_y_te", "Trạm y tế phường/xã", "Ward health station", "health", 40),
    CategorySpec("benh_vien", "Bệnh viện", "Hospital", "health", 50),
    CategorySpec("phong_kham", "Phòng khám", "Clinic", "health", 60),
    CategorySpec("mam_non", "Trường mầm non", "Kindergarten", "education", 70),
    CategorySpec("tieu_hoc", "Trường tiểu học", "Primary school", "education", 80),
    CategorySpec("thcs", "Trường trung học cơ sở", "Lower secondary school", "education", 90),
    CategorySpec("thpt", "Trường trung học phổ thông", "Upper secondary school", "education", 100),
    CategorySpec("cho", "Chợ", "Market", "commerce", 110),
    CategorySpec("cong_vien", "Công viên", "Park", "public_space", 120),
    CategorySpec("nha_ve_sinh", "Nhà vệ sinh công cộng", "Public toilet", "sanitation", 130),
    CategorySpec("cap_nuoc", "Điểm cấp nước công cộng", "Public water point", "sanitation", 140),
    CategorySpec("diem_rac", "Điểm tập kết rác", "Waste collection point", "sanitation", 150),
)

# One of each per ward, next to the ward's centre point: (category, metres from it).
CENTRE_CATEGORIES = (("ubnd", 20.0), ("mot_cua", 45.0), ("cong_an", 140.0), ("tram_y_te", 230.0))

# Spread categories: (base in a phường, base in a xã or đặc khu, extra per √km²).
SPREAD_RATES: dict[str, tuple[float, float, float]] = {
    "benh_vien": (0.45, 0.15, 0.04),
    "phong_kham": (2.2, 0.7, 0.2),
    "mam_non": (2.2, 1.0, 0.26),
    "tieu_hoc": (1.4, 0.9, 0.2),
    "thcs": (0.9, 0.6, 0.12),
    "thpt": (0.4, 0.25, 0.06),
    "cho": (1.2, 0.8, 0.12),
    "cong_vien": (0.9, 0.2, 0.04),
    "nha_ve_sinh": (1.6, 0.3, 0.04),
    "cap_nuoc": (0.3, 1.0, 0.1),
    "diem_rac": (1.2, 1.0, 0.15),
}

OPENING_HOURS = {
    "ubnd": "Mo-Fr 07:30-11:30,13:00-17:00; Sa 07:30-11:30",
    "mot_cua": "Mo-Fr 07:30-11:30,13:00-17:00; Sa 07:30-11:30",
    "cong_an": "24/7",
    "tram_y_te": "Mo-Fr 07:00-11:30,13:00-16:30; Sa 07:00-11:30",
    "benh_vien": "24/7",
    "phong_kham": "Mo-Sa 07:00-20:00; Su 07:00-12:00",
    "mam_non": "Mo-Fr 06:30-17:30",
    "tieu_hoc": "Mo-Fr 07:00-11:00,13:30-16:30",
    "thcs": "Mo-Fr 07:00-11:30,13:00-17:00",
    "thpt": "Mo-Fr 07:00-11:30,13:00-17:00",
    "cho": "Mo-Su 05:00-19:00",
    "cong_vien": "Mo-Su 05:00-22:00",
    "nha_ve_sinh": "24/7",
    "cap_nuoc": "24/7",
    "diem_rac": "Mo-Su 18:00-22:00",
}
# Places reached by phone; toilets, water points, waste points and parks have none.
WITH_PHONE = frozenset(OPENING_HOURS) - {"nha_ve_sinh", "cap_nuoc", "diem_rac", "cong_vien"}

# Real street names: those found in most Vietnamese towns (for the wards of the former
# Bình Dương and Bà Rịa - Vũng Tàu too), and more that are typical of the old city.
COMMON_STREETS = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hùng Vương", "Lý Thường Kiệt", "Hai Bà Trưng",
    "Nguyễn Huệ", "Quang Trung", "Trần Phú", "Lê Hồng Phong", "Nguyễn Văn Cừ",
    "Nguyễn Thị Minh Khai", "Ngô Quyền", "Lê Duẩn", "Phan Đình Phùng", "Nguyễn Du",
    "Bạch Đằng", "Điện Biên Phủ", "Võ Thị Sáu", "Hoàng Hoa Thám", "Phan Chu Trinh",
    "Lê Thánh Tông", "Nguyễn Đình Chiểu", "Trần Quang Khải", "Lý Tự Trọng", "Yersin",
)  # fmt: skip
HCMC_STREETS = (
    "Đồng Khởi", "Pasteur", "Nam Kỳ Khởi Nghĩa", "Cách Mạng Tháng Tám", "Võ Văn Tần",
    "Nguyễn Thị Nghĩa", "Cô Giang", "Ba Tháng Hai", "Võ Văn Kiệt", "An Dương Vương",
    "Lê Văn Sỹ", "Hoàng Văn Thụ", "Phan Đăng Lưu", "Xô Viết Nghệ Tĩnh", "Nguyễn Oanh",
    "Phạm Văn Đồng", "Kha Vạn Cân", "Võ Văn Ngân", "Lê Văn Việt", "Nguyễn Duy Trinh",
    "Mai Chí Thọ", "Nguyễn Văn Linh", "Huỳnh Tấn Phát", "Nguyễn Hữu Thọ", "Tôn Đức Thắng",
    "Trường Chinh", "Lũy Bán Bích", "Âu Cơ", "Lạc Long Quân", "Nguyễn Tri Phương",
    "Sư Vạn Hạnh", "Nguyễn Kiệm", "Phan Xích Long", "Đinh Tiên Hoàng", "Trần Quốc Thảo",
    "Nguyễn Văn Trỗi", "Cộng Hòa", "Tân Kỳ Tân Quý", "Kinh Dương Vương", "Hồng Bàng",
    "Tỉnh Lộ 10", "Nguyễn Ảnh Thủ", "Lê Văn Khương", "Hà Huy Giáp", "Nguyễn Văn Tạo",
)  # fmt: skip
# Historic figures that schools are commonly named after.
SCHOOL_PATRONS = (
    "Lê Quý Đôn", "Nguyễn Bỉnh Khiêm", "Chu Văn An", "Trần Quốc Toản", "Kim Đồng",
    "Võ Thị Sáu", "Lê Văn Tám", "Trưng Vương", "Lương Thế Vinh", "Nguyễn Trãi",
    "Lý Thường Kiệt", "Nguyễn Du", "Trần Đại Nghĩa", "Nguyễn Khuyến", "Phan Bội Châu",
    "Đinh Bộ Lĩnh", "Hồ Xuân Hương", "Nguyễn Đình Chiểu", "Huỳnh Thúc Kháng", "Tô Hiến Thành",
)  # fmt: skip
KINDERGARTEN_NAMES = (
    "Hoa Sen", "Sơn Ca", "Họa Mi", "Vành Khuyên", "Hoa Hồng", "Măng Non", "Tuổi Thơ",
    "Hoa Mai", "Rạng Đông", "Bình Minh", "Hướng Dương", "Thỏ Ngọc", "Búp Sen Hồng", "Sao Mai",
)  # fmt: skip
HOSPITAL_KINDS = (
    ("Bệnh viện Đa khoa", "general"),
    ("Bệnh viện Nhi", "paediatrics"),
    ("Bệnh viện Phụ sản", "obstetrics"),
    ("Bệnh viện Mắt", "ophthalmology"),
    ("Bệnh viện Y học cổ truyền", "traditional_medicine"),
    ("Bệnh viện Chấn thương Chỉnh hình", "orthopaedics"),
)
CLINIC_KINDS = (
    ("Phòng khám Đa khoa", "general"),
    ("Phòng khám Nha khoa", "dentistry"),
    ("Phòng khám Nhi", "paediatrics"),
    ("Phòng khám Sản phụ khoa", "gynaecology"),
    ("Phòng khám Tai Mũi Họng", "ent"),
    ("Phòng khám Da liễu", "dermatology"),
)
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi")
# (middle names, given names) of men and of women.
FORENAMES = (
    (
        ("Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh"),
        ("Bình", "Dũng", "Hải", "Hùng", "Long", "Nam", "Phúc", "Quân", "Tuấn", "Khang"),
    ),
    (
        ("Thị", "Thị Thu", "Ngọc", "Thanh", "Thị Kim"),
        ("An", "Chi", "Hà", "Hạnh", "Lan", "Linh", "Mai", "Thảo", "Trang", "Vy"),
    ),
)


@dataclass(frozen=True)
class FacilitySpec:
    """One demo facility, ready to store; ``ward_code`` is the ward it was placed in."""

    key: str
    category: str
    ward_code: str
    name: str
    address: str
    phone: str
    opening_hours: str
    attributes: dict
    staff_notes: str
    lon: float
    lat: float


@dataclass
class _Ward:
    """A current ward and what its facilities share: short name, streets, names taken."""

    area: AdministrativeArea
    short_name: str
    streets: list[str]
    used_names: set[str] = field(default_factory=set)

    @property
    def is_urban(self) -> bool:
        return self.area.area_type == AreaType.PHUONG

    @property
    def neighbourhood(self) -> str:
        """What the ward's quarters are called: khu phố in a phường, ấp in a xã."""
        return "Khu phố" if self.is_urban else "Ấp"

    def free(self, names: list[str]) -> str:
        """The first of ``names`` the ward does not have yet (else the first: numbered later)."""
        return next((n for n in names if n not in self.used_names), names[0])

    def unique(self, name: str) -> str:
        """The name, numbered from 2 when the ward already has one like it."""
        candidate, n = name, 1
        while candidate in self.used_names:
            n += 1
            candidate = f"{name} {n}"
        self.used_names.add(candidate)
        return candidate


def _rng(seed: str) -> random.Random:
    """A generator seeded by a string: the same draws in every process (str seeds are hashed
    with SHA-512, not with the per-process ``hash``). Demo data, not secrets."""
    return random.Random(seed)  # noqa: S311


def short_name(ward_name: str) -> str:
    """The ward's name without its type: "Phường Bến Thành" → "Bến Thành"."""
    for prefix in ("Phường ", "Xã ", "Đặc khu ", "Thị trấn "):
        if ward_name.startswith(prefix):
            return ward_name.removeprefix(prefix)
    return ward_name


def spread_count(category: str, area: AdministrativeArea) -> int:
    """How many of a spread category a ward gets: a type-dependent base plus √area.

    The fractional part is rounded up with its own probability (seeded by ward and
    category), so that totals follow the rates without every ward getting the same count.
    """
    urban, rural, per_sqrt_km = SPREAD_RATES[category]
    base = urban if area.area_type == AreaType.PHUONG else rural
    expected = base + per_sqrt_km * math.sqrt(_area_km2(area))
    return math.floor(expected + _rng(f"{area.code}:{category}").random())


def _person(rng: random.Random) -> str:
    """A made-up full name: "Trần Thị Thu Hà"."""
    middle, given = rng.choice(FORENAMES)
    return f"{rng.choice(SURNAMES)} {rng.choice(middle)} {rng.choice(given)}"


def _mobile(rng: random.Random) -> str:
    """A made-up mobile number: "0903 123 456"."""
    prefix = f"09{rng.choice('0136789')}{rng.randrange(10)}"
    return f"{prefix} {rng.randrange(1000):03d} {rng.randrange(1000):03d}"


def _former_province(code: str) -> tuple[str, bool]:
    """(landline prefix, in the old city) for a current ward's code."""
    return next((p, old) for first, p, old in _FORMER_PROVINCES if code >= first)


def _landline(code: str, rng: random.Random) -> str:
    """A fixed-line number in the ward's area code: "028 3822 1234", "0254 3851 234"."""
    prefix, _ = _former_province(code)
    digits = 4 if prefix == "028" else 3
    return f"{prefix} 3{rng.randrange(100, 1000):03d} {rng.randrange(10**digits):0{digits}d}"


# --- Names and public attributes, per category --------------------------------------------
# Each takes the ward, the facility's number in its category (from 1) and its own rng,
# and returns (name, attributes); the name is made unique within the ward afterwards.

Details = tuple[str, dict]
DetailsFn = Callable[["_Ward", int, random.Random], Details]


def _ubnd(w: _Ward, i: int, rng: random.Random) -> Details:
    return f"Ủy ban nhân dân {w.area.name}", {}


def _mot_cua(w: _Ward, i: int, rng: random.Random) -> Details:
    return f"Trung tâm Phục vụ hành chính công {w.area.name}", {
        "counters": rng.randrange(4, 13),
        "online_portal": "https://dichvucong.gov.vn",
    }


def _cong_an(w: _Ward, i: int, rng: random.Random) -> Details:
    return f"Công an {w.area.name}", {"emergency_number": "113"}


def _tram_y_te(w: _Ward, i: int, rng: random.Random) -> Details:
    return f"Trạm Y tế {w.area.name}", {"vaccination": True, "beds": rng.randrange(3, 11)}


def _benh_vien(w: _Ward, i: int, rng: random.Random) -> Details:
    kind, specialty = HOSPITAL_KINDS[0] if i == 1 else rng.choice(HOSPITAL_KINDS)
    beds = rng.randrange(150, 900, 10) if specialty == "general" else rng.randrange(50, 400, 10)
    emergency = specialty in ("general", "paediatrics", "orthopaedics")
    return f"{kind} {w.short_name}", {"beds": beds, "emergency": emergency, "specialty": specialty}


def _phong_kham(w: _Ward, i: int, rng: random.Random) -> Details:
    kind, specialty = rng.choice(CLINIC_KINDS)
    return f"{kind} {w.short_name}", {"specialty": specialty}


def _school(prefix: str, students: tuple[int, int]) -> DetailsFn:
    """Schools: the first is named after the ward, later ones often after a historic figure."""

    def details(w: _Ward, i: int, rng: random.Random) -> Details:
        patron = i > 1 and rng.random() < 0.5
        name = f"{prefix} {rng.choice(SCHOOL_PATRONS) if patron else w.short_name}"
        return name, {"students": rng.randrange(*students, 10), "public": rng.random() < 0.85}

    return details


def _mam_non(w: _Ward, i: int, rng: random.Random) -> Details:
    names = [f"Trường Mầm non {n}" for n in rng.sample(KINDERGARTEN_NAMES, 4)]
    name = f"Trường Mầm non {w.short_name}" if i == 1 else w.free(names)
    return name, {
        "students": rng.randrange(80, 450, 10),
        "public": rng.random() < 0.6,
        "min_age_months": rng.choice((6, 12, 18, 24)),
    }


def _cho(w: _Ward, i: int, rng: random.Random) -> Details:
    # Phường Chợ Lớn's market is "Chợ Lớn", not "Chợ Chợ Lớn".
    name = w.short_name if w.short_name.startswith("Chợ ") else f"Chợ {w.short_name}"
    return name, {"stalls": rng.randrange(40, 900, 10), "covered": rng.random() < 0.7}


def _cong_vien(w: _Ward, i: int, rng: random.Random) -> Details:
    return f"Công viên {w.short_name}", {
        "area_m2": rng.randrange(2_000, 60_000, 500),
        "playground": rng.random() < 0.6,
    }


def _nha_ve_sinh(w: _Ward, i: int, rng: random.Random) -> Details:
    streets = rng.sample(w.streets, len(w.streets))
    return w.free([f"Nhà vệ sinh công cộng đường {s}" for s in streets]), {
        "fee": False,
        "wheelchair": rng.random() < 0.4,
    }


def _cap_nuoc(w: _Ward, i: int, rng: random.Random) -> Details:
    quarters = rng.sample(range(1, 12), 4)
    names = [f"Điểm cấp nước công cộng {w.neighbourhood} {q}, {w.short_name}" for q in quarters]
    return w.free(names), {"drinking_water": rng.random() < 0.5}


def _diem_rac(w: _Ward, i: int, rng: random.Random) -> Details:
    quarters = rng.sample(range(1, 12), 4)
    names = [f"Điểm tập kết rác {w.neighbourhood} {q}, {w.short_name}" for q in quarters]
    return w.free(names), {"sorting_at_source": rng.random() < 0.3}


DETAILS: dict[str, DetailsFn] = {
    "ubnd": _ubnd,
    "mot_cua": _mot_cua,
    "cong_an": _cong_an,
    "tram_y_te": _tram_y_te,
    "benh_vien": _benh_vien,
    "phong_kham": _phong_kham,
    "mam_non": _mam_non,
    "tieu_hoc": _school("Trường Tiểu học", (300, 1500)),
    "thcs": _school("Trường Trung học cơ sở", (500, 2000)),
    "thpt": _school("Trường Trung học phổ thông", (800, 2500)),
    "cho": _cho,
    "cong_vien": _cong_vien,
    "nha_ve_sinh": _nha_ve_sinh,
    "cap_nuoc": _cap_nuoc,
    "diem_rac": _diem_rac,
}


def _staff_notes(category: str, rng: random.Random) -> str:
    """Staff-only notes for some facilities: a duty contact, a key code, a schedule."""
    if category in ("ubnd", "mot_cua", "cong_an", "tram_y_te") or rng.random() < 0.25:
        if category == "nha_ve_sinh":
            return f"Mã khóa phòng cho người khuyết tật: {rng.randrange(10000):04d}."
        if category == "diem_rac":
            return f"Xe thu gom đến khoảng 19:00. Tổ trưởng: {_person(rng)}, {_mobile(rng)}."
        return f"Liên hệ: cán bộ trực {_person(rng)}, {_mobile(rng)}."
    return ""


def _facility(ward: _Ward, category: str, i: int, lon: float, lat: float) -> FacilitySpec:
    """The ``i``-th facility of a category in a ward, every field drawn from its own key."""
    key = f"{category}-{ward.area.code}-{i}"
    rng = _rng(key)
    name, attributes = DETAILS[category](ward, i, rng)
    if category in ("ubnd", "mot_cua"):  # the service centre sits in the committee's building
        street, number = ward.streets[0], 1 + int(ward.area.code) % 199
    else:
        street, number = rng.choice(ward.streets), rng.randrange(1, 400)
    return FacilitySpec(
        key=key,
        category=category,
        ward_code=ward.area.code,
        name=ward.unique(normalise_name(name)),
        address=f"Số {number} đường {street}, {ward.area.name}, {CITY_NAME}",
        phone=_landline(ward.area.code, rng) if category in WITH_PHONE else "",
        opening_hours=OPENING_HOURS[category],
        attributes={**attributes, "demo_key": key},
        staff_notes=_staff_notes(category, rng),
        lon=lon,
        lat=lat,
    )


def _near_centre(area: AdministrativeArea, metres: float, angle: float) -> tuple[float, float]:
    """A point ``metres`` from the ward's centre point in direction ``angle``, inside it.

    Closer and closer to the centre (which is inside) until the point is inside too.
    """
    centre = area.label_point or area.geom.point_on_surface
    prepared = area.geom.prepared
    for _ in range(8):
        dx = metres * math.cos(angle) / (111_320 * math.cos(math.radians(centre.y)))
        dy = metres * math.sin(angle) / 110_574
        lon, lat = round(centre.x + dx, 7), round(centre.y + dy, 7)
        if prepared.contains(Point(lon, lat, srid=4326)):
            return lon, lat
        metres /= 2
    return centre.x, centre.y


# Random points inside each ward; ST_GeneratePoints is deterministic for a given seed. On a
# MultiPolygon it rounds each part's share, which can lose up to half a point per part: ask
# for one more per part and keep n, chosen by a hash of the point (a deterministic shuffle).
_SPREAD_SQL = """
SELECT code, lon, lat
FROM (
    SELECT a.code, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat, t.n,
           row_number() OVER (PARTITION BY a.code ORDER BY md5(ST_AsBinary(d.geom))) AS k
    FROM unnest(%(codes)s::text[], %(counts)s::int[]) AS t (code, n)
    JOIN layers_administrativearea AS a
      ON a.code = t.code AND a.generation_id = %(generation_id)s
    CROSS JOIN LATERAL ST_Dump(
        ST_GeneratePoints(a.geom, t.n + ST_NumGeometries(a.geom), a.code::int)
    ) AS d
) AS p
WHERE k <= n
ORDER BY code, k
"""


def current_wards() -> list[AdministrativeArea]:
    """The ward-level units of the current generation, by code."""
    return list(
        AdministrativeArea.objects.filter(
            generation__valid_to__isnull=True, level=AreaLevel.WARD
        ).order_by("code")
    )


def demo_facilities() -> list[FacilitySpec]:
    """Generate the demo facilities for the wards of the current generation (deterministic)."""
    areas = current_wards()
    if not areas:
        raise RuntimeError("no current boundary generation: run load_demo_areas first")
    wards = []
    for area in areas:
        pool = COMMON_STREETS + (HCMC_STREETS if _former_province(area.code)[1] else ())
        streets = _rng(f"streets-{area.code}").sample(pool, 6)
        wards.append(_Ward(area=area, short_name=short_name(area.name), streets=streets))

    specs: list[FacilitySpec] = []
    for ward in wards:
        angle = _rng(f"centre-{ward.area.code}").uniform(0, 2 * math.pi)
        for k, (category, metres) in enumerate(CENTRE_CATEGORIES):
            lon, lat = _near_centre(ward.area, metres, angle + k * math.pi / 2)
            specs.append(_facility(ward, category, 1, lon, lat))

    plans = {w.area.code: [(c, spread_count(c, w.area)) for c in SPREAD_RATES] for w in wards}
    totals = {code: sum(n for _, n in plan) for code, plan in plans.items()}
    points: dict[str, list[tuple[float, float]]] = {code: [] for code in plans}
    with connection.cursor() as cursor:
        cursor.execute(
            _SPREAD_SQL,
            {
                "codes": [c for c, n in totals.items() if n > 0],
                "counts": [n for n in totals.values() if n > 0],
                "generation_id": areas[0].generation_id,
            },
        )
        for code, lon, lat in cursor.fetchall():
            points[code].append((lon, lat))
    for ward in wards:
        it = iter(points[ward.area.code])
        for category, n in plans[ward.area.code]:
            for i in range(1, n + 1):
                lon, lat = next(it)
                specs.append(_facility(ward, category, i, lon, lat))
    return specs


def _area_km2(area: AdministrativeArea) -> float:
    """The official area, else the shape's (imported boundaries may come without one)."""
    if area.official_area_km2:
        return area.official_area_km2
    return area.geom.transform(32648, clone=True).area / 1e6
