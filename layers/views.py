"""HTTP edges of the layers app: parse parameters, call queries/lookup, serialise."""

import re
from dataclasses import asdict

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from core.errors import NotFound
from layers import api_schema, lookup, queries
from layers.filters import AreaFilter
from layers.models import BoundaryGeneration
from layers.params import (
    parse_date,
    parse_lon_lat,
    parse_page_numbers,
    parse_points,
    parse_positive_float,
    refuse_unknown,
)
from layers.serializers import AreaDetailSerializer, AreaFeatureSerializer, GenerationSerializer

SIMPLIFY_MAX_M = api_schema.SIMPLIFY_MAX_M


def _simplify(request) -> float | None:
    raw = request.query_params.get("simplify")
    if raw is None or raw == "":
        return None
    return parse_positive_float("simplify", raw, maximum=SIMPLIFY_MAX_M)


AREA_LIST_PARAMS = frozenset(
    {"level", "type", "generation", "parent", "q", "bbox", "simplify", "page", "page_size"}
)
AREA_DETAIL_PARAMS = frozenset({"generation", "simplify"})
# A pretty-printed {"lon": …, "lat": …} with 17 significant digits each is about 80 bytes.
LOOKUP_BYTES_PER_POINT = 200


class AreaPagination(GeoJsonPagination):
    """Page-number pagination with count, next and previous links; a page or page size
    that is not a whole number from 1 is a 400, a page past the last a 404 (as in the
    layers API)."""

    page_size = settings.COMMONMAP["AREAS_PAGE_SIZE"]
    page_size_query_param = "page_size"
    max_page_size = settings.COMMONMAP["AREAS_PAGE_SIZE_MAX"]

    def paginate_queryset(self, queryset, request, view=None):
        """The requested page of the queryset (a page size over the maximum is capped)."""
        self.request = request
        params = request.query_params
        raw_size = params.get("page_size") or ""
        if re.fullmatch(r"[0-9]+", raw_size) and int(raw_size[:12]) > self.max_page_size:
            params = params.copy()
            params["page_size"] = str(self.max_page_size)
        number, size = parse_page_numbers(params, self.page_size, self.max_page_size)
        paginator = self.django_paginator_class(queryset, size)
        if number > paginator.num_pages:
            raise NotFound(
                _("Page {page} is past the last page, {last}.").format(
                    page=number, last=paginator.num_pages
                ),
                parameter="page",
            )
        self.page = paginator.page(number)
        return list(self.page)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """The page as it is sent: a FeatureCollection with count, next and previous."""
        return api_schema.area_page(schema)


@extend_schema(
    parameters=api_schema.AREA_LIST_PARAMS,
    responses={200: AreaFeatureSerializer(many=True), **api_schema.AREA_LIST_RESPONSES},
)
class AreaList(generics.ListAPIView):
    """Administrative areas as a GeoJSON FeatureCollection."""

    serializer_class = AreaFeatureSerializer
    pagination_class = AreaPagination
    filterset_class = AreaFilter

    def get(self, request, *args, **kwargs):
        """A page of areas; an unknown parameter is a 400 listing the accepted ones."""
        refuse_unknown(request.query_params, AREA_LIST_PARAMS)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        """Areas of the requested generation, ordered by code."""
        generation = queries.resolve_generation(self.request.query_params.get("generation"))
        return queries.areas_of(generation, _simplify(self.request)).order_by("code")


@extend_schema(
    parameters=api_schema.AREA_DETAIL_PARAMS,
    responses={200: AreaDetailSerializer, **api_schema.AREA_DETAIL_RESPONSES},
)
class AreaDetail(APIView):
    """One area with its parent chain, and its successors or predecessors across 2025."""

    serializer_class = AreaDetailSerializer

    def get(self, request, code: str):
        """The area with this official code in the requested generation."""
        refuse_unknown(request.query_params, AREA_DETAIL_PARAMS)
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

    # A batch body over this is refused (413) by its Content-Length, before it is read.
    max_body_bytes = settings.COMMONMAP["LOOKUP_BATCH_MAX"] * LOOKUP_BYTES_PER_POINT

    @extend_schema(
        parameters=api_schema.LOOKUP_GET_PARAMS, responses=api_schema.LOOKUP_GET_RESPONSES
    )
    def get(self, request):
        """The deepest area containing the point under the generation valid on ``date``."""
        refuse_unknown(request.query_params, frozenset({"lon", "lat", "date"}))
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
        parameters=[api_schema.DATE],
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
        refuse_unknown(request.query_params, frozenset({"date"}))
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
