"""The first rows of a file, and what they settle for the rest: the source CRS (recorded in
the report) and the way to the storage SRID. Both targets of the importer (layers and
boundary generations) open their rows here, so both read a CRS the same way."""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from pyproj import Transformer

from importers import crs, geometry, reader
from importers.errors import ImportRefused
from importers.extent import city_extent
from importers.params import ImportParams
from importers.report import ImportReport


@dataclass
class Opening:
    """The first batch, its geometries, the transformer (None when the file is already in
    the storage SRID) and the city's extent (rows outside it are noted)."""

    first: reader.Batch
    sample: np.ndarray
    transformer: Transformer | None
    extent: tuple[float, float, float, float]

    def batches(self, rest: Iterator[reader.Batch]) -> Iterator[reader.Batch]:
        """The first batch again, then the rest of the stream."""
        yield self.first
        yield from rest


def open_rows(
    params: ImportParams,
    dataset: reader.Dataset,
    layer_info: reader.LayerInfo,
    stream: Iterator[reader.Batch],
    report: ImportReport,
) -> Opening:
    """Read the first batch (a file with no rows is refused) and settle the source CRS."""
    first = next(stream, None)
    if first is None:
        raise ImportRefused(_("'{name}' has no rows.").format(name=dataset.name))
    sample, _rejected = geometry.parse(first.wkb.copy())
    source = crs.for_layer(layer_info.crs, params.srs, layer_info.bounds, sample, params.swap_xy)
    report.crs, report.crs_source = source.label, source.how
    report.notes += source.notes
    transformer = None if source.is_storage else source.transformer()
    return Opening(first, sample, transformer, city_extent())
