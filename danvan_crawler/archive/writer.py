"""ArchiveWriter: puts articles into the archive, once each, in batched transactions."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime

import sqlite_utils

from danvan_crawler.archive.dedup import RepublicationIndex
from danvan_crawler.archive.index_keys import index_keys
from danvan_crawler.items import Article, NotModified
from danvan_crawler.sites import SiteProfile

ARTICLE_COLUMNS = (
    "site",
    "url",
    "canonical_url",
    "title",
    "summary",
    "body_text",
    "body_html",
    "published_at",
    "published_date",
    "published_at_raw",
    "modified_at",
    "modified_at_raw",
    "author",
    "source",
    "category",
    "tags",
    "language",
    "content_hash",
    "http_status",
    "fetched_at",
    "field_sources",
)
# Rows per INSERT of search keys: 5 parameters each, far below SQLite's limit on parameters.
SEARCH_ROWS_PER_STATEMENT = 200
# The writer's page cache (SQLite's default is 2 MB). A merge of recent MinHash bands (dedup.py)
# inserts in band order, so the article_id index takes its entries all over its newest thousand
# leaves; with 2 MB they were spilled and written again and again (a merge on a million articles
# took 2.5 s), with 16 MB each is written once (0.9 s).
WRITER_CACHE_KIB = 16_384


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


class ArchiveWriter:
    """Writes articles; a re-crawl of the same page updates in place and adds no rows."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        self.republications = RepublicationIndex(db)

    def register_site(self, profile: SiteProfile) -> None:
        self.db.execute(
            """INSERT INTO sites (name, title, base_url, domains) VALUES (?, ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET title = excluded.title,
               base_url = excluded.base_url, domains = excluded.domains""",
            [profile.name, profile.title, profile.base_url, json.dumps(list(profile.domains))],
        )

    def write(self, articles: list[Article | NotModified], *, refresh: bool = False) -> Counter:
        """Write a batch in one transaction; returns how many were new, updated, unchanged, ….

        With `refresh` (re-extraction), an article whose content is unchanged still gets its
        other fields (date, author, source, images, related links) rewritten in place.
        """
        outcomes: Counter = Counter()
        search_rows: dict[int, tuple] = {}
        connection = self.db.conn
        connection.execute("BEGIN IMMEDIATE")
        try:
            self.republications.catch_up()
            for article in articles:
                outcomes[self._write_one(article, outcomes, refresh, search_rows)] += 1
            self._insert_search_rows(list(search_rows.values()))
        except BaseException:
            if connection.in_transaction:  # SQLite may already have rolled back (a full disk does)
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return outcomes

    def _write_one(
        self, article: Article | NotModified, outcomes: Counter, refresh: bool, search_rows: dict[int, tuple]
    ) -> str:
        seen_at = iso(article.fetched_at)
        if isinstance(article, NotModified):
            self.db.execute(
                "UPDATE articles SET last_seen_at = MAX(last_seen_at, ?)"
                " WHERE id = (SELECT article_id FROM article_urls WHERE url = ?)",
                [seen_at, article.url],
            )
            return "unchanged"
        existing = self._find(article)
        row = self._row(article)
        if existing is None:
            cursor = self.db.execute(
                f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}, first_seen_at, last_seen_at)"
                f" VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))}, ?, ?)",
                [row[column] for column in ARTICLE_COLUMNS] + [seen_at, seen_at],
            )
            article_id = cursor.lastrowid
            self._write_children(article_id, article)
            self._index(article_id, article, seen_at, outcomes, search_rows)
            published_date = row["published_date"]
            outcome = "new"
        else:
            article_id, stored_hash, stored_canonical, published_date = existing
            row["canonical_url"] = stored_canonical
            if stored_hash == article.content_hash and not refresh:
                self.db.execute("UPDATE articles SET last_seen_at = ? WHERE id = ?", [seen_at, article_id])
                known = self.db.execute(
                    "SELECT 1 FROM article_urls WHERE url = ? AND article_id = ?", [article.url, article_id]
                ).fetchone()
                outcome = "unchanged" if known else "duplicate"
            else:
                changed = stored_hash != article.content_hash
                if changed:
                    self._keep_version(article_id)
                assignments = ", ".join(f"{column} = ?" for column in ARTICLE_COLUMNS)
                self.db.execute(
                    f"UPDATE articles SET {assignments}, last_seen_at = MAX(last_seen_at, ?),"
                    " version = version + ? WHERE id = ?",
                    [row[column] for column in ARTICLE_COLUMNS] + [seen_at, int(changed), article_id],
                )
                self._write_children(article_id, article)
                if changed:
                    self.db.execute("DELETE FROM article_search WHERE article_id = ?", [article_id])
                    self._index(article_id, article, seen_at, outcomes, search_rows)
                if row["published_date"] != published_date:
                    published_date = row["published_date"]
                    self.db.execute(
                        "UPDATE article_urls SET published_date = ? WHERE article_id = ?", [published_date, article_id]
                    )
                outcome = "updated" if changed else "refreshed"
        for url in {article.url, article.canonical_url}:
            self.db.execute(
                "INSERT OR IGNORE INTO article_urls (url, article_id, first_seen_at, published_date)"
                " VALUES (?, ?, ?, ?)",
                [url, article_id, seen_at, published_date],
            )
        return outcome

    def _index(
        self, article_id: int, article: Article, seen_at: str | None, outcomes: Counter, search_rows: dict[int, tuple]
    ) -> None:
        """Near-duplicate bands now, search keys at the end of the batch (the latest keys of each article)."""
        keys = article.index_keys or index_keys(article.title_key, article.body_key)
        search_rows[article_id] = (article_id, keys.title, keys.body, keys.title_fold, keys.body_fold)
        if self.republications.add(article_id, keys.signature, seen_at):
            outcomes["republication"] += 1

    def _insert_search_rows(self, rows: list[tuple]) -> None:
        """A batch's search keys in few statements: the FTS triggers write one index segment per
        statement, and a segment per article made inserts twice as slow and the index fragmented."""
        for start in range(0, len(rows), SEARCH_ROWS_PER_STATEMENT):
            chunk = rows[start : start + SEARCH_ROWS_PER_STATEMENT]
            self.db.conn.execute(
                f"INSERT INTO article_search VALUES {', '.join(['(?, ?, ?, ?, ?)'] * len(chunk))}",
                [value for row in chunk for value in row],
            )

    def _keep_version(self, article_id: int) -> None:
        """The stored content becomes a version before the article row shows the new one."""
        self.db.execute(
            """INSERT INTO article_versions (article_id, version, fetched_at, title, summary, body_text,
                   body_html, published_at, author, source, content_hash)
               SELECT id, version, COALESCE(fetched_at, last_seen_at), title, summary, body_text,
                   body_html, published_at, author, source, content_hash
               FROM articles WHERE id = ?""",
            [article_id],
        )

    def _find(self, article: Article) -> tuple[int, str, str, str | None] | None:
        """The stored article this one is (id, content hash, canonical URL, date): same canonical
        URL, a known alias, or same content.

        `article_urls` holds every canonical URL too, so one query answers the first two."""
        for query, parameters in (
            (
                "SELECT a.id, a.content_hash, a.canonical_url, a.published_date FROM article_urls u"
                " JOIN articles a ON a.id = u.article_id WHERE u.url IN (?, ?) ORDER BY u.url = ? DESC LIMIT 1",
                [article.canonical_url, article.url, article.canonical_url],
            ),
            (
                "SELECT id, content_hash, canonical_url, published_date FROM articles"
                " WHERE site = ? AND content_hash = ? LIMIT 1",
                [article.site, article.content_hash],
            ),
        ):
            found = self.db.execute(query, parameters).fetchone()
            if found:
                return found
        return None

    def _row(self, article: Article) -> dict:
        published = iso(article.published_at)
        return {
            "site": article.site,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "title": article.title,
            "summary": article.summary,
            "body_text": article.body_text,
            "body_html": article.body_html,
            "published_at": published,
            "published_date": published[:10] if published else None,
            "published_at_raw": article.published_at_raw,
            "modified_at": iso(article.modified_at),
            "modified_at_raw": article.modified_at_raw,
            "author": article.author,
            "source": article.source,
            "category": article.category,
            "tags": json.dumps(article.tags, ensure_ascii=False),
            "language": article.language,
            "content_hash": article.content_hash,
            "http_status": article.http_status,
            "fetched_at": iso(article.fetched_at),
            "field_sources": json.dumps(article.field_sources, sort_keys=True),
        }

    def _write_children(self, article_id: int, article: Article) -> None:
        self.db.execute("DELETE FROM images WHERE article_id = ?", [article_id])
        self.db.execute("DELETE FROM related_links WHERE article_id = ?", [article_id])
        self.db.conn.executemany(
            "INSERT INTO images (article_id, position, url, caption) VALUES (?, ?, ?, ?)",
            [(article_id, position, image["url"], image["caption"]) for position, image in enumerate(article.images)],
        )
        self.db.conn.executemany(
            "INSERT INTO related_links (article_id, position, group_name, title, url, date) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (article_id, position, link.get("group"), link["title"], link["url"], link.get("date"))
                for position, link in enumerate(article.related)
            ],
        )
