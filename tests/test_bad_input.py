"""Bad input, crawled for real: every case is logged, counted, and loses nothing archived."""

import json
import os
import sqlite3
import subprocess
import sys
import unicodedata

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

TITLE = "Hội nghị giao ban công tác dân vận quý IV năm 2020"
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
BODY = "Đảng Cộng sản Việt Nam lãnh đạo công tác dân vận ở cơ sở."


def article_html(name, title=TITLE, date="Thứ Ba, 29/12/2020 - 08:15", charset="utf-8"):
    meta = f'<meta charset="{charset}">' if charset else ""
    date_html = f'<span class="date">{date}</span>' if date else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
        f'<h1 class="title">{title}</h1>{date_html}<div class="content"><p>{BODY}</p>'
        f"<p>Đoạn thứ hai của bài viết {name}.</p></div></body></html>"
    )


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


PAGES = {
    "good-1": (article_html("good").encode(), None),
    "malformed-2": (article_html("malformed").encode()[:-60] + b"<div><p>Unclosed <b>tag", None),
    "nodate-3": (article_html("nodate", date=None).encode(), None),
    "legacy-4": (windows_1258(article_html("legacy", charset="")), "text/html; charset=windows-1258"),
    "nocharset-5": (article_html("nocharset", charset="").encode(), "text/html"),
    "notitle-11": (
        "<html><body><div class='content'><p>Chỉ có nội dung.</p></div></body></html>".encode(),
        None,
    ),
}
ROUTES = {
    "/a/missing-6.html": None,
    "/a/error-7.html": {"status": 500},
    "/a/slow-8.html": {"file": "a/good-1.html", "delay": 3},
    "/a/offsite-9.html": {"status": 301, "location": "https://elsewhere.example/x-9.html"},
    "/a/huge-10.html": {"body_size": 300_000},
    "/a/scan-12": {"file": "a/scan-12.pdf", "content_type": "application/pdf"},
}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    site = folder / "mirror" / "faults"
    (site / "a").mkdir(parents=True)
    routes = {"/robots.txt": {"status": 404}}
    (site / "a" / "scan-12.pdf").write_bytes(b"%PDF-1.4\nstream\n" + bytes(range(32)) * 8)
    for name, (body, content_type) in PAGES.items():
        (site / "a" / f"{name}.html").write_bytes(body)
        routes[f"/a/{name}.html"] = (
            {"file": f"a/{name}.html", "content_type": content_type} if content_type else f"a/{name}.html"
        )
    routes.update({path: route for path, route in ROUTES.items() if route})
    links = "".join(f'<a href="{path}">{path}</a>' for path in sorted({*routes, *ROUTES} - {"/robots.txt"}))
    (site / "home.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")
    routes["/"] = "home.html"
    (site / "mirror.json").write_text(json.dumps({"host": "faults.example", "routes": routes}))
    profile = folder / "faults.toml"
    profile.write_text(
        'name = "faults"\nbase_url = "https://faults.example"\ndomains = ["faults.example"]\n'
        'start_urls = ["https://faults.example/"]\n'
        "[urls]\narticle = ['/a/[a-z]+-\\d+(\\.html)?$']\n"
        '[selectors]\ntitle = ["h1.title"]\nbody = [".content"]\npublished = [".date"]\n',
        encoding="utf-8",
    )
    archive = folder / "archive.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "site",
            "-a",
            f"site={profile}",
            "-s",
            f"ARCHIVE_PATH={archive}",
            "-s",
            "DOWNLOAD_TIMEOUT=1",
            "-s",
            "RETRY_TIMES=0",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=0",
            "-s",
            "DOWNLOAD_MAXSIZE=100000",
            "-s",
            "DOWNLOAD_WARNSIZE=50000",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "DANVAN_MIRROR_DIR": str(folder / "mirror")},
    )
    connection = sqlite3.connect(archive)
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
    legacy = bodies["https://faults.example/a/legacy-4.html"]
    assert legacy == bodies["https://faults.example/a/good-1.html"].replace("good", "legacy")
    assert legacy.startswith(BODY)


def test_page_without_date_is_kept_and_counted(crawl):
    _, connection, run = crawl
    assert connection.execute("SELECT published_at FROM articles WHERE url LIKE '%nodate-3%'").fetchone() == (None,)
    assert json.loads(run[3])["danvan/missing/published_at"] == 1


def test_http_errors_and_timeouts_are_counted(crawl):
    _, _, run = crawl
    errors = json.loads(run[2])
    assert errors["http_404"] == 1
    assert errors["http_500"] == 1
    assert errors["DownloadTimeoutError"] == 1


def test_redirect_off_site_is_not_followed(crawl):
    result, connection, run = crawl
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
