"""Dates: µs per string and the share taken by the regex fast path, over a realistic mix.

The mix is weighted as an article page of these sites yields date strings: a dozen related-list
dates "(dd/mm/yyyy)", one or two machine-readable ISO dates, one visible date line in the
site's style, and now and then a relative, year-less, labelled or unparseable string.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime

from bench.figures import Figure
from danvan_crawler.dates import HO_CHI_MINH, fast_parse_vietnamese_date, parse_vietnamese_date

NOW = datetime(2026, 1, 20, 10, 0, tzinfo=HO_CHI_MINH)
PAGE_MIX = [
    *["(13/07/2021)", "(08/07/2021)", "(3/6/2021)", "(09/06/2021)", "(23/06/2021)", "(02/08/2021)"] * 2,
    "2025-10-22T19:25:52+07:00",
    "2021-05-29T08:30:00+0700",
    "Thứ Ba, 29/12/2020 - 08:15",
    "Thứ tư, 22/10/2025, 19:25 (GMT+7)",
    "15:30, 28/12/2020",
    "05/10/2025 15:42 GMT+7",
    "17:45 | 28/12/2020",
    "Thứ Hai, 19/01/2026",
    "12/10/2020",
    "Cập nhật lúc 15:30 ngày 28/12/2020",
    "ngày 28 tháng 12 năm 2020",
    "2 giờ trước",
    "Chiều ngày 28/12",
    "Hôm qua, 15:30",
    "Thứ Hai, 31/02/2021 - 09:00",
    "Đang cập nhật",
]


def run(scale: float = 1.0) -> list[Figure]:
    repetitions = max(1, int(200 * scale))
    parse_vietnamese_date("28/12/2020", NOW)
    parse_vietnamese_date("Hôm qua, 15:30", NOW)  # warm dateparser once, as a crawl does
    fast = sum(fast_parse_vietnamese_date(text, NOW) is not None for text in PAGE_MIX)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repetitions):
            for text in PAGE_MIX:
                parse_vietnamese_date(text, NOW)
        timings.append((time.perf_counter() - started) / (repetitions * len(PAGE_MIX)) * 1e6)
    mean_us = statistics.median(timings)
    share = 100 * fast / len(PAGE_MIX)
    return [
        Figure("dates: mean cost per string (realistic mix)", mean_us, "µs", "≤ 100 µs", mean_us <= 100),
        Figure("dates: share on the regex fast path", share, "%", "≥ 75 %", share >= 75),
    ]
