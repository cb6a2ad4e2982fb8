"""Bad input, crawled for real: every case is logged, counted, and loses nothing archived."""

import json
import sqlite3
import unicodedata

import pytest

from tests.throwaway_site import ThrowawaySite, article_html

pytestmark = pytest.mark.slow

TITLE = "Hội nghị giao ban công tác dân vận quý IV năm 2020"
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Vietnamese in Windows-1258: precomposed base letters, combining tone marks."""
    encoded = bytearray()
    for character in unicodedata.normalize("NFC", text):
        try:
            encoded += character.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", character)
            tones = "".join(mark for mark in decomposed if mark in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
            encoded += (base + tones).encode("cp1258")
    return bytes(encoded)


BODY = "Đảng Cộng sản Việt Nam lãnh đạo công tác dân vận ở cơ sở."


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    site = ThrowawaySite(tmp_path_factory.mktemp("faults"))
    site.page("/a/good-1.html", article_html(TITLE, BODY, name="good"))
    malformed = article_html(TITLE, BODY, name="malformed").encode()[:-60] + b"<div><p>Unclosed <b>tag"
    site.page("/a/malformed-2.html", malformed)
    site.page("/a/nodate-3.html", article_html(TITLE, BODY, date="", name="nodate"))
    legacy = article_html(TITLE, BODY, name="legacy").replace('<meta charset="utf-8">', "")
    site.page("/a/legacy-4.html", windows_1258(legacy), content_type="text/html; charset=windows-1258")
    site.page("/a/nocharset-5.html", article_html(TITLE, BODY + " (5)").replace('<meta charset="utf-8">', ""),
              content_type="text/html")  # fmt: skip
    site.route("/a/missing-6.html", status=404)
    site.route("/a/error-7.html", status=500)
    site.page("/a/slow-8.html", article_html(TITLE, BODY + " (8)"), delay=8)
    site.route("/a/offsite-9.html", status=301, location="https://elsewhere.example/x-9.html")
    site.route("/a/huge-10.html", body_size=300_000)
    site.page("/a/notitle-11.html", "<html><body><div class='content'><p>Chỉ có nội dung.</p></div></body></html>")
    site.page("/a/scan-12", b"%PDF-1.4\nstream\n" + bytes(range(32)) * 8, content_type="application/pdf")
    site.write()
    result = site.crawl({"RETRY_TIMES": "0", "DOWNLOAD_TIMEOUT": "4", "DOWNLOAD_MAXSIZE": "100000",
                         "DOWNLOAD_WARNSIZE": "50000"})  # fmt: skip
    connection = sqlite3.connect(site.archive)
    run = connection.execute("SELECT status, dropped, errors, stats FROM crawl_runs").fetchone()
    return result, connection, run


def titles(connection):
    return dict(connection.execute("SELECT url, title FROM articles").fetchall())


def test_no_traceback_and_the_crawl_finishes(crawl):
    result, _, run = crawl
    assert "Traceback" not in result.stderr
    assert json.loads(run[3])["finish_reason"] == "finished"


def test_good_malformed_undated_and_badly_declared_pages_are_archived(crawl):
    _, connection, _ = crawl
    stored = titles(connection)
    for name in ("good-1", "malformed-2", "nodate-3", "legacy-4", "nocharset-5"):
        assert stored[f"https://faults.example/a/{name}.html"] == TITLE, name


def test_windows_1258_page_gives_the_same_nfc_text(crawl):
    _, connection, _ = crawl
    bodies = dict(connection.execute("SELECT url, body_text FROM articles").fetchall())
    good = bodies["https://faults.example/a/good-1.html"]
    assert bodies["https://faults.example/a/legacy-4.html"] == good.replace("good", "legacy")
    assert good.startswith(BODY)


def test_page_without_date_is_kept_and_counted(crawl):
    _, connection, run = crawl
    assert connection.execute("SELECT published_at FROM articles WHERE url LIKE '%nodate-3%'").fetchone() == (None,)
    assert json.loads(run[3])["danvan/missing/published_at"] == 1


def test_http_errors_and_timeouts_are_counted(crawl):
    _, _, run = crawl
    errors = json.loads(run[2])
    assert (errors["http_404"], errors["http_500"], errors["DownloadTimeoutError"]) == (1, 1, 1)


def test_redirect_off_site_is_not_followed(crawl):
    _, connection, run = crawl
    assert json.loads(run[3])["offsite/filtered"] == 1
    assert not connection.execute("SELECT 1 FROM articles WHERE url LIKE '%elsewhere%'").fetchall()


def test_oversized_page_is_dropped_and_counted(crawl):
    result, _, run = crawl
    assert "huge-10.html" in result.stderr
    assert json.loads(run[2])["DownloadCancelledError"] == 1


def test_items_without_a_title_and_non_html_pages_are_dropped_with_a_reason(crawl):
    result, _, run = crawl
    assert json.loads(run[1]) == {"missing_title": 1, "not_html": 1}
    assert "missing_title: https://faults.example/a/notitle-11.html has no title" in result.stderr
