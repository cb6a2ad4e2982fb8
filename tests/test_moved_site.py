"""danvan.vn after the 2025 merger: its redirects to tuyengiaodanvan.vn are followed and recorded."""

import json
import shutil
import sqlite3

import pytest

from tests.conftest import FIXTURES, run_danvan

pytestmark = pytest.mark.slow
NEW_HOME = "https://tuyengiaodanvan.vn/vn"
OLD_ARTICLE = "/tin-tuc/giao-ban-cong-tac-dan-chu-va-dan-van-khu-vuc-dong-bang-song-hong-nam-2025-61234.html"
NEW_ARTICLE = (
    "https://tuyengiaodanvan.vn/blogs/giao-ban-cong-tac-dan-chu-va-dan-van-khu-vuc-dong-bang-song-hong-nam-2025"
    "-696d6974db037adbda70c507"
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    mirror = tmp_path_factory.mktemp("moved")
    shutil.copytree(FIXTURES / "tuyengiaodanvan", mirror / "tuyengiaodanvan")
    (mirror / "danvan").mkdir()
    (mirror / "danvan" / "home.html").write_text(f'<html><body><a href="{OLD_ARTICLE}">Bài cũ</a></body></html>')
    routes = {
        "/robots.txt": {"status": 404},
        "/": {"status": 301, "location": NEW_HOME},
        "/tin-tuc": "home.html",  # a frozen listing still served by the old host
        OLD_ARTICLE: {"status": 301, "location": NEW_ARTICLE},
    }
    (mirror / "danvan" / "mirror.json").write_text(json.dumps({"host": "danvan.vn", "routes": routes}))
    path = mirror / "archive.db"
    result = run_danvan("crawl", "danvan", "--mirror-dir", str(mirror), "--db", str(path))
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return sqlite3.connect(path)


def test_articles_of_the_new_site_are_archived_under_its_own_profile(archive):
    sites = dict(archive.execute("SELECT site, COUNT(*) FROM articles GROUP BY site").fetchall())
    assert sites == {"tuyengiaodanvan": 6}


def test_the_redirect_chain_is_recorded(archive):
    redirects = set(archive.execute("SELECT from_url, to_url, status FROM redirects").fetchall())
    assert ("https://danvan.vn/", NEW_HOME, 301) in redirects
    assert (f"https://danvan.vn{OLD_ARTICLE}", NEW_ARTICLE, 301) in redirects


def test_an_old_article_url_becomes_an_alias_of_the_moved_article(archive):
    row = archive.execute(
        "SELECT a.canonical_url, u.published_date = a.published_date FROM article_urls u"
        " JOIN articles a ON a.id = u.article_id WHERE u.url = ?",
        [f"https://danvan.vn{OLD_ARTICLE}"],
    ).fetchone()
    assert row == (NEW_ARTICLE, 1)
