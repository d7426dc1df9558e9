"""The importers' exceptions, mapped to HTTP status by ``core.errors.STATUS_FOR``.

Every refusal says what is wrong with the file and, where it helps, how to fix it (a
``hint``); nothing is written to the database before a file has passed these checks.
"""

from core.errors import CommonMapError, Conflict, InvalidParameter, PayloadTooLarge


class UnreadableFile(InvalidParameter):
    """The file is not something the importer can read (corrupt, empty, unknown format)."""

    code = "unreadable_file"


class FormatMismatch(UnreadableFile):
    """The file's content is not the format its name claims (``.gpkg`` that is a ZIP...)."""

    code = "format_mismatch"


class UnsafeFile(UnreadableFile):
    """The file is hostile or looks it: path traversal, zip bomb, XML entity tricks."""

    code = "unsafe_file"


class FileTooLarge(PayloadTooLarge):
    """The file (or what it unpacks to) is over the configured size limit."""

    code = "file_too_large"


class ImportRefused(InvalidParameter):
    """The file was read, but cannot be imported as asked (the report says why)."""

    code = "import_refused"


class LayerBusy(Conflict):
    """The feature table stayed locked by other work while an import swapped its layer in."""

    code = "layer_busy"


def file_refusal(
    cls: type[CommonMapError], message: str, hint: str | None = None, **values: object
) -> CommonMapError:
    """``cls`` with ``message`` filled in (``values``), about the uploaded ``file``."""
    return cls(message.format(**values), parameter="file", hint=hint)
