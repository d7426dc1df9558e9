"""Vietnamese text encodings: name them, decode them to NFC Unicode, and guess them.

Shapefiles and CSV made by Vietnamese offices before Unicode carry their text in one of
three 8-bit encodings besides UTF-8: Windows-1258 (Python's ``cp1258``; tones are stored as
combining marks, so its text must be NFC-normalised), TCVN3 (TCVN 5712:1993 VN3, the "ABC"
``.VnTime`` fonts: one byte per lower-case letter; of the capitals only Ă Â Ê Ô Ơ Ư Đ, since
accented capitals were set with separate ``.VnTimeH`` fonts) and VNI-Windows (an ASCII vowel
followed by a byte for its diacritic and tone, plus single bytes for đ ơ ư and the toned
i's). Importing this module registers the ``tcvn3`` and ``vni`` codecs with Python, so
``raw.decode("tcvn3")`` works anywhere.

Where the tables come from: the TCVN3 bytes are UniKey's (Pham Kim Long's converter,
``ukengine/data.cpp``, GPL-2, ``SingleByteTables``/TCVN3). They were checked letter by letter
against GNU libiconv's TCVN-5712 table (``lib/tcvn.h``; VN1, whose 0xA1-0xFE letters are
VN3's), glibc ``iconv -t TCVN5712-1``, the npm package ``vietnamese-conversion`` 2.0.0 (MIT)
and PyPI ``viparse`` 0.1.31 (MIT): all five agree on the 74 letters. The VNI bytes are
UniKey's ``DoubleByteTables``/VNI-WIN, checked against the same npm package, which agrees
except that it writes ỷ ỹ as ``ë ì`` (bytes that mean ặ's mark and ì: a bug), and viparse's
corpus-derived table, which lacks ẳ and writes ì í ỵ as vowel + mark (we read that too).
Both legacy codecs keep Windows-1252's punctuation in 0x80-0x9F, as UniKey does. The tables
below follow UniKey's order: base vowel, then sắc, huyền, hỏi, ngã, nặng.
"""

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import gettext as _

from core.errors import InvalidParameter

# Combining tone marks in UniKey's order: sắc, huyền, hỏi, ngã, nặng.
TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_BARE_VOWELS = "aăâeêioôơuưy"

#: The 134 Vietnamese letters that are not plain ASCII (67 lower-case, 67 capitals).
VIETNAMESE_LETTERS: frozenset[str] = frozenset(
    unicodedata.normalize("NFC", c)
    for bare in _BARE_VOWELS
    for tone in ("", *TONES)
    for c in (bare + tone, bare.upper() + tone)
    if bare + tone not in "aeiouy"
) | {"đ", "Đ"}

# --- TCVN3 -----------------------------------------------------------------------------------

# The byte of each toned lower-case vowel, tones in the order of TONES.
_TCVN3_TONED = {
    "a": "B8 B5 B6 B7 B9",
    "ă": "BE BB BC BD C6",
    "â": "CA C7 C8 C9 CB",
    "e": "D0 CC CE CF D1",
    "ê": "D5 D2 D3 D4 D6",
    "i": "DD D7 D8 DC DE",
    "o": "E3 DF E1 E2 E4",
    "ô": "E8 E5 E6 E7 E9",
    "ơ": "ED EA EB EC EE",
    "u": "F3 EF F1 F2 F4",
    "ư": "F8 F5 F6 F7 F9",
    "y": "FD FA FB FC FE",
}
_TCVN3_BARE = "ĂÂÊÔƠƯĐăâêôơưđ"  # 0xA1-0xAE


def _tcvn3_table() -> str:
    table = [chr(b) for b in range(0x80)]
    # 0x80-0x9F: Windows-1252 punctuation; its five holes stay undefined.
    table += [bytes([b]).decode("cp1252", "replace") for b in range(0x80, 0xA0)]
    table += ["\u00a0", *_TCVN3_BARE] + ["\ufffe"] * (0x100 - 0xAF)
    for bare, codes in _TCVN3_TONED.items():
        for tone, code in zip(TONES, codes.split(), strict=True):
            table[int(code, 16)] = unicodedata.normalize("NFC", bare + tone)
    return "".join("\ufffe" if c == "\ufffd" else c for c in table)


_TCVN3_DECODING = _tcvn3_table()
_TCVN3_ENCODING = codecs.charmap_build(_TCVN3_DECODING)


def _tcvn3_encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    return codecs.charmap_encode(unicodedata.normalize("NFC", text), errors, _TCVN3_ENCODING)


def _tcvn3_decode(raw: bytes, errors: str = "strict") -> tuple[str, int]:
    return codecs.charmap_decode(raw, errors, _TCVN3_DECODING)


# --- VNI -------------------------------------------------------------------------------------

# Lower-case byte of each mark (the capital's is 0x20 lower): tone alone, then circumflex
# (â ê ô) and breve (ă) without and with each tone.
_VNI_MARKS = {"": "F9 F8 FB F5 EF", "\u0302": "E2 E1 E0 E5 E3 E4", "\u0306": "EA E9 E8 FA FC EB"}
# Letters VNI stores in one byte (lower-case byte; the capital's is 0x20 lower).
_VNI_SINGLE = {"đ": 0xF1, "ơ": 0xF4, "ư": 0xF6, "í": 0xED, "ì": 0xEC, "ỉ": 0xE6, "ĩ": 0xF3}
_VNI_SINGLE |= {"ị": 0xF2, "ỵ": 0xEE}
_VNI_BASES = "aeiouyơư"
_VNI_BASE_BYTES = {"ơ": b"\xf4", "Ơ": b"\xd4", "ư": b"\xf6", "Ư": b"\xd6"}


def _vni_tables() -> tuple[dict[str, str], dict[str, bytes], str]:
    """(mark character -> combining marks, character -> VNI bytes, byte -> character)."""
    marks: dict[str, str] = {}
    for shape, codes in _VNI_MARKS.items():
        combining = [shape + t for t in ("", *TONES)] if shape else list(TONES)
        for comb, code in zip(combining, codes.split(), strict=True):
            for byte in (int(code, 16), int(code, 16) - 0x20):
                marks[bytes([byte]).decode("cp1252")] = comb
    to_bytes: dict[str, bytes] = {}
    for letter, byte in _VNI_SINGLE.items():
        to_bytes[letter], to_bytes[letter.upper()] = bytes([byte]), bytes([byte - 0x20])
    for mark, comb in marks.items():
        for base in _VNI_BASES.upper() if mark.isupper() else _VNI_BASES:
            letter = unicodedata.normalize("NFC", base + comb)
            if letter in VIETNAMESE_LETTERS and letter not in to_bytes:
                to_bytes[letter] = _VNI_BASE_BYTES.get(base, base.encode()) + mark.encode("cp1252")
    table = [bytes([b]).decode("cp1252", "replace") for b in range(0x100)]
    for letter, raw in to_bytes.items():
        if len(raw) == 1:
            table[raw[0]] = letter
    table = ["\ufffe" if c == "\ufffd" else c for c in table]
    # Every other byte stands for its Windows-1252 character, except the marks.
    for byte, char in enumerate(table):
        if char not in marks and char != "\ufffe":
            to_bytes.setdefault(char, bytes([byte]))
    return marks, to_bytes, "".join(table)


_VNI_MARK_COMBINING, _VNI_ENCODING, _VNI_DECODING = _vni_tables()
_VNI_BASE_BYTE_SET = frozenset(b"aeiouyAEIOUY" + b"".join(_VNI_BASE_BYTES.values()))
_VNI_MARK_CLASS = re.escape("".join(_VNI_MARK_COMBINING))
_VNI_PAIR = re.compile(f"([{_VNI_BASES}{_VNI_BASES.upper()}]?)([{_VNI_MARK_CLASS}])")


def _vni_compose(match: re.Match) -> str:
    base, mark = match.groups()
    letter = unicodedata.normalize("NFC", base + _VNI_MARK_COMBINING[mark])
    # A mark that makes no Vietnamese letter (after a consonant, a breve on e...) is what a
    # VNI font shows there: a floating accent, i.e. the combining marks themselves.
    return letter if letter in VIETNAMESE_LETTERS else base + _VNI_MARK_COMBINING[mark]


def _vni_decode(raw: bytes, errors: str = "strict") -> tuple[str, int]:
    text, consumed = codecs.charmap_decode(raw, errors, _VNI_DECODING)
    return unicodedata.normalize("NFC", _VNI_PAIR.sub(_vni_compose, text)), consumed


def _vni_encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    out = bytearray()
    text = unicodedata.normalize("NFC", text)
    for i, char in enumerate(text):
        if char in _VNI_ENCODING:
            out += _VNI_ENCODING[char]
        else:
            # Not in Windows-1252, or its byte means a VNI mark or letter (ü, ñ...).
            handler = codecs.lookup_error(errors)
            exc = UnicodeEncodeError("vni", text, i, i + 1, "not representable in VNI")
            replacement, _pos = handler(exc)
            out += replacement.encode("ascii") if isinstance(replacement, str) else replacement
    return bytes(out), len(text)


class _VniIncrementalDecoder(codecs.BufferedIncrementalDecoder):
    def _buffer_decode(self, raw, errors, final):
        # A trailing vowel may still take a mark from the next chunk.
        if not final and raw and raw[-1] in _VNI_BASE_BYTE_SET:
            raw = raw[:-1]
        return _vni_decode(raw, errors)


def _incremental(func):
    class Encoder(codecs.IncrementalEncoder):
        def encode(self, text, final=False):
            return func(text, self.errors)[0]

    return Encoder


class _Tcvn3IncrementalDecoder(codecs.IncrementalDecoder):
    def decode(self, raw, final=False):
        return _tcvn3_decode(raw, self.errors)[0]


_CODECS = {
    "tcvn3": codecs.CodecInfo(
        _tcvn3_encode,
        _tcvn3_decode,
        name="tcvn3",
        incrementalencoder=_incremental(_tcvn3_encode),
        incrementaldecoder=_Tcvn3IncrementalDecoder,
    ),
    "vni": codecs.CodecInfo(
        _vni_encode,
        _vni_decode,
        name="vni",
        incrementalencoder=_incremental(_vni_encode),
        incrementaldecoder=_VniIncrementalDecoder,
    ),
}


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
    return _CODECS.get(_ALIASES.get(_key(name), ""))


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


# --- Detection -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Detection:
    """A guessed encoding, how sure the guess is (0..1), and why, for the import report."""

    encoding: str
    confidence: float
    reason: str


_INITIAL = "ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx]"
_CLOSED = "uyê|iê|yê|uô|ươ|oa|oă|oe|uâ|uê|uy|oo|ôô|[aăâeêioôơuưy]"
_OPEN = (
    "oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyu|iêu|yêu|ia|ua|ưa|ai|ao|au|ay|âu|ây|eo|êu|iu"
    "|oi|ôi|ơi|ui|ưi|ưu|oa|oe|uê|uy|uơ|[aeêioôơuưy]"
)
# "k" ends only highland names (Đắk Lắk), but those are common in our files.
_SYLLABLE = re.compile(f"({_INITIAL})?(?:({_CLOSED})(ch|nh|ng|[ckmnpt])|({_OPEN}))")
_PALATAL_NUCLEI = {"a", "ê", "i", "y", "oa", "uê", "uy"}  # the only ones before -ch, -nh
_NOT_BEFORE_VELAR = {"ê", "i", "y", "ơ", "uy", "uê", "uyê"}  # never before -c, -ng
# Syllables frequent in Vietnamese addresses and names: a tie-breaker when one short sample
# reads as valid syllables in two encodings ("Sơn" in VNI is also cp1258's "Sôn").
_COMMON_SYLLABLES = """
    phường xã quận huyện thị trấn thành phố tỉnh đường số ấp thôn khu làng bản chợ trường
    học tiểu mầm non cơ sở bệnh viện trạm y tế ủy ban nhân dân công ty cổ phần văn hóa hoá
    nhà thờ chùa đình sông suối cầu núi hồ bến cảng nguyễn trần lê phạm hoàng huỳnh phan võ
    vũ đặng bùi đỗ ngô dương lý tân an bình phú hòa hoà long thạnh thới tây đông nam bắc
    trung mỹ hiệp hưng phước lộc thuận sơn thủ đức gò vấp sài gòn hà nội việt quốc gia cộng
    hội chủ nghĩa độc lập tự do hạnh phúc điện bưu mới cũ thắng lợi tiến thịnh vĩnh định
    quang minh hải thủy thuỷ hồng chí giang châu kiên lâm sóc trăng cà mau đà nẵng huế
"""
_COMMON = frozenset(_COMMON_SYLLABLES.split())
_WORD = re.compile(r"[^\W\d_]+")
_CANDIDATES = ("cp1258", "tcvn3", "vni")
_LABELS = {"cp1258": "Windows-1258", "tcvn3": "TCVN3 (ABC)", "vni": "VNI"}


def _tone_positions(vowels: str, closed: bool) -> set[int]:
    """Where in its vowels a syllable may carry the tone mark (old and new styles)."""
    if closed or len(vowels) == 1:
        return {len(vowels) - 1}
    if len(vowels) == 3:
        return {1}
    if vowels in ("oa", "oe", "uy"):
        return {0, 1}  # hòa (old style) and hoà (new style) are both in use
    return {1} if vowels in ("uê", "uơ") else {0}


@functools.lru_cache(maxsize=4096)  # a file repeats the same few hundred words
def _is_syllable(word: str) -> bool:
    """Whether ``word`` is spelled like one Vietnamese syllable (one tone, legal parts)."""
    if not (word.islower() or word.isupper() or word.istitle()):
        return False
    lower = word.lower()
    toned = [i for i, c in enumerate(lower) if set(unicodedata.normalize("NFD", c)) & set(TONES)]
    bare = "".join(unicodedata.normalize("NFC", _strip_tone(c)) for c in lower)
    match = _SYLLABLE.fullmatch(bare)
    if len(toned) > 1 or not match:
        return False
    initial, nucleus, final, open_rhyme = match.groups()
    vowels = nucleus or open_rhyme
    if initial in ("k", "gh", "ngh") and vowels[0] not in "eêiy":
        return False
    if initial in ("c", "ng") and vowels[0] in "eêiy":
        return False
    if final in ("ch", "nh") and nucleus not in _PALATAL_NUCLEI:
        return False
    if final in ("c", "ng") and nucleus in _NOT_BEFORE_VELAR:
        return False
    if not toned:
        return True
    tone = next(c for c in unicodedata.normalize("NFD", lower[toned[0]]) if c in TONES)
    if final in ("c", "ch", "p", "t") and tone not in ("\u0301", "\u0323"):
        return False  # a syllable ending in a stop takes only sắc or nặng
    return toned[0] - len(initial or "") in _tone_positions(vowels, closed=bool(final))


def _strip_tone(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", char) if c not in TONES)


class _Reading(NamedTuple):
    """One legacy encoding's reading of the samples, and how Vietnamese it looks."""

    encoding: str
    plausibility: float  # 0..1: syllable-shaped words and Vietnamese letters
    rank: float  # plausibility plus a small bonus for common syllables
    good_words: int
    words: int
    texts: list[str]


def _read_as(encoding: str, samples: list[bytes]) -> _Reading:
    texts = [decode(s, encoding, errors="replace") for s in samples]
    words = [w for t in texts for w in _WORD.findall(t) if not w.isascii()]
    good_words = sum(_is_syllable(w) for w in words)
    common = sum(w.lower() in _COMMON for w in words)
    # Characters outside printable ASCII: Vietnamese letters, or the marks of a misreading
    # (symbols, foreign letters, stray combining marks, U+FFFD for unmapped bytes).
    odd = [c for t in texts for c in t if not c.isascii() or not (c.isprintable() or c == "\t")]
    good_chars = sum(c in VIETNAMESE_LETTERS for c in odd)
    word_share = good_words / len(words) if words else 0.0
    char_share = good_chars / len(odd) if odd else 0.0
    plausibility = 0.6 * word_share + 0.4 * char_share
    rank = plausibility + 0.1 * (common / len(words) if words else 0.0)
    return _Reading(encoding, plausibility, rank, good_words, len(words), texts)


def detect(samples: list[bytes]) -> Detection:
    """Guess the encoding of a file's text from a few of its values (e.g. its name column).

    Valid UTF-8 wins; otherwise each legacy encoding is scored by how Vietnamese its reading
    looks (words that are real syllables, letters in the Vietnamese alphabet) and the best
    one is taken, with a confidence that reflects its lead over the runner-up.
    """
    samples = [s for s in samples if s]
    if not samples:
        return Detection("utf-8", 0.0, _("There is no text to look at; assuming UTF-8."))
    if all(s.isascii() for s in samples):
        return Detection(
            "utf-8", 1.0, _("The text is ASCII only, so it reads the same in every encoding.")
        )
    try:
        texts = [s.decode("utf-8-sig") for s in samples]
    except UnicodeDecodeError:
        pass
    else:
        wide = sum(not c.isascii() for t in texts for c in t)
        return Detection(
            "utf-8",
            1.0 if wide >= 2 else 0.9,
            _("The text is valid UTF-8 (non-ASCII characters: {count}).").format(count=wide),
        )
    readings = sorted(
        (_read_as(name, samples) for name in _CANDIDATES), key=lambda r: -r.rank
    )  # sorted() is stable: a tie keeps the order of _CANDIDATES
    best, runner_up = readings[0], readings[1]
    margin = min(1.0, 2 * (best.rank - runner_up.rank))
    example = next((t for t in best.texts if not t.isascii()), best.texts[0])[:60]
    example = "".join(c if c.isprintable() else "?" for c in example)
    reason = _(
        "The text is not UTF-8. Read as {label}, {good} of {total} accented words are "
        "Vietnamese syllables (e.g. '{example}'); read as {other}, {other_good} of "
        "{other_total} are."
    ).format(
        label=_LABELS[best.encoding],
        good=best.good_words,
        total=best.words,
        example=example,
        other=_LABELS[runner_up.encoding],
        other_good=runner_up.good_words,
        other_total=runner_up.words,
    )
    if best.plausibility < 0.5:
        reason += " " + _("None of the readings looks like Vietnamese: check the encoding.")
    return Detection(best.encoding, round(margin * best.plausibility, 2), reason)
