"""What the archive already knows about URLs: the crawl's memory lives here, not in the process.

A spider asks, per listing page, which of its article links are archived and how old they are
(one descent of `article_urls` per link), and for the few it fetches again what a conditional
request needs (ETag, Last-Modified). Nothing accumulates in memory between pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class KnownArticle:
    article_id: int
    published_date: str | None


class KnownArticles:
    LOOKUP = "SELECT url, article_id, published_date FROM article_urls WHERE url IN ({placeholders})"
    # The newest successful fetch of the article's page: what a conditional request sends back.
    VALIDATORS = """SELECT r.etag, r.last_modified FROM articles a
                    JOIN raw_pages r ON r.final_url = a.canonical_url AND r.status = 200
                    WHERE a.id = ? ORDER BY r.fetched_at DESC LIMIT 1"""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def lookup(self, urls: list[str]) -> dict[str, KnownArticle]:
        """The archived article behind each URL that is known (as canonical URL or alias)."""
        found = {}
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            rows = self.db.execute(self.LOOKUP.format(placeholders=", ".join("?" * len(chunk))), chunk)
            for url, article_id, published_date in rows:
                found[url] = KnownArticle(article_id, published_date)
        return found

    def validators(self, known: KnownArticle) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the article's page as last served, for fetching it again."""
        row = self.db.execute(self.VALIDATORS, [known.article_id]).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def last_run_finished(self, site: str) -> bool:
        """Whether the site's previous run ended normally (and so the archive is complete up to it)."""
        row = self.db.execute(
            "SELECT finish_reason FROM crawl_runs WHERE sites = ? AND status != 'running'"
            " AND finish_reason != 'already_running' ORDER BY id DESC LIMIT 1",
            [site],
        ).fetchone()
        return row is not None and row[0] == "finished"
