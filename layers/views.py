"""HTTP edges of the layers app: parse parameters, call queries/lookup, serialise."""

from dataclasses import asdict

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from layers import lookup, queries
from layers.filters import AreaFilter
from layers.models import BoundaryGeneration
from layers.params import parse_date, parse_lon_lat, parse_points, parse_positive_float
from layers.serializers import AreaDetailSerializer, AreaFeatureSerializer, GenerationSerializer

GENERATION_PARAM = OpenApiParameter(
    "generation", str, description="Boundary generation slug (default: the one valid today)."
)
SIMPLIFY_PARAM = OpenApiParameter(
    "simplify", float, description="Simplify geometries with this tolerance in metres (≤ 10000)."
)
SIMPLIFY_MAX_M = 10_000.0


def _simplify(request) -> float | None:
    raw = request.query_params.get("simplify")
    if raw is None or raw == "":
        return None
    return parse_positive_float("simplify", raw, maximum=SIMPLIFY_MAX_M)


class AreaPagination(GeoJsonPagination):
    """Page-number pagination with count, next and previous links."""

    page_size = settings.COMMONMAP["AREAS_PAGE_SIZE"]
    page_size_query_param = "page_size"
    max_page_size = settings.COMMONMAP["AREAS_PAGE_SIZE_MAX"]


@extend_schema(parameters=[GENERATION_PARAM, SIMPLIFY_PARAM])
class AreaList(generics.ListAPIView):
    """Administrative areas as a GeoJSON FeatureCollection."""

    serializer_class = AreaFeatureSerializer
    pagination_class = AreaPagination
    filterset_class = AreaFilter

    def get_queryset(self):
        """Areas of the requested generation, ordered by code."""
        generation = queries.resolve_generation(self.request.query_params.get("generation"))
        return queries.areas_of(generation, _simplify(self.request)).order_by("code")


@extend_schema(parameters=[GENERATION_PARAM, SIMPLIFY_PARAM])
class AreaDetail(APIView):
    """One area with its parent chain, and its successors or predecessors across 2025."""

    serializer_class = AreaDetailSerializer

    def get(self, request, code: str):
        """The area with this official code in the requested generation."""
        generation = queries.resolve_generation(request.query_params.get("generation"))
        area = queries.area_by_code(code, generation, _simplify(request))
        return Response(AreaDetailSerializer(area).data)


class GenerationList(generics.ListAPIView):
    """Boundary generations, oldest first."""

    serializer_class = GenerationSerializer
    queryset = BoundaryGeneration.objects.order_by("valid_from")
    pagination_class = None


def _area(area: lookup.AreaRef | None) -> dict | None:
    """An area as JSON; the same few hundred areas answer a whole batch, so they are cached
    (``dataclasses.asdict`` per point was half the time of a 10,000-point batch)."""
    if area is None:
        return None
    return {"code": area.code, "name": area.name, "level": area.level, "type": area.type}


def _result(result: lookup.LookupResult, areas: dict | None = None) -> dict:
    areas = {} if areas is None else areas
    for ref in (result.area, *result.parents):
        if ref not in areas:
            areas[ref] = _area(ref)
    return {
        "area": areas[result.area],
        "parents": [areas[p] for p in result.parents],
    }


class Lookup(APIView):
    """Which ward (and district, province) contains a point, on a given date."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lon", float, required=True, description="Longitude, WGS 84."),
            OpenApiParameter("lat", float, required=True, description="Latitude, WGS 84."),
            OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD; default today."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        """The deepest area containing the point under the generation valid on ``date``."""
        lon, lat = parse_lon_lat(request.query_params.get("lon"), request.query_params.get("lat"))
        day = parse_date(request.query_params.get("date"), timezone.localdate())
        generation, result = lookup.resolve_point(lon, lat, day)
        return Response(
            {
                "point": {"lon": lon, "lat": lat},
                "date": day.isoformat(),
                "generation": asdict(generation),
                **_result(result),
            }
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD; default today.")
        ],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample("pairs", value=[[106.7009, 10.7769], [106.6297, 10.8231]]),
            OpenApiExample(
                "GeoJSON MultiPoint",
                value={"type": "MultiPoint", "coordinates": [[106.7009, 10.7769]]},
            ),
        ],
    )
    def post(self, request):
        """Up to 10,000 points in one request, answered in input order (area null = outside)."""
        points = parse_points(request.data, settings.COMMONMAP["LOOKUP_BATCH_MAX"])
        day = parse_date(request.query_params.get("date"), timezone.localdate())
        generation, results = lookup.resolve_points(points, day)
        matched = sum(1 for r in results if r.area is not None)
        areas: dict = {}
        return Response(
            {
                "date": day.isoformat(),
                "generation": asdict(generation),
                "count": len(results),
                "matched": matched,
                "results": [
                    {"lon": lon, "lat": lat, **_result(r, areas)}
                    for (lon, lat), r in zip(points, results, strict=True)
                ],
            }
        )
