"""Bad input refused at the door, with a 4xx naming what to fix, before a view reads it.

PostgreSQL refuses a NUL character in text and UTF-8 cannot carry an unpaired surrogate, so
such a value reaching a query is a 500, or a streamed 200 cut short halfway. One check here
covers the URL's parameters and the query string of every view; the API's body parsers
(``core.parsers``) apply the same check to JSON and form fields. A request body is
refused by its declared size before anything reads it: 2.5 MiB (Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE``) unless the view sets its own ``max_body_bytes``; multipart
uploads are left to their views, which check each file as it comes.

A view that renders its own errors (Open311's XML) sets ``checks_own_input`` and calls
``check_request`` itself.
"""

import re
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext as _

from core.errors import CommonMapError, InvalidParameter, PayloadTooLarge, error_response

# Deeper than any body the APIs take (a GeoJSON MultiPolygon is 4 levels of arrays).
MAX_JSON_DEPTH = 32

_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")


def _printable(name: str) -> str:
    """A parameter's name as it can be shown back (a NUL in the name itself escaped)."""
    return name.replace("\x00", "\\x00")


def check_text(name: str, value: str) -> None:
    """InvalidParameter naming ``name`` when the text holds a NUL or an unpaired surrogate."""
    if "\x00" in value:
        raise InvalidParameter(
            _("'{name}' contains a NUL character (\\x00), which text may not hold.").format(
                name=_printable(name)
            ),
            parameter=_printable(name),
        )
    if _UNPAIRED_SURROGATE.search(value):
        raise InvalidParameter(
            _("'{name}' is not valid Unicode text: it holds an unpaired surrogate.").format(
                name=_printable(name)
            ),
            parameter=_printable(name),
        )


def check_fields(fields) -> None:
    """Every name and value of a query string or form (a QueryDict), or of a plain dict."""
    items = fields.lists() if hasattr(fields, "lists") else fields.items()
    for name, values in items:
        check_text(name, name)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str):
                check_text(name, value)


def nested_too_deep() -> InvalidParameter:
    """The error for a JSON body nested deeper than ``MAX_JSON_DEPTH``."""
    return InvalidParameter(
        _("The JSON body is nested more than {maximum} levels deep.").format(
            maximum=MAX_JSON_DEPTH
        ),
        parameter="body",
    )


def check_json(value: object) -> None:
    """A parsed JSON body: nested at most ``MAX_JSON_DEPTH`` deep, and every key and string
    checked with ``check_text``, named by its path (``location.lon``, ``points[3]``)."""
    pending: list[tuple[object, str, int]] = [(value, "", 0)]
    while pending:  # not recursive: the depth is what is being checked
        node, path, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise nested_too_deep()
        if isinstance(node, str):
            check_text(path or "body", node)
        elif isinstance(node, Mapping):
            for key, child in node.items():
                child_path = f"{path}.{key}" if path else str(key)
                check_text(child_path, str(key))
                pending.append((child, child_path, depth + 1))
        elif isinstance(node, list):
            for i, child in enumerate(node):
                pending.append((child, f"{path}[{i}]", depth + 1))


def body_limit(view_func) -> int:
    """The most bytes a view takes in a (non-multipart) body: its class's or function's
    ``max_body_bytes``, else ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    owner = getattr(view_func, "view_class", view_func)
    limit = getattr(owner, "max_body_bytes", None)
    return limit if limit is not None else settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def check_body_size(request, limit: int) -> None:
    """PayloadTooLarge when the declared body is over ``limit`` (multipart excepted):
    refused by its Content-Length, before a byte of it is read."""
    if request.content_type == "multipart/form-data":
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise PayloadTooLarge(
            _("The request body is {size} bytes; this endpoint takes at most {limit}.").format(
                size=length, limit=limit
            ),
            parameter="body",
        )


def check_request(request, view_kwargs: Mapping, limit: int) -> None:
    """The URL's parameters, the query string and the declared body size."""
    for name, value in view_kwargs.items():
        if isinstance(value, str):
            check_text(name, value)
    check_fields(request.GET)
    check_body_size(request, limit)


def upload_error(exception: Exception) -> CommonMapError | None:
    """The domain error for Django's own refusals of a body while it is parsed (a form
    over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, too many fields or files), else None."""
    if isinstance(exception, RequestDataTooBig):
        return PayloadTooLarge(
            _("The request body is over {limit} bytes, the most a form may hold.").format(
                limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            ),
            parameter="body",
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return InvalidParameter(
            _("The form has too many fields or files."),
            parameter="body",
        )
    return None


class RefuseBadInput:
    """Middleware: ``check_request`` before every view (as JSON errors), and Django's
    refusals of an oversized or overfull form as JSON instead of its HTML 400 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """None to go on; a JSON 400/413 for a NUL in the URL or query, or a body too big."""
        if getattr(view_func, "checks_own_input", False):
            return None
        try:
            check_request(request, view_kwargs, body_limit(view_func))
        except CommonMapError as exc:
            return error_response(exc)
        return None

    def process_exception(self, request, exception):
        """A JSON 413/400 for a form Django refused while the view read it."""
        error = upload_error(exception)
        return error_response(error) if error is not None else None
