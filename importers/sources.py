"""From an uploaded file to a dataset GDAL may open: vetted, unpacked, its encoding known.

Order matters: the size and the format (by content, against the extension) are checked
first, archives are unpacked with the zip-bomb and path limits, KML is parsed with
entities and links forbidden, a CRS named by reference (a GeoJSON ``crs`` link, a ``.prj``
that is not WKT) is refused, and only then does GDAL see anything.
"""

import codecs
from pathlib import Path

from django.utils.translation import gettext as _

from importers import (
    archives,
    encoding_detection,
    encodings,
    formats,
    reader,
    references,
    xml_guard,
)
from importers.errors import FormatMismatch, ImportRefused, UnreadableFile
from importers.limits import Limits, check_size
from importers.params import ImportParams
from importers.reader import Dataset

# What GDAL reads inside an archive, by extension.
_INNER = {".shp": "shp", ".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson",
          ".kml": "kml", ".fgb": "fgb", ".csv": "csv"}  # fmt: skip
_FORMAT_NAMES = {"shp": "Shapefile", "gpkg": "GeoPackage", "geojson": "GeoJSON", "kml": "KML",
                 "fgb": "FlatGeobuf", "csv": "CSV"}  # fmt: skip
_UTF8_ONLY = {"gpkg", "geojson", "kml", "fgb"}
_SNIFF_BYTES = 1 << 20


def open_dataset(params: ImportParams, workdir: Path) -> Dataset:
    """The dataset inside ``params.path``, ready for ``reader``; raises on any refusal."""
    limits = Limits.from_settings()
    check_size(params.path, limits, name=params.name)
    fmt = formats.check_format(params.path, params.name)
    path, name = params.path, params.name
    if fmt == "zip":
        files = archives.safe_extract(params.path, workdir / "unpacked", limits, name=params.name)
        path = _pick(files, params)
        name = f"{params.name}/{path.name}"
        fmt = formats.check_format(path, path.name)
    if fmt not in _FORMAT_NAMES:
        raise FormatMismatch(
            _("'{name}' is not a format the importer reads ({formats}).").format(
                name=name, formats=", ".join(_FORMAT_NAMES.values())
            )
        )
    if fmt == "kml":
        xml_guard.check_xml(path, name=name)
    if fmt == "geojson":
        references.check_geojson(path, name)
    references.check_prj(path, name)
    if fmt == "shp":
        _check_sidecars(path, name)
    if params.encoding and params.encoding != "utf-8" and fmt in _UTF8_ONLY:
        raise ImportRefused(
            _("{format} text is always UTF-8; drop the encoding {encoding}.").format(
                format=_FORMAT_NAMES[fmt], encoding=params.encoding
            ),
            parameter="encoding",
        )
    dataset = Dataset(path=str(path), format=fmt, name=name, encoding_note="utf-8")
    if fmt == "csv":
        dataset.open_options = reader.csv_options(params.x_field, params.y_field, params.wkt_field)
        _csv_to_utf8(dataset, params, workdir)
    if fmt in ("gpkg", "kml"):  # the formats that hold several layers
        dataset.layer = reader.choose_layer(dataset.path, name, params.source_layer)
    if fmt == "shp":
        _dbf_encoding(dataset, params)
    return dataset


def _pick(files: list[Path], params: ImportParams) -> Path:
    candidates = [f for f in files if f.suffix.lower() in _INNER]
    shapefiles = [f for f in candidates if f.suffix.lower() == ".shp"]
    if shapefiles:  # a .csv or .json beside a Shapefile is documentation, not data
        candidates = shapefiles
    if params.source_layer:
        chosen = [f for f in candidates if params.source_layer in (f.stem, f.name)]
        if chosen:
            return chosen[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UnreadableFile(
            _(
                "'{name}' holds no file the importer reads "
                "(.shp, .gpkg, .geojson, .kml, .fgb, .csv)."
            ).format(name=params.name)
        )
    raise ImportRefused(
        _("'{name}' holds {count} datasets: {names}; choose one as the source layer.").format(
            name=params.name,
            count=len(candidates),
            names=", ".join(sorted(f.name for f in candidates)),
        ),
        parameter="source_layer",
    )


def _check_sidecars(path: Path, name: str) -> None:
    siblings = {p.suffix.lower() for p in path.parent.glob(path.stem + ".*")}
    missing = [ext for ext in (".shx", ".dbf") if ext not in siblings]
    if missing:
        raise UnreadableFile(
            _("The Shapefile '{name}' comes without its {missing}; upload the .shp, .shx, "
              ".dbf and .prj together in one .zip.").format(name=name, missing=", ".join(missing))
        )  # fmt: skip


def _dbf_encoding(dataset: Dataset, params: ImportParams) -> None:
    """Stated encoding, else the .cpg, else a guess from the text itself (reported)."""
    if params.encoding:
        encoding, note = params.encoding, _("{encoding} (stated)").format(encoding=params.encoding)
    else:
        cpg = next(Path(dataset.path).parent.glob(Path(dataset.path).stem + ".[cC][pP][gG]"), None)
        named = encodings.from_cpg(cpg.read_text("latin-1")) if cpg else None
        if named:
            encoding, note = named, _("{encoding} (from the .cpg)").format(encoding=named)
        else:
            found = encoding_detection.detect(reader.sample_dbf_text(dataset))
            encoding = found.encoding
            note = _("{encoding} (detected: {reason})").format(
                encoding=encoding, reason=found.reason
            )
    dataset.dbf_encoding = encoding
    dataset.encoding_note = note


def _csv_to_utf8(dataset: Dataset, params: ImportParams, workdir: Path) -> None:
    """A CSV not in UTF-8 is decoded to a UTF-8 copy, since GDAL's CSV driver has no
    encoding option."""
    source = Path(dataset.path)
    with source.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    encoding = params.encoding
    note = _("{encoding} (stated)").format(encoding=encoding) if encoding else ""
    if encoding is None:
        try:
            # A multi-byte character cut at the sample's end is not an error.
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding, note = "utf-8", "utf-8"
        except UnicodeDecodeError:
            lines = [line for line in head.splitlines()[:2000] if not line.isascii()]
            found = encoding_detection.detect(lines)
            encoding = found.encoding
            note = _("{encoding} (detected: {reason})").format(
                encoding=encoding, reason=found.reason
            )
    dataset.encoding_note = note
    if encoding == "utf-8":
        return
    target = workdir / (source.stem + ".utf8.csv")
    # Line by line: a line never splits a character of these encodings, and NFC composes
    # a letter with its marks only when both are in the same piece of text.
    with source.open("rb") as raw, target.open("w", encoding="utf-8", newline="") as out:
        for number, line in enumerate(raw, start=1):
            try:
                out.write(encodings.decode(line, encoding))
            except UnicodeDecodeError as exc:
                raise ImportRefused(
                    _(
                        "Line {number} of '{name}' is not {encoding} text; state its encoding."
                    ).format(number=number, name=dataset.name, encoding=encoding),
                    parameter="encoding",
                ) from exc
    dataset.path = str(target)
