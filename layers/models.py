"""Administrative areas with versioned boundaries (MapIt-style generations).

A ``BoundaryGeneration`` is one official set of units valid over a date range; every
``AdministrativeArea`` belongs to exactly one generation, so history (feedback,
ratings) stays comparable across the July 2025 reform. ``AreaSubdivision`` holds the
same polygons cut into small pieces (``ST_Subdivide``) so that point lookups touch
few vertices; ``WardSuccession`` records which new unit(s) each old ward went into.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _


class InclusiveDateRange(Func):
    """``daterange(valid_from, valid_to, '[]')``: an open end means "still valid"."""

    function = "daterange"
    template = "%(function)s(%(expressions)s, '[]')"
    output_field = DateRangeField()


class BoundaryGeneration(models.Model):
    """One official set of administrative units, valid from one date to another."""

    slug = models.SlugField(unique=True, help_text=_("Stable identifier, e.g. 2025-07."))
    name = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_to = models.DateField(
        null=True, blank=True, help_text=_("Last day of validity (inclusive); empty = current.")
    )
    description = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text=_("Where the codes and shapes come from."))

    class Meta:
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="generation_valid_to_after_from",
            ),
            ExclusionConstraint(
                name="generation_periods_do_not_overlap",
                expressions=[
                    (InclusiveDateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS)
                ],
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class AreaLevel(models.TextChoices):
    """Depth in the hierarchy; districts were abolished on 2025-07-01."""

    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    WARD = "ward", _("Ward")


LEVEL_RANK = {AreaLevel.PROVINCE: 1, AreaLevel.DISTRICT: 2, AreaLevel.WARD: 3}


class AreaType(models.TextChoices):
    """The unit's legal type, in the domain's own Vietnamese words."""

    TINH = "tinh", _("Province (tỉnh)")
    THANH_PHO = "thanh_pho", _("City (thành phố)")
    QUAN = "quan", _("Urban district (quận)")
    HUYEN = "huyen", _("Rural district (huyện)")
    THI_XA = "thi_xa", _("Town (thị xã)")
    PHUONG = "phuong", _("Ward (phường)")
    XA = "xa", _("Commune (xã)")
    THI_TRAN = "thi_tran", _("Township (thị trấn)")
    DAC_KHU = "dac_khu", _("Special zone (đặc khu)")


class AdministrativeArea(models.Model):
    """A province, district or ward of one boundary generation."""

    generation = models.ForeignKey(
        BoundaryGeneration, on_delete=models.PROTECT, related_name="areas"
    )
    code = models.CharField(max_length=10, help_text=_("Official GSO numeric code."))
    name = models.CharField(max_length=200, help_text=_("Full name with diacritics, NFC."))
    name_search = models.CharField(max_length=200, editable=False)
    area_type = models.CharField(max_length=12, choices=AreaType.choices)
    level = models.CharField(max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geom = models.MultiPolygonField(srid=4326, spatial_index=True)
    label_point = models.PointField(
        srid=4326, null=True, blank=True, help_text=_("The unit's centre point, inside geom.")
    )
    official_area_km2 = models.FloatField(null=True, blank=True)
    geometry_is_synthetic = models.BooleanField(
        default=False, help_text=_("True for demo shapes built from centre points.")
    )
    geometry_source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["generation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["generation", "code"], name="area_code_per_generation")
        ]
        indexes = [
            models.Index(fields=["generation", "level", "code"]),
            GinIndex(OpClass("name_search", name="gin_trgm_ops"), name="area_name_search_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code}, {self.generation_id})"


class AreaSubdivision(models.Model):
    """A small piece of an area's polygon (``ST_Subdivide``), for fast point lookups."""

    area = models.ForeignKey(AdministrativeArea, on_delete=models.CASCADE, related_name="pieces")
    generation = models.ForeignKey(BoundaryGeneration, on_delete=models.CASCADE)
    level_rank = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=10)
    geom = models.PolygonField(srid=4326, spatial_index=True)


class WardSuccession(models.Model):
    """An old ward went (wholly or in part) into a new unit of a later generation."""

    old_area = models.ForeignKey(
        AdministrativeArea, on_delete=models.CASCADE, related_name="successors"
    )
    new_area = models.ForeignKey(
        AdministrativeArea, on_delete=models.CASCADE, related_name="predecessors"
    )
    is_whole = models.BooleanField(help_text=_("The whole old ward went into this new unit."))
    is_default = models.BooleanField(
        default=False, help_text=_("For a split ward: the new unit that took its main part.")
    )

    class Meta:
        ordering = ["old_area__code", "new_area__code"]
        constraints = [
            models.UniqueConstraint(fields=["old_area", "new_area"], name="succession_once")
        ]
