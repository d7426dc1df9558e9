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
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _

from layers.registry import reserved_slugs


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
    """A small piece of an area's polygon (``ST_Subdivide``), for fast point lookups.

    One GiST index on (generation, geom) (``btree_gist``): every lookup is within one
    generation, so a probe meets only that generation's pieces. With a GiST index on the
    geometry alone, every other generation's pieces under the point were fetched and thrown
    away (a detailed generation loaded beside the demo's doubled the demo's lookups); and a
    separate index on the generation let the planner AND the two, reading every piece of
    the generation for each point (2 ms a point on 13,000 pieces).
    """

    area = models.ForeignKey(AdministrativeArea, on_delete=models.CASCADE, related_name="pieces")
    generation = models.ForeignKey(BoundaryGeneration, on_delete=models.CASCADE, db_index=False)
    level_rank = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=10)
    geom = models.PolygonField(srid=4326, spatial_index=False)

    class Meta:
        indexes = [GistIndex(fields=["generation", "geom"], name="areasubdivision_gen_geom")]


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


# --- The common map's other layers: facilities and layers that GIS staff import ---------


class GeometryType(models.TextChoices):
    """OGC simple-feature types a layer may declare ("Geometry" allows a mix)."""

    POINT = "Point", "Point"
    MULTIPOINT = "MultiPoint", "MultiPoint"
    LINESTRING = "LineString", "LineString"
    MULTILINESTRING = "MultiLineString", "MultiLineString"
    POLYGON = "Polygon", "Polygon"
    MULTIPOLYGON = "MultiPolygon", "MultiPolygon"
    GEOMETRY = "Geometry", "Geometry"


class FacilityCategory(models.Model):
    """A managed kind of public place, named in Vietnamese and English."""

    code = models.SlugField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    group = models.SlugField(max_length=40, help_text=_("e.g. administration, health, school."))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "facility categories"

    def __str__(self) -> str:
        return self.code


class Facility(models.Model):
    """A public place residents look for: an office, clinic, school, market, toilet..."""

    category = models.ForeignKey(
        FacilityCategory, on_delete=models.PROTECT, related_name="facilities"
    )
    name = models.CharField(max_length=300, help_text=_("Full name with diacritics, NFC."))
    name_search = models.CharField(max_length=300, editable=False)
    address = models.CharField(max_length=500, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    opening_hours = models.CharField(
        max_length=200, blank=True, help_text=_("OpenStreetMap opening_hours syntax.")
    )
    ward = models.ForeignKey(
        AdministrativeArea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilities",
        help_text=_("Computed from the location under the current boundary generation."),
    )
    attributes = models.JSONField(default=dict, blank=True)
    staff_notes = models.TextField(
        blank=True, help_text=_("Internal: contact person, access codes. Never public.")
    )
    geom = models.PointField(srid=4326, spatial_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "facilities"
        indexes = [
            models.Index(fields=["category", "id"]),
            GinIndex(OpClass("name_search", name="gin_trgm_ops"), name="facility_name_search_trgm"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Store the name normalised; the ward is not touched (``assign_wards`` sets it)."""
        from layers.names import normalise_name, search_form

        self.name = normalise_name(self.name)
        self.name_search = search_form(self.name)
        super().save(*args, **kwargs)


class Layer(models.Model):
    """A layer that GIS staff load from a file: its description and attribute schema.

    ``attribute_schema`` lists the attributes: ``[{"name": "so_giuong", "type": "integer",
    "title": "Số giường", "public": true}, ...]``; types are string, integer, number,
    boolean, date, datetime. Attributes with ``"public": false`` are staff-only.
    """

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    geometry_type = models.CharField(
        max_length=20, choices=GeometryType.choices, default=GeometryType.GEOMETRY
    )
    attribute_schema = models.JSONField(default=list, blank=True)
    name_attribute = models.CharField(
        max_length=80, blank=True, help_text=_("The attribute that names a feature (for q=).")
    )
    time_attribute = models.CharField(
        max_length=80, blank=True, help_text=_("The attribute that dates a feature.")
    )
    cluster_attributes = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Attributes whose values are counted in the cells of low-zoom point tiles, "
            'e.g. ["status", "category"].'
        ),
    )
    is_public = models.BooleanField(
        default=True, help_text=_("Off: only staff with the permission see it.")
    )
    is_hidden = models.BooleanField(default=False, help_text=_("Hidden from every API."))
    source = models.TextField(blank=True)
    licence = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        permissions = [
            ("view_restricted_layer", "Can view staff-only layers"),
            ("view_restricted_field", "Can view staff-only fields of layers"),
        ]

    def __str__(self) -> str:
        return self.slug

    def clean(self):
        from django.core.exceptions import ValidationError

        # Registered layers own their slugs (and other apps reserve words: "basemap").
        if self.slug in reserved_slugs():
            raise ValidationError({"slug": _("This slug belongs to a built-in layer.")})


class Feature(models.Model):
    """One feature of an imported layer: a geometry and its attributes."""

    # No index of its own, nor one on (layer, id): each layer is a partition
    # (layers/partitions.py), so a filter on the layer prunes to one table, where layer_id
    # is one value and the primary key (id, layer_id) finds and orders by id as well; every
    # import built both for nothing (migration 0009).
    layer = models.ForeignKey(
        Layer, on_delete=models.CASCADE, related_name="features", db_index=False
    )
    geom = models.GeometryField(srid=4326, spatial_index=True)
    attributes = models.JSONField(default=dict, blank=True)
    name = models.CharField(max_length=300, blank=True)
    name_search = models.CharField(max_length=300, blank=True, editable=False)
    time = models.DateTimeField(null=True, blank=True, help_text=_("From the time attribute."))
    source_key = models.CharField(
        max_length=200, blank=True, help_text=_("The source's own identifier (for upserts).")
    )

    class Meta:
        ordering = ["layer", "id"]
        indexes = [
            models.Index(fields=["layer", "time"]),
            models.Index(fields=["layer", "source_key"]),
            # jsonb_path_ops: one entry per value (not per key and value), half the work for
            # a bulk import; the filters only ever ask "contains" (@>).
            GinIndex(OpClass("attributes", name="jsonb_path_ops"), name="feature_attributes_gin"),
            GinIndex(OpClass("name_search", name="gin_trgm_ops"), name="feature_name_search_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.layer_id}/{self.pk}"

    def save(self, *args, **kwargs):
        from layers.names import normalise_name, search_form

        self.name = normalise_name(self.name)
        self.name_search = search_form(self.name)
        super().save(*args, **kwargs)
