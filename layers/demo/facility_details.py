"""One demo facility from its ward and key: name, address, phone, attributes, staff notes.

Every field of a SYNTHETIC facility is drawn from a generator seeded by its key
("tieu_hoc-26734-2"), so the same ward always gets the same places.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from layers.demo.catalogue import (
    CITY_NAME,
    CLINIC_KINDS,
    FORENAMES,
    FORMER_PROVINCES,
    HOSPITAL_KINDS,
    KINDERGARTEN_NAMES,
    OPENING_HOURS,
    SCHOOL_PATRONS,
    SPREAD_RATES,
    SURNAMES,
    WITH_PHONE,
)
from layers.models import AdministrativeArea, AreaType
from layers.names import normalise_name


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
class DemoWard:
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


def seeded_rng(seed: str) -> random.Random:
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
    expected = base + per_sqrt_km * math.sqrt(area_km2(area))
    return math.floor(expected + seeded_rng(f"{area.code}:{category}").random())


def _person(rng: random.Random) -> str:
    """A made-up full name: "Trần Thị Thu Hà"."""
    middle, given = rng.choice(FORENAMES)
    return f"{rng.choice(SURNAMES)} {rng.choice(middle)} {rng.choice(given)}"


def _mobile(rng: random.Random) -> str:
    """A made-up mobile number: "0903 123 456"."""
    prefix = f"09{rng.choice('0136789')}{rng.randrange(10)}"
    return f"{prefix} {rng.randrange(1000):03d} {rng.randrange(1000):03d}"


def former_province(code: str) -> tuple[str, bool]:
    """(landline prefix, in the old city) for a current ward's code."""
    return next((p, old) for first, p, old in FORMER_PROVINCES if code >= first)


def _landline(code: str, rng: random.Random) -> str:
    """A fixed-line number in the ward's area code: "028 3822 1234", "0254 3851 234"."""
    prefix, _ = former_province(code)
    digits = 4 if prefix == "028" else 3
    return f"{prefix} 3{rng.randrange(100, 1000):03d} {rng.randrange(10**digits):0{digits}d}"


# --- Names and public attributes, per category --------------------------------------------
# Each takes the ward, the facility's number in its category (from 1) and its own rng,
# and returns (name, attributes); the name is made unique within the ward afterwards.

Details = tuple[str, dict]
DetailsFn = Callable[["DemoWard", int, random.Random], Details]


def _ubnd(w: DemoWard, i: int, rng: random.Random) -> Details:
    return f"Ủy ban nhân dân {w.area.name}", {}


def _mot_cua(w: DemoWard, i: int, rng: random.Random) -> Details:
    return f"Trung tâm Phục vụ hành chính công {w.area.name}", {
        "counters": rng.randrange(4, 13),
        "online_portal": "https://dichvucong.gov.vn",
    }


def _cong_an(w: DemoWard, i: int, rng: random.Random) -> Details:
    return f"Công an {w.area.name}", {"emergency_number": "113"}


def _tram_y_te(w: DemoWard, i: int, rng: random.Random) -> Details:
    return f"Trạm Y tế {w.area.name}", {"vaccination": True, "beds": rng.randrange(3, 11)}


def _benh_vien(w: DemoWard, i: int, rng: random.Random) -> Details:
    kind, specialty = HOSPITAL_KINDS[0] if i == 1 else rng.choice(HOSPITAL_KINDS)
    beds = rng.randrange(150, 900, 10) if specialty == "general" else rng.randrange(50, 400, 10)
    emergency = specialty in ("general", "paediatrics", "orthopaedics")
    return f"{kind} {w.short_name}", {"beds": beds, "emergency": emergency, "specialty": specialty}


def _phong_kham(w: DemoWard, i: int, rng: random.Random) -> Details:
    kind, specialty = rng.choice(CLINIC_KINDS)
    return f"{kind} {w.short_name}", {"specialty": specialty}


def _school(prefix: str, students: tuple[int, int]) -> DetailsFn:
    """Schools: the first is named after the ward, later ones often after a historic figure."""

    def details(w: DemoWard, i: int, rng: random.Random) -> Details:
        patron = i > 1 and rng.random() < 0.5
        name = f"{prefix} {rng.choice(SCHOOL_PATRONS) if patron else w.short_name}"
        return name, {"students": rng.randrange(*students, 10), "public": rng.random() < 0.85}

    return details


def _mam_non(w: DemoWard, i: int, rng: random.Random) -> Details:
    names = [f"Trường Mầm non {n}" for n in rng.sample(KINDERGARTEN_NAMES, 4)]
    name = f"Trường Mầm non {w.short_name}" if i == 1 else w.free(names)
    return name, {
        "students": rng.randrange(80, 450, 10),
        "public": rng.random() < 0.6,
        "min_age_months": rng.choice((6, 12, 18, 24)),
    }


def _cho(w: DemoWard, i: int, rng: random.Random) -> Details:
    # Phường Chợ Lớn's market is "Chợ Lớn", not "Chợ Chợ Lớn".
    name = w.short_name if w.short_name.startswith("Chợ ") else f"Chợ {w.short_name}"
    return name, {"stalls": rng.randrange(40, 900, 10), "covered": rng.random() < 0.7}


def _cong_vien(w: DemoWard, i: int, rng: random.Random) -> Details:
    return f"Công viên {w.short_name}", {
        "area_m2": rng.randrange(2_000, 60_000, 500),
        "playground": rng.random() < 0.6,
    }


def _nha_ve_sinh(w: DemoWard, i: int, rng: random.Random) -> Details:
    streets = rng.sample(w.streets, len(w.streets))
    return w.free([f"Nhà vệ sinh công cộng đường {s}" for s in streets]), {
        "fee": False,
        "wheelchair": rng.random() < 0.4,
    }


def _cap_nuoc(w: DemoWard, i: int, rng: random.Random) -> Details:
    quarters = rng.sample(range(1, 12), 4)
    names = [f"Điểm cấp nước công cộng {w.neighbourhood} {q}, {w.short_name}" for q in quarters]
    return w.free(names), {"drinking_water": rng.random() < 0.5}


def _diem_rac(w: DemoWard, i: int, rng: random.Random) -> Details:
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


def facility_spec(ward: DemoWard, category: str, i: int, lon: float, lat: float) -> FacilitySpec:
    """The ``i``-th facility of a category in a ward, every field drawn from its own key."""
    key = f"{category}-{ward.area.code}-{i}"
    rng = seeded_rng(key)
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


def area_km2(area: AdministrativeArea) -> float:
    """The official area, else the shape's (imported boundaries may come without one)."""
    if area.official_area_km2:
        return area.official_area_km2
    return area.geom.transform(32648, clone=True).area / 1e6
