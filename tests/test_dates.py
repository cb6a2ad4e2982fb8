import logging
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan_crawler.dates import (
    HO_CHI_MINH,
    fast_parse_vietnamese_date,
    parse_vietnamese_date,
)

NOW = datetime(2021, 1, 10, 10, 0, tzinfo=HO_CHI_MINH)
LATER = datetime(2026, 1, 1, tzinfo=HO_CHI_MINH)
FEBRUARY_2026 = datetime(2026, 2, 1, tzinfo=HO_CHI_MINH)


def at(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=HO_CHI_MINH)


def assert_same(result: datetime | date | None, expected: datetime | date | None) -> None:
    """Equal value, same type (a date is never a midnight datetime), and +07:00."""
    assert type(result) is type(expected)
    assert result == expected
    if isinstance(expected, datetime):
        assert result.tzinfo is HO_CHI_MINH
        assert result.utcoffset() == timedelta(hours=7)


FORMS = [
    ("28/12/2020", NOW, date(2020, 12, 28)),
    ("(13/07/2021)", LATER, date(2021, 7, 13)),
    ("3/1/2021", NOW, date(2021, 1, 3)),
    ("28/12/2020 15:30", NOW, at(2020, 12, 28, 15, 30)),
    ("28/12/2020 15:30:45", NOW, at(2020, 12, 28, 15, 30, 45)),
    ("28/12/2020 15h30", NOW, at(2020, 12, 28, 15, 30)),
    ("15h30 ngày 28/12/2020", NOW, at(2020, 12, 28, 15, 30)),
    ("Thứ hai, 28/12/2020 - 15:30", NOW, at(2020, 12, 28, 15, 30)),
    ("Thứ Hai, 28/12/2020, 15:30 (GMT+7)", NOW, at(2020, 12, 28, 15, 30)),
    ("Thứ tư, 22/10/2025, 19:25 (GMT+7)", LATER, at(2025, 10, 22, 19, 25)),
    ("Thứ năm, 2/11/2023, 19:20 (GMT+7)", LATER, at(2023, 11, 2, 19, 20)),
    ("Chủ nhật, 03/01/2021", NOW, date(2021, 1, 3)),
    ("CN, 03/01/2021", NOW, date(2021, 1, 3)),
    ("T2, 28/12/2020", NOW, date(2020, 12, 28)),
    ("15:30 | 28/12/2020", NOW, at(2020, 12, 28, 15, 30)),
    ("15:30, 28/12/2020", NOW, at(2020, 12, 28, 15, 30)),
    ("01/04/2022 - 15:28 GMT+7", LATER, at(2022, 4, 1, 15, 28)),
    ("05/10/2025 15:42 GMT+7", LATER, at(2025, 10, 5, 15, 42)),
    ("Cập nhật: 28/12/2020 15:30", NOW, at(2020, 12, 28, 15, 30)),
    ("Cập nhật lúc 15:30 ngày 28/12/2020", NOW, at(2020, 12, 28, 15, 30)),
    ("Ngày đăng: 28-12-2020", NOW, date(2020, 12, 28)),
    ("ngày 28 tháng 12 năm 2020", NOW, date(2020, 12, 28)),
    ("Hà Nội, ngày 28 tháng 12 năm 2020", NOW, date(2020, 12, 28)),
    ("28 tháng Mười hai, 2020", NOW, date(2020, 12, 28)),
    ("28.12.2020", NOW, date(2020, 12, 28)),
    ("28/12/20", NOW, date(2020, 12, 28)),
    ("2020-12-28T15:30:00+07:00", NOW, at(2020, 12, 28, 15, 30)),
    ("2020-12-28T15:30:00+0700", NOW, at(2020, 12, 28, 15, 30)),
    ("2020-12-28T08:30:00Z", NOW, at(2020, 12, 28, 15, 30)),
    ("2020-12-28 15:30", NOW, at(2020, 12, 28, 15, 30)),
    ("2020-12-28", NOW, date(2020, 12, 28)),
    ("08/01/2021 9:05 SA", NOW, at(2021, 1, 8, 9, 5)),
    ("08/01/2021 9:05 CH", NOW, at(2021, 1, 8, 21, 5)),
    ("Thứ Hai, 19/01/2026", FEBRUARY_2026, date(2026, 1, 19)),
    ("2 giờ trước", NOW, at(2021, 1, 10, 8, 0)),
    ("30 phút trước", NOW, at(2021, 1, 10, 9, 30)),
    ("3 ngày trước", NOW, date(2021, 1, 7)),
    ("hôm qua", NOW, date(2021, 1, 9)),
    ("hôm nay", NOW, date(2021, 1, 10)),
    ("Chiều ngày 28/12", NOW, date(2020, 12, 28)),
    ("sáng 5/1", NOW, date(2021, 1, 5)),
    ("28/12", NOW, date(2020, 12, 28)),
]


@pytest.mark.parametrize(("text", "now", "expected"), FORMS)
def test_parses_the_forms_sites_print(text, now, expected):
    assert_same(parse_vietnamese_date(text, now), expected)


@pytest.mark.parametrize(("text", "now", "expected"), FORMS)
def test_the_forms_sites_print_take_the_fast_path(text, now, expected):
    assert_same(fast_parse_vietnamese_date(text, now), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (unicodedata.normalize("NFD", "Thứ Hai, 28/12/2020, 15:30"), at(2020, 12, 28, 15, 30)),
        (unicodedata.normalize("NFD", "Hà Nội, ngày 28 tháng 12 năm 2020"), date(2020, 12, 28)),
        ("28/12/2020\u00a015:30", at(2020, 12, 28, 15, 30)),
        ("28/12/2020\u200b15:30", at(2020, 12, 28, 15, 30)),
        ("\ufeff28/12/2020 15:30", at(2020, 12, 28, 15, 30)),
        ("28/12/2020&nbsp;15:30", at(2020, 12, 28, 15, 30)),
        ("Th&#7913; hai, 28/12/2020", date(2020, 12, 28)),
        ("  Cập\u00a0nhật:\u00a028/12/2020  ", date(2020, 12, 28)),
    ],
)
def test_unicode_and_html_noise_is_harmless(text, expected):
    assert_same(parse_vietnamese_date(text, NOW), expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "Đang cập nhật",
        "31/02/2021",
        "32/13/2020 25:61",
        "© 2021 Copyright by danvanhungyen.vn",
        "Năm 2020, toàn quốc có 1.234 mô hình",
        "Trong 5 năm qua, công tác dân vận",
        "28/12/2030",
        "Hội nghị bàn về công tác dân vận ở cơ sở và phong trào thi đua.",
        "Tháng 12 năm 2020",
        "Năm 2020",
        "1 tháng trước",
        "12.5",
        "28/12/2015:30",
        "15:3028/12/2020",
        "28/12/2020 24:00",
        "0:30 CH 28/12/2020",
    ],
)
def test_returns_none_when_not_sure(text):
    assert parse_vietnamese_date(text, NOW) is None


def test_future_date_is_rejected_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="danvan_crawler.dates"):
        assert parse_vietnamese_date("28/12/2030", NOW) is None
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "2030-12-28" in caplog.records[0].getMessage()


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        # Later the same day as the fetch: not yet published, so it is a rejection.
        ("10/01/2021 10:01", NOW, None),
        ("10/01/2021 10:00", NOW, at(2021, 1, 10, 10, 0)),
        ("10/01/2021", NOW, date(2021, 1, 10)),
        ("11/01/2021", NOW, None),
        # A year-less date later today belongs to last year.
        ("10/01 15:30", NOW, at(2020, 1, 10, 15, 30)),
        ("10/01 09:30", NOW, at(2021, 1, 10, 9, 30)),
        ("29/2", NOW, date(2020, 2, 29)),
        ("29/2", datetime(2019, 3, 1, tzinfo=HO_CHI_MINH), date(2016, 2, 29)),
        ("28/12/99", NOW, None),
    ],
)
def test_resolves_against_the_fetch_time(text, now, expected):
    assert_same(parse_vietnamese_date(text, now), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-12-28T15:30:00+09:00", at(2020, 12, 28, 13, 30)),
        ("2020-12-28T15:30:00-05:00", at(2020, 12, 29, 3, 30)),
        ("2020-12-28T15:30:00.123+07:00", at(2020, 12, 28, 15, 30)),
        ("28/12/2020 15:30 GMT+9", at(2020, 12, 28, 13, 30)),
        ("28/12/2020 15:30 (GMT+07:00)", at(2020, 12, 28, 15, 30)),
        ("2020/12/28 15:30", at(2020, 12, 28, 15, 30)),
    ],
)
def test_converts_other_offsets_to_ho_chi_minh(text, expected):
    assert_same(parse_vietnamese_date(text, NOW), expected)


@pytest.mark.parametrize(
    "now",
    [
        datetime(2021, 1, 10, 10, 0),
        datetime(2021, 1, 10, 3, 0, tzinfo=UTC),
        NOW,
    ],
)
def test_naive_now_is_ho_chi_minh_and_aware_now_is_converted(now):
    assert_same(parse_vietnamese_date("2 giờ trước", now), at(2021, 1, 10, 8, 0))


def test_default_now_is_the_current_time_in_ho_chi_minh():
    before = datetime.now(HO_CHI_MINH).date()
    result = parse_vietnamese_date("hôm nay")
    after = datetime.now(HO_CHI_MINH).date()
    assert result in (before, after)
    assert_same(parse_vietnamese_date("28/12/2020"), date(2020, 12, 28))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thứ ba, 28/12/2020", None),
        ("T3, 28/12/2020 15:30", None),
        ("Thứ 2, 28/12/2020", date(2020, 12, 28)),
        ("thứ bảy, 02/01/2021", date(2021, 1, 2)),
    ],
)
def test_weekday_must_agree_with_the_date(text, expected):
    assert_same(parse_vietnamese_date(text, NOW), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("chiều 28/12/2020 3:30", at(2020, 12, 28, 15, 30)),
        ("tối 28/12/2020 8:00", at(2020, 12, 28, 20, 0)),
        ("Sáng 28/12/2020, 9:15", at(2020, 12, 28, 9, 15)),
        ("Chiều 28/12/2020 15:30", at(2020, 12, 28, 15, 30)),
        ("sáng 28/12/2020 15:00", None),
        ("12:30 SA 28/12/2020", at(2020, 12, 28, 0, 30)),
        ("12:30 CH 28/12/2020", at(2020, 12, 28, 12, 30)),
        ("28/12/2020 15h", at(2020, 12, 28, 15, 0)),
        ("15 giờ 30 phút ngày 28/12/2020", at(2020, 12, 28, 15, 30)),
    ],
)
def test_clock_words(text, expected):
    assert_same(parse_vietnamese_date(text, NOW), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hôm qua, 15:30", at(2021, 1, 9, 15, 30)),
        ("hôm kia", date(2021, 1, 8)),
        ("1 tuần trước", date(2021, 1, 3)),
        ("2 tiếng trước", at(2021, 1, 10, 8, 0)),
        ("Cập nhật 45 giây trước", at(2021, 1, 10, 9, 59, 15)),
        ("9 giờ trước", at(2021, 1, 10, 1, 0)),
        ("Hôm qua lúc 9 giờ sáng", at(2021, 1, 9, 9, 0)),
        ("hôm qua lúc 15 giờ 30 phút", at(2021, 1, 9, 15, 30)),
        ("Cập nhật: hôm qua lúc 15h30", at(2021, 1, 9, 15, 30)),
        ("chiều hôm qua, 3:30", at(2021, 1, 9, 15, 30)),
        ("T2, 28 thg 12, 2020", date(2020, 12, 28)),
    ],
)
def test_relative_dates_keep_their_precision(text, expected):
    assert_same(parse_vietnamese_date(text, NOW), expected)


def test_fast_path_leaves_unusual_strings_to_the_fallback():
    assert fast_parse_vietnamese_date("Hôm qua, 15:30", NOW) is None
    assert_same(parse_vietnamese_date("Hôm qua, 15:30", NOW), at(2021, 1, 9, 15, 30))


DAY_FIRST_TEMPLATES = [
    "{d}/{m}/{y}",
    "{d:02d}/{m:02d}/{y} {h:02d}:{mi:02d}",
    "{d}-{m}-{y}",
    "{d}.{m}.{y}",
    "Thứ Hai, {d}/{m}/{y}, {h}:{mi:02d} (GMT+7)",
    "{h}h{mi:02d} ngày {d}/{m}/{y}",
    "{h:02d}:{mi:02d} | {d:02d}/{m:02d}/{y}",
    "ngày {d} tháng {m} năm {y}",
    "Cập nhật: {d}/{m}/{y} {h}:{mi:02d}",
    "{y}-{m:02d}-{d:02d}T{h:02d}:{mi:02d}:00+07:00",
]


@settings(max_examples=300, deadline=None)
@given(
    template=st.sampled_from(DAY_FIRST_TEMPLATES),
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    year=st.integers(1990, 2040),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    now=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2035, 12, 31)),
)
def test_never_after_now_and_never_swapped(template, day, month, year, hour, minute, now):
    now = now.replace(tzinfo=HO_CHI_MINH)
    text = template.format(d=day, m=month, y=year, h=hour, mi=minute)
    result = parse_vietnamese_date(text, now)
    if result is None:
        return
    if isinstance(result, datetime):
        assert result <= now
        assert (result.hour, result.minute) == (hour, minute)
    else:
        assert result <= now.date()
    assert (result.year, result.month, result.day) == (year, month, day)


@settings(max_examples=150, deadline=None)
@given(
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    now=st.datetimes(min_value=datetime(2000, 3, 1), max_value=datetime(2035, 12, 31)),
)
def test_yearless_dates_are_the_latest_not_after_now(day, month, hour, minute, now):
    now = now.replace(tzinfo=HO_CHI_MINH)
    result = parse_vietnamese_date(f"{day}/{month} {hour}:{minute:02d}", now)
    if result is None:
        return
    assert result <= now
    assert (result.month, result.day, result.hour, result.minute) == (month, day, hour, minute)
    if (month, day) != (2, 29):
        assert result.replace(year=result.year + 1) > now


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=40))
def test_arbitrary_text_never_raises_or_returns_the_future(text):
    result = parse_vietnamese_date(text, NOW)
    if isinstance(result, datetime):
        assert result <= NOW
    elif result is not None:
        assert result <= NOW.date()
