"""The coordinate system a file is in, and the transformer that brings it to storage.

A file says its CRS (a ``.prj``, GeoPackage metadata, GeoJSON's WGS 84) or the importer is
told (``--srs``). VN-2000 in any form (EPSG:4756, the TM-3 zones, UTM 48N/49N, or a
``.prj`` that only names the datum) is bound to the official shift EPSG:6960, unless the
file carries its own TOWGS84, which is kept and reported. A file with no CRS is never
guessed silently when its numbers look like metres or like swapped latitude/longitude:
the report says what they look like and the import waits for ``--srs``.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from core.errors import InvalidParameter
from importers.extent import city_extent
from importers.geometry import total_bounds
from layers.crs import with_official_shift

STORAGE_SRID = 4326

# The VN-2000 projections an office in or near the city may use, tried when a file
# without a CRS holds metres: the TM-3 zones of the south and the UTM zones.
METRE_CANDIDATES = (9210, 9211, 9209, 9212, 3405, 3406, 32648)

# Viet Nam with its islands, in degrees: where lon/lat that belong to this city's region fall.
_VIETNAM = (102.0, 8.0, 118.0, 24.0)


@dataclass
class SourceCrs:
    """The file's CRS as used for the import, how it was decided, and what to tell staff."""

    crs: CRS
    label: str
    how: str  # "file", "stated" or "assumed"
    notes: list[str] = field(default_factory=list)

    def transformer(self) -> Transformer:
        """Lon/lat-ordered transformer from this CRS to the storage CRS (EPSG:4326)."""
        return _transformer(self.crs.to_wkt())

    @property
    def is_storage(self) -> bool:
        """True when coordinates need no transformation at all."""
        return self.crs.to_epsg() == STORAGE_SRID and not self.crs.is_bound


@lru_cache(maxsize=64)
def _transformer(wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(wkt), STORAGE_SRID, always_xy=True)


def parse(text: str, parameter: str = "srs") -> CRS:
    """A CRS from what a user typed ("EPSG:9210", "9210", a WKT or PROJ string)."""
    text = text.strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise InvalidParameter(
            _("Unknown coordinate system {text}: {error}").format(text=repr(text), error=exc),
            parameter=parameter,
            hint=_("Give an EPSG code such as EPSG:9210 (VN-2000 / TM-3 105-45) or EPSG:4326."),
        ) from exc


def is_vn2000(crs: CRS) -> bool:
    """True when the CRS sits on the VN-2000 datum, however its file names it."""
    geodetic = crs.geodetic_crs
    if geodetic is None:
        return False
    if geodetic.to_epsg(min_confidence=90) == 4756:
        return True
    names = [geodetic.name, geodetic.datum.name if geodetic.datum else ""]
    folded = [re.sub(r"[^a-z0-9]", "", n.lower()) for n in names]
    return any("vn2000" in n or "vietnam2000" in n for n in folded)


def bind_vn2000(crs: CRS) -> tuple[CRS, str]:
    """The CRS tied to a datum shift, and which one: the file's own or EPSG:6960."""
    if crs.is_bound:
        return crs, _("the file's own TOWGS84 datum shift")
    return with_official_shift(crs), _("the official VN-2000 datum shift (EPSG:6960)")


def describe(crs: CRS) -> str:
    """A short label: "EPSG:9210 (VN-2000 / TM-3 105-45)" or the CRS's name."""
    base = crs.source_crs if crs.is_bound else crs
    code = base.to_epsg(min_confidence=70)
    return f"EPSG:{code} ({base.name})" if code else base.name


def resolve(
    declared: str | None, stated: str | None, bounds: tuple[float, float, float, float] | None
) -> SourceCrs:
    """Decide the file's CRS from ``--srs`` (wins), the file, or the coordinates.

    Raises ``CrsNeeded`` when the file has none and its coordinates are not plainly
    WGS 84 longitude/latitude around Viet Nam.
    """
    if stated:
        crs, how = parse(stated), "stated"
    elif declared:
        crs, how = parse(declared, parameter="file"), "file"
    else:
        return _assume_from(bounds)
    notes = []
    if how == "stated" and declared:
        file_crs = parse(declared, parameter="file")
        if not file_crs.equals(crs, ignore_axis_order=True):
            notes.append(
                _("The file says {file}; {stated} was used as stated.").format(
                    file=describe(file_crs), stated=describe(crs)
                )
            )
    if crs.is_projected is False and crs.is_geographic is False:
        raise InvalidParameter(
            _("{crs} is neither geographic nor projected.").format(crs=describe(crs)),
            parameter="srs",
        )
    label = describe(crs)
    if is_vn2000(crs):
        crs, shift = bind_vn2000(crs)
        notes.append(_("VN-2000 transformed to WGS 84 with {shift}.").format(shift=shift))
    if bounds is not None:
        _check_fits(crs, label, bounds)
    return SourceCrs(crs=crs, label=label, how=how, notes=notes)


def for_layer(
    declared: str | None,
    stated: str | None,
    bounds: tuple[float, float, float, float] | None,
    sample: np.ndarray,
    swap_xy: bool = False,
) -> SourceCrs:
    """``resolve`` for a layer being read: GDAL's bounds, else those of its first rows
    (``sample``, shapely geometries), read in the order the import will read them."""
    bounds = bounds or total_bounds(sample)
    if bounds and swap_xy:
        bounds = (bounds[1], bounds[0], bounds[3], bounds[2])
    return resolve(declared, stated, bounds)


class CrsNeeded(InvalidParameter):
    """The file has no CRS and its coordinates do not say which one safely."""

    code = "crs_needed"


def _assume_from(bounds: tuple[float, float, float, float] | None) -> SourceCrs:
    if bounds is None:
        raise CrsNeeded(
            _("The file does not say its coordinate system and has no coordinates to judge by."),
            parameter="srs",
        )
    look = looks_like(bounds)
    if look.kind == "lonlat":
        return SourceCrs(
            crs=CRS.from_epsg(STORAGE_SRID),
            label=describe(CRS.from_epsg(STORAGE_SRID)),
            how="assumed",
            notes=[look.text],
        )
    raise CrsNeeded(look.text, parameter="srs", hint=look.hint)


@dataclass(frozen=True)
class Look:
    """What a file's coordinates look like when it does not name its CRS."""

    kind: str  # "lonlat", "latlon", "metres" or "unknown"
    text: str
    hint: str | None = None
    candidates: tuple[str, ...] = ()


def looks_like(bounds: tuple[float, float, float, float]) -> Look:
    """Judge coordinates without a CRS: lon/lat, swapped lat/lon, or metres of a zone."""
    xmin, ymin, xmax, ymax = bounds
    west, south, east, north = _VIETNAM
    if west <= xmin and xmax <= east and south <= ymin and ymax <= north:
        return Look(
            "lonlat",
            _(
                "The file does not say its coordinate system; its coordinates are longitude/"
                "latitude in Viet Nam, so WGS 84 (EPSG:4326) was assumed."
            ),
        )
    if west <= ymin and ymax <= east and south <= xmin and xmax <= north:
        return Look(
            "latlon",
            _(
                "The file does not say its coordinate system, and its coordinates look like "
                "latitude/longitude in swapped order (x {x0:.3f}..{x1:.3f}, y {y0:.3f}..{y1:.3f})."
            ).format(x0=xmin, x1=xmax, y0=ymin, y1=ymax),
            _("If they are swapped, import with --swap-xy --srs EPSG:4326."),
        )
    if xmin >= 100_000 and xmax <= 900_000 and ymin >= 500_000 and ymax <= 2_700_000:
        centre = ((xmin + xmax) / 2, (ymin + ymax) / 2)
        fits = [
            f"EPSG:{code} ({CRS.from_epsg(code).name})"
            for code in METRE_CANDIDATES
            if _lands_in_city(code, centre)
        ]
        text = _(
            "The file does not say its coordinate system; its coordinates look like metres "
            "of a projected system (x {x0:.0f}..{x1:.0f}, y {y0:.0f}..{y1:.0f})."
        ).format(x0=xmin, x1=xmax, y0=ymin, y1=ymax)
        if fits:
            text += " " + _("They land in the city if read as: {fits}.").format(
                fits=", ".join(fits)
            )
        return Look(
            "metres",
            text,
            _("State the coordinate system with --srs, e.g. --srs EPSG:9210."),
            tuple(fits),
        )
    return Look(
        "unknown",
        _(
            "The file does not say its coordinate system and its coordinates "
            "(x {x0:g}..{x1:g}, y {y0:g}..{y1:g}) match no system used in Viet Nam."
        ).format(x0=xmin, x1=xmax, y0=ymin, y1=ymax),
        _("State the coordinate system with --srs."),
    )


def _lands_in_city(code: int, centre: tuple[float, float]) -> bool:
    crs = CRS.from_epsg(code)
    if is_vn2000(crs):
        crs, _shift = bind_vn2000(crs)
    lon, lat = _transformer(crs.to_wkt()).transform(*centre)
    west, south, east, north = city_extent()
    return west <= lon <= east and south <= lat <= north


def _check_fits(crs: CRS, label: str, bounds: tuple[float, float, float, float]) -> None:
    """Refuse a declared CRS whose coordinates are impossible in it (metres in degrees)."""
    xmin, ymin, xmax, ymax = bounds
    if crs.is_geographic and (max(abs(xmin), abs(xmax)) > 360 or max(abs(ymin), abs(ymax)) > 90):
        raise InvalidParameter(
            _(
                "The coordinates (x {x0:g}..{x1:g}, y {y0:g}..{y1:g}) cannot be degrees, "
                "but the coordinate system is {crs}."
            ).format(x0=xmin, x1=xmax, y0=ymin, y1=ymax, crs=label),
            parameter="srs",
            hint=_("The file's .prj may be wrong; state the right one with --srs."),
        )
