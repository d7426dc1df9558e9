"""How big an upload may be, and what it may unpack to (the ``IMPORT_MAX_*`` settings)."""

from dataclasses import dataclass, fields
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from importers.errors import FileTooLarge, file_refusal

MIB = 1 << 20
GIB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """How big an upload, and what it unpacks to, may be."""

    max_file_bytes: int = GIB
    max_unpacked_bytes: int = 4 * GIB
    max_entries: int = 1000
    max_ratio: int = 100
    # Small entries may compress as well as they like: a 200 KB .dbf of blanks is normal.
    ratio_floor_bytes: int = MIB

    @classmethod
    def from_settings(cls) -> "Limits":
        """The limits from ``settings.COMMONMAP["IMPORT_MAX_..."]``, defaults where unset."""
        options = getattr(settings, "COMMONMAP", {})
        return cls(
            **{
                field.name: int(options.get(f"IMPORT_{field.name.upper()}", field.default))
                for field in fields(cls)
                if field.name.startswith("max_")
            }
        )


def megabytes(size: int) -> str:
    """A size in MB as staff read it: "1,024.0", "0.0054"."""
    value = size / MIB
    return f"{value:,.1f}" if value >= 0.1 else f"{value:.2g}"


def check_size(path: Path, limits: Limits, *, name: str | None = None) -> None:
    """Refuse a file over ``limits.max_file_bytes``."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise file_refusal(
            FileTooLarge,
            _("'{name}' is {size} MB; the limit is {limit} MB."),
            _("Split the data into several smaller files."),
            name=name or path.name,
            size=megabytes(size),
            limit=megabytes(limits.max_file_bytes),
        )
