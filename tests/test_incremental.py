"""Incremental runs: only what is new or due is fetched; edits become versions; 304 is unchanged."""

import json
import sqlite3
from datetime import datetime, timedelta

import pytest

from danvan_crawler.dates import HO_CHI_MINH
from tests.conftest import run_danvan
from tests.throwaway_site import ThrowawaySite, article_html

pytestmark = pytest.mark.slow
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def visible_date(day: datetime) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y} - 08:15"


def last_run(site) -> dict:
    connection = sqlite3.connect(site.archive)
    connection.row_factory = sqlite3.Row
    run = dict(connection.execute("SELECT * FROM crawl_runs ORDER BY id DESC").fetchone())
    run["stats"] = json.loads(run["stats"])
    return run


@pytest.fixture
def site(tmp_path):
    site = ThrowawaySite(tmp_path)
    yesterday = datetime.now(HO_CHI_MINH) - timedelta(days=1)
    site.page("/a/fresh-1.html", article_html("Bài mới", "Nội dung mới.", date=visible_date(yesterday)))
    site.page("/a/old-2.html", article_html("Bài cũ", "Nội dung cũ.", date="Thứ Ba, 29/12/2020 - 08:15"))
    site.write()
    return site


def test_recent_articles_are_revisited_conditionally_and_old_ones_not_at_all(site):
    site.crawl()
    site.crawl()
    run = last_run(site)
    assert run["stats"]["danvan/pages/revisit"] == 1
    assert run["stats"]["danvan/pages/not_modified"] == 1
    assert run["stats"]["danvan/skipped/known"] == 1
    assert (run["articles_new"], run["articles_updated"], run["articles_unchanged"]) == (0, 0, 1)
    assert run["requests"] == 3  # robots.txt, the home page, the recent article


def test_an_edited_recent_article_becomes_a_new_version(site):
    site.crawl()
    yesterday = datetime.now(HO_CHI_MINH) - timedelta(days=1)
    site.page("/a/fresh-1.html", article_html("Bài mới (sửa)", "Nội dung đã sửa.", date=visible_date(yesterday)))
    site.write()
    site.crawl()
    assert last_run(site)["articles_updated"] == 1
    connection = sqlite3.connect(site.archive)
    assert connection.execute("SELECT title, version FROM articles WHERE url LIKE '%fresh-1%'").fetchone() == (
        "Bài mới (sửa)",
        2,
    )
    assert connection.execute("SELECT title FROM article_versions").fetchall() == [("Bài mới",)]


def test_refresh_fetches_every_archived_article_again(site):
    site.crawl()
    result = run_danvan("crawl", str(site.profile), "--refresh", "--mirror-dir", str(site.folder / "mirror"),
                        "--db", str(site.archive))  # fmt: skip
    assert result.returncode == 0
    assert last_run(site)["stats"]["danvan/pages/revisit"] == 2


def test_since_skips_older_listing_items_and_stops_paging(tmp_path):
    archive = tmp_path / "archive.db"
    result = run_danvan("crawl", "danvanhungyen", "--mirror", "--since", "2021-06-01", "--db", str(archive))
    assert result.returncode == 0
    dates = [row[0] for row in sqlite3.connect(archive).execute("SELECT published_date FROM articles") if row[0]]
    assert dates and min(dates) >= "2021-06-01"
    stats = json.loads(sqlite3.connect(archive).execute("SELECT stats FROM crawl_runs").fetchone()[0])
    assert stats["danvan/skipped/older_than_since"] > 0
