"""The real Scrapy engine crawls the bundled demo mirror, served from 127.0.0.1."""

import re
import sqlite3

import pytest

from tests.conftest import fixture_cases, run_danvan

pytestmark = pytest.mark.slow
# Columns a second crawl of an unchanged site may move; everything else must stay as it was.
MOVING_COLUMNS = {"articles": {"last_seen_at"}, "redirects": {"last_seen_at"}}
SKIPPED_TABLES = {"crawl_runs"}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    archive = tmp_path_factory.mktemp("e2e") / "archive.db"
    first = run_danvan("crawl", "danvanhungyen", "danvan", "--mirror", "--db", str(archive))
    connection = sqlite3.connect(archive)
    snapshot_after_first = snapshot(connection)
    second = run_danvan("crawl", "danvanhungyen", "danvan", "--mirror", "--db", str(archive))
    return first, second, snapshot_after_first, connection


def snapshot(connection) -> dict[str, list]:
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_%'"
        )
        if name not in SKIPPED_TABLES
    ]
    result = {}
    for table in tables:
        columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
        kept = [column for column in columns if column not in MOVING_COLUMNS.get(table, set())]
        result[table] = sorted(connection.execute(f"SELECT {', '.join(kept)} FROM {table}").fetchall(), key=repr)
    return result


def test_crawl_exits_cleanly_with_a_summary(crawled):
    first, _, _, _ = crawled
    assert first.returncode == 0, first.stderr[-2000:]
    assert "Traceback" not in first.stderr
    assert "Archive: 45 articles from 2 sites, 5 republished across sites" in first.stdout
    assert "http_404 1" in first.stdout


def test_every_fixture_article_is_archived_under_its_real_url(crawled):
    _, _, _, connection = crawled
    archived = {row[0] for row in connection.execute("SELECT canonical_url FROM articles")}
    expected = {case["url"] for site in ("danvanhungyen", "danvan") for _, case in fixture_cases(site)}
    assert archived == expected


def test_titles_dates_and_sources_match_the_expected_values(crawled):
    _, _, _, connection = crawled
    for site in ("danvanhungyen", "danvan"):
        for _, case in fixture_cases(site):
            row = connection.execute(
                "SELECT title, published_at, source FROM articles WHERE canonical_url = ?", [case["url"]]
            ).fetchone()
            assert row == (case["title"], case["published_at"], case["source"]), case["url"]


def test_republications_of_danvan_are_linked(crawled):
    _, _, _, connection = crawled
    pairs = connection.execute(
        "SELECT substr(original_url, -11), substr(copy_url, -9) FROM republication_links ORDER BY copy_url"
    ).fetchall()
    assert sorted(pairs) == sorted(
        [("-57265.html", "1523.html"), ("-58876.html", "1761.html"), ("-58458.html", "1712.html"),
         ("-58451.html", "1711.html"), ("-58502.html", "1721.html")]
    )  # fmt: skip


def test_second_crawl_changes_nothing_but_last_seen_and_a_run_row(crawled):
    _, second, snapshot_after_first, connection = crawled
    assert second.returncode == 0
    assert snapshot(connection) == snapshot_after_first
    runs = connection.execute(
        "SELECT sites, articles_new, articles_updated, duplicates, status FROM crawl_runs ORDER BY id"
    ).fetchall()
    assert sorted(runs[2:]) == [("danvan", 0, 0, 0, "ok"), ("danvanhungyen", 0, 0, 0, "ok")]


def test_second_crawl_fetches_only_listings_and_known_dead_links(crawled):
    """robots.txt, the home page and the listings; on danvanhungyen also the 404 and the 500 (4 tries),
    which are not archived and so are tried again. No archived article is fetched again."""
    _, second, _, connection = crawled
    requests = dict(connection.execute("SELECT sites, requests FROM crawl_runs WHERE id > 2").fetchall())
    assert requests == {"danvan": 1 + 1 + 2, "danvanhungyen": 1 + 1 + 5 + 1 + 4}
    assert re.search(r"│ danvan +│ ok +│ 4 +│ 0 ", second.stdout)


def test_every_article_page_is_kept_raw(crawled):
    _, _, _, connection = crawled
    missing = connection.execute(
        "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM raw_pages r"
        " JOIN article_urls u ON u.url = r.final_url WHERE u.article_id = a.id)"
    ).fetchone()[0]
    assert missing == 0


def test_redirected_and_tracking_urls_are_aliases(crawled):
    _, _, _, connection = crawled
    aliases = connection.execute(
        "SELECT substr(u.url, 26, 20) FROM article_urls u JOIN articles a ON a.id = u.article_id"
        " WHERE u.url != a.canonical_url ORDER BY u.url"
    ).fetchall()
    assert aliases == [("dan-van-kheo/tien-lu",), ("hoat-dong-dan-van/la",)]
