"""The dashboard as JSON, CSV and GeoJSON, for leaders (every measure) and the public (an
open-data subset: counts and on-time share, "not enough data" under a minimum count)."""

import csv
import io
import json

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.http import HttpResponse

from dashboard.measures import MEASURES, Dashboard, Row, as_dict
from layers.models import AdministrativeArea

PUBLIC_MEASURES = ("received", "resolved", "on_time_pct")


def public_min_count() -> int:
    """Items a group needs in the period before the public sees its numbers (default 10)."""
    return settings.COMMONMAP["DASHBOARD_PUBLIC_MIN_COUNT"]


def public_row(row: Row) -> dict:
    """A row as the public sees it: counts and on-time share, or "not enough data"."""
    enough = row.received >= public_min_count()
    values = {name: getattr(row, name) if enough else None for name in PUBLIC_MEASURES}
    return {"code": row.code, "name": row.name, "enough_data": enough, **values}


def rows_of(board: Dashboard, public: bool) -> tuple[list[dict], dict | None]:
    """The rows and the total, each as plain data."""
    shape = public_row if public else as_dict
    total = shape(board.total) if board.total is not None else None
    return [shape(row) for row in board.rows], total


def as_json(board: Dashboard, public: bool) -> dict:
    """The JSON answer."""
    rows, total = rows_of(board, public)
    body = {
        "period": board.period.name,
        "start": board.period.start.isoformat(),
        "end": board.period.end.isoformat(),
        "as_of": board.as_of.isoformat(),
        "generation": board.generation.slug,
        "level": board.level,
        "results": rows,
        "total": total,
    }
    if public:
        body["min_count"] = public_min_count()
    return body


def as_csv(board: Dashboard, public: bool, filename: str) -> HttpResponse:
    """The rows (then the city total, when the caller may see it) as CSV."""
    rows, total = rows_of(board, public)
    names = ["code", "name", *(("enough_data", *PUBLIC_MEASURES) if public else MEASURES)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in [*rows, *([total] if total else [])]:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def as_geojson(board: Dashboard, public: bool) -> HttpResponse:
    """The groups as a FeatureCollection: each area's shape with its measures (for a
    choropleth); rows without a shape (outside every ward) have a null geometry."""
    rows, _total = rows_of(board, public)
    ids = [row.area_id for row in board.rows if row.area_id is not None]
    shapes = dict(
        AdministrativeArea.objects.filter(pk__in=ids)
        .annotate(shape=AsGeoJSON("geom", precision=6))
        .values_list("pk", "shape")
    )
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(shapes[row.area_id]) if row.area_id in shapes else None,
            "properties": data,
        }
        for row, data in zip(board.rows, rows, strict=True)
    ]
    body = {"type": "FeatureCollection", "features": features, **as_json(board, public)}
    body.pop("results")
    return HttpResponse(json.dumps(body), content_type="application/geo+json")
