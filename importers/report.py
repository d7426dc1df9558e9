"""What an import did (or would do): rows read, imported, repaired, rejected, and why.

One object for the command, the API's job and the tests. Row numbers are 1-based in
the order GDAL reads the layer (for a CSV, row 1 is the first line after the header).
Long lists are capped; the counts are always complete.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

MAX_LISTED = 1000


@dataclass
class RowNote:
    """One row the report mentions: its number, what happened to it and, where the row has
    one, the code that names it (an area's code in a boundary file)."""

    row: int
    reason: str
    key: str | None = None

    def as_dict(self) -> dict:
        """JSON-ready form; ``key`` only when the row has one."""
        body = {"row": self.row, "reason": self.reason}
        if self.key is not None:
            body["key"] = self.key
        return body


@dataclass
class AreaChanges:
    """A boundary import's effect by area code (``--layer areas``).

    ``updated``/``unchanged`` are the file's areas; ``parents_rebuilt`` the areas the file
    does not give that became the union of their parts; ``not_in_file`` the areas that keep
    their shapes.
    """

    generation: str
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    parents_rebuilt: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """Counts and per-row notes; ``committed`` says whether the database changed."""

    file: str = ""
    layer: str = ""
    mode: str = ""
    source_layer: str = ""
    format: str = ""
    crs: str = ""
    crs_source: str = ""  # "file", "stated" or "assumed"
    encoding: str = ""
    geometry_type: str = ""
    rows_read: int = 0
    imported: int = 0  # rows written as new features
    updated: int = 0  # upsert: features whose content changed
    unchanged: int = 0  # upsert: features already as in the file
    deleted: int = 0  # replace: features removed
    repaired_count: int = 0
    rejected_count: int = 0
    outside_count: int = 0
    repaired: list[RowNote] = field(default_factory=list)
    rejected: list[RowNote] = field(default_factory=list)
    outside_city: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fields: list[dict] = field(default_factory=list)
    dry_run: bool = False
    partial: bool = False
    committed: bool = False
    seconds: float = 0.0
    # Where the time went: reading, checking and staging the rows; the mode's writes into
    # the layer (its indexes and tile triggers included); the commit (deferred checks).
    timings: dict[str, float] = field(default_factory=dict)
    areas: AreaChanges | None = None  # a boundary import's changes by area code

    def reject(self, row: int, reason: str, key: str | None = None) -> None:
        """Count a rejected row and list it while the list is short."""
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append(RowNote(row, reason, key))

    def repair(self, row: int, reason: str, key: str | None = None) -> None:
        """Count a repaired geometry and list it while the list is short."""
        self.repaired_count += 1
        if len(self.repaired) < MAX_LISTED:
            self.repaired.append(RowNote(row, reason, key))

    def flag_outside(self, row: int) -> None:
        """Count a feature outside the city's extent (kept, but worth a look)."""
        self.outside_count += 1
        if len(self.outside_city) < MAX_LISTED:
            self.outside_city.append(row)

    def note_outside(self) -> None:
        """The note staff need when features lie outside the city: the likely cause."""
        if self.outside_count:
            self.notes.append(
                _(
                    "{count} features lie outside the city's extent; check the coordinate system."
                ).format(count=self.outside_count)
            )

    def rejected_by_reason(self) -> dict[str, int]:
        """How many listed rejections share each reason (for a summary line)."""
        return dict(Counter(note.reason for note in self.rejected))

    def as_dict(self) -> dict:
        """JSON-ready form (the API's job report)."""
        body = asdict(self)
        body["repaired"] = [note.as_dict() for note in self.repaired]
        body["rejected"] = [note.as_dict() for note in self.rejected]
        body["seconds"] = round(self.seconds, 3)
        body["timings"] = {k: round(v, 3) for k, v in self.timings.items()}
        return body

    def summary(self) -> str:
        """One paragraph for a terminal."""
        verb = "would import" if not self.committed else "imported"
        lines = [
            f"{self.file} → layer {self.layer} ({self.mode}): read {self.rows_read} rows, "
            f"{verb} {self.imported}, updated {self.updated}, unchanged {self.unchanged}, "
            f"deleted {self.deleted}, repaired {self.repaired_count}, "
            f"rejected {self.rejected_count}, outside the city {self.outside_count}.",
            f"CRS {self.crs} ({self.crs_source}); encoding {self.encoding}; "
            f"geometry {self.geometry_type}; {self.seconds:.1f} s.",
        ]
        lines += self.notes
        lines += [f"{_row(n)}: repaired: {n.reason}" for n in self.repaired[:50]]
        lines += [f"{_row(n)}: rejected: {n.reason}" for n in self.rejected[:200]]
        if not self.committed:
            lines.append(
                "Nothing was written (dry run)."
                if self.dry_run
                else "Nothing was written: fix the rejected rows, or import with --partial."
            )
        return "\n".join(lines)


def _row(note: RowNote) -> str:
    """The row's label: "row 3", or "row 3 (26743)" when it has a code."""
    return f"row {note.row} ({note.key})" if note.key is not None else f"row {note.row}"
