"""Text encodings by name: what staff or a ``.cpg`` call them, and text decoded to NFC.

UTF-8, Windows-1258 and the legacy TCVN3 and VNI (``importers.vietnamese_codecs``, registered
with Python here), or any other Python text codec; ``encoding_detection`` guesses which one
a file's text is in.
"""

import codecs
import re
import unicodedata

from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from importers.vietnamese_codecs import CODECS


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# Our own names, keyed without case, spaces or punctuation.
_ALIASES = {
    **dict.fromkeys(["tcvn3", "abc", "tcvn", "tcvn5712", "vn3", "tcvn5712vn3"], "tcvn3"),
    **dict.fromkeys(["vni", "vniwindows", "vniwin"], "vni"),
    **dict.fromkeys(["utf8", "65001", "utf8sig"], "utf-8"),
    **dict.fromkeys(["cp1258", "1258", "windows1258", "win1258", "ansi1258"], "cp1258"),
}
_SUPPORTED = "UTF-8, Windows-1258 (cp1258), TCVN3 (ABC), VNI, or a code page such as cp1252"


def _search(name: str) -> codecs.CodecInfo | None:
    return CODECS.get(_ALIASES.get(_key(name), ""))


codecs.register(_search)


# --- Names -----------------------------------------------------------------------------------


def canonical(name: str) -> str:
    """The codec name for a user- or file-given encoding name.

    One of "utf-8", "cp1258", "tcvn3", "vni", or another Python text codec ("latin-1",
    "cp1252"...). Windows code page numbers ("1252", "ANSI 1252") and ESRI's "88591" are
    understood. Raises ``InvalidParameter`` for anything else.
    """
    key = _key(name or "")
    if key in _ALIASES:
        return _ALIASES[key]
    iso = re.fullmatch(r"(?:iso)?8859(\d{1,2})", key)
    number = re.fullmatch(r"(?:cp|windows|win|ansi|ms)?(\d{3,5})", key)
    candidates = [f"iso8859-{iso[1]}"] if iso else [f"cp{number[1]}"] if number else [name]
    for candidate in candidates:
        try:
            info = codecs.lookup(candidate.strip())
        except (LookupError, ValueError):
            continue
        if getattr(info, "_is_text_encoding", True):
            return {"iso8859-1": "latin-1"}.get(info.name, info.name)
    raise InvalidParameter(
        _("Unknown text encoding '{name}'. Supported: {supported}.").format(
            name=name, supported=_SUPPORTED
        ),
        parameter="encoding",
        hint=_("Leave the encoding empty to have it detected."),
    )


def from_cpg(text: str) -> str | None:
    """The encoding a Shapefile ``.cpg`` sidecar names ("UTF-8", "1258", "88591"...), or None.

    None means the sidecar is empty or names nothing we know, so the caller should detect.
    """
    lines = [line.strip() for line in (text or "").lstrip("\ufeff").splitlines()]
    first = next((line for line in lines if line), "")
    if not first:
        return None
    try:
        return canonical(first)
    except InvalidParameter:
        return None


def decode(raw: bytes, encoding: str, errors: str = "strict") -> str:
    """``raw`` decoded with the named encoding, as NFC (cp1258's combining tones composed)."""
    name = canonical(encoding)
    text = raw.decode("utf-8-sig" if name == "utf-8" else name, errors)
    return unicodedata.normalize("NFC", text)
