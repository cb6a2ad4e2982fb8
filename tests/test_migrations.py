"""An archive written by schema version 1 opens, upgrades in place, and keeps its data."""

import json
import sqlite3

import sqlite_utils

from danvan_crawler.archive import open_archive
from danvan_crawler.archive.known import KnownArticle, KnownArticles
from danvan_crawler.archive.schema import MIGRATIONS, SCHEMA_VERSION
from danvan_crawler.archive.search import search
from tests.archive_helpers import paragraphs

BODY = paragraphs(6, "công tác dân vận")


def version_1_archive(path):
    connection = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(connection)
    MIGRATIONS[0](db)
    connection.execute("PRAGMA user_version = 1")
    for site in ("danvan", "danvanhungyen"):
        connection.execute("INSERT INTO sites (name) VALUES (?)", [site])
    for number, (site, published) in enumerate([("danvan", "2020-12-28"), ("danvanhungyen", "2020-12-29")]):
        connection.execute(
            """INSERT INTO articles (site, url, canonical_url, title, body_text, content_hash,
                   published_at, published_date, first_seen_at, last_seen_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [site, f"https://{site}.vn/{number}", f"https://{site}.vn/{number}", "Giao ban dân vận", BODY,
             f"hash-{number}", published, published, "2021-01-01", "2021-01-01"],
        )  # fmt: skip
    connection.close()


def archive_at_version(path, version: int) -> sqlite3.Connection:
    """A version 1 archive brought up to `version` by the migrations of that day."""
    version_1_archive(path)
    connection = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[1:version]:
        migration(sqlite_utils.Database(connection))
    connection.execute(f"PRAGMA user_version = {version}")
    return connection


def upgraded_from(path, version: int, *statements: str) -> sqlite_utils.Database:
    """A version `version` archive, changed by `statements`, opened (and so upgraded) today."""
    connection = archive_at_version(path, version)
    for statement in statements:
        connection.execute(statement)
    connection.close()
    return open_archive(path)


def test_version_1_archive_is_upgraded_with_its_data(archive_path):
    version_1_archive(archive_path)
    db = open_archive(archive_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2
    assert [hit.article_id for hit in search(db, "dân vận")] == [1, 2]
    assert db.execute("SELECT original_site, copy_site FROM republication_links").fetchall() == [
        ("danvan", "danvanhungyen")
    ]
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_upgraded_archive_opens_again_without_change(archive_path):
    version_1_archive(archive_path)
    open_archive(archive_path).close()
    db = open_archive(archive_path)
    assert db.execute("SELECT COUNT(*) FROM article_search").fetchone()[0] == 2


def test_version_2_search_keys_become_fts_tokens(archive_path):
    db = upgraded_from(archive_path, 2)
    title_key, body_fold = db.execute("SELECT title_key, body_fold FROM article_search WHERE article_id = 1").fetchone()
    assert title_key == "giao ban dân vận"
    assert body_fold.startswith("doan 1 ve cong tac dan van can bo dang vien va nhan dan trong tinh")
    assert db.execute("SELECT v FROM search_exact_config WHERE k = 'automerge'").fetchone() == (8,)
    assert [hit.article_id for hit in search(db, "cán bộ, đảng viên")] == [1, 2]
    for index in ("search_exact", "search_folded"):
        db.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")  # raises if the index is out of step


def test_version_3_raw_pages_give_their_validators_to_the_known_url_lookup(archive_path):
    connection = archive_at_version(archive_path, 3)
    served = {"Etag": ['"5d1f"'], "Last-Modified": ["Tue, 29 Dec 2020 01:15:00 GMT"], "Server": ["nginx"]}
    for number, headers in enumerate([served, {"Server": ["nginx"]}]):
        url = f"https://{('danvan', 'danvanhungyen')[number]}.vn/{number}"
        connection.execute("INSERT INTO article_urls VALUES (?, ?, '2021-01-01')", [url, number + 1])
        connection.execute(
            """INSERT INTO raw_pages (url, final_url, status, headers, redirect_chain, fetched_at, body_sha1,
                   body_size, body) VALUES (?, ?, 200, ?, '[]', '2021-01-01T00:00:00+07:00', 'sha1', 0, x'')""",
            [url, url, json.dumps(headers)],
        )  # fmt: skip
    connection.close()
    known = KnownArticles(open_archive(archive_path))
    found = known.lookup(["https://danvan.vn/0", "https://danvanhungyen.vn/1"])
    assert found == {
        "https://danvan.vn/0": KnownArticle(1, "2020-12-28"),
        "https://danvanhungyen.vn/1": KnownArticle(2, "2020-12-29"),
    }
    assert known.validators(found["https://danvan.vn/0"]) == ('"5d1f"', "Tue, 29 Dec 2020 01:15:00 GMT")
    assert known.validators(found["https://danvanhungyen.vn/1"]) == (None, None)


def test_version_4_archive_gets_the_log_of_rewritten_band_rows(archive_path):
    db = upgraded_from(archive_path, 4, "DROP TABLE band_changes")  # made by today's backfill; version 4 had none
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'band_changes'").fetchone() == ("band_changes",)
    assert db.execute("SELECT original_site, copy_site FROM republication_links").fetchall() == [
        ("danvan", "danvanhungyen")
    ]


def test_version_5_article_urls_are_keyed_by_url_and_hold_every_canonical_url(archive_path):
    db = upgraded_from(
        archive_path, 5, "INSERT INTO article_urls VALUES ('https://danvan.vn/0?utm_source=zalo', 1, '2021-01-02')"
    )
    assert db.execute("SELECT url, article_id, first_seen_at FROM article_urls ORDER BY url").fetchall() == [
        ("https://danvan.vn/0", 1, "2021-01-01"),
        ("https://danvan.vn/0?utm_source=zalo", 1, "2021-01-02"),
        ("https://danvanhungyen.vn/1", 2, "2021-01-01"),
    ]
    assert "WITHOUT ROWID" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'article_urls'").fetchone()[0]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_version_6_article_urls_get_their_article_dates_and_the_lookup_indexes_go(archive_path):
    db = upgraded_from(
        archive_path, 6, "INSERT INTO article_urls VALUES ('https://danvan.vn/old-0.html', 1, '2021-01-02')"
    )
    assert db.execute("SELECT url, published_date FROM article_urls ORDER BY url").fetchall() == [
        ("https://danvan.vn/0", "2020-12-28"),
        ("https://danvan.vn/old-0.html", "2020-12-28"),
        ("https://danvanhungyen.vn/1", "2020-12-29"),
    ]
    indexes = "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('articles_known', 'raw_pages_final_url')"
    assert db.execute(indexes).fetchone() == (0,)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
