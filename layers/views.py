"""HTTP edges of the layers app: parse parameters, call queries/lookup, serialise."""

from dataclasses import asdict

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PAGE_QUERY_PARAM, PAGE_SIZE_QUERY_PARAM, PageNumberPagination
from core.schema import read_query
from layers import api_schema, lookup, queries
from layers.filters import AreaFilter, AreaQuery, DateQuery, LookupQuery
from layers.lookup_answer import batch_answer
from layers.models import BoundaryGeneration
from layers.params import parse_points, refuse_unknown
from layers.serializers import AreaDetailSerializer, AreaFeatureSerializer, GenerationSerializer

# The accepted parameters are the declared ones: a misspelt one is a 400 listing them.
AREA_DETAIL_PARAMS = frozenset(AreaQuery().fields)
AREA_LIST_PARAMS = (
    AREA_DETAIL_PARAMS
    | frozenset(AreaFilter.base_filters)
    | {PAGE_QUERY_PARAM, PAGE_SIZE_QUERY_PARAM}
)
LOOKUP_PARAMS = frozenset(LookupQuery().fields)
BATCH_PARAMS = frozenset(DateQuery().fields)
# A pretty-printed {"lon": …, "lat": …} with 17 significant digits each is about 80 bytes.
LOOKUP_BYTES_PER_POINT = 200


@extend_schema(
    parameters=[AreaQuery],
    responses={200: AreaFeatureSerializer(many=True), **api_schema.AREA_LIST_RESPONSES},
)
class AreaList(generics.ListAPIView):
    """Administrative areas as a GeoJSON FeatureCollection, paged."""

    serializer_class = AreaFeatureSerializer
    pagination_class = PageNumberPagination
    filterset_class = AreaFilter

    def get(self, request, *args, **kwargs):
        """A page of areas; an unknown parameter is a 400 listing the accepted ones."""
        refuse_unknown(request.query_params, AREA_LIST_PARAMS)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        """Areas of the requested generation, ordered by code."""
        params = read_query(AreaQuery, self.request.query_params)
        generation = queries.resolve_generation(params.get("generation"))
        return queries.areas_of(generation, params.get("simplify")).order_by("code")


@extend_schema(
    parameters=[AreaQuery],
    responses={200: AreaDetailSerializer, **api_schema.AREA_DETAIL_RESPONSES},
)
class AreaDetail(APIView):
    """One area with its parent chain, and its successors or predecessors across 2025."""

    serializer_class = AreaDetailSerializer

    def get(self, request, code: str):
        """The area with this official code in the requested generation."""
        refuse_unknown(request.query_params, AREA_DETAIL_PARAMS)
        params = read_query(AreaQuery, request.query_params)
        generation = queries.resolve_generation(params.get("generation"))
        area = queries.area_by_code(code, generation, params.get("simplify"))
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

    # A batch body over this is refused (413) by its Content-Length, before it is read.
    max_body_bytes = settings.COMMONMAP["LOOKUP_BATCH_MAX"] * LOOKUP_BYTES_PER_POINT

    @extend_schema(parameters=[LookupQuery], responses=api_schema.LOOKUP_GET_RESPONSES)
    def get(self, request):
        """The deepest area containing the point under the generation valid on ``date``."""
        refuse_unknown(request.query_params, LOOKUP_PARAMS)
        params = read_query(LookupQuery, request.query_params)
        lon, lat, day = params["lon"], params["lat"], params["date"]
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
        parameters=[DateQuery],
        request={"application/json": api_schema.LOOKUP_BATCH_REQUEST},
        responses=api_schema.LOOKUP_POST_RESPONSES,
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
        refuse_unknown(request.query_params, BATCH_PARAMS)
        points = parse_points(request.data, settings.COMMONMAP["LOOKUP_BATCH_MAX"])
        day = read_query(DateQuery, request.query_params)["date"]
        generation, results = lookup.resolve_points(points, day)
        # The bytes DRF's JSONRenderer would write, each distinct area encoded once.
        answer = batch_answer(day, generation, points, results)
        return HttpResponse(answer, content_type="application/json")
