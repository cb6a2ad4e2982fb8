"""Running crawls in-process: one Scrapy crawler per site, all in one reactor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.internet import task

from danvan_crawler.archive import open_archive
from danvan_crawler.mirror import MirrorServer
from danvan_crawler.sites import SiteProfile
from danvan_crawler.spiders.site import SiteSpider

MIRROR_HANDLER = "danvan_crawler.mirror.MirrorDownloadHandler"


def project_settings(**overrides) -> Settings:
    """The project's settings module, with per-run overrides on top."""
    settings = Settings()
    settings.setmodule("danvan_crawler.settings", priority="project")
    settings.update(overrides, priority="cmdline")
    return settings


def mirror_overrides(server: MirrorServer) -> dict:
    """Settings for crawling a local mirror: its route, and no delays against our own server."""
    return {
        "DOWNLOAD_HANDLERS": {"http": MIRROR_HANDLER, "https": MIRROR_HANDLER},
        "MIRROR_HOSTS": server.host_map(),
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    }


def run_crawl(
    profiles: list[SiteProfile],
    archive_path: Path,
    *,
    max_pages: int | None = None,
    mirror_directory: Path | None = None,
    extra_settings: dict | None = None,
    spider_arguments: dict | None = None,
    on_progress: Callable[[dict[str, dict]], None] | None = None,
    progress_interval: float = 1.0,
) -> list[dict]:
    """Crawl each profile's site into the archive; returns each run's id and status.

    `on_progress`, when given, is called every `progress_interval` seconds (and once at the end)
    with each site's current Scrapy stats.
    """
    overrides = {"ARCHIVE_PATH": str(archive_path), **(extra_settings or {})}
    if max_pages:
        overrides["CLOSESPIDER_PAGECOUNT"] = max_pages
    server = MirrorServer(mirror_directory).start() if mirror_directory else None
    try:
        if server is not None:
            overrides.update(mirror_overrides(server))
        process = CrawlerProcess(project_settings(**overrides))
        crawlers = []
        for profile in profiles:
            crawler = process.create_crawler(SiteSpider)
            crawlers.append(crawler)
            process.crawl(crawler, site=str(profile.path or profile.name), **(spider_arguments or {}))
        if on_progress is not None:
            report = _progress_reporter(profiles, crawlers, on_progress)
            ticker = task.LoopingCall(report)
            ticker.start(progress_interval, now=False)
        process.start()
        if on_progress is not None:
            report()
    finally:
        if server is not None:
            server.stop()
    run_ids = [crawler.stats.get_value("danvan/run_id") for crawler in crawlers]
    recorded = [run_id for run_id in run_ids if run_id is not None]
    db = open_archive(archive_path)
    statuses = {
        row["id"]: row["status"]
        for row in db.query(
            f"SELECT id, status FROM crawl_runs WHERE id IN ({', '.join('?' * len(recorded))})", recorded
        )
    }
    db.close()
    return [
        {"site": profile.name, "run_id": run_id, "status": statuses.get(run_id, "failed")}
        for profile, run_id in zip(profiles, run_ids, strict=True)
    ]


def _progress_reporter(profiles, crawlers, on_progress):
    def report() -> None:
        on_progress({
            profile.name: dict(crawler.stats.get_stats())
            for profile, crawler in zip(profiles, crawlers, strict=True)
        })  # fmt: skip

    return report
