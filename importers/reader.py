"""Read a vetted dataset through GDAL (pyogrio) as a stream of Arrow batches.

GDAL does the parsing of every format; this module only decides how to open the file
(CSV geometry columns, the layer, the text encoding) and hands on, batch by batch, the raw
geometries (WKB) and the attributes with their text decoded and NFC-normalised. Memory
stays at one batch whatever the file's size.
"""

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import pyogrio.raw
from django.utils.translation import gettext as _
from pyogrio.errors import DataLayerError, DataSourceError

from importers import encodings
from importers.errors import ImportRefused, UnreadableFile

_TEXT_FORMATS = {"geojson", "csv", "kml"}
BATCH_SIZE = 20_000  # rows per Arrow batch: bounds memory whatever the file size
_SAMPLE_ROWS = 2_000

# CSV columns GDAL takes as coordinates or WKT (first match wins, case-insensitive).
X_NAMES = "lon,lng,long,longitude,x,kinh_do,kinhdo"
Y_NAMES = "lat,latitude,y,vi_do,vido"
WKT_NAMES = "wkt,geometry,geom,the_geom,wkt_geom"


@dataclass
class Dataset:
    """What to read: the path GDAL opens, the layer, and how its text is encoded."""

    path: str
    format: str  # shp, gpkg, geojson, kml, csv, fgb
    name: str  # the file name staff know it by
    layer: str | None = None
    open_options: dict = field(default_factory=dict)
    # Text encoding of a Shapefile's .dbf: read as Latin-1 (byte for byte) and decoded here,
    # because GDAL's own recoding knows neither TCVN3 nor VNI.
    dbf_encoding: str | None = None
    encoding_note: str = ""


@dataclass
class LayerInfo:
    """What GDAL says about the layer before reading it."""

    layer: str
    crs: str | None
    count: int  # -1 when the driver cannot tell without reading
    bounds: tuple[float, float, float, float] | None
    fields: list[str]
    ogr_types: list[str]
    geometry_type: str


@dataclass
class Batch:
    """Consecutive rows: their 1-based numbers, raw WKB geometries and attributes."""

    first_row: int
    wkb: np.ndarray  # object array of bytes, None where the row has no geometry
    attributes: pa.Table


def choose_layer(path: str, name: str, wanted: str | None) -> str:
    """The layer to import: the only one, or the one asked for (listing them if unclear)."""
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    except (DataSourceError, DataLayerError) as exc:
        raise UnreadableFile(
            _("GDAL cannot read '{name}': {error}").format(
                name=name, error=str(exc).strip().replace(path, name)
            )
        ) from exc
    if not layers:
        raise UnreadableFile(_("'{name}' holds no layer.").format(name=name))
    if wanted is None:
        if len(layers) > 1:
            raise ImportRefused(
                _("'{name}' has {count} layers: {layers}; choose one.").format(
                    name=name, count=len(layers), layers=", ".join(layers)
                ),
                parameter="source_layer",
            )
        return layers[0]
    if wanted not in layers:
        raise ImportRefused(
            _("'{name}' has no layer {wanted}; it has {layers}.").format(
                name=name, wanted=repr(wanted), layers=", ".join(layers)
            ),
            parameter="source_layer",
        )
    return wanted


def csv_options(x_field: str | None, y_field: str | None, wkt_field: str | None) -> dict:
    """GDAL CSV open options: where the geometry is, types detected, numbers kept exact."""
    return {
        "X_POSSIBLE_NAMES": x_field or X_NAMES,
        "Y_POSSIBLE_NAMES": y_field or Y_NAMES,
        "GEOM_POSSIBLE_NAMES": wkt_field or WKT_NAMES,
        "KEEP_GEOM_COLUMNS": "NO",
        "AUTODETECT_TYPE": "YES",
        "EMPTY_STRING_AS_NULL": "YES",
    }


def _info(dataset: Dataset, meta: dict) -> LayerInfo:
    """What the open stream says of the layer, with count and bounds where they are cheap.

    GDAL parses a GeoJSON, CSV or KML file whole to open it; counting its features or
    finding its bounds would be one more pass, so there the count is unknown (-1) and the
    first batch's bounds stand in for the file's (``importers.services``).
    """
    count, bounds = -1, None
    if dataset.format not in _TEXT_FORMATS:
        options = dict(dataset.open_options)
        if dataset.dbf_encoding:
            options["encoding"] = "ISO-8859-1"
        summary = pyogrio.read_info(
            dataset.path, layer=dataset.layer, force_total_bounds=True, **options
        )
        count = int(summary.get("features", -1))
        found = summary.get("total_bounds")
        if found is not None and all(np.isfinite(found)):
            bounds = tuple(float(v) for v in found)
    return LayerInfo(
        layer=dataset.layer or Path(dataset.name).stem,
        crs=meta.get("crs"),
        count=count,
        bounds=bounds,
        fields=[_field_name(str(f), _legacy(dataset)) for f in meta["fields"]],
        ogr_types=list(meta.get("ogr_types", [])),
        geometry_type=meta.get("geometry_type") or "Unknown",
    )


def sample_dbf_text(dataset: Dataset) -> list[bytes]:
    """Raw bytes of non-ASCII text values from the first rows of a Shapefile's .dbf."""
    _meta, _fids, _geom, columns = pyogrio.raw.read(
        dataset.path,
        layer=dataset.layer,
        encoding="ISO-8859-1",
        read_geometry=False,
        max_features=_SAMPLE_ROWS,
    )
    samples = []
    for column in columns:
        if column.dtype != object:
            continue
        for value in column:
            if isinstance(value, str) and not value.isascii():
                samples.append(value.encode("latin-1"))
    return samples


@contextmanager
def open_layer(
    dataset: Dataset, batch_size: int = BATCH_SIZE
) -> Iterator[tuple[LayerInfo, Iterator[Batch]]]:
    """The layer's description and its rows in batches (text decoded to NFC, geometry as
    WKB), from one opening of the file."""
    kwargs = dict(dataset.open_options)
    python_decodes = _python_decodes(dataset)
    if dataset.dbf_encoding:
        kwargs["encoding"] = "ISO-8859-1" if python_decodes else "UTF-8"
    try:
        with pyogrio.raw.open_arrow(
            dataset.path,
            layer=dataset.layer,
            use_pyarrow=True,
            batch_size=batch_size,
            datetime_as_string=True,
            **kwargs,
        ) as (meta, stream):
            encoding = dataset.dbf_encoding if python_decodes else None
            yield _info(dataset, meta), _batches(dataset, meta, stream, encoding)
    except (DataSourceError, DataLayerError) as exc:
        raise UnreadableFile(
            _("GDAL cannot read '{name}': {error}").format(
                name=dataset.name, error=_clean(exc, dataset)
            )
        ) from exc


def _batches(dataset: Dataset, meta: dict, stream, encoding: str | None) -> Iterator[Batch]:
    geometry_name = meta["geometry_name"] or "wkb_geometry"
    row = 1
    try:
        for record_batch in stream:
            table = pa.Table.from_batches([record_batch])
            if geometry_name in table.column_names:
                wkb = table.column(geometry_name).to_numpy(zero_copy_only=False)
                table = table.drop_columns([geometry_name])
            else:
                wkb = np.full(table.num_rows, None, dtype=object)
            yield Batch(row, wkb, _decode_text(table, encoding))
            row += table.num_rows
    except (DataSourceError, DataLayerError, OSError) as exc:
        raise UnreadableFile(
            _("GDAL cannot read '{name}': {error}").format(
                name=dataset.name, error=_clean(exc, dataset)
            )
        ) from exc


def _python_decodes(dataset: Dataset) -> bool:
    """Whether the .dbf text is decoded here (legacy encodings) rather than by GDAL (UTF-8)."""
    return bool(dataset.dbf_encoding) and dataset.dbf_encoding != "utf-8"


def _legacy(dataset: Dataset) -> str | None:
    """The encoding this module decodes the .dbf from, or None when GDAL already did."""
    return dataset.dbf_encoding if _python_decodes(dataset) else None


def _field_name(name: str, dbf_encoding: str | None) -> str:
    """A field's name, decoded like the values (a .dbf may name fields in TCVN3 too)."""
    if not dbf_encoding:
        return unicodedata.normalize("NFC", name)
    try:
        return encodings.decode(name.encode("latin-1"), dbf_encoding)
    except UnicodeError:
        return name


def _decode_text(table: pa.Table, dbf_encoding: str | None) -> pa.Table:
    """Every text column decoded (legacy encodings) and NFC-normalised; names too."""
    table = table.rename_columns([_field_name(n, dbf_encoding) for n in table.column_names])
    for index, column_field in enumerate(table.schema):
        if not pa.types.is_string(column_field.type) and not pa.types.is_large_string(
            column_field.type
        ):
            continue
        column = table.column(index)
        if not dbf_encoding and pc.all(pc.string_is_ascii(column)).as_py() is not False:
            continue  # ASCII text is NFC already (codes, dates)
        # Each distinct value once (a ward or category name repeats thousands of times).
        coded = pc.dictionary_encode(column).combine_chunks()
        if dbf_encoding:
            words = pa.array(
                [_decode(v, dbf_encoding, column_field.name) for v in coded.dictionary.to_pylist()],
                type=pa.string(),
            )
        else:
            words = pc.utf8_normalize(coded.dictionary, "NFC")
        table = table.set_column(index, column_field.name, pc.take(words, coded.indices))
    return table


def _decode(value: str | None, encoding: str, field_name: str) -> str | None:
    """A .dbf value read byte for byte (as Latin-1) decoded from the file's encoding."""
    if value is None:
        return None
    raw = value.encode("latin-1")
    try:
        return encodings.decode(raw, encoding)
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            _(
                "Field {field} holds {bytes!r}, which is not {encoding} text; "
                "state the file's encoding."
            ).format(field=repr(field_name), bytes=raw[exc.start : exc.end], encoding=encoding),
            parameter="encoding",
        ) from exc


def _clean(exc: Exception, dataset: "Dataset | None" = None) -> str:
    """GDAL's message without the temporary folder the file was unpacked in."""
    text = str(exc).strip()
    if dataset is not None:
        text = text.replace(dataset.path, dataset.name)
    return text
