"""The API's request body parsers: DRF's, with the checks of ``core.input_guard``.

A body nested too deeply is a 400 (Python's parser would raise RecursionError, a 500), and
a NUL or an unpaired surrogate in any field is a 400 naming the field, before any of it
reaches the database. The size of a body is checked earlier, by the middleware, from its
Content-Length.
"""

from rest_framework import parsers

from core.input_guard import check_fields, check_json, nested_too_deep


class JSONParser(parsers.JSONParser):
    """JSON bodies, nested at most ``MAX_JSON_DEPTH`` deep, with clean text."""

    def parse(self, stream, media_type=None, parser_context=None):
        """The parsed body, or InvalidParameter (``body``, or the path of the bad field)."""
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise nested_too_deep() from None
        check_json(data)
        return data


class FormParser(parsers.FormParser):
    """URL-encoded forms, with clean text in every field."""

    def parse(self, stream, media_type=None, parser_context=None):
        """The form's fields, or InvalidParameter naming the first bad one."""
        data = super().parse(stream, media_type, parser_context)
        check_fields(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Multipart forms (photos, uploads), with clean text in every non-file field."""

    def parse(self, stream, media_type=None, parser_context=None):
        """The fields and files, or InvalidParameter naming the first bad field."""
        parsed = super().parse(stream, media_type, parser_context)
        check_fields(parsed.data)
        return parsed
