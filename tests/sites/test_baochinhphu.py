"""baochinhphu.vn (demo mirror, old .vgp CMS and current VCCorp-style CMS): every fixture article."""

import json

import pytest
from parsel import Selector

from danvan_crawler.sites import load_profile
from tests.conftest import FIXTURES, fixture_cases
from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)
from tests.sites.field_checks import extract_case

SITE = "baochinhphu"


@pytest.fixture
def boilerplate():
    return (
        "(Chinhphu.vn)", "Tin liên quan", "Tin cùng chuyên mục", "Đọc nhiều", "Các tin khác", "Chia sẻ",
        "In bài", "Từ khóa", "Bình luận", "Cơ quan chủ quản", "Giấy phép", "Bản quyền", "Ghi rõ nguồn",
        "Lê Hồng Phong", "Thu Giang",
    )  # fmt: skip


def test_both_layouts_have_at_least_two_articles():
    urls = [expected["url"] for _, expected in fixture_cases(SITE)]
    assert len([url for url in urls if url.endswith(".vgp")]) >= 2
    assert len([url for url in urls if url.endswith(".htm")]) >= 2


@pytest.mark.parametrize(
    ("url", "article", "listing"),
    [
        ("https://baochinhphu.vn/tang-cuong-cong-tac-dan-van-102250603090512.htm", True, False),
        ("https://baochinhphu.vn/mat-tran-cac-cap-giam-sat-10225092208301542.htm", True, False),
        ("https://baochinhphu.vn/so-ket-2-nam-102251006154210187.htm", True, False),
        ("https://baochinhphu.vn/chinh-tri.htm", False, True),
        ("https://baochinhphu.vn/tag/dan-chu-o-co-so.htm", False, False),
        ("https://baochinhphu.vn/home.rss", False, False),
        ("http://baochinhphu.vn/Tin-noi-bat/Cac-bo-nganh-Trung-uong/421807.vgp", True, False),
        ("http://baochinhphu.vn/Thoi-su/443.vgp", False, True),
        ("http://baochinhphu.vn/Thoi-su/443.vgp?page=2", False, True),
        ("http://baochinhphu.vn/Tag/Dan-van-kheo.vgp", False, False),
    ],
)
def test_url_patterns_of_both_cmss(url, article, listing):
    profile = load_profile(SITE)
    assert (profile.is_article(url), profile.is_listing(url)) == (article, listing)


def test_current_cms_comes_from_the_vccorp_base():
    profile = load_profile(SITE)
    assert profile.selectors["author"][0].startswith("div.detail-author[data-role=author]")
    assert profile.selectors["title"][0] == "h1.detail-title[data-role=title]"
    assert profile.image_captions[0] == ".PhotoCMS_Caption"


def test_entity_encoded_json_ld_headline_is_not_the_title(case):
    article, expected = case
    if not expected["url"].endswith(".htm"):
        pytest.skip("the .vgp pages have no JSON-LD")
    path = next(path for path, values in fixture_cases(SITE) if values["url"] == expected["url"])
    scripts = Selector(text=path.read_text(encoding="utf-8")).css("script[type='application/ld+json']::text")
    headline = next(data["headline"] for data in map(json.loads, scripts.getall()) if "headline" in data)
    assert "&#" in headline
    assert article.title == expected["title"] != headline


def test_generic_json_ld_author_is_dropped():
    profile = load_profile(SITE)
    assert "baochinhphu.vn" in profile.ignore_authors
    authors = {expected["url"].rsplit("-", 1)[-1]: expected["author"] for _, expected in fixture_cases(SITE)}
    assert authors["10225092208301542.htm"] is None


def test_publication_date_is_not_read_from_the_article_id():
    """102|250603|090512 looks like 2025-06-03 09:05:12, but the page says 2025-06-04 07:30."""
    cases = fixture_cases(SITE)
    path, expected = next(case for case in cases if case[1]["url"].endswith("102250603090512.htm"))
    article, _ = extract_case(SITE, path, expected)
    assert article.published_at.isoformat() == "2025-06-04T07:30:00+07:00"


def test_home_feed_is_declared_and_served():
    profile = load_profile(SITE)
    assert profile.feeds == ("https://baochinhphu.vn/home.rss",)
    routes = json.loads((FIXTURES / SITE / "mirror.json").read_text(encoding="utf-8"))["routes"]
    feed_file = FIXTURES / SITE / routes["/home.rss"]["file"]
    feed = Selector(text=feed_file.read_text(encoding="utf-8"), type="xml")
    links = feed.xpath("//item/link/text()").getall()
    assert links and all(profile.is_article(link) for link in links)
