"""Archive schema: tables, indexes, versioning and upgrades.

The schema version lives in `PRAGMA user_version`. Opening an archive made by an older
version upgrades it in place, keeping its data; opening one made by a newer version, or a
SQLite file that is not an archive, is refused with a clear message.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

SCHEMA_VERSION = 7
FTS_AUTOMERGE = 8
DEFAULT_ARCHIVE_PATH = Path("data/archive.db")
BUSY_TIMEOUT_MS = int(os.environ.get("DANVAN_BUSY_TIMEOUT_MS", "30000"))
# Checkpoint when the log holds 100,000 pages (400 MB), about 4,000 articles: each article adds
# to B-tree leaves keyed at random (URLs, hashes, MinHash bands), and one checkpoint of many
# articles writes a leaf once for all of them. On 100,000 articles, against SQLite's default of
# 1,000 pages, a commit cost 283 µs per article instead of 683 and inserts ran 30 % faster.
WAL_AUTOCHECKPOINT_PAGES = 100_000


class ArchiveError(RuntimeError):
    """An archive that cannot be opened or written; the message says why."""


def default_archive_path() -> Path:
    """`DANVAN_DB` when set, otherwise data/archive.db."""
    return Path(os.environ.get("DANVAN_DB") or DEFAULT_ARCHIVE_PATH)


def open_archive(path: str | Path, *, create: bool = True, max_bytes: int | None = None) -> sqlite_utils.Database:
    """Open (and create or upgrade) an archive, ready for concurrent readers.

    With `max_bytes`, writes that would grow the file past it fail as a full disk does.
    """
    path = Path(path)
    if not path.exists() and not create:
        raise ArchiveError(f"no archive at {path}; run a crawl first (danvan crawl) or pass --db")
    if path.exists() and path.is_dir():
        raise ArchiveError(f"{path} is a directory, not an archive file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.OperationalError as error:
        if "locked" in str(error):
            raise ArchiveError(
                f"{path} is locked by another program (waited {BUSY_TIMEOUT_MS / 1000:g} s); try again later"
            ) from error
        raise ArchiveError(f"{path} is not a readable SQLite archive: {error}") from error
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"{path} is not a readable SQLite archive: {error}") from error
    except OSError as error:
        raise ArchiveError(f"cannot open {path}: {error}") from error
    if version > SCHEMA_VERSION:
        connection.close()
        raise ArchiveError(
            f"{path} was written by a newer danvan-crawler (schema {version}, this one knows "
            f"up to {SCHEMA_VERSION}); upgrade danvan-crawler to open it"
        )
    if version == 0 and tables:
        connection.close()
        raise ArchiveError(f"{path} is a SQLite database but not a danvan archive")
    db = sqlite_utils.Database(connection)
    try:
        if version < SCHEMA_VERSION:
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        if max_bytes:
            page_size = connection.execute("PRAGMA page_size").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {max(1, int(max_bytes) // page_size)}")
        for target, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with connection:
                connection.execute("BEGIN")
                migration(db)
                connection.execute(f"PRAGMA user_version = {target}")
    except sqlite3.OperationalError as error:
        connection.close()
        raise ArchiveError(f"cannot prepare archive {path}: {error}") from error
    return db


def is_full_error(error: sqlite3.Error) -> bool:
    """SQLITE_FULL: the disk (or the archive's size limit) has no room for the write."""
    return "full" in str(error).lower()


def _create_version_1(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE sites (
            name TEXT PRIMARY KEY,
            title TEXT,
            base_url TEXT,
            domains TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL REFERENCES sites(name),
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            summary TEXT,
            body_text TEXT NOT NULL,
            body_html TEXT,
            published_at TEXT,
            published_date TEXT,
            published_at_raw TEXT,
            modified_at TEXT,
            modified_at_raw TEXT,
            author TEXT,
            source TEXT,
            category TEXT,
            tags TEXT,
            language TEXT,
            content_hash TEXT NOT NULL,
            http_status INTEGER,
            fetched_at TEXT,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            field_sources TEXT
        )"""
    )
    db.execute("CREATE INDEX articles_site_date ON articles(site, published_date)")
    db.execute("CREATE INDEX articles_site_hash ON articles(site, content_hash)")
    db.execute(
        """
        CREATE TABLE article_urls (
            url TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            first_seen_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX article_urls_article ON article_urls(article_id)")
    db.execute(
        """
        CREATE TABLE images (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            url TEXT,
            caption TEXT,
            PRIMARY KEY (article_id, position)
        )"""
    )
    db.execute(
        """
        CREATE TABLE related_links (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            group_name TEXT,
            title TEXT,
            url TEXT,
            date TEXT,
            PRIMARY KEY (article_id, position)
        )"""
    )
    db.execute(
        """
        CREATE TABLE redirects (
            from_url TEXT NOT NULL,
            to_url TEXT NOT NULL,
            status INTEGER NOT NULL,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            PRIMARY KEY (from_url, to_url)
        )"""
    )
    db.execute(
        """
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            sites TEXT,
            arguments TEXT,
            finish_reason TEXT,
            pages INTEGER,
            articles_new INTEGER,
            articles_updated INTEGER,
            articles_unchanged INTEGER,
            duplicates INTEGER,
            dropped TEXT,
            errors TEXT,
            stats TEXT
        )"""
    )


def _upgrade_to_version_2(db: sqlite_utils.Database) -> None:
    """Versions, raw pages, republications, search keys and full-text indexes, and views."""
    _execute_script(
        db,
        """
        CREATE TABLE article_versions (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            fetched_at TEXT,
            title TEXT NOT NULL,
            summary TEXT,
            body_text TEXT NOT NULL,
            body_html TEXT,
            published_at TEXT,
            author TEXT,
            source TEXT,
            content_hash TEXT NOT NULL,
            PRIMARY KEY (article_id, version)
        );
        CREATE TABLE raw_pages (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            final_url TEXT NOT NULL,
            status INTEGER NOT NULL,
            headers TEXT NOT NULL,
            redirect_chain TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            body_sha1 TEXT NOT NULL,
            body_size INTEGER NOT NULL,
            body BLOB NOT NULL,
            UNIQUE (final_url, body_sha1)
        );
        CREATE INDEX raw_pages_final_url ON raw_pages(final_url, fetched_at);
        CREATE TABLE republications (
            original_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            copy_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            similarity REAL NOT NULL,
            detected_at TEXT NOT NULL,
            PRIMARY KEY (original_id, copy_id)
        );
        CREATE INDEX republications_copy ON republications(copy_id);
        CREATE TABLE article_signatures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            signature BLOB NOT NULL
        );
        CREATE TABLE article_bands (
            band_key INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (band_key, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_bands_article ON article_bands(article_id);
        CREATE TABLE article_search (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            title_key TEXT NOT NULL,
            body_key TEXT NOT NULL,
            title_fold TEXT NOT NULL,
            body_fold TEXT NOT NULL
        );
        CREATE VIRTUAL TABLE search_exact USING fts5(
            title_key, body_key, content='article_search', content_rowid='article_id',
            tokenize='unicode61 remove_diacritics 0'
        );
        CREATE VIRTUAL TABLE search_folded USING fts5(
            title_fold, body_fold, content='article_search', content_rowid='article_id',
            tokenize='unicode61 remove_diacritics 0'
        );
        CREATE TRIGGER article_search_insert AFTER INSERT ON article_search BEGIN
            INSERT INTO search_exact(rowid, title_key, body_key)
                VALUES (new.article_id, new.title_key, new.body_key);
            INSERT INTO search_folded(rowid, title_fold, body_fold)
                VALUES (new.article_id, new.title_fold, new.body_fold);
        END;
        CREATE TRIGGER article_search_delete AFTER DELETE ON article_search BEGIN
            INSERT INTO search_exact(search_exact, rowid, title_key, body_key)
                VALUES ('delete', old.article_id, old.title_key, old.body_key);
            INSERT INTO search_folded(search_folded, rowid, title_fold, body_fold)
                VALUES ('delete', old.article_id, old.title_fold, old.body_fold);
        END;
        CREATE TRIGGER article_search_update AFTER UPDATE ON article_search BEGIN
            INSERT INTO search_exact(search_exact, rowid, title_key, body_key)
                VALUES ('delete', old.article_id, old.title_key, old.body_key);
            INSERT INTO search_folded(search_folded, rowid, title_fold, body_fold)
                VALUES ('delete', old.article_id, old.title_fold, old.body_fold);
            INSERT INTO search_exact(rowid, title_key, body_key)
                VALUES (new.article_id, new.title_key, new.body_key);
            INSERT INTO search_folded(rowid, title_fold, body_fold)
                VALUES (new.article_id, new.title_fold, new.body_fold);
        END;
        ALTER TABLE crawl_runs ADD COLUMN republications INTEGER;
        ALTER TABLE crawl_runs ADD COLUMN requests INTEGER;
        ALTER TABLE crawl_runs ADD COLUMN coverage TEXT;
        ALTER TABLE crawl_runs ADD COLUMN problems TEXT;
        CREATE VIEW unique_articles AS
            SELECT * FROM articles WHERE id NOT IN (SELECT copy_id FROM republications);
        CREATE VIEW unique_articles_per_site_month AS
            SELECT site, substr(published_date, 1, 7) AS month, COUNT(*) AS articles
            FROM unique_articles WHERE published_date IS NOT NULL
            GROUP BY site, month ORDER BY site, month;
        CREATE VIEW republication_links AS
            SELECT r.original_id, o.site AS original_site, o.title AS original_title,
                   o.published_at AS original_published_at, o.canonical_url AS original_url,
                   r.copy_id, c.site AS copy_site, c.title AS copy_title,
                   c.published_at AS copy_published_at, c.canonical_url AS copy_url, r.similarity
            FROM republications r JOIN articles o ON o.id = r.original_id
            JOIN articles c ON c.id = r.copy_id;
        """,
    )
    _backfill_keys(db)


def _execute_script(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one: executescript() would commit the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


def _backfill_keys(db: sqlite_utils.Database) -> None:
    """Search keys and near-duplicate signatures for articles written before version 2."""
    from danvan_crawler.archive.dedup import RepublicationIndex, minhash_signature
    from danvan_crawler.text import fold_match_key, match_key

    db.execute(BAND_CHANGES_TABLE)  # the republication index of today keeps its log there (version 5)
    republications = RepublicationIndex(db)
    rows = db.execute("SELECT id, title, body_text FROM articles").fetchall()
    for article_id, title, body_text in rows:
        title_key, body_key = match_key(title), match_key(body_text)
        db.execute(
            "INSERT INTO article_search VALUES (?, ?, ?, ?, ?)",
            [article_id, title_key, body_key, fold_match_key(title_key), fold_match_key(body_key)],
        )
        republications.add(article_id, minhash_signature(f"{title_key} {body_key}"))


def _upgrade_to_version_3(db: sqlite_utils.Database) -> None:
    """Search keys as the tokens FTS5 indexes (so search can count phrases), and lazier FTS merging.

    An automerge of 8 segments instead of 4 cut full-text indexing by 30 % per article.
    """
    from danvan_crawler.archive.search import search_keys

    for index in ("search_exact", "search_folded"):
        db.execute(f"INSERT INTO {index}({index}, rank) VALUES ('automerge', {FTS_AUTOMERGE})")
    rows = db.execute("SELECT article_id, title_key, body_key FROM article_search").fetchall()
    for article_id, title_key, body_key in rows:
        (title, title_fold), (body, body_fold) = search_keys(title_key), search_keys(body_key)
        db.execute(
            "UPDATE article_search SET title_key = ?, body_key = ?, title_fold = ?, body_fold = ? WHERE article_id = ?",
            [title, body, title_fold, body_fold, article_id],
        )


def _upgrade_to_version_4(db: sqlite_utils.Database) -> None:
    """Known-URL lookups answered from indexes alone.

    The spider asks, for each article link of a listing, the article's date and its page's ETag
    and Last-Modified. Read from the rows, that is the article row's overflow pages (the date lies
    past the body) and the raw page's first page: on a million-article archive, larger than memory,
    pages read from disk. Two narrow indexes hold the same values instead.
    """
    _execute_script(
        db,
        """
        ALTER TABLE raw_pages ADD COLUMN etag TEXT;
        ALTER TABLE raw_pages ADD COLUMN last_modified TEXT;
        UPDATE raw_pages SET etag = json_extract(headers, '$.Etag[0]'),
                             last_modified = json_extract(headers, '$."Last-Modified"[0]')
            WHERE headers LIKE '%"Etag"%' OR headers LIKE '%"Last-Modified"%';
        DROP INDEX raw_pages_final_url;
        CREATE INDEX raw_pages_final_url ON raw_pages(final_url, fetched_at, status, etag, last_modified);
        CREATE INDEX articles_known ON articles(id, canonical_url, published_date);
        """,
    )


BAND_CHANGES_TABLE = """
    CREATE TABLE IF NOT EXISTS band_changes (
        sequence INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
    )
"""


def _upgrade_to_version_5(db: sqlite_utils.Database) -> None:
    """A log of the articles whose merged band rows were rewritten (their text changed).

    Each writer keeps a Bloom filter of the merged band keys; a writer running at the same time
    as another reads the other's rewritten rows from this log instead of scanning the table.
    """
    db.execute(BAND_CHANGES_TABLE)


def _upgrade_to_version_6(db: sqlite_utils.Database) -> None:
    """`article_urls` keyed by URL alone (WITHOUT ROWID), holding every canonical URL.

    A URL lookup, the spider's for each article link and the writer's for each article, then
    descends one B-tree instead of an index and then the table; the writer asks for the
    canonical URL there only, not in `articles` as well.
    """
    _execute_script(
        db,
        """
        CREATE TABLE article_urls_by_url (
            url TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            first_seen_at TEXT NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO article_urls_by_url SELECT url, article_id, first_seen_at FROM article_urls ORDER BY url;
        INSERT OR IGNORE INTO article_urls_by_url SELECT canonical_url, id, first_seen_at FROM articles;
        DROP TABLE article_urls;
        ALTER TABLE article_urls_by_url RENAME TO article_urls;
        CREATE INDEX article_urls_article ON article_urls(article_id);
        """,
    )


def _upgrade_to_version_7(db: sqlite_utils.Database) -> None:
    """Each URL's article date beside it in `article_urls`.

    The spider's lookup of a listing's links, which decides what to fetch again, then descends
    `article_urls` alone; it descended `articles_known` and `raw_pages_final_url` as well, and on
    a million articles these three did not fit in a cache (bench/NOTES.md, ninth session). The
    validators of a conditional request are read from the raw page's row, only for the articles
    fetched again, so both indexes go: each raw page written updates one randomly keyed index
    fewer, each article one index fewer.
    """
    _execute_script(
        db,
        """
        ALTER TABLE article_urls ADD COLUMN published_date TEXT;
        UPDATE article_urls SET published_date = (SELECT published_date FROM articles WHERE id = article_id);
        DROP INDEX articles_known;
        DROP INDEX raw_pages_final_url;
        """,
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _create_version_1,
    _upgrade_to_version_2,
    _upgrade_to_version_3,
    _upgrade_to_version_4,
    _upgrade_to_version_5,
    _upgrade_to_version_6,
    _upgrade_to_version_7,
]
