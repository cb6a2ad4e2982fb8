import sqlite3
from datetime import date, datetime

import pytest

from danvan_crawler.archive import ArchiveError, open_archive
from danvan_crawler.archive.schema import SCHEMA_VERSION
from danvan_crawler.archive.writer import ArchiveWriter
from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.items import Article
from danvan_crawler.sites import load_profile

FETCHED = datetime(2021, 8, 3, 9, 0, tzinfo=HO_CHI_MINH)


def make_article(**changes) -> Article:
    values = {
        "url": "https://danvanhungyen.vn/tin-tuc-su-kien/giao-ban-1523.html",
        "canonical_url": "https://danvanhungyen.vn/tin-tuc-su-kien/giao-ban-1523.html",
        "site": "danvanhungyen",
        "title": "Giao ban công tác dân vận",
        "body_text": "Đoạn một.\n\nĐoạn hai.",
        "published_at": datetime(2020, 12, 29, 8, 15, tzinfo=HO_CHI_MINH),
        "content_hash": "hash-1",
        "fetched_at": FETCHED,
        "images": [{"url": "https://danvanhungyen.vn/uploads/a.jpg", "caption": "Quang cảnh"}],
        "related": [
            {
                "title": "Bài khác",
                "url": "https://danvanhungyen.vn/x-1.html",
                "date": "2021-07-13",
                "group": "Bài viết khác",
            }
        ],
    }
    values.update(changes)
    return Article(**values)


@pytest.fixture
def writer(archive_path):
    writer = ArchiveWriter(open_archive(archive_path))
    writer.register_site(load_profile("danvanhungyen"))
    return writer


def count(writer, table):
    return writer.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_new_archive_has_schema_version_and_wal(archive_path):
    db = open_archive(archive_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"sites", "articles", "article_urls", "images", "related_links", "crawl_runs"} <= set(db.table_names())


def test_first_write_inserts_article_and_children(writer):
    assert writer.write([make_article()]) == {"new": 1}
    row = writer.db.execute("SELECT published_at, published_date, title FROM articles").fetchone()
    assert row == ("2020-12-29T08:15:00+07:00", "2020-12-29", "Giao ban công tác dân vận")
    assert (count(writer, "images"), count(writer, "related_links")) == (1, 1)


def test_date_only_published_at_is_stored_without_a_time(writer):
    writer.write([make_article(published_at=date(2020, 10, 12))])
    assert writer.db.execute("SELECT published_at FROM articles").fetchone()[0] == "2020-10-12"


def test_same_page_again_adds_no_rows(writer):
    writer.write([make_article()])
    later = datetime(2021, 8, 4, 9, 0, tzinfo=HO_CHI_MINH)
    assert writer.write([make_article(fetched_at=later)]) == {"unchanged": 1}
    assert [count(writer, table) for table in ("articles", "images", "related_links")] == [1, 1, 1]
    assert writer.db.execute("SELECT last_seen_at, first_seen_at FROM articles").fetchone() == (
        later.isoformat(),
        FETCHED.isoformat(),
    )


def test_changed_content_updates_in_place(writer):
    writer.write([make_article()])
    changed = make_article(title="Tiêu đề mới", content_hash="hash-2")
    assert writer.write([changed]) == {"updated": 1}
    assert writer.db.execute("SELECT title, version FROM articles").fetchone() == ("Tiêu đề mới", 2)
    assert count(writer, "articles") == 1


def test_every_url_of_an_article_carries_its_current_date(writer):
    tracked = "https://danvanhungyen.vn/tin-tuc-su-kien/giao-ban-1523.html?utm_source=zalo"
    writer.write([make_article(url=tracked)])
    corrected = make_article(published_at=datetime(2020, 12, 30, 8, 15, tzinfo=HO_CHI_MINH), content_hash="hash-2")
    assert writer.write([corrected]) == {"updated": 1}
    assert writer.db.execute("SELECT url, published_date FROM article_urls ORDER BY url").fetchall() == [
        ("https://danvanhungyen.vn/tin-tuc-su-kien/giao-ban-1523.html", "2020-12-30"),
        (tracked, "2020-12-30"),
    ]


def test_same_content_under_another_url_is_one_article_with_two_urls(writer):
    writer.write([make_article()])
    other = "https://danvanhungyen.vn/hoat-dong-dan-van/giao-ban-1523.html"
    assert writer.write([make_article(url=other, canonical_url=other)]) == {"duplicate": 1}
    assert count(writer, "articles") == 1
    urls = [row[0] for row in writer.db.execute("SELECT url FROM article_urls ORDER BY url")]
    assert urls == [other, "https://danvanhungyen.vn/tin-tuc-su-kien/giao-ban-1523.html"]
    assert writer.db.execute("SELECT DISTINCT published_date FROM article_urls").fetchall() == [("2020-12-29",)]


def test_a_failed_batch_leaves_the_archive_as_it_was(writer):
    writer.write([make_article()])
    broken = make_article(
        url="https://danvanhungyen.vn/x-2.html",
        canonical_url="https://danvanhungyen.vn/x-2.html",
        content_hash="h3",
        title=None,
    )
    with pytest.raises(sqlite3.IntegrityError):
        writer.write([make_article(content_hash="hash-9", title="Đổi"), broken])
    assert writer.db.execute("SELECT title FROM articles").fetchall() == [("Giao ban công tác dân vận",)]


def test_newer_archive_is_refused(archive_path):
    connection = sqlite3.connect(archive_path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(ArchiveError, match="newer danvan-crawler"):
        open_archive(archive_path)


def test_foreign_database_is_refused(archive_path):
    connection = sqlite3.connect(archive_path)
    connection.execute("CREATE TABLE something (x)")
    connection.close()
    with pytest.raises(ArchiveError, match="not a danvan archive"):
        open_archive(archive_path)


def test_corrupt_file_is_refused_and_left_alone(archive_path):
    archive_path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ArchiveError, match="not a readable SQLite archive"):
        open_archive(archive_path)
    assert archive_path.read_bytes() == b"this is not sqlite at all" * 100


def test_missing_archive_is_not_created_for_readers(archive_path):
    with pytest.raises(ArchiveError, match="no archive at"):
        open_archive(archive_path, create=False)
    assert not archive_path.exists()
