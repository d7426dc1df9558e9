"""The coordinate reference systems the feature APIs accept and answer in.

OGC API - Features names a CRS by URI. EPSG:4326 is latitude first by definition (OGC API
Part 2 follows the CRS's axis order); CRS84 is the same datum, longitude first, and is
what plain GeoJSON means. EPSG:9210 (VN-2000 / TM-3 105-45) is the city's GIS projection.

VN-2000 has two EPSG transformations to WGS 84 that cover Ho Chi Minh City: EPSG:6960
(the official parameters of Decision 05/2007/QĐ-BTNMT, Viet Nam onshore) and EPSG:5194
(Total's set for two Mekong-delta oil blocks). Inside the blocks PROJ picks EPSG:5194 on
its own, about 0.8 m away from the official answer; the project always uses EPSG:6960
(migration 0004 writes it into PostGIS; ``vn2000_transformer`` does the same in pyproj).
"""

import re
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pyproj import CRS, Transformer

from core.errors import InvalidParameter

# EPSG:6960 as a PROJ +towgs84 (position-vector convention, rotations in arc-seconds).
VN2000_TOWGS84 = (
    "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
)

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


@dataclass(frozen=True)
class OutputCrs:
    """A CRS the APIs answer in: its URI, PostGIS SRID, axis order and precision."""

    uri: str
    srid: int
    lat_first: bool
    decimals: int  # 7 decimal degrees ≈ 1 cm; 3 decimals of a metre = 1 mm
    title: str
    # minX, minY, maxX, maxY a bbox in this CRS must lie within (None: degrees, checked
    # as longitudes and latitudes); beyond it the projection is undefined or meaningless.
    domain: tuple[float, float, float, float] | None = None


SUPPORTED = (
    OutputCrs(CRS84, 4326, False, 7, "WGS 84, longitude/latitude (CRS84)"),
    OutputCrs("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, True, 7, "WGS 84 (EPSG:4326)"),
    OutputCrs(
        "http://www.opengis.net/def/crs/EPSG/0/3857",
        3857,
        False,
        3,
        "Web Mercator (EPSG:3857)",
        # EPSG's area of use: the world between 85.06°S and 85.06°N.
        (-20037508.342789244, -20048966.104014594, 20037508.342789244, 20048966.104014594),
    ),
    OutputCrs(
        "http://www.opengis.net/def/crs/EPSG/0/9210",
        9210,
        False,
        3,
        "VN-2000 / TM-3 105-45 (EPSG:9210)",
        # Viet Nam and its seas (about 101°E to 119°E, 0° to 27°N), with room to spare: a
        # 3° zone's transverse Mercator means little farther from its central meridian.
        (0.0, 0.0, 2_000_000.0, 3_000_000.0),
    ),
)
_BY_URI = {c.uri: c for c in SUPPORTED}
_ALIASES = {
    "crs84": CRS84,
    "ogc:crs84": CRS84,
    "urn:ogc:def:crs:ogc:1.3:crs84": CRS84,
    "urn:ogc:def:crs:ogc::crs84": CRS84,
    "[ogc:crs84]": CRS84,
}
for _crs in SUPPORTED[1:]:
    _code = _crs.uri.rsplit("/", 1)[1]
    for _alias in (f"epsg:{_code}", f"urn:ogc:def:crs:epsg::{_code}", f"[epsg:{_code}]"):
        _ALIASES[_alias] = _crs.uri


def parse_crs(raw: str | None, parameter: str = "crs") -> OutputCrs:
    """The CRS named by a URI (or EPSG:n, CRS84, a URN); CRS84 when absent."""
    if raw is None or raw == "":
        return SUPPORTED[0]
    uri = raw if raw in _BY_URI else _ALIASES.get(raw.strip().lower())
    if uri is None and raw.startswith("https://"):
        plain = "http://" + raw.removeprefix("https://")
        uri = plain if plain in _BY_URI else None
    if uri is None:
        raise InvalidParameter(
            _("Unsupported '{parameter}' {raw}; supported: {supported}.").format(
                parameter=parameter, raw=repr(raw), supported=", ".join(_BY_URI)
            ),
            parameter=parameter,
        )
    return _BY_URI[uri]


def with_official_shift(crs: CRS) -> CRS:
    """A VN-2000 CRS (projected or geographic) bound to the official shift EPSG:6960."""
    with warnings.catch_warnings():
        # The PROJ string loses only names and the datum shift, which is put back here.
        warnings.simplefilter("ignore", UserWarning)
        definition = crs.to_proj4()
    definition = re.sub(r"\s*\+towgs84=\S+", "", definition)
    return CRS.from_proj4(f"{definition} +towgs84={VN2000_TOWGS84}")


def vn2000_crs(epsg: int) -> CRS:
    """A VN-2000-based EPSG CRS bound to the official datum shift (EPSG:6960)."""
    crs = CRS.from_epsg(epsg)
    if crs.geodetic_crs is None or crs.geodetic_crs.to_epsg() != 4756:
        return crs
    return with_official_shift(crs)


def vn2000_transformer(source_epsg: int, target_epsg: int) -> Transformer:
    """A lon/lat-ordered transformer that applies EPSG:6960 to any VN-2000 side."""
    return Transformer.from_crs(vn2000_crs(source_epsg), vn2000_crs(target_epsg), always_xy=True)
