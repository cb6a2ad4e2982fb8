"""Vietnamese text normalisation: stored text, match keys and folded search keys.

The same Vietnamese word reaches us in many code-point spellings: NFC or NFD,
precomposed letters with combining tones (Windows-1258 pages), HTML entities,
invisible characters, and two tone-mark placement styles (hòa / hoà). Stored
text only gets the lossless clean-up; the keys used for deduplication and
search also agree on tone placement, case and, for ``fold_key``, diacritics.
"""

import html
import re
import unicodedata
from functools import lru_cache

# Zero-width space separates words, so it becomes a space; the others only
# ever split a word (or a letter from its combining mark) and are dropped.
_INVISIBLE = str.maketrans(
    {
        "\u200b": " ",  # zero-width space
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u00ad": None,  # soft hyphen
        "\u2060": None,  # word joiner
        "\ufeff": None,  # byte order mark / zero-width no-break space
    }
)
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u00ad\u2060\ufeff]")
# Letters plus any combining marks that did not compose: a syllable with a stray
# mark is not touched, and a moved tone can never compose with a mark next to it.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")

_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
_VOWELS = "aăâeêioôơuưy"
_SHAPED_VOWELS = frozenset("ăâêôơư")
_TONED_VOWEL = {unicodedata.normalize("NFC", vowel + mark): (vowel, mark) for vowel in _VOWELS for mark in _TONE_MARKS}
_WITH_TONE = {(vowel, mark): toned for toned, (vowel, mark) in _TONED_VOWEL.items()}

# Every vowel nucleus of Vietnamese, tone marks removed; a word whose vowels are
# not one of these is not a Vietnamese syllable and is left alone.
_NUCLEI = frozenset(
    {
        "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
        "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe",
        "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ưu",
        "ươ", "yê",
        "iêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu",
    }
)  # fmt: skip
_SYLLABLE = re.compile(
    r"(?P<initial>ngh|qu|gi|ng|gh|ch|kh|nh|ph|th|tr|[bcdđghklmnprstvx])?"
    rf"(?P<nucleus>[{_VOWELS}]+)"
    r"(?P<final>ch|ng|nh|[cmnpt])?"
)

_VIETNAMESE_LETTERS = frozenset("đĐ" + "".join(_TONED_VOWEL) + "".join(_TONED_VOWEL).upper() + "ăâêôơưĂÂÊÔƠƯ")
# Non-ASCII characters that correct Vietnamese text is made of. Mojibake is full
# of other ones (Ä, Æ, º, C1 controls…), and a repair must reduce their number.
_EXPECTED_NON_ASCII = _VIETNAMESE_LETTERS | frozenset("“”‘’–—…•«»°·©€\u00a0")

# cp1252 has printable characters where Latin-1 has C1 controls (0x80–0x9F),
# except for five bytes it leaves undefined, which decoders pass through as C1.
_C1_BYTES = bytes(range(0x80, 0xA0))
_CP1252_TO_LATIN1 = {
    cp1252: latin1
    for cp1252, latin1 in zip(_C1_BYTES.decode("cp1252", errors="replace"), _C1_BYTES.decode("latin-1"), strict=True)
    if cp1252 != "\ufffd"
}
_ENCODE_AS_LATIN1 = str.maketrans(_CP1252_TO_LATIN1)
_NOT_SINGLE_BYTE = re.compile("[^\x00-\xff" + "".join(_CP1252_TO_LATIN1) + "]")
_DECODE_AS_CP1252 = str.maketrans({latin1: cp1252 for cp1252, latin1 in _CP1252_TO_LATIN1.items()})

# Real text settles in one or two rounds; the bound only guards against input
# crafted so that each round exposes new work.
_CLEANUP_ROUNDS = 8


def normalize_text(text: str) -> str:
    """Clean extracted text losslessly for storage.

    Entities are decoded (twice-escaped ones too), invisible characters removed,
    code points composed (NFC) and spaces collapsed. Paragraphs are separated by
    exactly one blank line; a single newline inside a paragraph is kept, because
    it can be meaningful (addresses, poems, signatures). Case and the site's
    tone-mark style are kept.
    """
    return _collapse_whitespace(_decode(text))


def match_key(text: str) -> str:
    """Key for hashing and exact search: spelling variants of one text agree.

    On top of ``normalize_text`` the tone mark is put in one canonical place per
    syllable (the traditional hòa / thủy / khỏe style), case is folded and all
    whitespace, paragraph breaks included, becomes single spaces.
    """
    return " ".join(map(_canonical_token, _decode(text, fold_case=True).split()))


def fold_key(text: str) -> str:
    """Key for diacritic-insensitive search: "Đảng" and "dang" agree."""
    return fold_match_key(match_key(text))


def fold_match_key(key: str) -> str:
    """``fold_key`` of text that is already a ``match_key`` (saves computing the key twice)."""
    return " ".join(map(_folded_token, key.split(" ")))


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 bytes decoded as Latin-1 or cp1252 ("Ä\\x90áº£ng" → "Đảng").

    Only a repair that is exact is made: the text must turn back into bytes,
    those bytes must be valid UTF-8 holding Vietnamese letters, decoding them
    the wrong way again must give back exactly the input, and the result must
    have fewer characters that do not belong in Vietnamese text. Anything else,
    including correct Vietnamese, is returned unchanged. Run it on raw extracted
    text: normalize_text drops soft hyphens, and byte 0xAD is part of mojibake.
    """
    if text.isascii() or _NOT_SINGLE_BYTE.search(text):
        return text
    try:
        raw = text.translate(_ENCODE_AS_LATIN1).encode("latin-1")
        repaired = raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    as_latin1 = raw.decode("latin-1")
    if text not in (as_latin1, as_latin1.translate(_DECODE_AS_CP1252)):
        return text
    if not any(char in _VIETNAMESE_LETTERS for char in repaired):
        return text
    if _count_unexpected(repaired) >= _count_unexpected(text):
        return text
    return repaired


def _count_unexpected(text: str) -> int:
    return sum(1 for char in text if not char.isascii() and char not in _EXPECTED_NON_ASCII and not char.isspace())


def _decode(text: str, fold_case: bool = False) -> str:
    """Normalise, decode entities and drop invisible characters until nothing changes.

    One step can expose work for another (an entity that decodes to a soft
    hyphen, a removed character that lets a letter compose with its mark), so
    the steps repeat until a fixed point, which keeps every function idempotent.
    Normalising first makes canonically equivalent inputs (NFC, NFD, cp1258
    style) identical before anything else looks at them.
    """
    for _ in range(_CLEANUP_ROUNDS):
        normalized = unicodedata.normalize("NFC", text)
        if fold_case:
            normalized = unicodedata.normalize("NFC", normalized.casefold())
        text = _unescape(normalized)
        if _HAS_INVISIBLE.search(text):
            text = text.translate(_INVISIBLE)
        if text == normalized:
            break
    return text


def _unescape(text: str) -> str:
    """Decode entities, however many times the source escaped them."""
    while "&" in text:
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    return text


def _collapse_whitespace(text: str) -> str:
    if _is_collapsed(text):
        return text
    paragraphs: list[str] = []
    lines: list[str] = []
    for raw_line in text.splitlines():
        line = " ".join(raw_line.split())
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append("\n".join(lines))
            lines = []
    if lines:
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _is_collapsed(text: str) -> bool:
    """Whether `_collapse_whitespace` would return the text unchanged, as most extracted text is.

    String searches are several times cheaper than splitting every line. Every whitespace
    character but the space and the newline is unprintable, so such text takes the long way.
    """
    return (
        text.replace("\n", "").isprintable()
        and not text.startswith((" ", "\n"))
        and not text.endswith((" ", "\n"))
        and "  " not in text
        and " \n" not in text
        and "\n " not in text
        and "\n\n\n" not in text
    )


@lru_cache(maxsize=65536)
def _canonical_token(token: str) -> str:
    return token if token.isascii() else _WORD.sub(_canonical_word, token)


def _canonical_word(match: re.Match[str]) -> str:
    return _canonical_syllable(match.group())


@lru_cache(maxsize=65536)
def _folded_token(token: str) -> str:
    if token.isascii():
        return token
    decomposed = unicodedata.normalize("NFD", token)
    bare = "".join(char for char in decomposed if not unicodedata.category(char).startswith("M"))
    return unicodedata.normalize("NFC", bare).replace("đ", "d")


@lru_cache(maxsize=65536)
def _canonical_syllable(word: str) -> str:
    """Move a lower-case syllable's tone mark to its traditional place."""
    if word.isascii():
        return word
    bases = list(word)
    mark = ""
    for index, char in enumerate(word):
        if char in _TONED_VOWEL:
            if mark:
                return word
            bases[index], mark = _TONED_VOWEL[char]
    if not mark:
        return word
    syllable = _SYLLABLE.fullmatch("".join(bases))
    if syllable is None:
        return word
    nucleus = syllable["nucleus"]
    if nucleus not in _NUCLEI:
        return word
    position = _tone_position(nucleus, has_final=syllable["final"] is not None)
    target = syllable.start("nucleus") + position
    bases[target] = _WITH_TONE[(bases[target], mark)]
    return "".join(bases)


def _tone_position(nucleus: str, has_final: bool) -> int:
    """Index in the nucleus that carries the tone, traditional style."""
    shaped = [index for index, vowel in enumerate(nucleus) if vowel in _SHAPED_VOWELS]
    if shaped:
        return shaped[-1]
    if len(nucleus) == 1:
        return 0
    if len(nucleus) == 3:
        return 1
    return 1 if has_final else 0
