"""What an import did (or would do): rows read, imported, repaired, rejected, and why.

One object for the command, the API's job and the tests. Row numbers are 1-based in
the order GDAL reads the layer (for a CSV, row 1 is the first line after the header).
Long lists are capped; the counts are always complete.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field

MAX_LISTED = 1000


@dataclass
class RowNote:
    """One row the report mentions: its number and what happened to it."""

    row: int
    reason: str


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

    def reject(self, row: int, reason: str) -> None:
        """Count a rejected row and list it while the list is short."""
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append(RowNote(row, reason))

    def repair(self, row: int, reason: str) -> None:
        """Count a repaired geometry and list it while the list is short."""
        self.repaired_count += 1
        if len(self.repaired) < MAX_LISTED:
            self.repaired.append(RowNote(row, reason))

    def flag_outside(self, row: int) -> None:
        """Count a feature outside the city's extent (kept, but worth a look)."""
        self.outside_count += 1
        if len(self.outside_city) < MAX_LISTED:
            self.outside_city.append(row)

    def rejected_by_reason(self) -> dict[str, int]:
        """How many listed rejections share each reason (for a summary line)."""
        return dict(Counter(note.reason for note in self.rejected))

    def as_dict(self) -> dict:
        """JSON-ready form (the API's job report)."""
        body = asdict(self)
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
        lines += [f"row {n.row}: repaired: {n.reason}" for n in self.repaired[:50]]
        lines += [f"row {n.row}: rejected: {n.reason}" for n in self.rejected[:200]]
        if not self.committed:
            lines.append(
                "Nothing was written (dry run)."
                if self.dry_run
                else "Nothing was written: fix the rejected rows, or import with --partial."
            )
        return "\n".join(lines)
