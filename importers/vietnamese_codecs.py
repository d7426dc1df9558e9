"""The legacy Vietnamese 8-bit encodings as Python codecs: TCVN3 (ABC) and VNI-Windows.

Shapefiles and CSV made by Vietnamese offices before Unicode carry their text in one of
three 8-bit encodings besides UTF-8: Windows-1258 (Python's ``cp1258``; tones are stored as
combining marks, so its text must be NFC-normalised), TCVN3 (TCVN 5712:1993 VN3, the "ABC"
``.VnTime`` fonts: one byte per lower-case letter; of the capitals only Ă Â Ê Ô Ơ Ư Đ, since
accented capitals were set with separate ``.VnTimeH`` fonts) and VNI-Windows (an ASCII vowel
followed by a byte for its diacritic and tone, plus single bytes for đ ơ ư and the toned
i's). ``importers.encodings`` registers the ``tcvn3`` and ``vni`` codecs with Python (with
their aliases), so ``raw.decode("tcvn3")`` works anywhere once it is imported.

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
import re
import unicodedata

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


CODECS = {  # registered under these names by importers.encodings
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
