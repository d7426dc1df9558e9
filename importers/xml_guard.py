"""A KML file parsed end to end before GDAL reads it: no DTD, entities or NetworkLinks,
no absurd nesting or giant tags; a streaming parse that keeps nothing."""

from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser
from django.utils.translation import gettext as _

from importers.errors import UnreadableFile, UnsafeFile, file_refusal
from importers.limits import MIB, megabytes

_MAX_XML_DEPTH = 256
# Expat holds a whole tag or comment in memory; nothing honest in KML comes near this.
_MAX_XML_TOKEN_BYTES = 4 * MIB


class _XmlGuard(ContentHandler):
    """Builds nothing (so memory stays flat), but refuses absurd nesting and giant tags."""

    def __init__(self, label: str):
        super().__init__()
        self.label = label
        self.depth = 0
        self.quiet_bytes = 0  # fed since the parser last reported anything

    def startElement(self, name: str, attrs: object) -> None:
        """One level down; KML never nests anywhere near the limit. A NetworkLink (another
        file, usually on a server) is refused: the importer fetches nothing a file names."""
        self.depth += 1
        self.quiet_bytes = 0
        if name.rsplit(":", 1)[-1].lower() == "networklink":
            raise file_refusal(
                UnsafeFile,
                _(
                    "'{name}' holds a NetworkLink to another file; the importer fetches "
                    "nothing a file names. Upload the linked file itself."
                ),
                name=self.label,
            )
        if self.depth > _MAX_XML_DEPTH:
            raise file_refusal(
                UnsafeFile,
                _("'{name}' nests elements more than {limit} deep; refused."),
                name=self.label,
                limit=_MAX_XML_DEPTH,
            )

    def endElement(self, name: str) -> None:
        """One level up."""
        self.depth -= 1
        self.quiet_bytes = 0

    def characters(self, content: str) -> None:
        """Text is reported in pieces as it is fed, however long the element."""
        self.quiet_bytes = 0

    def fed(self, size: int) -> None:
        """Count bytes fed; many without an event mean one enormous tag or comment."""
        self.quiet_bytes += size
        if self.quiet_bytes > _MAX_XML_TOKEN_BYTES:
            raise file_refusal(
                UnsafeFile,
                _("'{name}' has a single tag or comment over {limit} MB; refused."),
                name=self.label,
                limit=megabytes(_MAX_XML_TOKEN_BYTES),
            )


def check_xml(path: Path, *, name: str | None = None) -> None:
    """Parse a KML (or a KMZ's doc.kml) end to end, refusing DTDs, entities and bad XML.

    A streaming SAX parse that keeps nothing, so a large file costs time, not memory.
    """
    label = name or path.name
    guard = _XmlGuard(label)
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(guard)
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 16):
                parser.feed(chunk)
                guard.fed(len(chunk))
        parser.close()
    except DefusedXmlException:
        raise file_refusal(
            UnsafeFile,
            _("'{name}' declares a DTD or entities, which KML never needs; refused."),
            name=label,
        ) from None
    except SAXParseException as exc:
        raise file_refusal(
            UnreadableFile,
            _("'{name}' is not well-formed XML: {error} (line {line}, column {column})."),
            name=label,
            error=exc.getMessage(),
            line=exc.getLineNumber(),
            column=exc.getColumnNumber() + 1,  # expat counts columns from 0
        ) from None
