"""GeoReport v2 documents in JSON or XML, the two formats every Open311 client reads.

The XML follows the specification's element names: a root (``services``,
``service_requests``, ``service_definition``, ``errors``) holding one element per entry
(``service``, ``request``, ``error``), each a flat list of fields; empty values are empty
elements. Built with the standard library's ElementTree (text only ever goes in as text, so
names and descriptions cannot inject markup).
"""

import json
from datetime import datetime
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = ("json", "xml")
ROOT_CHILD = {"services": "service", "service_requests": "request", "errors": "error"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


def _element(parent, name: str, value) -> None:
    child = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _element(child, key, inner)
    elif isinstance(value, list):
        for inner in value:
            _element(child, name.rstrip("s") or name, inner)
    else:
        child.text = _text(value)


def to_xml(root: str, body) -> bytes:
    """``body`` (a list of entries, or one dict for a service definition) as XML."""
    top = ElementTree.Element(root)
    entries = body if isinstance(body, list) else None
    if entries is None:
        for key, value in body.items():
            _element(top, key, value)
    else:
        for entry in entries:
            item = ElementTree.SubElement(top, ROOT_CHILD[root])
            for key, value in entry.items():
                _element(item, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(top, encoding="utf-8")


def _default(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    raise TypeError(type(value))


def respond(fmt: str, root: str, body, status: int = 200) -> HttpResponse:
    """The document in the asked format, with the right content type."""
    if fmt == "xml":
        response = HttpResponse(to_xml(root, body), content_type="text/xml; charset=utf-8")
    else:
        text = json.dumps(body, ensure_ascii=False, default=_default)
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response.status_code = status
    return response


def errors(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error document: ``[{"code": status, "description": ...}]``."""
    return respond(fmt, "errors", [{"code": status, "description": description}], status)
