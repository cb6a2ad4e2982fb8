"""Memory on a long crawl: peak RSS of a 50,000-page crawl, and how much RSS grows after page 10,000.

The crawl is bench/crawl.py's (the whole crawler, a fresh archive, the synthetic site served by
its own process), on a site just big enough for 50,000 responses. The crawler measures itself:
bench/probe.py reads /proc/self/status each time `downloader/response_count` reaches a multiple
of 1,000, so every RSS sample belongs to an exact page count, with no polling lag and no doubt
about which process was measured; the peak is the kernel's VmHWM at the end. Page 10,000 is
well past start-up (imports, caches and SQLite's page caches filled), so growth from there to
page 50,000 is what a long crawl accumulates: request fingerprints, queues, anything leaking.

RSS does not depend on how fast the crawl runs, so `make bench` runs this crawl while the
archive benchmark inserts its untimed middle 80 % (see bench/run.py); alone it takes the same
figures, only later.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.crawl import crawl_result, start_crawl
from bench.figures import Figure
from bench.synthetic import SiteServer, SyntheticSite

PAGES = 50_000
FROM_PAGE = 10_000


class LongCrawl:
    """The crawl as a background job: `start`, do something else, then `figures`."""

    def __init__(self, scale: float):
        self.pages = max(100, int(PAGES * scale))
        self.from_page = self.pages * FROM_PAGE // PAGES
        self.every = min(1_000, self.from_page)
        articles = self.pages * 20 // 21
        while SyntheticSite(articles).pages() < self.pages:
            articles += 1
        self.articles = articles
        self.directory = tempfile.TemporaryDirectory(prefix="bench-memory-")
        self.server = SiteServer(articles)
        self.process = None

    def start(self) -> LongCrawl:
        self.server.__enter__()
        self.process = start_crawl(self.server, Path(self.directory.name), probe_every=self.every)
        return self

    def wait(self) -> None:
        self.process[0].wait()

    def figures(self) -> list[Figure]:
        try:
            result = crawl_result(*self.process, Path(self.directory.name))
        finally:
            self.server.__exit__(None, None, None)
        self.directory.cleanup()
        at_start, at_end = (self._rss_at(result.samples[:-1], page) for page in (self.from_page, self.pages))
        peak = result.samples[-1]["peak_rss_kib"] * 1024 / 1e6
        growth = 100 * (at_end - at_start) / at_start
        complete = result.articles == self.articles and result.run_status == "ok"
        note = (
            f"one crawl; {result.responses:,} responses, {self.articles:,} articles"
            f" (all archived: {'yes' if complete else 'NO'})"
        )
        return [
            Figure(f"memory: peak RSS of a {self.pages:,}-page crawl", peak, "MB", note=note),
            Figure(f"memory: RSS at page {self.from_page:,}", at_start, "MB"),
            Figure(f"memory: RSS at page {self.pages:,}", at_end, "MB"),
            Figure(
                f"memory: RSS growth, page {self.from_page:,} to {self.pages:,}",
                growth,
                "%",
                "< 10 %",
                growth < 10 and complete,
            ),
        ]

    @staticmethod
    def _rss_at(samples: list[dict], page: int) -> float:
        """MB at the first sample taken once `page` responses were counted (a few may arrive together)."""
        return next((sample for sample in samples if sample["responses"] >= page), samples[-1])["rss_kib"] * 1024 / 1e6


def run(scale: float = 1.0) -> list[Figure]:
    return LongCrawl(scale).start().figures()
