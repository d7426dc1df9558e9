"""The feature columns worked out from each batch beside its attributes: the name, its
folded search form, the time and the key (importers/services.py stages or copies them).

Names and times are worked out once per distinct value (a ward or a date repeats
thousands of times in a large file), then spread to the rows; a bad time or a blank key
rejects its row.
"""

from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from importers import geometry, reader


def extra_columns(batch: reader.Batch, fields: dict, checked: geometry.Checked) -> dict:
    """_name, _name_search, _time and _key for the batch; bad times and keys reject rows."""
    rows = batch.attributes.num_rows
    table = batch.attributes
    if fields["name"]:
        coded = _distinct(table.column(fields["name"]))
        words, indices = coded.dictionary, coded.indices
        words = pc.utf8_trim_whitespace(pc.replace_substring_regex(words, r"\s+", " "))
        words = pc.utf8_slice_codeunits(words, 0, 300)
    else:
        words, indices = pa.array([""]), pa.array(np.zeros(rows, dtype=np.int32))
    folded = pc.utf8_normalize(pc.replace_substring_regex(words, "[đĐÐð]", "d"), "NFD")
    search = pc.utf8_lower(pc.replace_substring_regex(folded, r"\p{Mn}", ""))
    extra = {
        "_name": pc.fill_null(pc.take(words, indices), ""),
        "_name_search": pc.fill_null(pc.take(search, indices), ""),
    }
    extra["_time"] = _times(table, fields["time"], checked) if fields["time"] else _no_times(rows)
    if fields["key"]:
        keys = pc.cast(table.column(fields["key"]), pa.string()).combine_chunks()
        for i in np.flatnonzero(_blank(keys)):
            if checked.geoms[i] is not None:
                checked.rejected[int(i)] = _("no value in the key field {field}").format(
                    field=repr(fields["key"])
                )
                checked.geoms[i] = None
        extra["_key"] = keys
    else:
        extra["_key"] = pa.nulls(rows, type=pa.string())
    return extra


def _distinct(column: pa.ChunkedArray) -> pa.DictionaryArray:
    """The column as text, each distinct value once (NULL rows have a NULL index)."""
    return pc.dictionary_encode(pc.cast(column, pa.string())).combine_chunks()


# Exactly what Python's str.strip() removes: Unicode spaces and separators, \t to \r,
# \x1c to \x1f and \x85.
_BLANK = r"^[\t\n\x0b\x0c\r\x1c-\x1f\x85\p{Z}]*$"


def _blank(values: pa.Array) -> np.ndarray:
    """Where a key has no value: NULL, empty or only white space."""
    blank = pc.or_kleene(pc.is_null(values), pc.match_substring_regex(values, _BLANK))
    return blank.to_numpy(zero_copy_only=False)


_TIMESTAMP = pa.timestamp("us", tz="UTC")  # staged as the instant, in COPY's binary form


def _no_times(rows: int) -> pa.Array:
    return pa.nulls(rows, type=_TIMESTAMP)


def _times(table: pa.Table, field: str, checked: geometry.Checked) -> pa.Array:
    coded = _distinct(table.column(field))
    texts = coded.dictionary.to_pylist()
    parsed = [_parse_time(text) for text in texts]
    # One more entry, False, for the rows with no value (index -1).
    unparsable = np.array([value is False for value in parsed] + [False])
    indices = pc.fill_null(coded.indices, -1).to_numpy()
    for i in np.flatnonzero(unparsable[indices]):
        if checked.geoms[i] is not None:
            checked.rejected[int(i)] = _("{field} {value} is not a date or date-time").format(
                field=repr(field), value=repr(texts[indices[i]])
            )
            checked.geoms[i] = None
    instants = pa.array([value or None for value in parsed], type=_TIMESTAMP)
    return pc.take(instants, coded.indices)


def _parse_time(text: str | None) -> datetime | bool | None:
    """A datetime (the city's time zone when the text has no offset), None for no value,
    False when it is not a date."""
    if text is None or not text.strip():
        return None
    text = text.strip().replace("/", "-")
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            parsed = datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        parsed = None
    if parsed is None:
        return False
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
