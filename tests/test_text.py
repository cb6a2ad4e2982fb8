import hashlib
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan_crawler.text import fold_key, match_key, normalize_text, repair_mojibake


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# Bytes of a Windows-1258 page, decoded the way Scrapy does: shaped letters are
# precomposed (ô, ê), tones are combining marks, so the text is neither NFC nor NFD.
WINDOWS_1258_PARTY_NAME = b"\xd0a\xd2ng C\xf4\xf2ng sa\xd2n Vi\xea\xf2t Nam".decode("cp1258")


def as_latin1(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def as_windows_1252(text: str) -> str:
    """UTF-8 bytes decoded the way browsers decode windows-1252 (undefined bytes as C1)."""
    return "".join(
        bytes([byte]).decode("cp1252", errors="replace").replace("\ufffd", chr(byte)) for byte in text.encode("utf-8")
    )


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


# vietnamese.md §2.1, as (a, b) pairs that must share one match key.
VARIANT_PAIRS = [
    ("Đảng Cộng sản Việt Nam", nfd("Đảng Cộng sản Việt Nam")),
    ("hòa bình", "hoà bình"),
    ("Ban Chấp hành Trung ương Đảng khóa XIII", "Ban Chấp hành Trung ương Đảng khoá XIII"),
    ("thủy lợi", "thuỷ lợi"),
    ("Quý I/2021", "Qúy I/2021"),
    ("Ủy ban Mặt trận Tổ quốc", "Uỷ ban Mặt trận Tổ quốc"),
    ("văn hóa", "văn hoá"),
    ("sức khỏe", "sức khoẻ"),
    ("Công tác dân vận", "Công tác dân\u00a0vận"),
    ("Công tác dân vận", "Công tác\u200b dân v\u00adận"),
    ("Đảng Cộng sản Việt Nam", WINDOWS_1258_PARTY_NAME),
    ("Dân vận khéo", "D&acirc;n v&#7853;n kh&eacute;o"),
    ("Dân vận", "D&amp;acirc;n v&amp;#7853;n"),
    (
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        nfd("Cộng hoà\u00a0xã hội chủ nghĩa Việt Nam"),
    ),
]

VARIANT_KEYS = [
    "đảng cộng sản việt nam",
    "hòa bình",
    "ban chấp hành trung ương đảng khóa xiii",
    "thủy lợi",
    "quý i/2021",
    "ủy ban mặt trận tổ quốc",
    "văn hóa",
    "sức khỏe",
    "công tác dân vận",
    "công tác dân vận",
    "đảng cộng sản việt nam",
    "dân vận khéo",
    "dân vận",
    "cộng hòa xã hội chủ nghĩa việt nam",
]


def test_the_variant_pairs_really_differ():
    assert all(a != b for a, b in VARIANT_PAIRS)
    assert WINDOWS_1258_PARTY_NAME == "Đa\u0309ng Cô\u0323ng sa\u0309n Viê\u0323t Nam"


@pytest.mark.parametrize(("pair", "key"), list(zip(VARIANT_PAIRS, VARIANT_KEYS, strict=True)))
def test_variant_pairs_share_one_match_key(pair, key):
    first, second = pair
    assert match_key(first) == key
    assert match_key(second) == key
    assert sha1(match_key(first)) == sha1(match_key(second))


# Pairs that differ only in code points (not in tone style) are equal as stored text.
@pytest.mark.parametrize(
    ("pair", "stored"),
    [
        (VARIANT_PAIRS[0], "Đảng Cộng sản Việt Nam"),
        (VARIANT_PAIRS[8], "Công tác dân vận"),
        (VARIANT_PAIRS[9], "Công tác dân vận"),
        (VARIANT_PAIRS[10], "Đảng Cộng sản Việt Nam"),
        (VARIANT_PAIRS[11], "Dân vận khéo"),
        (VARIANT_PAIRS[12], "Dân vận"),
    ],
)
def test_code_point_variants_share_one_stored_text(pair, stored):
    first, second = pair
    assert normalize_text(first) == stored
    assert normalize_text(second) == stored


INVARIANT_WORDS = [
    "hoàng", "toàn", "quyết", "giữ", "gì", "quả", "thuở", "khuỷu", "ngoài", "tuyển",
    "khuya", "nguyễn", "huyện", "thuyền", "quyền", "oái", "hoặc", "hoạch", "xoáy", "khuấy",
    "café", "người", "rượu", "giường", "chuyện", "nghiêng", "khoảng", "quốc", "giấy", "quạt",
    "hoàn", "thuận", "tuổi", "chuối", "mùa", "của", "mía", "gìn", "già", "giết", "quyển",
    "huỳnh", "khuyên", "đảng", "việt",
]  # fmt: skip


@pytest.mark.parametrize("word", INVARIANT_WORDS)
def test_words_with_one_spelling_are_untouched(word):
    assert match_key(word) == word
    assert match_key(word.upper()) == word
    assert match_key(word.capitalize()) == word


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("hoà", "hòa"),
        ("HOÀ", "hòa"),
        ("Hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("THUỶ", "thủy"),
        ("khoẻ", "khỏe"),
        ("khoá", "khóa"),
        ("Uỷ", "ủy"),
        ("toà án", "tòa án"),
        ("hoạ", "họa"),
        ("hòa", "hòa"),
        ("thủy", "thủy"),
        ("Qúy", "quý"),
        ("qúa", "quá"),
        ("QÚA", "quá"),
        ("qủa", "quả"),
        ("gịa", "giạ"),
        ("ĐẢNG", "đảng"),
        ("Đảng\n\nCộng  sản", "đảng cộng sản"),
    ],
)
def test_match_key_places_tones_and_folds_case(text, key):
    assert match_key(text) == key


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("D&amp;acirc;n v&amp;#7853;n", "Dân vận"),
        ("D&amp;amp;acirc;n", "Dân"),
        ("th&ocirc;ng tin", "thông tin"),
        ("K&yacute; ức", "Ký ức"),
        (nfd("Việt Nam"), "Việt Nam"),
        ("Vie\u0302\u0323t", "Việt"),
        ("Viê\u0323t", "Việt"),
        ("dân\u200dvận\u200c", "dânvận"),
        ("\ufeffdân vận", "dân vận"),
        ("v\u00adận", "vận"),
        ("dân\u200bvận", "dân vận"),
        ("dân\u00a0\u2009\u3000\u202f\tvận", "dân vận"),
        ("  dân   vận  ", "dân vận"),
        ("hòa và hoà", "hòa và hoà"),
        ("Thuỷ Và THỦY", "Thuỷ Và THỦY"),
        ("Dòng 1\nDòng 2", "Dòng 1\nDòng 2"),
        ("  Dòng 1  \n   Dòng 2   ", "Dòng 1\nDòng 2"),
        ("Đoạn 1\n\nĐoạn 2", "Đoạn 1\n\nĐoạn 2"),
        ("Đoạn 1\n\n\n\n\nĐoạn 2", "Đoạn 1\n\nĐoạn 2"),
        ("Đoạn 1\n \u00a0\n\t\nĐoạn 2", "Đoạn 1\n\nĐoạn 2"),
        ("Đoạn 1\r\n\r\nĐoạn 2\r\ndòng", "Đoạn 1\n\nĐoạn 2\ndòng"),
        ("\n\n  Đoạn 1\n\n", "Đoạn 1"),
        ("", ""),
        (" \n\u00a0\n ", ""),
    ],
)
def test_normalize_text(text, stored):
    assert normalize_text(text) == stored


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đảng Cộng sản Việt Nam", "dang cong san viet nam"),
        (nfd("Đảng Cộng sản Việt Nam"), "dang cong san viet nam"),
        ("ĐẢNG", "dang"),
        ("đang", "dang"),
        ("hòa", "hoa"),
        ("hoà", "hoa"),
        ("Hoa", "hoa"),
        ("Ủy ban", "uy ban"),
        ("“Dân vận khéo” – ĐẠI HỘI", "“dan van kheo” – dai hoi"),
        ("Nguyễn Thị Thu Hà", "nguyen thi thu ha"),
        ("người dân", "nguoi dan"),
        ("Ñandú", "nandu"),
        ("x\u0301", "x"),
    ],
)
def test_fold_key(text, folded):
    assert fold_key(text) == folded


MOJIBAKE_SOURCES = [
    "Đảng Cộng sản Việt Nam",
    "Ủy ban nhân dân tỉnh – “Dân vận khéo”",
    "Hồ Chí Minh",
    "văn hóa",
    "người dân",
    "Đ",
    "Quý I/2021: Bộ Chính trị ban hành Nghị quyết số 25-NQ/TW",
]


@pytest.mark.parametrize("original", MOJIBAKE_SOURCES)
def test_repairs_utf8_read_as_latin1(original):
    assert repair_mojibake(as_latin1(original)) == original


@pytest.mark.parametrize("original", MOJIBAKE_SOURCES)
def test_repairs_utf8_read_as_windows_1252(original):
    assert repair_mojibake(as_windows_1252(original)) == original


def test_known_mojibake_sample():
    assert repair_mojibake("Ä\x90áº£ng") == "Đảng"
    assert as_windows_1252("Cộng") == "Cá»™ng"
    assert repair_mojibake("Cá»™ng") == "Cộng"


@pytest.mark.parametrize(
    "text",
    [
        "Đảng Cộng sản Việt Nam",
        "hòa bình",
        "ASCII only",
        "",
        "café",
        "NGÃ\u00a0BA",
        # Not exact: the 0x90 byte of Đ was dropped, or replaced by U+FFFD.
        "Äáº£ng",
        "Ä\ufffdáº£ng",
        # Half repaired already: mojibake mixed with correct text.
        "Ä\x90áº£ng Cộng sản",
        # Latin-1 for one character, cp1252 for another: no single wrong decoding.
        "Ä\x90áº£ng Cá»™ng Cá»\x99ng",
        # Valid UTF-8 once re-encoded, but without a Vietnamese letter.
        "Ã±",
    ],
)
def test_repair_leaves_other_text_unchanged(text):
    assert repair_mojibake(text) == text


VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
VIETNAMESE_ALPHABET = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "0123456789 .,;:!?()-/\"'“”‘’–—…«»°·"
FRAGMENTS = [
    "hòa", "hoà", "Qúy", "thuỷ", "KHOẺ", "&amp;", "&acirc;", "&#7853;", "&amp;#7853;", "amp;",
    "&", ";", "\u00a0", "\u200b", "\u200d", "\u00ad", "\ufeff", "\u0301", "\u0323", "\u0302",
    "\n", "\n\n", "\r\n", " ", "\t", "\u2028", "Đ", "ǰ", "ß", "İ", "ᾳ", "\u0345",
]  # fmt: skip
messy_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=20).map("".join)

INITIALS = ["", "b", "c", "ch", "d", "đ", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "s", "t",
            "th", "tr", "v", "x"]  # fmt: skip
TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"


def with_tone(vowel: str, mark: str) -> str:
    return unicodedata.normalize("NFC", vowel + mark)


@settings(max_examples=300, deadline=None)
@given(text=messy_text)
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(messy_text, st.text()))
def test_match_key_is_idempotent(text):
    once = match_key(text)
    assert match_key(once) == once


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(messy_text, st.text(alphabet=VIETNAMESE_ALPHABET), st.text()))
def test_match_key_ignores_composition(text):
    assert match_key(nfd(text)) == match_key(unicodedata.normalize("NFC", text))


@settings(max_examples=300, deadline=None)
@given(
    initial=st.sampled_from(INITIALS),
    nucleus=st.sampled_from(["oa", "oe", "uy"]),
    mark=st.sampled_from(TONE_MARKS),
    case=st.sampled_from([str.lower, str.title, str.upper]),
)
def test_match_key_ignores_tone_style(initial, nucleus, mark, case):
    old_style = initial + with_tone(nucleus[0], mark) + nucleus[1]
    new_style = initial + nucleus[0] + with_tone(nucleus[1], mark)
    assert match_key(case(old_style)) == old_style
    assert match_key(case(new_style)) == old_style


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(messy_text, st.text()))
def test_fold_key_has_no_marks_and_no_d_with_stroke(text):
    folded = fold_key(text)
    assert not any(unicodedata.category(char).startswith("M") for char in folded)
    assert "đ" not in folded
    assert "Đ" not in folded


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=VIETNAMESE_ALPHABET + "\u00a0\n©"))
def test_repair_never_changes_valid_vietnamese(text):
    assert repair_mojibake(text) == text
