"""The real Scrapy engine crawls the bundled demo mirror, served from 127.0.0.1."""

import sqlite3

import pytest

from tests.conftest import fixture_cases, run_danvan

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    archive = tmp_path_factory.mktemp("e2e") / "archive.db"
    first = run_danvan("crawl", "danvanhungyen", "--mirror", "--db", str(archive))
    connection = sqlite3.connect(archive)
    counts_after_first = table_counts(connection)
    second = run_danvan("crawl", "danvanhungyen", "--mirror", "--db", str(archive))
    return first, second, counts_after_first, connection


def table_counts(connection):
    return {
        table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("articles", "article_urls", "images", "related_links", "sites")
    }


def test_crawl_exits_cleanly_with_a_summary(crawled):
    first, _, _, _ = crawled
    assert "Traceback" not in first.stderr
    assert "Archive:" in first.stdout
    assert "http_404 1" in first.stdout


def test_every_fixture_article_is_archived_under_its_real_url(crawled):
    _, _, _, connection = crawled
    archived = {row[0] for row in connection.execute("SELECT canonical_url FROM articles")}
    expected = {case["url"] for _, case in fixture_cases("danvanhungyen")}
    assert expected <= archived
    assert not [url for url in archived if "127.0.0.1" in url]


def test_titles_dates_and_sources_match_the_expected_values(crawled):
    _, _, _, connection = crawled
    for _, case in fixture_cases("danvanhungyen"):
        row = connection.execute(
            "SELECT title, published_at, source FROM articles WHERE canonical_url = ?",
            [case["url"]],
        ).fetchone()
        assert row == (case["title"], case["published_at"], case["source"]), case["url"]


def test_second_crawl_adds_no_rows(crawled):
    _, second, counts_after_first, connection = crawled
    assert "Traceback" not in second.stderr
    assert table_counts(connection) == counts_after_first
    first_run, second_run = connection.execute(
        "SELECT articles_new, articles_updated, duplicates, articles_unchanged FROM crawl_runs ORDER BY id"
    ).fetchall()
    assert second_run[:3] == (0, 0, 0)
    assert first_run[0] == 37
    assert second_run[3] == 38  # every article again, one of them also under its utm_* link


def test_redirected_url_is_recorded_as_an_alias(crawled):
    _, _, _, connection = crawled
    aliases = connection.execute(
        "SELECT COUNT(*) FROM article_urls u JOIN articles a ON a.id = u.article_id"
        " WHERE u.url != a.canonical_url"
    ).fetchone()[0]
    assert aliases == 2  # the 301'd old URL and the link with utm_* parameters
