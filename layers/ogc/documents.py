"""The JSON resources of OGC API - Features: landing page, conformance, collections, links.

Links are absolute and say their media type; a link to JSON carries ``f=json`` and one to
HTML ``f=html``, so that following a link gives what its ``type`` promised whatever the
client's Accept header says.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from layers import features
from layers.crs import CRS84, SUPPORTED
from layers.spec import LayerSpec

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
)
CRS_URIS = tuple(c.uri for c in SUPPORTED)
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
FORMAT_TYPES = {"json": JSON, "geojson": GEOJSON, "html": HTML, "openapi": OPENAPI_JSON}


def with_params(url: str, params: list[tuple[str, str]]) -> str:
    """``url`` with a query string made of ``params`` (pairs, in order)."""
    return f"{url}?{urlencode(params)}" if params else url


def link(href: str, rel: str, media_type: str, title: str) -> dict:
    """One link object of OGC API (RFC 8288 relation, media type, human title)."""
    return {"href": href, "rel": rel, "type": media_type, "title": str(title)}


@dataclass(frozen=True)
class Urls:
    """Absolute URLs of the API's resources, made from the landing page's (ending in /)."""

    root: str

    def landing(self) -> str:
        """The landing page."""
        return self.root

    def api(self) -> str:
        """The OpenAPI definition."""
        return self.root + "api"

    def conformance(self) -> str:
        """The conformance declaration."""
        return self.root + "conformance"

    def collections(self) -> str:
        """The list of collections."""
        return self.root + "collections"

    def collection(self, slug: str) -> str:
        """One collection."""
        return f"{self.root}collections/{quote(slug, safe='')}"

    def items(self, slug: str) -> str:
        """A collection's features."""
        return self.collection(slug) + "/items"

    def item(self, slug: str, feature_id: object) -> str:
        """One feature."""
        return f"{self.items(slug)}/{quote(str(feature_id), safe='')}"


def _self_and_alternate(url: str, html: bool, json_type: str = JSON) -> list[dict]:
    """The ``self`` link in the format served, ``alternate`` in the other one."""
    as_json = with_params(url, [("f", "json")])
    as_html = with_params(url, [("f", "html")])
    if html:
        return [
            link(as_html, "self", HTML, _("This document")),
            link(as_json, "alternate", json_type, _("This document as JSON")),
        ]
    return [
        link(as_json, "self", json_type, _("This document")),
        link(as_html, "alternate", HTML, _("This document as HTML")),
    ]


def landing_page(urls: Urls, html: bool) -> dict:
    """The landing page: what this is and where everything else is."""
    return {
        "title": str(_("Common Map — OGC API Features")),
        "description": str(
            _(
                "The layers of Ho Chi Minh City's common map (administrative areas, public "
                "facilities and imported layers) as OGC API - Features. Demo ward shapes and "
                "demo facilities are synthetic."
            )
        ),
        "links": [
            *_self_and_alternate(urls.landing(), html),
            link(
                with_params(urls.api(), [("f", "json")]),
                "service-desc",
                OPENAPI_JSON,
                _("The API definition (OpenAPI 3.0)"),
            ),
            link(
                with_params(urls.api(), [("f", "html")]),
                "service-doc",
                HTML,
                _("The API documentation"),
            ),
            link(
                with_params(urls.conformance(), [("f", "json")]),
                "conformance",
                JSON,
                _("Conformance classes implemented by this server"),
            ),
            link(
                with_params(urls.collections(), [("f", "json")]),
                "data",
                JSON,
                _("The collections (layers)"),
            ),
        ],
    }


def conformance(urls: Urls, html: bool) -> dict:
    """The conformance classes this server really implements."""
    return {
        "conformsTo": list(CONFORMANCE),
        "links": _self_and_alternate(urls.conformance(), html),
    }


def temporal_extent(spec: LayerSpec) -> tuple[str, str] | None:
    """First and last time of a layer's features (RFC 3339, UTC), or None without time."""
    times = features.time_range(spec)
    if times is None:
        return None
    return _rfc3339(times[0]), _rfc3339(times[1])


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def time_stamp() -> str:
    """Now, for ``timeStamp`` (RFC 3339, UTC, whole seconds)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def collection(spec: LayerSpec, urls: Urls, html: bool = False) -> dict:
    """One collection: description, extent, CRSs and links to its items."""
    items = urls.items(spec.slug)
    body = {
        "id": spec.slug,
        "title": str(spec.title),
        "description": str(spec.description),
        "links": [
            *_self_and_alternate(urls.collection(spec.slug), html),
            link(with_params(items, [("f", "json")]), "items", GEOJSON, _("The features")),
            link(with_params(items, [("f", "html")]), "items", HTML, _("The features as HTML")),
        ],
        "itemType": "feature",
        "crs": list(CRS_URIS),
        "storageCrs": CRS84,
    }
    extent = {}
    bbox = features.extent(spec)
    if bbox is not None:
        extent["spatial"] = {"bbox": [list(bbox)], "crs": CRS84}
    times = temporal_extent(spec)
    if times is not None:
        extent["temporal"] = {"interval": [list(times)], "trs": GREGORIAN}
    if extent:
        body["extent"] = extent
    return body


def collections(specs: list[LayerSpec], urls: Urls, html: bool) -> dict:
    """Every collection the caller may see."""
    return {
        "links": _self_and_alternate(urls.collections(), html),
        "collections": [collection(spec, urls) for spec in specs],
    }


@dataclass(frozen=True)
class Page:
    """Where a page of items sits: its limit (after capping), offset and counts."""

    limit: int
    offset: int
    matched: int
    requested_limit: int | None = None  # when the request asked for more than the maximum

    @property
    def returned(self) -> int:
        """How many features this page holds."""
        return max(0, min(self.limit, self.matched - self.offset))


def page_links(
    url: str, params: list[tuple[str, str]], page: Page, html: bool, collection_url: str
) -> list[dict]:
    """self/alternate for this page, next and prev when there are such pages, and the
    collection. Every other parameter of the request is kept as it was."""
    kept = [(k, v) for k, v in params if k not in ("f", "limit", "offset")]
    given = [(k, v) for k, v in params if k in ("limit", "offset")]
    fmt, media = ("html", HTML) if html else ("json", GEOJSON)
    other_fmt, other_media = ("json", GEOJSON) if html else ("html", HTML)
    other_title = _("This page as GeoJSON") if html else _("This page as HTML")

    def at(offset: int, f: str) -> str:
        return with_params(
            url, [*kept, ("limit", str(page.limit)), ("offset", str(offset)), ("f", f)]
        )

    links = [
        link(with_params(url, [*kept, *given, ("f", fmt)]), "self", media, _("This page")),
        link(
            with_params(url, [*kept, *given, ("f", other_fmt)]),
            "alternate",
            other_media,
            other_title,
        ),
    ]
    if page.offset + page.returned < page.matched:
        links.append(
            link(at(page.offset + page.limit, fmt), "next", media, pgettext("OGC API", "Next page"))
        )
    if page.offset > 0:
        previous = max(0, min(page.offset - page.limit, page.matched - page.limit))
        links.append(link(at(previous, fmt), "prev", media, pgettext("OGC API", "Previous page")))
    links.append(
        link(
            with_params(collection_url, [("f", fmt)]),
            "collection",
            HTML if html else JSON,
            _("The collection"),
        )
    )
    return links


def items_head(page: Page, links: list[dict], limit_max: int) -> dict:
    """The members of a FeatureCollection page that come before its features."""
    head = {
        "type": "FeatureCollection",
        "numberMatched": page.matched,
        "numberReturned": page.returned,
        "timeStamp": time_stamp(),
        "links": links,
    }
    if page.requested_limit is not None:
        head["limitCapped"] = {
            "requested": page.requested_limit,
            "applied": page.limit,
            "detail": str(
                _("'limit' {requested} is above the maximum; {maximum} features per page.").format(
                    requested=page.requested_limit, maximum=limit_max
                )
            ),
        }
    return head


def item_links(urls: Urls, spec: LayerSpec, feature_id: object, html: bool) -> list[dict]:
    """self/alternate for one feature, and its collection."""
    fmt, media = ("html", HTML) if html else ("json", JSON)
    return [
        *_self_and_alternate(urls.item(spec.slug, feature_id), html, GEOJSON),
        link(
            with_params(urls.collection(spec.slug), [("f", fmt)]),
            "collection",
            media,
            _("The collection"),
        ),
    ]
