"""OGC API - Features views: parse the request, call the registry and the feature SQL.

Every resource answers in JSON or HTML: ``?f=json|html`` decides, else the Accept header
(a browser, which asks for text/html by name, gets HTML; everybody else JSON). Errors are
JSON in both cases, through the project's one exception table (core.errors).
"""

import json
import re

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from core.errors import InvalidParameter
from layers import features
from layers.crs import CRS84
from layers.feature_params import parse_query
from layers.ogc import documents, openapi
from layers.ogc.documents import GEOJSON, JSON, OPENAPI_JSON, Page, Urls
from layers.registry import get_layer, layers_for
from layers.spec import LayerSpec

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ITEM_PARAMS = frozenset({"f", "crs", "properties", "fields", "lang"})


class _JsonErrors(BaseContentNegotiation):
    """DRF negotiates only the rendering of errors, always JSON: the views choose between
    JSON and HTML themselves (``f``), and an Accept DRF does not know must not be a 406."""

    def select_parser(self, request, parsers):
        """No request bodies here."""
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        """The JSON renderer, whatever was asked for."""
        return renderers[0], renderers[0].media_type


def _accept_prefers_html(header: str) -> bool:
    """True when the Accept header names HTML with a higher weight than any JSON type.
    ``*/*`` alone (curl, GDAL's defaults) means JSON."""
    html_q = json_q = 0.0
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _eq, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media in _HTML_TYPES:
            html_q = max(html_q, q)
        elif media.endswith(("/json", "+json")) or media == "application/*":
            json_q = max(json_q, q)
    return html_q > json_q


def wants_html(request) -> bool:
    """The format asked for: ``f`` first, then the Accept header."""
    fmt = request.query_params.get("f")
    if fmt:
        if fmt not in ("json", "html"):
            raise InvalidParameter(
                _("Unknown format 'f={raw}'; use f=json or f=html.").format(raw=fmt),
                parameter="f",
            )
        return fmt == "html"
    return _accept_prefers_html(request.META.get("HTTP_ACCEPT", ""))


def _urls(request) -> Urls:
    return Urls(request.build_absolute_uri(reverse("ogc:landing")))


def _json_response(body: dict, content_type: str = JSON) -> HttpResponse:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(text.encode(), content_type=content_type)


def _html_response(request, template: str, context: dict) -> HttpResponse:
    return render(request._request, f"ogc/{template}", context)


@extend_schema(exclude=True)  # described by its own OpenAPI document at /ogc/api
class OgcView(APIView):
    """Common ground of the OGC views: JSON errors, no DRF rendering, Vary: Accept."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = _JsonErrors

    def finalize_response(self, request, response, *args, **kwargs):
        """Responses depend on Accept (JSON or HTML) as well as on the URL."""
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response


class LandingPage(OgcView):
    """``/ogc/``: what this is, with links to the API definition, conformance, data."""

    def get(self, request):
        """The landing page."""
        html = wants_html(request)
        body = documents.landing_page(_urls(request), html)
        if html:
            return _html_response(request, "landing.html", {"doc": body})
        return _json_response(body)


class Conformance(OgcView):
    """``/ogc/conformance``: the conformance classes implemented."""

    def get(self, request):
        """The conformance declaration."""
        html = wants_html(request)
        body = documents.conformance(_urls(request), html)
        if html:
            return _html_response(request, "conformance.html", {"doc": body})
        return _json_response(body)


class ApiDefinition(OgcView):
    """``/ogc/api``: the OpenAPI 3.0 document (JSON) or Swagger UI over it (HTML)."""

    def get(self, request):
        """The API definition as this caller sees it."""
        html = wants_html(request)
        urls = _urls(request)
        if html:
            return _html_response(request, "api.html", {"definition_url": urls.api() + "?f=json"})
        body = openapi.document(urls.landing(), layers_for(request.user), request.user)
        return _json_response(body, OPENAPI_JSON)


class Collections(OgcView):
    """``/ogc/collections``: every layer the caller may see."""

    def get(self, request):
        """The collections."""
        html = wants_html(request)
        body = documents.collections(layers_for(request.user), _urls(request), html)
        if html:
            return _html_response(request, "collections.html", {"doc": body})
        return _json_response(body)


class Collection(OgcView):
    """``/ogc/collections/{collectionId}``: one layer."""

    def get(self, request, collection_id: str):
        """404 for an unknown layer, and for a staff-only one without the permission."""
        spec = get_layer(collection_id, request.user)
        html = wants_html(request)
        body = documents.collection(spec, _urls(request), html)
        if html:
            context = {"doc": body, "fields": spec.visible_fields(request.user)}
            return _html_response(request, "collection.html", context)
        return _json_response(body)


def _whole_number(params, name: str, default: int, minimum: int, message: str) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    # ASCII digits only: int() would also take " 5", "+5", "1_000" and "５".
    if not re.fullmatch(r"[0-9]+", raw) or int(raw[:20]) < minimum:
        raise InvalidParameter(message.format(raw=repr(raw)), parameter=name)
    # Any more digits than 19 is beyond bigint (and int() refuses over 4300 digits).
    return int(raw) if len(raw) <= 19 else 2**63


def parse_page(params) -> tuple[int, int, int | None]:
    """``limit`` (capped to the maximum), ``offset``, and the limit asked for when it was
    capped. Not a whole number, or below 1 (limit) / 0 (offset): InvalidParameter."""
    maximum = settings.COMMONMAP["OGC_LIMIT_MAX"]
    default = settings.COMMONMAP["OGC_LIMIT_DEFAULT"]
    limit = _whole_number(
        params,
        "limit",
        default,
        1,
        _(
            "'limit' must be a whole number from 1 to {maximum} (a larger one is capped to "
            "{maximum}), got {{raw}}."
        ).format(maximum=maximum),
    )
    offset = _whole_number(
        params, "offset", 0, 0, _("'offset' must be a whole number, 0 or more, got {raw}.")
    )
    if offset >= 2**63:  # PostgreSQL's bigint
        raise InvalidParameter(
            _("'offset' is too large, got {raw}.").format(raw=repr(params.get("offset"))),
            parameter="offset",
        )
    if limit > maximum:
        return maximum, offset, limit
    return limit, offset, None


def _content_crs(response: HttpResponse, query: features.FeatureQuery) -> HttpResponse:
    response["Content-Crs"] = f"<{query.crs.uri}>"
    return response


def _feature_rows(spec: LayerSpec, texts: list[str], urls: Urls, fields) -> list[dict]:
    """Features as the HTML templates show them: id, link, values in field order."""
    rows = []
    for text in texts:
        feature = json.loads(text)
        values = []
        for prop in fields:
            value = feature["properties"].get(prop.name)
            if isinstance(value, dict | list):
                value = json.dumps(value, ensure_ascii=False)
            values.append(value)
        rows.append(
            {
                "id": feature["id"],
                "url": urls.item(spec.slug, feature["id"]) + "?f=html",
                "values": values,
                "geometry": feature["geometry"],
            }
        )
    return rows


def _map_context(rows: list[dict], query: features.FeatureQuery) -> dict:
    """The geometries for the HTML page's map; only lon/lat (CRS84) can be drawn."""
    if query.crs.uri != CRS84:
        return {"show_map": False}
    shapes = [
        {"type": "Feature", "geometry": row["geometry"], "properties": {}}
        for row in rows
        if row["geometry"] is not None
    ]
    return {"show_map": bool(shapes), "geojson": {"type": "FeatureCollection", "features": shapes}}


class Items(OgcView):
    """``/ogc/collections/{collectionId}/items``: a page of features, streamed."""

    def get(self, request, collection_id: str):
        """Filtered (bbox, datetime, properties), sorted, paged by limit/offset."""
        spec = get_layer(collection_id, request.user)
        html = wants_html(request)
        query = parse_query(spec, request.query_params, request.user, ogc=True)
        limit, offset, requested = parse_page(request.query_params)
        query.limit, query.offset = limit, offset
        page = Page(limit, offset, features.count(spec, query), requested)
        urls = _urls(request)
        params = [(k, v) for k, values in request.query_params.lists() for v in values]
        links = documents.page_links(
            urls.items(spec.slug), params, page, html, urls.collection(spec.slug)
        )
        head = documents.items_head(page, links, settings.COMMONMAP["OGC_LIMIT_MAX"])
        sql, sql_params = features.feature_sql(spec, query)
        if html:
            rows = _feature_rows(spec, features.fetch_all(sql, sql_params), urls, query.fields)
            context = {
                "doc": head,
                "title": spec.title,
                "fields": query.fields,
                "rows": rows,
                "first": offset + 1 if rows else 0,
                "last": offset + len(rows),
                "links": {item["rel"]: item["href"] for item in links},
                "collection_url": urls.collection(spec.slug) + "?f=html",
                **_map_context(rows, query),
            }
            response = _html_response(request, "items.html", context)
        else:
            prefix = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
            response = StreamingHttpResponse(
                features.stream(sql, sql_params, prefix + ',"features":[', "]}", spec.slug),
                content_type=GEOJSON,
            )
            _content_crs(response, query)
        if requested is not None:
            response["Limit-Capped"] = f"requested={requested}, applied={limit}"
        return response


class Item(OgcView):
    """``/ogc/collections/{collectionId}/items/{featureId}``: one feature."""

    def get(self, request, collection_id: str, feature_id: str):
        """404 for an unknown layer or feature."""
        spec = get_layer(collection_id, request.user)
        html = wants_html(request)
        unknown = sorted(set(request.query_params) - _ITEM_PARAMS)
        if unknown:
            raise InvalidParameter(
                _("Unknown parameter {name}; a feature takes only: {known}.").format(
                    name=repr(unknown[0]), known="crs, properties, f"
                ),
                parameter=unknown[0],
            )
        query = parse_query(spec, request.query_params, request.user, ogc=True)
        text = features.one_feature(spec, feature_id, query)
        urls = _urls(request)
        links = documents.item_links(urls, spec, feature_id, html)
        if html:
            row = _feature_rows(spec, [text], urls, query.fields)[0]
            context = {
                "title": spec.title,
                "row": row,
                "pairs": list(zip(query.fields, row["values"], strict=True)),
                "links": links,
                "collection_url": urls.collection(spec.slug) + "?f=html",
                **_map_context([row], query),
            }
            return _html_response(request, "item.html", context)
        body = text[:-1] + ',"links":' + json.dumps(links, ensure_ascii=False) + "}"
        response = HttpResponse(body, content_type=GEOJSON)
        return _content_crs(response, query)
