"""Parse the dates Vietnamese news sites print, without ever guessing.

A wrong publication date is worse than none, so every path here returns None
when in doubt: numeric dates are always day-first, a result after the fetch
time is rejected, a year or month on its own is not a date, and a string that
gives only a day comes back as a ``date`` rather than a made-up midnight.

Most strings are handled by compiled regular expressions (a few µs each);
dateparser (about 0.5 ms a call) is only the fallback for the rest.
"""

import html
import logging
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")

logger = logging.getLogger(__name__)

# Zero-width space separates words; the other invisible characters would only
# split a word or a combining sequence in two.
_INVISIBLE = str.maketrans(
    {"\u200b": " ", "\ufeff": None, "\u200c": None, "\u200d": None, "\u00ad": None, "\u2060": None}
)
_HAS_INVISIBLE = re.compile("[\u200b\ufeff\u200c\u200d\u00ad\u2060]")

# Longer than any date line seen on the surveyed sites; dateparser on longer text
# is slow and the text is prose, not a date.
_FALLBACK_MAX_LENGTH = 100

_WEEKDAYS = {
    "thứhai": 0, "thứ2": 0, "t2": 0,
    "thứba": 1, "thứ3": 1, "t3": 1,
    "thứtư": 2, "thứ4": 2, "t4": 2,
    "thứnăm": 3, "thứ5": 3, "t5": 3,
    "thứsáu": 4, "thứ6": 4, "t6": 4,
    "thứbảy": 5, "thứbẩy": 5, "thứ7": 5, "t7": 5,
    "chủnhật": 6, "cn": 6,
}  # fmt: skip

_MONTH_WORDS = {
    "giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6,
    "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12,
    "chạp": 12,
}  # fmt: skip

# Building blocks; all patterns run on lower-cased, NFC text.
_WEEKDAY = r"(?P<weekday>thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn|t[2-7])"
_PART_OF_DAY_WORDS = r"sáng|trưa|chiều|tối|đêm|khuya"
_LABEL = (
    r"(?:(?:ngày\s+)?(?:cập\s*nhật|đăng\s*tải|đăng|xuất\s*bản)|thời\s+gian(?:\s+đăng)?"
    r"|published|updated|posted)(?:\s*(?:lúc|ngày|vào(?:\s+lúc)?))?\s*:?\s*"
)
# "Hà Nội, ngày …", "TP. Hồ Chí Minh, ngày …": a place name only ever comes before "ngày".
_PLACE = r"(?:[^\W\d_]+(?:[\s.]+[^\W\d_]+){0,5}\s*,\s*(?=ngày))"
_SEPARATOR = r"\s*[,|–—-]?\s*"
# Between a date and a time there must be something, or "28/12/2015:30" would
# read as 2020 plus 15:30.
_JOIN = r"(?:\s*[,|–—-]\s*|\s+)"
_DAY_MONTH_YEAR = (
    r"(?P<day>\d{1,2})\s*(?P<separator>[/.-])\s*(?P<month>\d{1,2})"
    r"(?:\s*(?P=separator)\s*(?P<year>\d{4}|\d{2}))?"
)
_TIME = (
    r"(?P<hour>\d{1,2})"
    r"(?:\s*:\s*(?P<minute>\d{2})(?:\s*:\s*(?P<second>\d{2}))?"
    r"|\s*(?:h|giờ)(?:\s*(?P<spoken_minute>\d{1,2})(?:\s*(?:phút|p))?)?)"
    r"(?:\s*(?P<meridiem>sa|ch|am|pm))?"
)
_OPENING = r"[\s(\[]*"
_CLOSING = (
    r"(?:\s*\(?\s*(?:gmt|utc)\s*(?P<gmt_sign>[+-])\s*(?P<gmt_hour>\d{1,2})"
    r"(?::?(?P<gmt_minute>\d{2}))?\s*\)?)?[\s)\].,;]*"
)

_DATE_FIRST = re.compile(
    _OPENING
    + rf"(?:{_LABEL})?{_PLACE}?"
    + rf"(?:(?:{_PART_OF_DAY_WORDS})\s+)?"
    + rf"(?:{_WEEKDAY}{_SEPARATOR})?"
    + rf"(?:(?:{_PART_OF_DAY_WORDS})\s*,?\s*)?"
    + r"(?:(?:ngày|vào)\s*)?"
    + _DAY_MONTH_YEAR
    + rf"(?:{_JOIN}(?:lúc\s*)?(?:(?:{_PART_OF_DAY_WORDS})\s*)?{_TIME})?"
    + _CLOSING
)
_TIME_FIRST = re.compile(
    _OPENING
    + rf"(?:{_LABEL})?(?:(?:lúc|vào)\s*)*"
    + rf"(?:(?:{_PART_OF_DAY_WORDS})\s*)?"
    + _TIME
    + rf"(?:\s+(?:{_PART_OF_DAY_WORDS}))?"
    + _JOIN
    + rf"(?:{_WEEKDAY}{_SEPARATOR})?"
    + r"(?:ngày\s*)?"
    + _DAY_MONTH_YEAR
    + _CLOSING
)
_YEAR_FIRST = re.compile(
    _OPENING
    + rf"(?:{_LABEL})?"
    + r"(?P<year>\d{4})(?P<separator>[-/.])(?P<month>\d{1,2})(?P=separator)(?P<day>\d{1,2})"
    + r"(?:(?:t|\s+|\s*,\s*)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    + r"(?::(?P<second>\d{2})(?:[.,]\d{1,9})?)?"
    + r"\s*(?:(?P<utc>z)|(?P<offset_sign>[+-])(?P<offset_hour>\d{2})"
    + r"(?::?(?P<offset_minute>\d{2}))?)?)?"
    + _CLOSING
)
_RELATIVE = re.compile(
    _OPENING
    + rf"(?:{_LABEL})?"
    + r"(?:(?P<amount>\d{1,6})\s*(?P<unit>giây|phút|giờ|tiếng|ngày|tuần)\s*trước"
    + r"|hôm\s*(?P<day_word>nay|qua|kia))"
    + r"[\s)\].,;]*"
)
_TEXTUAL_MONTH = re.compile(
    r"(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2}|"
    + "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
    + r")(?:(?:\s*,\s*|\s+năm\s+)(?P<year>\d{4}))?(?![\w/])"
)

_DAYS_AGO = {"nay": 0, "qua": 1, "kia": 2}
_UNIT_SECONDS = {"giây": 1, "phút": 60, "giờ": 3600, "tiếng": 3600}
_UNIT_DAYS = {"ngày": 1, "tuần": 7}

# Fallback preclean: what dateparser does not understand on its own.
# "9 giờ" is a clock time unless a duration word follows ("9 giờ trước" is
# nine hours ago); left alone, dateparser reads "lúc 9 giờ" as a duration.
_DURATION_FOLLOWS = r"(?!\s*(?:trước|nữa|sau|qua)(?!\w))"
_SPOKEN_TIME = re.compile(rf"\b(\d{{1,2}})\s*(?:h|giờ)\s*(\d{{1,2}})(?:\s*phút)?(?![\d\w]){_DURATION_FOLLOWS}")
_SPOKEN_HOUR = re.compile(rf"\b(\d{{1,2}})\s*(?:h|giờ)(?!\w){_DURATION_FOLLOWS}")
_SHORT_WEEKDAY = re.compile(r"\bt([2-7])\b")
_PART_OF_DAY = re.compile(rf"\b({_PART_OF_DAY_WORDS})\b")
_PART_OF_DAY_HINT = re.compile(_PART_OF_DAY_WORDS)
_FALLBACK_NOISE = re.compile(rf"^{_OPENING}(?:{_LABEL})?{_PLACE}?|\b(?:{_PART_OF_DAY_WORDS})\b")
_HAS_TIME = re.compile(r"\d{1,2}\s*:\s*\d{2}|\d\s*(?:giây|phút|giờ|tiếng)(?!\w)|\d\s*(?:am|pm|sa|ch)(?!\w)")
_SPACES = re.compile(r"\s+")

_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DAY_OF_MONTH": "first",
    "PREFER_DATES_FROM": "past",
}

_NO_MATCH = object()


def parse_vietnamese_date(text: str | None, now: datetime | None = None) -> datetime | date | None:
    """Parse a page's date string; a ``date`` when it gives no time, None when unsure.

    ``now`` is the fetch time: relative and year-less dates are resolved against
    it, and anything later than it is rejected as a misreading.
    """
    if not text:
        return None
    now = _in_ho_chi_minh(now)
    cleaned = _clean(text)
    result = _parse_fast(cleaned, now)
    if result is _NO_MATCH:
        result = _parse_with_dateparser(cleaned, now)
    if result is None:
        logger.debug("No date found in %r", text)
        return None
    return _reject_future(result, now, text)


def fast_parse_vietnamese_date(text: str, now: datetime) -> datetime | date | None:
    """The regular-expression path alone, so benchmarks can measure its share."""
    if not text:
        return None
    now = _in_ho_chi_minh(now)
    result = _parse_fast(_clean(text), now)
    if result is _NO_MATCH or result is None:
        return None
    return _reject_future(result, now, text)


def _in_ho_chi_minh(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(HO_CHI_MINH)
    if now.tzinfo is HO_CHI_MINH:
        return now
    if now.tzinfo is None:
        return now.replace(tzinfo=HO_CHI_MINH)
    return now.astimezone(HO_CHI_MINH)


def _clean(text: str) -> str:
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if not text.isascii():
        if _HAS_INVISIBLE.search(text):
            text = text.translate(_INVISIBLE)
        text = unicodedata.normalize("NFC", text)
    text = text.lower()
    if "tháng" in text:
        text = _TEXTUAL_MONTH.sub(_numeric_day_month, text)
    return text


def _numeric_day_month(match: re.Match[str]) -> str:
    month = match["month"]
    month_number = int(month) if month.isdigit() else _MONTH_WORDS[month]
    if match["year"]:
        return f"{match['day']}/{month_number}/{match['year']}"
    return f"{match['day']}/{month_number}"


def _reject_future(result: datetime | date, now: datetime, text: str) -> datetime | date | None:
    is_future = result > now if isinstance(result, datetime) else result > now.date()
    if is_future:
        logger.warning("Rejected date %s from %r: later than the fetch time %s", result, text, now)
        return None
    return result


def _parse_fast(cleaned: str, now: datetime) -> datetime | date | None | object:
    """Return _NO_MATCH when no pattern fits; None when one fits but the date is invalid."""
    for pattern, build in _FAST_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match:
            try:
                return build(match, now)
            except (ValueError, OverflowError):
                return None
    return _NO_MATCH


def _build_day_first(match: re.Match[str], now: datetime) -> datetime | date | None:
    day, month = int(match["day"]), int(match["month"])
    year_text = match["year"]
    if year_text is None:
        if match["separator"] != "/":
            return None
        year = _most_recent_year(day, month, now)
    elif len(year_text) == 2:
        year = 2000 + int(year_text)
    else:
        year = int(year_text)
    day_only = date(year, month, day)
    weekday = match["weekday"]
    if weekday and _WEEKDAYS["".join(weekday.split())] != day_only.weekday():
        logger.warning("Weekday contradicts date in %r", match.string)
        return None
    if match["hour"] is None:
        return day_only
    hour = _hour_of_day(match)
    if hour is None:
        return None
    minute = match["minute"] or match["spoken_minute"] or 0
    moment = datetime(year, month, day, hour, int(minute), int(match["second"] or 0))
    if year_text is None and moment.replace(tzinfo=HO_CHI_MINH) > now:
        # Same calendar day as today but a later hour: the previous year's date.
        moment = moment.replace(year=_most_recent_year(day, month, now - timedelta(days=1)))
    return _localise(moment, _gmt_offset(match))


def _most_recent_year(day: int, month: int, now: datetime) -> int:
    """The latest year in which day/month exists and is not after now (29/2 needs a leap year)."""
    for year in range(now.year, now.year - 9, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= now.date():
            return year
    raise ValueError(f"no year has {day}/{month}")


def _hour_of_day(match: re.Match[str]) -> int | None:
    hour = int(match["hour"])
    meridiem = match["meridiem"]
    if meridiem in ("sa", "am"):
        if hour > 12:
            return None
        hour = 0 if hour == 12 else hour
    elif meridiem in ("ch", "pm"):
        if hour == 0:
            return None
        hour = hour + 12 if hour < 12 else hour
    return _hour_in_part_of_day(hour, match.string)


def _hour_in_part_of_day(hour: int, text: str) -> int | None:
    """Read "3:30 chiều" as 15:30; None when the words contradict the clock ("sáng 15:30")."""
    if not _PART_OF_DAY_HINT.search(text):
        return hour
    parts_of_day = set(_PART_OF_DAY.findall(text))
    if len(parts_of_day) > 1:
        return None
    part_of_day = parts_of_day.pop() if parts_of_day else None
    if part_of_day == "sáng":
        return hour if hour <= 12 else None
    if part_of_day == "trưa":
        return hour if 10 <= hour <= 14 else None
    if part_of_day == "chiều":
        if 1 <= hour <= 6:
            return hour + 12
        return hour if 12 <= hour <= 18 else None
    if part_of_day == "tối":
        if 5 <= hour <= 11:
            return hour + 12
        return hour if 17 <= hour <= 23 else None
    return hour


def _gmt_offset(match: re.Match[str]) -> timezone | None:
    if match["gmt_sign"] is None:
        return None
    return _fixed_offset(match["gmt_sign"], match["gmt_hour"], match["gmt_minute"])


@lru_cache(maxsize=64)
def _fixed_offset(sign: str, hours: str, minutes: str | None) -> timezone:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(-delta if sign == "-" else delta)


def _localise(moment: datetime, offset: timezone | None) -> datetime:
    local = moment.replace(tzinfo=HO_CHI_MINH)
    if offset is None:
        return local
    if local.utcoffset() == offset.utcoffset(None):
        return local
    return moment.replace(tzinfo=offset).astimezone(HO_CHI_MINH)


def _build_year_first(match: re.Match[str], now: datetime) -> datetime | date | None:
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if match["hour"] is None:
        return date(year, month, day)
    moment = datetime(year, month, day, int(match["hour"]), int(match["minute"]), int(match["second"] or 0))
    if match["utc"]:
        offset = UTC
    elif match["offset_sign"]:
        offset = _fixed_offset(match["offset_sign"], match["offset_hour"], match["offset_minute"])
    else:
        offset = _gmt_offset(match)
    return _localise(moment, offset)


def _build_relative(match: re.Match[str], now: datetime) -> datetime | date | None:
    if match["day_word"]:
        return now.date() - timedelta(days=_DAYS_AGO[match["day_word"]])
    amount, unit = int(match["amount"]), match["unit"]
    if unit in _UNIT_DAYS:
        return now.date() - timedelta(days=amount * _UNIT_DAYS[unit])
    return (now - timedelta(seconds=amount * _UNIT_SECONDS[unit])).replace(microsecond=0)


_FAST_PATTERNS = (
    (_YEAR_FIRST, _build_year_first),
    (_DATE_FIRST, _build_day_first),
    (_TIME_FIRST, _build_day_first),
    (_RELATIVE, _build_relative),
)


@lru_cache(maxsize=16)
def _dateparser_for(relative_base: datetime) -> DateDataParser:
    """One parser per fetch time: RELATIVE_BASE is fixed when a parser is built."""
    return DateDataParser(languages=["vi"], settings={**_DATEPARSER_SETTINGS, "RELATIVE_BASE": relative_base})


def _parse_with_dateparser(cleaned: str, now: datetime) -> datetime | date | None:
    text = _SPOKEN_TIME.sub(r"\1:\2", cleaned)
    text = _SPOKEN_HOUR.sub(r"\1:00", text)
    text = _SHORT_WEEKDAY.sub(r"thứ \1", text)
    text = _SPACES.sub(" ", _FALLBACK_NOISE.sub(" ", text)).strip(" ,-|")
    if not text or len(text) > _FALLBACK_MAX_LENGTH:
        return None
    # dateparser reads a naive RELATIVE_BASE as wall-clock time in TIMEZONE.
    parsed = _dateparser_for(now.replace(tzinfo=None)).get_date_data(text)
    if parsed.date_obj is None or parsed.period != "day":
        return None
    moment = parsed.date_obj.astimezone(HO_CHI_MINH)
    if not _HAS_TIME.search(text):
        return moment.date()
    hour = _hour_in_part_of_day(moment.hour, cleaned)
    return None if hour is None else moment.replace(hour=hour)
