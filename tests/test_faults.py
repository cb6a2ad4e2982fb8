"""What the network and the machine do to a crawl, done for real against the local mirror."""

import json
import os
import sqlite3
import time

import pytest
from scrapy.crawler import Crawler

from danvan_crawler.archive.locks import SiteLock
from danvan_crawler.spiders.site import SiteSpider
from tests.conftest import run_danvan
from tests.throwaway_site import ThrowawaySite, article_html

pytestmark = pytest.mark.slow


def stats_of(site: ThrowawaySite) -> dict:
    row = sqlite3.connect(site.archive).execute("SELECT stats FROM crawl_runs ORDER BY id DESC").fetchone()
    return json.loads(row[0])


def archived(site: ThrowawaySite) -> list[str]:
    rows = sqlite3.connect(site.archive).execute("SELECT url FROM articles ORDER BY url").fetchall()
    return [url.rsplit("/", 1)[-1] for (url,) in rows]


def test_429_and_503_are_retried_after_the_servers_retry_after(tmp_path):
    site = ThrowawaySite(tmp_path)
    site.page("/a/busy-1.html", article_html("Bài một", "Nội dung một."), fail_times=1, fail_status=503, retry_after=2)
    site.page("/a/limited-2.html", article_html("Bài hai", "Nội dung hai."), fail_times=2, fail_status=429,
              retry_after=1)  # fmt: skip
    site.write()
    started = time.monotonic()
    result = site.crawl({"RETRY_TIMES": "3"})
    assert "Traceback" not in result.stderr
    assert archived(site) == ["busy-1.html", "limited-2.html"]
    stats = stats_of(site)
    assert stats["retry/reason_count/503 Service Unavailable"] == 1
    assert stats["retry/reason_count/429 Unknown Status"] == 2
    assert stats["danvan/retry_backoff_seconds"] >= 2 + 1 + 1
    assert time.monotonic() - started >= 2


def test_connection_resets_and_redirect_loops_are_counted_and_the_crawl_goes_on(tmp_path):
    site = ThrowawaySite(tmp_path)
    site.page("/a/good-1.html", article_html("Bài tốt", "Nội dung."))
    site.route("/a/reset-2.html", reset=True)
    site.route("/a/loop-3.html", status=302, location="/a/loop-4.html")
    site.route("/a/loop-4.html", status=302, location="/a/loop-3.html")
    site.write()
    result = site.crawl({"RETRY_TIMES": "1"})
    assert "Traceback" not in result.stderr
    assert archived(site) == ["good-1.html"]
    errors = json.loads(sqlite3.connect(site.archive).execute("SELECT errors FROM crawl_runs").fetchone()[0])
    assert errors == {"DownloadFailedError": 1}
    redirects = sqlite3.connect(site.archive).execute("SELECT COUNT(*) FROM redirects").fetchone()[0]
    assert redirects >= 2


def test_a_gigabyte_body_is_cut_at_the_size_limit_without_memory_growth(tmp_path):
    site = ThrowawaySite(tmp_path)
    site.page("/a/good-1.html", article_html("Bài tốt", "Nội dung."))
    site.route("/a/huge-2.html", body_size=1024**3)
    site.write()
    started = time.monotonic()
    result = site.crawl({"RETRY_TIMES": "0"})
    assert time.monotonic() - started < 60
    assert archived(site) == ["good-1.html"]
    assert stats_of(site)["danvan/errors/DownloadCancelledError"] == 1
    assert stats_of(site)["memusage/max"] < 500 * 1024**2
    assert "Traceback" not in result.stderr


def test_a_site_that_is_down_fails_while_the_other_goes_on(tmp_path):
    up = ThrowawaySite(tmp_path, name="up", host="up.example")
    up.page("/a/good-1.html", article_html("Bài tốt", "Nội dung."))
    up.write()
    down = ThrowawaySite(tmp_path, name="down", host="down.example", down=True)
    down.page("/a/never-1.html", article_html("Không bao giờ", "Nội dung."))
    down.write()
    archive = tmp_path / "both.db"
    result = run_danvan("crawl", str(up.profile), str(down.profile), "--mirror-dir", str(tmp_path / "mirror"),
                        "--db", str(archive), env={"DANVAN_RETRY_BACKOFF_BASE": "0.05"})  # fmt: skip
    assert result.returncode == 1
    runs = dict(sqlite3.connect(archive).execute("SELECT sites, status FROM crawl_runs").fetchall())
    assert runs == {"up": "ok", "down": "failed"}
    assert "site is down or unreachable" in result.stdout


def test_a_locked_archive_makes_the_writer_wait_and_lose_nothing(tmp_path):
    site = ThrowawaySite(tmp_path)
    for number in range(1, 13):
        site.page(f"/a/bai-{number}.html", article_html(f"Bài {number}", f"Nội dung {number}."), delay=0.2)
    site.write()
    site.crawl({"CLOSESPIDER_PAGECOUNT": "2"})  # creates the archive
    crawler = site.crawl({"ARCHIVE_BATCH_SIZE": "2", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}, wait=False)
    holder = sqlite3.connect(site.archive, isolation_level=None, timeout=30)
    time.sleep(1.0)
    holder.execute("BEGIN EXCLUSIVE")  # a researcher's long write, or a Datasette upgrade
    time.sleep(2.0)
    holder.execute("COMMIT")
    holder.close()
    crawler.communicate(timeout=120)
    assert len(archived(site)) == 12
    assert sqlite3.connect(site.archive).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_full_disk_stops_the_run_cleanly_with_an_intact_archive(tmp_path):
    site = ThrowawaySite(tmp_path)
    site.page("/a/first-1.html", article_html("Bài đầu", "Nội dung đầu."))
    site.write()
    site.crawl()
    size = sum(path.stat().st_size for path in tmp_path.glob("archive.db*") if path.is_file())
    for number in range(2, 40):
        site.page(f"/a/bai-{number}.html", article_html(f"Bài {number}", "Nội dung dài. " * 400))
    site.write()
    result = site.crawl({"ARCHIVE_MAX_BYTES": str(size + 64 * 1024), "ARCHIVE_BATCH_SIZE": "5"})
    connection = sqlite3.connect(site.archive)
    status, reason = connection.execute("SELECT status, finish_reason FROM crawl_runs ORDER BY id DESC").fetchone()
    assert (status, reason) == ("failed", "archive_full")
    assert "the archive is full" in result.stderr
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert "first-1.html" in archived(site)


def test_a_corrupt_archive_is_reported_and_never_overwritten(tmp_path):
    archive = tmp_path / "archive.db"
    archive.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = archive.read_bytes()
    result = run_danvan("crawl", "danvan", "--mirror", "--db", str(archive))
    assert result.returncode == 1
    assert "is not a readable SQLite archive" in result.stderr
    assert archive.read_bytes() == before


def test_legacy_tls_is_allowed_per_profile(tmp_path):
    site = ThrowawaySite(tmp_path, name="oldgov", host="oldgov.example")
    site.write(extra_profile="[access]\nlegacy_tls = true\n")
    crawler = Crawler(SiteSpider)  # settings still open, as during a real crawl's spider creation
    SiteSpider.from_crawler(crawler, site=str(site.profile))
    assert crawler.settings["DOWNLOADER_CLIENT_TLS_METHOD"] == "TLSv1.0"
    assert crawler.settings["DOWNLOADER_CLIENT_TLS_CIPHERS"] == "DEFAULT:@SECLEVEL=0"


def test_a_killed_lock_holder_does_not_block_the_next_run(tmp_path):
    site = ThrowawaySite(tmp_path)
    site.page("/a/bai-1.html", article_html("Bài", "Nội dung."), delay=4)
    site.write()
    first = site.crawl({"DOWNLOAD_TIMEOUT": "20"}, wait=False)
    time.sleep(3)
    first.kill()
    first.wait()
    result = site.crawl({"DOWNLOAD_TIMEOUT": "20"})
    assert "another crawl" not in result.stderr
    assert archived(site) == ["bai-1.html"]


def test_two_runs_of_one_site_never_overlap(tmp_path):
    site = ThrowawaySite(tmp_path)
    site.page("/a/bai-1.html", article_html("Bài", "Nội dung."))
    site.write()
    running = SiteLock(site.archive, "faults").acquire()  # as a run in progress holds it
    started = time.monotonic()
    second = site.crawl()
    running.release()
    assert time.monotonic() - started < 30
    assert f"another crawl of faults is running on this archive (pid {os.getpid()})" in second.stderr
    rows = sqlite3.connect(site.archive).execute("SELECT status, finish_reason, requests FROM crawl_runs").fetchall()
    assert rows == [("failed", "already_running", 0)]
    assert archived(site) == []
