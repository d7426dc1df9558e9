"""Vietnamese names: one normal form for storage and one diacritic-free form for search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Đ/đ are letters of their own, not D plus a combining mark, so NFD does not split them.
# U+00D0 (Ð, ETH) turns up in real data (Natural Earth's "Ðong Tháp") in place of U+0110.
_FOLD = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})


def normalise_name(name: str) -> str:
    """NFC, single spaces, no leading or trailing space: how every name is stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()


def search_form(text: str) -> str:
    """Lower case, diacritics removed, đ → d, single spaces: "Bến Thành" → "ben thanh"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.translate(_FOLD).lower()).strip()
