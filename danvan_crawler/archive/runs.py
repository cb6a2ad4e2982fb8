"""CrawlRunRecorder: one crawl_runs row per spider run, written at start and at close."""

from __future__ import annotations

import json
from datetime import datetime

from scrapy import signals

from danvan_crawler.archive.schema import default_archive_path, open_archive
from danvan_crawler.dates import HO_CHI_MINH


class CrawlRunRecorder:
    """Records when a run started and ended, why it ended, and what it counted."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.archive_path = crawler.settings.get("ARCHIVE_PATH") or default_archive_path()
        self.run_id: int | None = None
        self.error_ratio_limit = crawler.settings.getfloat("RUN_ERROR_RATIO_LIMIT", 0.25)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        db = open_archive(self.archive_path)
        arguments = {"site": getattr(spider, "site", None), **getattr(spider, "run_arguments", {})}
        cursor = db.execute(
            "INSERT INTO crawl_runs (started_at, status, sites, arguments) VALUES (?, ?, ?, ?)",
            [
                _now(),
                "running",
                getattr(spider, "site", spider.name),
                json.dumps(arguments, ensure_ascii=False),
            ],
        )
        self.run_id = cursor.lastrowid
        spider.crawler.stats.set_value("danvan/run_id", self.run_id)
        db.close()

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        counts = summarize_stats(stats)
        status = run_status(reason, counts, self.error_ratio_limit)
        db = open_archive(self.archive_path)
        db.execute(
            """UPDATE crawl_runs SET finished_at = ?, status = ?, finish_reason = ?, pages = ?,
               articles_new = ?, articles_updated = ?, articles_unchanged = ?, duplicates = ?,
               republications = ?, dropped = ?, errors = ?, stats = ? WHERE id = ?""",
            [
                _now(),
                status,
                reason,
                counts["pages"],
                counts["new"],
                counts["updated"],
                counts["unchanged"],
                counts["duplicate"],
                counts["republication"],
                json.dumps(counts["dropped"], ensure_ascii=False),
                json.dumps(counts["errors"], ensure_ascii=False),
                json.dumps(stats, default=str, ensure_ascii=False),
                self.run_id,
            ],
        )
        db.close()


def summarize_stats(stats: dict) -> dict:
    """The run's counts, from the Scrapy stats the crawl collected."""

    def under(prefix: str) -> dict[str, int]:
        return {key.removeprefix(prefix): value for key, value in sorted(stats.items()) if key.startswith(prefix)}

    errors = under("danvan/errors/")
    for key, value in under("downloader/exception_type_count/").items():
        errors.setdefault(key.rsplit(".", 1)[-1], value)
    return {
        "pages": stats.get("downloader/response_count", 0),
        "new": stats.get("danvan/articles/new", 0),
        "updated": stats.get("danvan/articles/updated", 0),
        "unchanged": stats.get("danvan/articles/unchanged", 0),
        "duplicate": stats.get("danvan/articles/duplicate", 0),
        "republication": stats.get("danvan/articles/republication", 0),
        "dropped": under("danvan/dropped/"),
        "errors": errors,
    }


def run_status(finish_reason: str, counts: dict, error_ratio_limit: float) -> str:
    """ok; degraded when too many requests failed; failed when the run did not finish or fetched
    nothing. A few dead links are part of any site and do not make a run degraded."""
    if finish_reason != "finished" or not counts["pages"]:
        return "failed"
    attempts = counts["pages"] + sum(counts["errors"].values())
    if sum(counts["errors"].values()) / attempts > error_ratio_limit:
        return "degraded"
    return "ok"


def _now() -> str:
    return datetime.now(HO_CHI_MINH).isoformat(timespec="seconds")
