"""CrawlRunRecorder: one crawl_runs row per spider run, its site lock, its verdict and its report."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from danvan_crawler.archive.locks import SiteLock, SiteLockedError
from danvan_crawler.archive.schema import default_archive_path, open_archive
from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.monitoring import assess_run, notify, write_report

logger = logging.getLogger(__name__)
COVERAGE_FIELDS = ("title", "body_text", "published_at", "source", "author")


class CrawlRunRecorder:
    """Takes the site's lock, records the run from start to end, judges it and reports it."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.archive_path = Path(settings.get("ARCHIVE_PATH") or default_archive_path())
        self.error_ratio_limit = settings.getfloat("RUN_ERROR_RATIO_LIMIT", 0.25)
        self.report_directory = Path(settings.get("RUN_REPORT_DIRECTORY") or self.archive_path.parent / "reports")
        self.notify_command = settings.get("NOTIFY_COMMAND")
        self.notify_webhook = settings.get("NOTIFY_WEBHOOK_URL")
        self.run_id: int | None = None
        self.started_at: str | None = None
        self.lock: SiteLock | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        self.started_at = _now()
        db = open_archive(self.archive_path)
        arguments = {"site": spider.site, "since": spider.since, "refresh": spider.refresh}
        try:
            self.lock = SiteLock(self.archive_path, spider.site).acquire()
        except SiteLockedError as error:
            logger.error("%s", error)
            self.crawler.stats.set_value("danvan/already_running", str(error))
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="already_running"))
        else:
            # Holding the lock, any row still 'running' belongs to a run that was killed.
            db.execute(
                "UPDATE crawl_runs SET status = 'failed', finish_reason = 'killed'"
                " WHERE sites = ? AND status = 'running'",
                [spider.site],
            )
        cursor = db.execute(
            "INSERT INTO crawl_runs (started_at, status, sites, arguments) VALUES (?, 'running', ?, ?)",
            [self.started_at, spider.site, json.dumps(arguments, ensure_ascii=False)],
        )
        self.run_id = cursor.lastrowid
        self.crawler.stats.set_value("danvan/run_id", self.run_id)
        db.close()

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        counts = summarize_stats(stats)
        db = open_archive(self.archive_path)
        coverage, last_new = self._site_figures(db, spider.site)
        profile = spider.profile
        status, problems = assess_run(
            reason, counts, coverage, profile.min_coverage, last_new, profile.expected_silence_days,
            self.error_ratio_limit,
        )  # fmt: skip
        values = {
            "finished_at": _now(), "status": status, "finish_reason": reason, "pages": counts["pages"],
            "requests": counts["requests"], "articles_new": counts["new"], "articles_updated": counts["updated"],
            "articles_unchanged": counts["unchanged"], "duplicates": counts["duplicate"],
            "republications": counts["republication"],
            "dropped": json.dumps(counts["dropped"], ensure_ascii=False),
            "errors": json.dumps(counts["errors"], ensure_ascii=False),
            "coverage": json.dumps(coverage), "problems": json.dumps(problems, ensure_ascii=False),
            "stats": json.dumps(stats, default=str, ensure_ascii=False),
        }  # fmt: skip
        db.execute(
            f"UPDATE crawl_runs SET {', '.join(f'{name} = ?' for name in values)} WHERE id = ?",
            [*values.values(), self.run_id],
        )
        report = dict(next(db.query("SELECT * FROM crawl_runs WHERE id = ?", [self.run_id])))
        db.close()
        if self.lock is not None:
            self.lock.release()
        report.update({name: json.loads(report[name] or "null") for name in ("dropped", "errors", "coverage",
                                                                            "problems", "arguments")})  # fmt: skip
        report.pop("stats")
        path = write_report(self.report_directory, report)
        if status != "ok":
            logger.warning("run #%d of %s is %s: %s (report: %s)", self.run_id, spider.site, status,
                           "; ".join(problems), path)  # fmt: skip
            notify(report, path, self.notify_command, self.notify_webhook)

    def _site_figures(self, db, site: str) -> tuple[dict[str, float], str | None]:
        """Field coverage of the articles this run wrote or saw, and when the last new one came."""
        shares = ", ".join(f"AVG({name} IS NOT NULL AND {name} != '')" for name in COVERAGE_FIELDS)
        row = db.execute(
            f"SELECT COUNT(*), {shares} FROM articles WHERE site = ? AND last_seen_at >= ?", [site, self.started_at]
        ).fetchone()
        coverage = dict(zip(COVERAGE_FIELDS, (round(share, 3) for share in row[1:]), strict=True)) if row[0] else {}
        last_new = db.execute("SELECT MAX(first_seen_at) FROM articles WHERE site = ?", [site]).fetchone()[0]
        return coverage, last_new


def summarize_stats(stats: dict) -> dict:
    """The run's counts, from the Scrapy stats the crawl collected."""

    def under(prefix: str) -> dict[str, int]:
        return {key.removeprefix(prefix): value for key, value in sorted(stats.items()) if key.startswith(prefix)}

    errors = under("danvan/errors/")
    for key, value in under("downloader/exception_type_count/").items():
        errors.setdefault(key.rsplit(".", 1)[-1], value)
    return {
        "pages": stats.get("downloader/response_count", 0),
        "requests": stats.get("downloader/request_count", 0),
        "new": stats.get("danvan/articles/new", 0),
        "updated": stats.get("danvan/articles/updated", 0),
        "unchanged": stats.get("danvan/articles/unchanged", 0),
        "duplicate": stats.get("danvan/articles/duplicate", 0),
        "republication": stats.get("danvan/articles/republication", 0),
        "dropped": under("danvan/dropped/"),
        "errors": errors,
    }


def _now() -> str:
    return datetime.now(HO_CHI_MINH).isoformat(timespec="seconds")
