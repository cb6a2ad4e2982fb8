from datetime import datetime

from danvan_crawler.dates import HO_CHI_MINH
from tests.archive_helpers import make_article, new_writer, paragraphs

LATER = datetime(2021, 8, 10, 9, 0, tzinfo=HO_CHI_MINH)


def test_changed_content_keeps_the_old_one_as_a_version(archive_path):
    writer = new_writer(archive_path)
    writer.write([make_article("danvan", "a-1", "Giao ban", paragraphs(3, "dân vận"))])
    edited = make_article("danvan", "a-1", "Giao ban (cập nhật)", paragraphs(4, "dân vận"), fetched_at=LATER)
    assert writer.write([edited])["updated"] == 1
    assert writer.db.execute("SELECT title, version FROM articles").fetchall() == [("Giao ban (cập nhật)", 2)]
    assert writer.db.execute("SELECT version, title, fetched_at FROM article_versions").fetchall() == [
        (1, "Giao ban", "2021-08-03T09:00:00+07:00")
    ]


def test_an_unchanged_recrawl_only_moves_last_seen_at(archive_path):
    writer = new_writer(archive_path)
    writer.write([make_article("danvan", "a-1", "Giao ban", paragraphs(3, "dân vận"))])
    before = writer.db.execute("SELECT * FROM articles").fetchone()
    again = make_article("danvan", "a-1", "Giao ban", paragraphs(3, "dân vận"), fetched_at=LATER)
    assert writer.write([again]) == {"unchanged": 1}
    after = writer.db.execute("SELECT * FROM articles").fetchone()
    columns = [row[1] for row in writer.db.execute("PRAGMA table_info(articles)")]
    changed = [name for name, old, new in zip(columns, before, after, strict=True) if old != new]
    assert changed == ["last_seen_at"]
    assert writer.db.execute("SELECT COUNT(*) FROM article_versions").fetchone()[0] == 0


def test_the_search_index_follows_the_newest_version(archive_path):
    writer = new_writer(archive_path)
    writer.write([make_article("danvan", "a-1", "Giao ban quý một", paragraphs(3, "dân vận"))])
    writer.write([make_article("danvan", "a-1", "Sơ kết quý hai", paragraphs(3, "dân vận"), fetched_at=LATER)])
    exact = writer.db.execute("SELECT rowid FROM search_exact WHERE search_exact MATCH '\"quý hai\"'")
    stale = writer.db.execute("SELECT rowid FROM search_exact WHERE search_exact MATCH '\"quý một\"'")
    assert (exact.fetchall(), stale.fetchall()) == ([(1,)], [])
