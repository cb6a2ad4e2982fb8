"""What the archive already knows about URLs: the crawl's memory lives here, not in the process.

A spider asks, per listing page, which of its article links are archived, and for those what a
conditional request needs (ETag, Last-Modified) and how old they are. Lookups read indexes
only, so their cost does not grow with the archive, and nothing accumulates in memory between pages.
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
    # Indexes only: `articles_known` holds the date (in the row it lies past the body, in overflow
    # pages), `raw_pages_final_url` the validators; INDEXED BY, as the planner would read the row.
    LOOKUP = """SELECT u.url, a.id, a.published_date,
                       (SELECT json_array(r.etag, r.last_modified) FROM raw_pages r
                        WHERE r.final_url = a.canonical_url AND r.status = 200 ORDER BY r.fetched_at DESC LIMIT 1)
                FROM article_urls u JOIN articles a INDEXED BY articles_known ON a.id = u.article_id
                WHERE u.url IN ({placeholders})"""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def lookup(self, urls: list[str]) -> dict[str, KnownArticle]:
        """The archived article behind each URL that is known (as canonical URL or alias)."""
        found = {}
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            rows = self.db.execute(self.LOOKUP.format(placeholders=", ".join("?" * len(chunk))), chunk)
            for url, article_id, published_date, validators in rows:
                etag, last_modified = json.loads(validators) if validators else (None, None)
                found[url] = KnownArticle(article_id, published_date, etag, last_modified)
        return found

    def last_run_finished(self, site: str) -> bool:
        """Whether the site's previous run ended normally (and so the archive is complete up to it)."""
        row = self.db.execute(
            "SELECT finish_reason FROM crawl_runs WHERE sites = ? AND status != 'running'"
            " AND finish_reason != 'already_running' ORDER BY id DESC LIMIT 1",
            [site],
        ).fetchone()
        return row is not None and row[0] == "finished"
