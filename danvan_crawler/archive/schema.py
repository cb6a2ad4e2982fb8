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

SCHEMA_VERSION = 1
DEFAULT_ARCHIVE_PATH = Path("data/archive.db")
BUSY_TIMEOUT_MS = 30_000


class ArchiveError(RuntimeError):
    """An archive that cannot be opened or written; the message says why."""


def default_archive_path() -> Path:
    """`DANVAN_DB` when set, otherwise data/archive.db."""
    return Path(os.environ.get("DANVAN_DB") or DEFAULT_ARCHIVE_PATH)


def open_archive(path: str | Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and create or upgrade) an archive, ready for concurrent readers."""
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
        for target, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            with connection:
                connection.execute("BEGIN")
                migration(db)
                connection.execute(f"PRAGMA user_version = {target}")
    except sqlite3.OperationalError as error:
        connection.close()
        raise ArchiveError(f"cannot prepare archive {path}: {error}") from error
    return db


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


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_create_version_1]
