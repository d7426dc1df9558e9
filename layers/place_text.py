"""Reading a typed address: its comma-separated parts, in search form, ready to match.

A hotline operator types "Trường THCS Lê Quý Đôn, P.Tân Định, Q1": each part is folded to
search form (no diacritics, lower case), abbreviations are expanded ("thcs", "p.", "q"),
street addresses and house numbers dropped (no name here locates them), and a part may be
cut before a unit type inside it ("Trạm y tế phường Bến Nghé"). ``layers.places`` matches
the parts against facility and unit names.
"""

import re
from dataclasses import dataclass

from layers.names import search_form

# The words that give a unit's type, in search form, as they lead its name.
TYPE_WORDS = (
    "thanh pho", "dac khu", "thi tran", "thi xa", "phuong", "huyen", "quan", "tinh", "xa",
)  # fmt: skip
TYPE_PREFIX = rf"^({'|'.join(TYPE_WORDS)}) "
_TYPE_WORD_LISTS = tuple(t.split() for t in TYPE_WORDS)
# Abbreviations in addresses and in the data's names ("Trường Trung học cơ sở ...").
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "thcs": "trung hoc co so",
    "thpt": "trung hoc pho thong",
    "mn": "mam non",
    "tyt": "tram y te",
    "bv": "benh vien",
    "pk": "phong kham",
    "kp": "khu pho",
    "tp": "thanh pho",
    "tphcm": "thanh pho ho chi minh",
    "hcmc": "thanh pho ho chi minh",
    "hcm": "ho chi minh",
}
# Abbreviations that are also how a word starts ("th" of "thanh", "x" of "xuân"): expanded
# only when a word follows, so that a name typed half-way still matches as a prefix.
ABBREVIATIONS_BEFORE_A_WORD = {
    "p": "phuong",
    "f": "phuong",
    "q": "quan",
    "x": "xa",
    "th": "tieu hoc",
}
# "p12", "q3", "f.12": a type letter glued to a number.
_GLUED_NUMBER = re.compile(r"\b([pfq])\.?(?=\d)")
# A street address, which no name here locates: "12/3 Lê Lợi", "số 5 ...", "đường ...",
# "Đ. Lê Lợi". Its street name would only find places named after the street.
_STREET = re.compile(r"^((so( nha)?\s*)?\d+[a-z]?([/-]\d+[a-z]?)*\b|(duong|hem|ngo|kiet)\b|d\.)")
# A house number anywhere ("12/3", "45/2b") is not part of any name.
_HOUSE_NUMBER = re.compile(r"\b\d+[a-z]?(/\d+[a-z]?)+\b")
_NOT_WORD = re.compile(r"[\W_]+")
_PART_SEPARATORS = re.compile(r"[,;\n]")


@dataclass(frozen=True)
class Part:
    """One comma-separated part of the text, in search form.

    ``term`` is the whole part ("phuong ben nghe"); ``core`` the same without a leading
    unit type ("ben nghe"; None when that leaves only a number); ``pattern`` a LIKE
    pattern of its words in order (what the trigram indexes answer), ``area_pattern`` the
    same of the core (a unit may be typed under another type word); ``prefixes`` a
    regular expression: its words start words of a name, in order.
    """

    term: str
    core: str | None
    pattern: str
    area_pattern: str
    prefixes: str


def parse_parts(text: str, split_at_types: bool = False) -> list[Part]:
    """The parts of an address that can name a place; street addresses and noise dropped.

    With ``split_at_types`` a part is also cut before a unit type inside it, so that
    "Trạm y tế phường Bến Nghé" reads as "Trạm y tế" in "phường Bến Nghé".
    """
    parts = []
    for raw in _PART_SEPARATORS.split(text):
        words = _words(raw)
        for chunk in _split_at_types(words) if split_at_types else [words]:
            part = _part(chunk)
            if part is not None:
                parts.append(part)
    return parts


def _words(raw: str) -> list[str]:
    """A part's words in search form, abbreviations expanded; none for a street address."""
    text = search_form(raw)
    if _STREET.match(text):
        return []
    text = _GLUED_NUMBER.sub(r"\1 ", _HOUSE_NUMBER.sub(" ", text))
    words = _NOT_WORD.sub(" ", text).split()
    expanded = [
        ABBREVIATIONS.get(word)
        or (ABBREVIATIONS_BEFORE_A_WORD.get(word) if i + 1 < len(words) else None)
        or word
        for i, word in enumerate(words)
    ]
    return " ".join(expanded).split()


def _split_at_types(words: list[str]) -> list[list[str]]:
    """The words cut before every unit type (not the first word) that a name follows."""
    chunks, start = [], 0
    for i in range(1, len(words)):
        if any(words[i : i + len(t)] == t and i + len(t) < len(words) for t in _TYPE_WORD_LISTS):
            chunks.append(words[start:i])
            start = i
    return [*chunks, words[start:]]


def _part(words: list[str]) -> Part | None:
    """The part these words make; None for a unit type alone or a bare number."""
    term = " ".join(words)
    core = re.sub(TYPE_PREFIX, "", term + " ").strip()
    if not core or (core.isdigit() and core == term):
        return None
    if core.isdigit():
        core = None
    return Part(
        term=term,
        core=core,
        pattern=_like(words),
        area_pattern=_like(core.split()) if core else _like(words),
        prefixes="(^| )" + ".* ".join(words),
    )


def _like(words: list[str]) -> str:
    """A LIKE pattern of the words in order, anything between ("%ben%thanh%")."""
    return "%" + "%".join(words) + "%"
