"""mattran.org.vn (demo mirror): every fixture article against its expected JSON, plus the host rules."""

import re

import pytest
from scrapy.http import HtmlResponse

from danvan_crawler.extract.article import extract_article
from danvan_crawler.sites import load_profile
from danvan_crawler.urls import canonical_url
from tests.conftest import file_response, fixture_cases
from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)

SITE = "mattran"
UPLOADS = "static.mattran.org.vn/zoom/800/uploaded"


@pytest.fixture
def boilerplate():
    return (
        "Tin liên quan", "Xem thêm", "Đọc nhiều", "Chia sẻ", "In bài viết", "Từ khóa", "Lượt xem",
        "Trang chủ", "Phiên bản di động", "CỔNG THÔNG TIN", "Giấy phép", "Tràng Thi", "Bản quyền",
        "Thu Hương", "Minh Anh",
    )  # fmt: skip


def test_the_mirror_has_at_least_three_articles():
    assert len(fixture_cases(SITE)) >= 3


@pytest.mark.parametrize(
    ("url", "article", "listing"),
    [
        ("https://mattran.org.vn/tin-hoat-dong/tap-huan-nghiep-vu-68233.html", True, False),
        ("http://m.mattran.org.vn/tin-hoat-dong/tap-huan-nghiep-vu-68233.html", True, False),
        ("https://mattran.org.vn/tin-hoat-dong/", False, True),
        ("https://mattran.org.vn/tin-hoat-dong/?page=2", False, True),
        ("https://mattran.org.vn/tin-hoat-dong/?page=1", False, True),
        ("https://mattran.org.vn/tag/tap-huan/", False, False),
        ("https://static.mattran.org.vn/files/tai-lieu-12345.html", False, False),
        ("https://mattran.org.vn/tin-hoat-dong/footer__logo", False, False),
    ],
)
def test_url_patterns(url, article, listing):
    profile = load_profile(SITE)
    assert (profile.is_article(url), profile.is_listing(url)) == (article, listing)


def test_first_listing_page_is_the_bare_listing():
    listing = "https://mattran.org.vn/tin-hoat-dong"
    assert canonical_url(listing + "/?page=1") == listing


def test_an_article_fetched_from_the_mobile_host_is_keyed_on_mattran_org_vn():
    path, expected = fixture_cases(SITE)[0]
    mobile_url = expected["url"].replace("https://mattran.org.vn/", "https://m.mattran.org.vn/")
    article = extract_article(file_response(path, mobile_url), load_profile(SITE))
    assert article.url == mobile_url
    assert article.canonical_url == expected["url"]


def test_static_file_links_are_kept_as_written():
    """static.mattran.org.vn answers HTTPS with a redirect down to HTTP; the archive keeps the link."""
    urls = [image["url"] for _, expected in fixture_cases(SITE) for image in expected["images"]]
    assert f"https://{UPLOADS}/thuhuong/2025_10_07/phat-dong-thang-cao-diem-vi-nguoi-ngheo.jpg" in urls
    assert f"http://{UPLOADS}/minhanh/2025_09_15/tap-huan-can-bo-mat-tran-cap-xa.jpg" in urls


def test_template_blocks_do_not_leak_into_the_body(case):
    article, _ = case
    assert "footer__logo" not in article.body_html
    assert "<aside" not in article.body_html and "<nav" not in article.body_html


def test_a_mobile_page_without_a_declared_canonical_is_keyed_on_mattran_org_vn():
    path, expected = fixture_cases(SITE)[0]
    page = re.sub(r'<link rel="canonical"[^>]*>|<meta property="og:url"[^>]*>', "", path.read_text(encoding="utf-8"))
    mobile_url = expected["url"].replace("https://mattran.org.vn/", "https://m.mattran.org.vn/")
    response = HtmlResponse(url=mobile_url, body=page.encode("utf-8"), encoding="utf-8")
    assert extract_article(response, load_profile(SITE)).canonical_url == expected["url"]
