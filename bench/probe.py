"""CrawlProbe: a Scrapy extension, enabled only by benchmarks, that logs a crawl from the inside.

Why inside: RSS read by the crawler itself at the moment its response counter passes each
multiple of `BENCH_PROBE_EVERY` ties memory to pages exactly, with no polling lag and no
guessing which process is the crawler. Each sample is one JSON line in `BENCH_PROBE_PATH`:
responses so far, seconds since the spider opened, current RSS; the last line, written when
the spider closes, adds the peak RSS (VmHWM) and the finish reason. Reading /proc/self/status
every thousand pages costs nothing measurable.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

PROBE = "bench.probe.CrawlProbe"


def proc_status_kib(field: str) -> int:
    """A `kB` field of this process's /proc/self/status (VmRSS, VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class CrawlProbe:
    def __init__(self, crawler, path: Path, every: int):
        self.stats = crawler.stats
        self.path = path
        self.every = every
        self.started = time.perf_counter()
        self.next_sample = every
        self.output = path.open("w", encoding="utf-8")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("BENCH_PROBE_PATH")
        if not path:
            raise NotConfigured("BENCH_PROBE_PATH is not set")
        return cls(crawler, Path(path), crawler.settings.getint("BENCH_PROBE_EVERY", 1000))

    def spider_opened(self, spider) -> None:
        self.started = time.perf_counter()
        self._sample()

    def response_received(self, response, request, spider) -> None:
        if (self.stats.get_value("downloader/response_count") or 0) >= self.next_sample:
            self._sample()
            self.next_sample += self.every

    def spider_closed(self, spider, reason: str) -> None:
        self._sample(closed=True, reason=reason, peak_rss_kib=proc_status_kib("VmHWM"))
        self.output.close()

    def _sample(self, **extra) -> None:
        record = {
            "responses": self.stats.get_value("downloader/response_count") or 0,
            "seconds": time.perf_counter() - self.started,
            "rss_kib": proc_status_kib("VmRSS"),
            **extra,
        }
        self.output.write(json.dumps(record) + "\n")
        self.output.flush()
