"""Load the demo facilities (SYNTHETIC places) into the database: idempotent, in bulk.

Categories are upserted by code, facilities by ``attributes["demo_key"]``; values are
compared before writing, so a second run writes nothing. Demo facilities whose key is no
longer generated are removed; facilities without a ``demo_key`` are never touched. Wards
are then set by the domain rule (``layers.facilities.assign_wards``) and checked against
the ward each facility was generated in.
"""

from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from layers.demo.catalogue import CATEGORIES
from layers.demo.facilities import demo_facilities
from layers.demo.facility_details import FacilitySpec
from layers.facilities import assign_wards
from layers.models import Facility, FacilityCategory
from layers.names import normalise_name, search_form

# The fields the demo owns; ``ward`` follows from ``geom`` (assign_wards).
FACILITY_FIELDS = (
    "category_id",
    "name",
    "name_search",
    "address",
    "phone",
    "opening_hours",
    "attributes",
    "staff_notes",
    "geom",
)


@dataclass
class UpsertCounts:
    """How many rows a load created, updated, left unchanged and removed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        """True when anything was written."""
        return bool(self.created or self.updated or self.removed)

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.removed} removed"
        )


@dataclass
class FacilityLoadReport:
    """What a demo facility load did."""

    categories: UpsertCounts = field(default_factory=UpsertCounts)
    facilities: UpsertCounts = field(default_factory=UpsertCounts)
    wards_changed: int = 0

    @property
    def changed(self) -> bool:
        """True when the run wrote anything."""
        return self.categories.changed or self.facilities.changed or self.wards_changed > 0


def upsert_categories() -> tuple[dict[str, int], UpsertCounts]:
    """Create or update the catalogue's categories by code; returns their ids by code."""
    counts = UpsertCounts()
    existing = {c.code: c for c in FacilityCategory.objects.all()}
    new, changed = [], []
    for spec in CATEGORIES:
        values = {
            "name_vi": spec.name_vi,
            "name_en": spec.name_en,
            "group": spec.group,
            "sort_order": spec.sort_order,
        }
        category = existing.get(spec.code)
        if category is None:
            new.append(FacilityCategory(code=spec.code, **values))
        elif all(getattr(category, k) == v for k, v in values.items()):
            counts.unchanged += 1
        else:
            for key, value in values.items():
                setattr(category, key, value)
            changed.append(category)
    FacilityCategory.objects.bulk_create(new)
    FacilityCategory.objects.bulk_update(changed, ["name_vi", "name_en", "group", "sort_order"])
    counts.created, counts.updated = len(new), len(changed)
    ids = dict(FacilityCategory.objects.values_list("code", "pk"))
    return ids, counts


def _values(spec: FacilitySpec, category_ids: dict[str, int]) -> dict:
    name = normalise_name(spec.name)
    return {
        "category_id": category_ids[spec.category],
        "name": name,
        "name_search": search_form(name),
        "address": spec.address,
        "phone": spec.phone,
        "opening_hours": spec.opening_hours,
        "attributes": spec.attributes,
        "staff_notes": spec.staff_notes,
        "geom": Point(spec.lon, spec.lat, srid=4326),
    }


def _same(facility: Facility, values: dict) -> bool:
    for key, value in values.items():
        current = getattr(facility, key)
        if key == "geom":
            if current is None or (current.x, current.y, current.srid) != (
                value.x,
                value.y,
                value.srid,
            ):
                return False
        elif current != value:
            return False
    return True


@transaction.atomic
def load_demo_facilities() -> FacilityLoadReport:
    """Generate the demo facilities and bring the database in line with them."""
    report = FacilityLoadReport()
    category_ids, report.categories = upsert_categories()
    specs = demo_facilities()
    existing = {
        f.attributes["demo_key"]: f
        for f in Facility.objects.filter(attributes__has_key="demo_key").only(
            "id", "ward_id", *FACILITY_FIELDS
        )
    }
    now = timezone.now()
    new, changed = [], []
    for spec in specs:
        values = _values(spec, category_ids)
        facility = existing.get(spec.key)
        if facility is None:
            new.append(Facility(**values))
        elif _same(facility, values):
            report.facilities.unchanged += 1
        else:
            for key, value in values.items():
                setattr(facility, key, value)
            facility.updated_at = now  # bulk_update does not apply auto_now
            changed.append(facility)
    # bulk_create and bulk_update bypass Facility.save(): names are normalised above.
    Facility.objects.bulk_create(new, batch_size=1000)
    Facility.objects.bulk_update(changed, [*FACILITY_FIELDS, "updated_at"], batch_size=1000)
    keys = {s.key for s in specs}
    stale = [f.pk for key, f in existing.items() if key not in keys]
    Facility.objects.filter(pk__in=stale).delete()
    report.facilities.created = len(new)
    report.facilities.updated = len(changed)
    report.facilities.removed = len(stale)
    report.wards_changed = assign_wards()
    _check_wards(specs)
    return report


def _check_wards(specs: list[FacilitySpec]) -> None:
    """Every demo facility must have landed in the ward it was generated for."""
    placed = dict(
        Facility.objects.filter(attributes__has_key="demo_key").values_list(
            "attributes__demo_key", "ward__code"
        )
    )
    wrong = [s.key for s in specs if placed.get(s.key) != s.ward_code]
    if wrong:
        raise RuntimeError(f"{len(wrong)} demo facilities are outside their ward: {wrong[:5]}")
