"""nhandan.vn (article__/cms- CMS family): every fixture article against its expected JSON."""

import json

import pytest
from parsel import Selector

from danvan_crawler.sites import load_profile
from tests.conftest import FIXTURES, fixture_cases
from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)
from tests.sites.field_checks import extract_case

SITE = "nhandan"


@pytest.fixture
def boilerplate():
    return (
        "Quảng cáo", "Tin liên quan", "Facebook", "Zalo", "Trụ sở Bộ biên tập", "Bản quyền", "Ghi rõ nguồn",
        "Ảnh:", "THANH GIANG", "MINH PHƯƠNG", "Trang chủ", "Từ vận động hiến đất làm đường",
    )  # fmt: skip


def test_the_feed_is_rss_2_and_lists_every_article_of_the_mirror():
    profile = load_profile(SITE)
    routes = json.loads((FIXTURES / SITE / "mirror.json").read_text(encoding="utf-8"))["routes"]
    assert profile.feeds == ("https://nhandan.vn/rss/home.rss",)
    route = routes["/rss/home.rss"]
    assert route["content_type"].startswith("application/rss+xml")
    feed = Selector(text=(FIXTURES / SITE / route["file"]).read_text(encoding="utf-8"), type="xml")
    assert feed.xpath("/rss/@version").get() == "2.0"
    links = feed.xpath("//item/link/text()").getall()
    assert all(profile.is_article(link) for link in links)
    assert all(link.removeprefix("https://nhandan.vn") in routes for link in links)
    assert sorted(links) == sorted(expected["url"] for _, expected in fixture_cases(SITE))


def test_the_newspapers_own_name_is_not_a_byline():
    authors = {expected["url"].rsplit("-", 1)[-1]: expected["author"] for _, expected in fixture_cases(SITE)}
    assert authors["post924532.html"] is None  # JSON-LD author "Báo Nhân Dân điện tử", no .article__author
    assert load_profile(SITE).ignore_authors == ("Báo Nhân Dân điện tử",)


def test_a_page_whose_json_ld_does_not_parse_is_dated_from_time_datetime():
    raws = {}
    for path, expected in fixture_cases(SITE):
        article, _ = extract_case(SITE, path, expected)
        raws[path.stem.rsplit("-", 1)[-1]] = article.published_at_raw
        assert article.published_at.isoformat() == expected["published_at"]
    # post924870: unescaped quotes break its JSON-LD and it has no article:published_time, so the
    # date is time.time@datetime, whose offset has no colon; elsewhere JSON-LD datePublished wins.
    assert raws == {
        "post925114": "2026-11-19T10:21:00+07:00",
        "post924870": "2026-11-18T15:40:00+0700",
        "post924532": "2026-11-17T08:05:00+07:00",
    }


def test_nested_blocks_inside_the_body_do_not_leak(case):
    article, _ = case
    for image in article.images:
        assert image["url"].startswith("https://image.nhandan.vn/")
    assert "window.CMS_BANNER" not in article.body_text
    assert "Chia sẻ" not in article.body_text
