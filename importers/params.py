"""What to import, from where, into which layer, and how: one dataclass for every entry point."""

from dataclasses import asdict, dataclass, fields
from pathlib import Path

from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from importers import crs as source_crs
from importers import encodings
from layers.models import BoundaryGeneration
from layers.registry import reserved_slugs

MODES = ("create", "replace", "append", "upsert")
AREAS = "areas"  # the layer name of the boundary target: areas of a boundary generation


@dataclass
class ImportParams:
    """An import's parameters; ``validate()`` checks them before any file is opened."""

    path: Path
    layer: str
    mode: str = "create"
    name: str = ""  # the file's name as staff know it (an upload's temp path differs)
    srs: str | None = None
    encoding: str | None = None
    key: str | None = None
    source_layer: str | None = None
    title: str | None = None
    name_field: str | None = None
    time_field: str | None = None
    x_field: str | None = None
    y_field: str | None = None
    wkt_field: str | None = None
    private_fields: tuple[str, ...] = ()
    swap_xy: bool = False
    partial: bool = False
    dry_run: bool = False
    generation: str | None = None  # --layer areas: the boundary generation to fill
    code_field: str = "code"  # --layer areas: the field holding the area's official code

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.name = self.name or self.path.name
        self.private_fields = tuple(self.private_fields or ())

    def validate(self) -> None:
        """Raise InvalidParameter naming the first parameter that is wrong."""
        if not self.path.exists():
            raise InvalidParameter(
                _("No such file: {path}").format(path=self.path), parameter="path"
            )
        if self.mode not in MODES:
            raise InvalidParameter(
                _("Unknown mode {mode}; use one of {modes}.").format(
                    mode=repr(self.mode), modes=", ".join(MODES)
                ),
                parameter="mode",
            )
        if self.layer == AREAS:
            _check_generation(self.generation)
        elif slugify(self.layer) != self.layer or not self.layer:
            raise InvalidParameter(
                _("Layer {layer} is not a slug (lower-case letters, digits, hyphens).").format(
                    layer=repr(self.layer)
                ),
                parameter="layer",
            )
        elif self.layer in reserved_slugs():
            raise InvalidParameter(
                _("Layer {layer} is built in; files cannot be imported into it.").format(
                    layer=repr(self.layer)
                ),
                parameter="layer",
            )
        if self.mode == "upsert" and not self.key:
            raise InvalidParameter(
                _("Upsert needs the key field that identifies a feature (--key)."),
                parameter="key",
            )
        if self.srs:
            source_crs.parse(self.srs)
        if self.encoding:
            self.encoding = encodings.canonical(self.encoding)

    def as_dict(self) -> dict:
        """JSON-ready form (kept on an import job)."""
        body = asdict(self)
        body["path"] = str(self.path)
        body["private_fields"] = list(self.private_fields)
        return body

    @classmethod
    def from_dict(cls, body: dict) -> "ImportParams":
        """The inverse of ``as_dict``; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in body.items() if k in known})


def _check_generation(slug: str | None) -> None:
    """The boundary generation an areas import fills must be named and exist."""
    if not slug:
        raise InvalidParameter(
            _("Importing administrative areas needs the boundary generation to fill."),
            parameter="generation",
        )
    known = list(BoundaryGeneration.objects.order_by("valid_from").values_list("slug", flat=True))
    if slug not in known:
        raise InvalidParameter(
            _("Unknown boundary generation {slug}; known generations: {known}.").format(
                slug=repr(slug), known=", ".join(known) or "-"
            ),
            parameter="generation",
        )
