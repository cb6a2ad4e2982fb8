"""A run killed with SIGKILL and started again ends with the archive an uninterrupted run makes."""

import signal
import sqlite3
import time

import pytest

from tests.throwaway_site import ThrowawaySite, article_html

pytestmark = pytest.mark.slow
ARTICLES = 30
SLOW = {"CONCURRENT_REQUESTS_PER_DOMAIN": "1", "ARCHIVE_BATCH_SIZE": "2", "DOWNLOAD_TIMEOUT": "20"}


def content(archive) -> list[tuple]:
    connection = sqlite3.connect(archive)
    return connection.execute(
        "SELECT canonical_url, title, body_text, published_at, content_hash FROM articles ORDER BY canonical_url"
    ).fetchall()


def count_articles(archive) -> int:
    try:
        return sqlite3.connect(archive, timeout=1).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = ThrowawaySite(tmp_path_factory.mktemp("crash"))
    for number in range(1, ARTICLES + 1):
        site.page(f"/a/bai-{number}.html", article_html(f"Bài số {number}", f"Nội dung bài {number}."), delay=0.15)
    site.write()
    return site


def test_a_killed_run_resumes_to_the_same_archive_as_an_uninterrupted_one(site, tmp_path):
    reference = tmp_path / "uninterrupted.db"
    site.crawl({**SLOW, "ARCHIVE_PATH": str(reference)})
    assert len(content(reference)) == ARTICLES

    running = site.crawl(SLOW, wait=False)
    deadline = time.monotonic() + 60
    while count_articles(site.archive) < 8 and time.monotonic() < deadline:
        time.sleep(0.1)
    running.send_signal(signal.SIGKILL)
    running.wait()
    written_before_the_kill = count_articles(site.archive)
    assert 8 <= written_before_the_kill < ARTICLES
    connection = sqlite3.connect(site.archive)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    resumed = site.crawl(SLOW)
    assert "Traceback" not in resumed.stderr
    assert content(site.archive) == content(reference)
    runs = connection.execute("SELECT status, finish_reason, articles_new FROM crawl_runs ORDER BY id").fetchall()
    assert runs == [("failed", "killed", None), ("ok", "finished", ARTICLES - written_before_the_kill)]
    assert connection.execute("SELECT COUNT(*) FROM raw_pages").fetchone()[0] >= ARTICLES


def test_a_killed_run_keeps_what_it_fetched_before_the_last_flush_interval(site, tmp_path):
    archive = tmp_path / "timed.db"
    settings = {"CONCURRENT_REQUESTS_PER_DOMAIN": "1", "ARCHIVE_FLUSH_SECONDS": "0.3", "ARCHIVE_PATH": str(archive)}
    running = site.crawl(settings, wait=False)  # fewer than 50 articles: only the timer writes them early
    deadline = time.monotonic() + 60
    while count_articles(archive) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    running.send_signal(signal.SIGKILL)
    running.wait()
    connection = sqlite3.connect(archive)
    articles, raw_pages = connection.execute(
        "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM raw_pages)"
    ).fetchone()
    assert 5 <= articles < ARTICLES
    assert raw_pages > 0  # written by the raw page recorder's own timer
