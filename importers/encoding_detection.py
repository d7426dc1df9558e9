"""Guessing the encoding of a file's text: UTF-8, or the legacy one whose reading looks
most like Vietnamese (syllables spelled by the rules, letters of the alphabet)."""

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import gettext as _

from importers.encodings import decode
from importers.vietnamese_codecs import TONES, VIETNAMESE_LETTERS


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
