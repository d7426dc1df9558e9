"""The GeoJSON API over the layer registry: /api/v1/layers/…

Pages are at most ``FEATURES_PAGE_SIZE_MAX`` features; ``export/`` streams a whole
(filtered) layer, made by PostGIS and written out in batches.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidParameter, NotFound
from core.schema import query
from layers import api_schema, features
from layers.feature_params import parse_query
from layers.params import parse_page_numbers
from layers.registry import get_layer, layers_for
from layers.spec import LayerSpec

GEOJSON = "application/geo+json"


class GeoJsonRenderer(JSONRenderer):
    """Lets clients ask for ``application/geo+json`` (errors still come as JSON)."""

    media_type = GEOJSON
    format = "geojson"


RENDERERS = [JSONRenderer, GeoJsonRenderer]

PAGE_PARAMS = [
    api_schema.PAGE,
    api_schema.page_size(
        settings.COMMONMAP["FEATURES_PAGE_SIZE"], settings.COMMONMAP["FEATURES_PAGE_SIZE_MAX"]
    ),
]
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


def _page_numbers(params) -> tuple[int, int]:
    return parse_page_numbers(
        params,
        settings.COMMONMAP["FEATURES_PAGE_SIZE"],
        settings.COMMONMAP["FEATURES_PAGE_SIZE_MAX"],
    )


def _page_url(request, page: int) -> str:
    params = request.query_params.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(request.path) + "?" + urlencode(list(params.lists()), True)


class FeatureList(APIView):
    """A page of a layer's features as a GeoJSON FeatureCollection."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="layer_features_list",
        description=api_schema.FEATURE_FILTERS_NOTE,
        parameters=[*api_schema.FEATURE_PARAMS, *PAGE_PARAMS, FORMAT_PARAM],
        responses=api_schema.FEATURE_LIST_RESPONSES,
    )
    def get(self, request, slug: str):
        """Filtered, sorted, paginated; ``count`` is the total number matched."""
        spec = get_layer(slug, request.user)
        query = parse_query(spec, request.query_params, request.user, ogc=False)
        page, page_size = _page_numbers(request.query_params)
        query.limit, query.offset = page_size, (page - 1) * page_size
        matched = features.count(spec, query)
        last = max(1, -(-matched // page_size))
        if page > last:
            raise NotFound(
                _("Page {page} is past the last page, {last}.").format(page=page, last=last),
                parameter="page",
            )
        sql, params = features.feature_sql(spec, query)
        rows = features.fetch_all(sql, params)
        next_url = _page_url(request, page + 1) if page < last else None
        previous_url = _page_url(request, page - 1) if page > 1 else None
        links = [{"rel": "self", "type": GEOJSON, "href": _page_url(request, page)}]
        if next_url:
            links.append({"rel": "next", "type": GEOJSON, "href": next_url})
        if previous_url:
            links.append({"rel": "prev", "type": GEOJSON, "href": previous_url})
        head = {
            "type": "FeatureCollection",
            "layer": spec.slug,
            "count": matched,
            "page": page,
            "page_size": page_size,
            "next": next_url,
            "previous": previous_url,
            "links": links,
        }
        body = _json(head)[:-1] + ',"features":[' + ",".join(rows) + "]}"
        return HttpResponse(body, content_type=GEOJSON)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class FeatureExport(APIView):
    """The whole (filtered) layer as one GeoJSON file, streamed."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="layer_features_export",
        description=api_schema.FEATURE_FILTERS_NOTE,
        parameters=[*api_schema.FEATURE_PARAMS, FORMAT_PARAM],
        responses=api_schema.FEATURE_EXPORT_RESPONSES,
    )
    def get(self, request, slug: str):
        """Every matching feature, no pagination, constant memory on the server."""
        spec = get_layer(slug, request.user)
        query = parse_query(spec, request.query_params, request.user, ogc=False)
        sql, params = features.feature_sql(spec, query)
        head = _json({"type": "FeatureCollection", "layer": spec.slug})[:-1]
        body = features.stream(sql, params, head + ',"features":[', "]}", spec.slug)
        compress = "gzip" in request.headers.get("Accept-Encoding", "")
        response = StreamingHttpResponse(
            features.gzip_stream(body) if compress else body, content_type=GEOJSON
        )
        if compress:  # GZipMiddleware leaves an encoded response alone
            response["Content-Encoding"] = "gzip"
        response["Vary"] = "Accept-Encoding"
        response["Content-Disposition"] = f'attachment; filename="{spec.slug}.geojson"'
        return response


class FeatureDetail(APIView):
    """One feature as a GeoJSON Feature."""

    renderer_classes = RENDERERS

    @extend_schema(
        operation_id="layer_features_retrieve",
        parameters=[*api_schema.FEATURE_DETAIL_PARAMS, FORMAT_PARAM],
        responses=api_schema.FEATURE_DETAIL_RESPONSES,
    )
    def get(self, request, slug: str, feature_id: str):
        """404 for an unknown layer or feature."""
        spec = get_layer(slug, request.user)
        unknown = set(request.query_params) - {"fields", "format", "lang"}
        if unknown:
            raise InvalidParameter(
                _("Unknown parameter {name}; a feature takes only 'fields'.").format(
                    name=repr(sorted(unknown)[0])
                ),
                parameter=sorted(unknown)[0],
            )
        query = parse_query(spec, request.query_params, request.user, ogc=False)
        text = features.one_feature(spec, feature_id, query)
        return HttpResponse(text, content_type=GEOJSON)
