"""The one paginator of the REST API family (``/api/v1/...``): ``page`` and ``page_size``.

Every paged REST list pages the same way: ``page`` from 1, ``page_size`` from 1 to
``COMMONMAP["PAGE_SIZE_MAX"]`` (default ``COMMONMAP["PAGE_SIZE"]``); an empty value counts
as absent. A value that is not a whole number in range is a 400 naming the parameter
(``'page_size' must be a whole number from 1 to 1000, got '0'.``), a page past the last a
404 naming ``page``. The answer carries ``count`` (items matched, all pages) and the
absolute ``next`` and ``previous`` URLs (null at either end) beside the items: ``results``
for a JSON list, ``features`` (with ``"type": "FeatureCollection"``) for GeoJSON.
OGC API Features (limit/offset and links) and Open311 keep their own standards.

Use it three ways:

- a DRF generic list view: ``pagination_class = PageNumberPagination``;
- an ``APIView`` over a queryset or list: set ``pagination_class = PageNumberPagination``
  on the view (drf-spectacular then documents ``page``/``page_size`` and wraps a
  ``responses={200: ItemSerializer(many=True)}`` in the page) and::

      paginator = self.pagination_class()
      items = paginator.paginate_queryset(queryset, request, view=self)
      return paginator.get_paginated_response([as_json(i) for i in items])

  With a raw schema dict instead of a serializer, document the page with
  ``responses={200: paginated(schema)}`` and ``parameters=[PageQuery]``;
- a view that pages by itself (SQL with LIMIT/OFFSET): ``page = paginator.page_for(request,
  count)`` gives the number, size, offset and the ``next``/``previous`` URLs.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.errors import NotFound
from core.schema import BLANK, BlankAsAbsent, read_query

PAGE_QUERY_PARAM = "page"
PAGE_SIZE_QUERY_PARAM = "page_size"
# A page number past this is refused as malformed (not counted against the data).
MAX_PAGE = 10**9
DEFAULT_PAGE_SIZE = 100
DEFAULT_MAX_PAGE_SIZE = 1000

_NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


def page_size_default() -> int:
    """Items per page when ``page_size`` is absent (``COMMONMAP["PAGE_SIZE"]``)."""
    return int(settings.COMMONMAP.get("PAGE_SIZE", DEFAULT_PAGE_SIZE))


def page_size_max() -> int:
    """The largest ``page_size`` allowed (``COMMONMAP["PAGE_SIZE_MAX"]``)."""
    return int(settings.COMMONMAP.get("PAGE_SIZE_MAX", DEFAULT_MAX_PAGE_SIZE))


class WholeNumberField(BlankAsAbsent, serializers.IntegerField):
    """A whole number from 1 to ``max_value``; empty counts as absent. Every failure has
    one message that names the parameter, its range and the value sent."""

    def run_validation(self, data=serializers.empty):
        """The default for an absent or empty value, else the number in range."""
        if data in (serializers.empty, None, ""):
            return self.get_default()
        text = str(data)
        value = int(text) if text.isascii() and text.isdecimal() and len(text) < 12 else 0
        if not 1 <= value <= self.max_value:
            raise serializers.ValidationError(
                _("'{name}' must be a whole number from 1 to {top}, got {raw}.").format(
                    name=self.field_name, top=self.max_value, raw=repr(data)
                )
            )
        return value


class PageQuery(serializers.Serializer):
    """``page`` and ``page_size``: parses them and, in ``extend_schema(parameters=[...])``,
    documents them, so the schema and the behaviour are one declaration."""

    def get_fields(self) -> dict:
        """The two fields, with the configured default and maximum (read per request)."""
        size, top = page_size_default(), page_size_max()
        return {
            PAGE_QUERY_PARAM: WholeNumberField(
                required=False,
                default=1,
                min_value=1,
                max_value=MAX_PAGE,
                help_text="1-based page number; a page past the last is a 404.",
            ),
            PAGE_SIZE_QUERY_PARAM: WholeNumberField(
                required=False,
                default=size,
                min_value=1,
                max_value=top,
                help_text=f"Items per page (default {size}, at most {top}).",
            ),
        }


@dataclass(frozen=True)
class Page:
    """One page of a list: its number and size, the items matched and the neighbours' URLs."""

    number: int
    size: int
    count: int
    next: str | None
    previous: str | None

    @property
    def offset(self) -> int:
        """Items before this page (the SQL ``OFFSET``)."""
        return (self.number - 1) * self.size


def parse_page(params) -> tuple[int, int]:
    """``(page, page_size)`` from query parameters; InvalidParameter naming the one at fault."""
    values = read_query(PageQuery, params)
    return values[PAGE_QUERY_PARAM], values[PAGE_SIZE_QUERY_PARAM]


def paginated(schema: dict) -> dict:
    """The OpenAPI schema of a page: ``count``, ``next``, ``previous`` and the items
    (``results`` for an array schema; any other is a FeatureCollection's, which gets the
    three beside its ``type`` and ``features``)."""
    members = {
        "count": {"type": "integer", "description": "Items matched, all pages."},
        "next": _NULLABLE_URI,
        "previous": _NULLABLE_URI,
    }
    if isinstance(schema, dict) and schema.get("type") == "array":
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {**members, "results": schema},
        }
    return {
        "allOf": [
            schema,
            {
                "type": "object",
                "required": ["type", "count", "next", "previous", "features"],
                "properties": members,
            },
        ]
    }


class PageNumberPagination(BasePagination):
    """The REST family's paginator (see the module docstring): ``page``/``page_size``, one
    maximum, 400 naming the parameter, 404 past the last page, ``count``/``next``/``previous``."""

    page_query_param = PAGE_QUERY_PARAM
    page_size_query_param = PAGE_SIZE_QUERY_PARAM

    def page_for(self, request, count: int) -> Page:
        """The requested page of ``count`` items (for views that page by themselves)."""
        number, size = parse_page(request.query_params)
        last = max(1, -(-count // size))
        if number > last:
            raise NotFound(
                _("Page {page} is past the last page, {last}.").format(page=number, last=last),
                parameter=self.page_query_param,
            )
        url = request.build_absolute_uri()
        return Page(
            number=number,
            size=size,
            count=count,
            next=replace_query_param(url, self.page_query_param, number + 1)
            if number < last
            else None,
            previous=replace_query_param(url, self.page_query_param, number - 1)
            if number > 1
            else None,
        )

    def paginate_queryset(self, queryset, request, view=None) -> list:
        """The requested page of a queryset (or list), remembered for the response."""
        _number, size = parse_page(request.query_params)
        paginator = Paginator(queryset, size)
        self.page = self.page_for(request, paginator.count)
        return list(paginator.page(self.page.number).object_list)

    def get_paginated_response(self, data) -> Response:
        """The page's items with ``count``, ``next`` and ``previous``."""
        return Response(self.wrap(data, self.page))

    @staticmethod
    def wrap(data, page: Page) -> dict:
        """The body of a page: a FeatureCollection (serialised GeoJSON) gets the paging
        members beside ``features``, anything else is ``{count, next, previous, results}``."""
        paging = {"count": page.count, "next": page.next, "previous": page.previous}
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            return {"type": "FeatureCollection", **paging, "features": data["features"]}
        return {**paging, "results": data}

    def get_paginated_response_schema(self, schema) -> dict:
        """The page as it is sent (drf-spectacular calls this for list views)."""
        return paginated(schema)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """``page`` and ``page_size`` for drf-spectacular's list views."""
        fields = PageQuery().get_fields()
        return [
            {
                "name": name,
                "required": False,
                "in": "query",
                "description": str(field.help_text),
                "schema": {
                    "anyOf": [{"type": "integer", "minimum": 1, "maximum": field.max_value}, BLANK]
                },
            }
            for name, field in fields.items()
        ]
