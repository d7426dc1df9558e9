"""The GeoJSON API over the layer registry: /api/v1/layers/…

Pages come from the REST API's one paginator (``core.pagination``: ``page``, ``page_size``
up to ``PAGE_SIZE_MAX``); ``export/`` streams a whole (filtered) layer, made by PostGIS and
written out in batches.
"""

import json

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from drf_spectacular.utils import extend_schema
from psycopg import sql
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core import front
from core.pagination import PageNumberPagination, PageQuery, parse_page
from core.schema import query, read_query
from layers import api_schema, features
from layers.feature_params import FeatureDetailParams, FeatureParams
from layers.registry import get_layer, layers_for
from layers.spec import LayerSpec

GEOJSON = "application/geo+json"


class GeoJsonRenderer(JSONRenderer):
    """Lets clients ask for ``application/geo+json`` (errors still come as JSON)."""

    media_type = GEOJSON
    format = "geojson"


RENDERERS = [JSONRenderer, GeoJsonRenderer]

# DRF's format override: geojson or json (the same body; an empty value counts as absent).
FORMAT_PARAM = query("format", {"type": "string", "enum": ["geojson", "json"]})


def _layer_json(spec: LayerSpec, request, user, detail: bool) -> dict:
    base = request.build_absolute_uri(f"/api/v1/layers/{spec.slug}/")
    body = {
        "slug": spec.slug,
        "title": str(spec.title),
        "description": str(spec.description),
        "geometry_type": spec.geometry_type,
        "public": spec.public,
        "source": str(spec.source),
        "licence": spec.licence,
        "has_time": spec.time_sql is not None,
        "searchable": spec.search_sql is not None,
        "fields": [
            {
                "name": f.name,
                "type": f.type,
                "title": str(f.title),
                "public": f.public,
                "filterable": f.filterable,
                "sortable": f.sortable,
            }
            for f in spec.visible_fields(user)
        ],
        "links": {
            "self": base,
            "features": base + "features/",
            "export": base + "export/",
            "ogc": request.build_absolute_uri(f"/ogc/collections/{spec.slug}"),
        },
    }
    if detail:
        body["extent"] = features.extent(spec)
        body["count"] = features.count(spec, features.FeatureQuery(fields=()))
    return body


class LayerList(APIView):
    """Every layer the caller may see: built-in ones, then imported ones."""

    @extend_schema(operation_id="layers_list", responses=api_schema.LAYER_LIST_RESPONSES)
    def get(self, request):
        """Layers with their properties and links."""
        return Response(
            [_layer_json(s, request, request.user, False) for s in layers_for(request.user)]
        )


class LayerDetail(APIView):
    """One layer's description, extent and feature count."""

    @extend_schema(operation_id="layers_retrieve", responses=api_schema.LAYER_DETAIL_RESPONSES)
    def get(self, request, slug: str):
        """404 for an unknown layer, and for a staff-only one without the permission."""
        spec = get_layer(slug, request.user)
        return Response(_layer_json(spec, request, request.user, True))


class FeatureList(APIView):
    """A page of a layer's features as a GeoJSON FeatureCollection."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="layer_features_list",
        description=api_schema.FEATURE_FILTERS_NOTE,
        parameters=[FeatureParams, PageQuery, FORMAT_PARAM],
        responses=api_schema.FEATURE_LIST_RESPONSES,
    )
    def get(self, request, slug: str):
        """Filtered, sorted, paginated; ``count`` is the total number matched."""
        spec = get_layer(slug, request.user)
        query = _query(FeatureParams, spec, request)
        parse_page(request.query_params)  # a bad page is refused before the count
        matched = features.count(spec, query)
        page = PageNumberPagination().page_for(request, matched)
        query.limit, query.offset = page.size, page.offset
        sql, params = features.feature_sql(spec, query)
        rows = features.fetch_all(sql, params)
        here = replace_query_param(request.build_absolute_uri(), "page", page.number)
        links = [{"rel": "self", "type": GEOJSON, "href": here}]
        if page.next:
            links.append({"rel": "next", "type": GEOJSON, "href": page.next})
        if page.previous:
            links.append({"rel": "prev", "type": GEOJSON, "href": page.previous})
        head = {
            "type": "FeatureCollection",
            "layer": spec.slug,
            "count": page.count,
            "page": page.number,
            "page_size": page.size,
            "next": page.next,
            "previous": page.previous,
            "links": links,
        }
        body = _json(head)[:-1] + ',"features":[' + ",".join(rows) + "]}"
        return HttpResponse(body, content_type=GEOJSON)


def _query(params: type, spec: LayerSpec, request) -> features.FeatureQuery:
    """The request's parameters, parsed by the serializer that documents them."""
    return read_query(params, request.query_params, spec=spec, user=request.user)["query"]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class FeatureExport(APIView):
    """The whole (filtered) layer as one GeoJSON file, streamed."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="layer_features_export",
        description=api_schema.FEATURE_FILTERS_NOTE,
        parameters=[FeatureParams, FORMAT_PARAM],
        responses=api_schema.FEATURE_EXPORT_RESPONSES,
    )
    def get(self, request, slug: str):
        """Every matching feature, no pagination, constant memory on the server."""
        spec = get_layer(slug, request.user)
        query = _query(FeatureParams, spec, request)
        statement, params = features.feature_sql(spec, query)
        head = _json({"type": "FeatureCollection", "layer": spec.slug})[:-1]
        prefix, suffix = head + ',"features":[', "]}"
        compress = "gzip" in request.headers.get("Accept-Encoding", "")
        front_max = settings.COMMONMAP["FRONT_EXPORT_MAX_FEATURES"]
        rows = features.fetch_all(_first_rows(statement, SMALL_EXPORT + 1), params)
        small = len(rows) <= SMALL_EXPORT
        if small:
            response = _small_export(rows, prefix, suffix, compress)
        else:
            body = features.stream(statement, params, prefix, suffix, spec.slug)
            response = StreamingHttpResponse(
                features.gzip_stream(body) if compress else body, content_type=GEOJSON
            )
        if compress:  # GZipMiddleware leaves an encoded response alone
            response["Content-Encoding"] = "gzip"
        response["Vary"] = "Accept-Encoding"
        response["Content-Disposition"] = f'attachment; filename="{spec.slug}.geojson"'
        # The front keeps (by its layer tag) only exports small enough for its memory: a
        # streamed answer it cannot store whole would reach the caller cut short.
        if (small and front_max >= SMALL_EXPORT) or features.at_most(spec, query, front_max):
            front.tag(response, [spec.slug])
        return _cacheable(response, spec, request.user)


# An export of at most one stream batch is read in one statement and sent as one chunk, with
# its length: the stream would hold as many rows at once, and its round trips (the count,
# BEGIN, DECLARE, the fetches, COMMIT) are most of a small export's time (the 168 wards,
# bench/features.py). A bigger one is streamed after that first statement, which read
# one batch more than it needed (1% of a 200,000-point export's work).
SMALL_EXPORT = features.BATCH_ROWS


def _first_rows(statement: sql.Composed, limit: int) -> sql.Composed:
    """The export statement's first ``limit`` rows, in its order."""
    return sql.SQL("SELECT * FROM ({}) AS export LIMIT {}").format(statement, sql.Literal(limit))


def _small_export(
    rows: list[str], prefix: str, suffix: str, compress: bool
) -> StreamingHttpResponse:
    """A small export's whole body in one chunk, with its length: the same bytes as the
    stream's (gzip level 1 when ``compress``, as ``features.gzip_stream``), and still a
    streaming response, as every export is."""
    body = (prefix + ",".join(rows) + suffix).encode()
    if compress:
        body = b"".join(features.gzip_stream(iter([body])))
    response = StreamingHttpResponse([body], content_type=GEOJSON)
    response["Content-Length"] = str(len(body))
    return response


def _cacheable(response: HttpResponse, spec: LayerSpec, user) -> HttpResponse:
    """A public layer's export to an anonymous caller may be kept by any cache (the front
    forgets it by its layer tag when the layer changes); anything else only by the caller's
    browser, never served to another caller."""
    max_age = settings.COMMONMAP["TILE_MAX_AGE"]
    if spec.public and user is None:
        response["Cache-Control"] = f"public, max-age={max_age}"
    else:
        response["Cache-Control"] = f"private, max-age={max_age}"
        patch_vary_headers(response, ("Authorization", "Cookie"))
    return response


class FeatureDetail(APIView):
    """One feature as a GeoJSON Feature."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="layer_features_retrieve",
        parameters=[FeatureDetailParams, FORMAT_PARAM],
        responses=api_schema.FEATURE_DETAIL_RESPONSES,
    )
    def get(self, request, slug: str, feature_id: str):
        """404 for an unknown layer or feature."""
        spec = get_layer(slug, request.user)
        query = _query(FeatureDetailParams, spec, request)
        text = features.one_feature(spec, feature_id, query)
        return HttpResponse(text, content_type=GEOJSON)
