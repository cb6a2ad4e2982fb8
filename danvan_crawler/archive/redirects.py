"""RedirectRecorder: every redirect a crawl meets, kept, and linked to the articles it leads to.

Scrapy's dupefilter drops a redirect whose target was already fetched, so an old URL that
redirects to a known article would otherwise leave no trace. The downloader reports every
response, 3xx included, with `response_downloaded`; that is where redirects are read.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from scrapy import signals

from danvan_crawler.archive.schema import default_archive_path, open_archive
from danvan_crawler.dates import HO_CHI_MINH

REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class RedirectRecorder:
    def __init__(self, crawler):
        self.archive_path = crawler.settings.get("ARCHIVE_PATH") or default_archive_path()
        self.redirects: dict[tuple[str, str], int] = {}
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def response_downloaded(self, response, request, spider) -> None:
        location = response.headers.get("Location")
        if response.status in REDIRECT_STATUSES and location:
            target = urljoin(request.url, location.decode("latin-1").strip())
            self.redirects[(request.url, target)] = response.status

    def spider_closed(self, spider) -> None:
        """Store the redirects, and make each chain's first URL an alias of its article."""
        if not self.redirects:
            return
        seen_at = datetime.now(HO_CHI_MINH).isoformat(timespec="seconds")
        db = open_archive(self.archive_path)
        with db.conn:
            db.conn.execute("BEGIN")
            db.conn.executemany(
                """INSERT INTO redirects (from_url, to_url, status, first_seen_at, last_seen_at)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT(from_url, to_url)
                   DO UPDATE SET status = excluded.status, last_seen_at = excluded.last_seen_at""",
                [(source, target, status, seen_at, seen_at) for (source, target), status in self.redirects.items()],
            )
            next_hop = {source: target for source, target in self.redirects}
            for source in next_hop:
                db.conn.execute(
                    """INSERT OR IGNORE INTO article_urls (url, article_id, first_seen_at, published_date)
                       SELECT ?, article_id, ?, published_date FROM article_urls WHERE url = ?""",
                    [source, seen_at, _chain_end(source, next_hop)],
                )
        db.close()


def _chain_end(url: str, next_hop: dict[str, str]) -> str:
    """Where a chain of redirects ends (a loop ends where it started to repeat)."""
    seen = {url}
    while url in next_hop and next_hop[url] not in seen:
        url = next_hop[url]
        seen.add(url)
    return url
