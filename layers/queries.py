"""Read queries over administrative areas, shared by the API views and the tests."""

from django.contrib.gis.db.models.functions import GeoFunc, Transform
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidParameter, NotFound
from layers.lookup import generation_on
from layers.models import AdministrativeArea, BoundaryGeneration

# Simplification happens in true metres: UTM 48N (WGS 84) covers the whole city.
METRIC_SRID = 32648


class SimplifyPreserveTopology(GeoFunc):
    """``ST_SimplifyPreserveTopology(geom, tolerance)``: never collapses a polygon."""

    function = "ST_SimplifyPreserveTopology"
    geom_param_pos = (0,)

    @property
    def output_field(self):
        """The geometry's own field type (the tolerance is a plain number)."""
        return self.source_expressions[0].output_field


class Multi(GeoFunc):
    """``ST_Multi(geom)``: a simplified ward that lost a part is still a MultiPolygon, as the
    API documents and every client of one layer expects."""

    function = "ST_Multi"


def resolve_generation(slug: str | None) -> BoundaryGeneration:
    """The generation named by ``slug``, or the one valid today when none is given."""
    if not slug:
        return generation_on(timezone.localdate())
    generation = BoundaryGeneration.objects.filter(slug=slug).first()
    if generation is None:
        known = ", ".join(BoundaryGeneration.objects.values_list("slug", flat=True))
        raise InvalidParameter(
            _("Unknown boundary generation {slug}; known generations: {known}.").format(
                slug=repr(slug), known=known
            ),
            parameter="generation",
        )
    return generation


def areas_of(generation: BoundaryGeneration, simplify_m: float | None = None) -> QuerySet:
    """The generation's areas with ``out_geom``: the geometry, simplified when asked."""
    queryset = AdministrativeArea.objects.filter(generation=generation).select_related(
        "parent", "generation"
    )
    if simplify_m:
        simplified = SimplifyPreserveTopology(Transform("geom", METRIC_SRID), simplify_m)
        out = Multi(Transform(simplified, 4326))
        return queryset.annotate(out_geom=out)
    return queryset.annotate(out_geom=F("geom"))


def area_by_code(code: str, generation: BoundaryGeneration, simplify_m: float | None = None):
    """One area of the generation; NotFound names the generations that do have the code."""
    area = areas_of(generation, simplify_m).filter(code=code).first()
    if area is not None:
        return area
    elsewhere = list(
        AdministrativeArea.objects.filter(code=code)
        .order_by("generation__valid_from")
        .values_list("generation__slug", flat=True)
    )
    hint = None
    if elsewhere:
        hint = _("It exists in generation {generations}: add ?generation={last}").format(
            generations=", ".join(elsewhere), last=elsewhere[-1]
        )
    raise NotFound(
        _("No area with code {code} in generation {generation}.").format(
            code=repr(code), generation=generation.slug
        ),
        hint=hint,
    )


def parent_chain(area: AdministrativeArea) -> list[AdministrativeArea]:
    """The area's parents, nearest first (ward → district → province)."""
    chain = []
    current = area.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain
