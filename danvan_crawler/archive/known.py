"""What the archive already knows about URLs: the crawl's memory lives here, not in the process.

A spider asks, per listing page, which of its article links are archived, and for those what a
conditional request needs (ETag, Last-Modified) and how old they are. Lookups are indexed, so
their cost does not grow with the archive, and nothing accumulates in memory between pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class KnownArticle:
    article_id: int
    published_date: str | None
    etag: str | None
    last_modified: str | None


class KnownArticles:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def lookup(self, urls: list[str]) -> dict[str, KnownArticle]:
        """The archived article behind each URL that is known (as canonical URL or alias)."""
        if not urls:
            return {}
        found = {}
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            rows = self.db.execute(
                f"""SELECT u.url, a.id, a.published_date,
                           (SELECT r.headers FROM raw_pages r WHERE r.final_url = a.canonical_url
                            AND r.status = 200 ORDER BY r.fetched_at DESC LIMIT 1)
                    FROM article_urls u JOIN articles a ON a.id = u.article_id
                    WHERE u.url IN ({", ".join("?" * len(chunk))})""",
                chunk,
            ).fetchall()
            for url, article_id, published_date, headers in rows:
                header_values = json.loads(headers) if headers else {}
                found[url] = KnownArticle(
                    article_id,
                    published_date,
                    (header_values.get("Etag") or [None])[0],
                    (header_values.get("Last-Modified") or [None])[0],
                )
        return found

    def last_run_finished(self, site: str) -> bool:
        """Whether the site's previous run ended normally (and so the archive is complete up to it)."""
        row = self.db.execute(
            "SELECT finish_reason FROM crawl_runs WHERE sites = ? AND status != 'running'"
            " AND finish_reason != 'already_running' ORDER BY id DESC LIMIT 1",
            [site],
        ).fetchone()
        return row is not None and row[0] == "finished"
