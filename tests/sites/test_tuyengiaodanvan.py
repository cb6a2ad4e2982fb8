"""tuyengiaodanvan.vn (Next.js app, demo mirror): every fixture article against its expected JSON."""

import re

import pytest
from parsel import Selector

from danvan_crawler.extract.article import extract_article
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import load_profile
from danvan_crawler.spiders.site import SiteSpider
from tests.conftest import FIXTURES, file_response, fixture_cases
from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)
from tests.sites.field_checks import extract_case

SITE = "tuyengiaodanvan"
HOST = "https://tuyengiaodanvan.vn"
CATEGORY = f"{HOST}/blogs/category/type/tin-tuc-su-kien?&categoryId=67f4cbf848ad87279a8a7695"
NEXT_DATA = re.compile(rb'<script id="__NEXT_DATA__" type="application/json">.*?</script>', re.DOTALL)


@pytest.fixture
def boilerplate():
    return (
        "6C Hoàng Diệu", "Bản quyền thuộc về", "Ghi rõ nguồn", "phát hành lại thông tin", "Xem toàn văn",
        "Xem nội dung", "Chia sẻ", "Tin liên quan", "Mới nhất", "Dữ liệu đang được cập nhật", "In bài viết",
        "Trang chủ", "Đăng nhập", "Từ khóa", "Nguồn:",
    )  # fmt: skip


def _case(fragment: str):
    return next((path, expected) for path, expected in fixture_cases(SITE) if fragment in expected["url"])


def _without_next_data(path, url):
    response = file_response(path, url)
    return response.replace(body=NEXT_DATA.sub(b"", response.body))


def test_both_url_schemes_have_two_articles():
    urls = [expected["url"] for _, expected in fixture_cases(SITE)]
    blogs = [url for url in urls if url.startswith(f"{HOST}/blogs/")]
    assert len(blogs) >= 2
    assert len(urls) - len(blogs) >= 2
    assert any(url.startswith(f"{HOST}/vn/") for url in urls)
    assert any(re.fullmatch(rf"{HOST}/[a-z0-9-]+-[0-9a-f]{{24}}", url) for url in urls)


@pytest.mark.parametrize(
    ("url", "article", "listing"),
    [
        (f"{HOST}/blogs/phat-huy-vai-tro-nguoi-co-uy-tin-6969a500e3130acb10a453f6", True, False),
        (f"{HOST}/vn/nang-cao-hieu-qua-cong-tac-dan-van-chinh-quyen", True, False),
        (f"{HOST}/ket-qua-khao-sat-du-luan-xa-hoi-696457f8b9ea5ec9b2817741", True, False),
        (CATEGORY, False, True),
        (f"{CATEGORY}&page=2&size=10", False, True),
        (f"{CATEGORY}&page=1&size=10", False, True),
        (f"{HOST}/blogs/category/type/nghien-cuu-trao-doi?&categoryId=67f4d35760777e499c87d26f", False, True),
        (f"{HOST}/vn", False, True),
        (f"{HOST}/vn/van-ban", False, True),
        (f"{HOST}/vn/bao-ve-nen-tang-tu-tuong-cua-dang", False, True),
        (f"{HOST}/vn/bao-ve-nen-tang-tu-tuong-cua-dang?page=2", False, True),
        (f"{HOST}/api/v1/upload/hoi-nghi-jpg-696cf0c080ef063964b080b1", False, False),
        (f"{HOST}/anh-hoat-dong-jpg-696cf0c080ef063964b080b1", False, False),
        (f"{HOST}/api/v1/upload/ke-hoach-pdf-696cf0c080ef063964b080b1.pdf", False, False),
        (f"{HOST}/categories/67f4cbf848ad87279a8a7695", False, False),
        (f"{HOST}/_next/static/chunks/main-0ecb9ccfcb6c9b24.js", False, False),
        (f"{HOST}/vn/tim-kiem?tag=d%C3%A2n-v%E1%BA%ADn", False, False),
        (f"{HOST}/dang-nhap", False, False),
        (f"{HOST}/favicon.ico", False, False),
        ("https://dieutradlxh.tuyengiaodanvan.vn/khao-sat/3f9c2b1e-7d4a-4e8b-9c61-2a5d0e7f4b18", False, False),
    ],
)
def test_url_schemes_and_exclusions(url, article, listing):
    profile = load_profile(SITE)
    assert (profile.is_article(url), profile.is_listing(url)) == (article, listing)


@pytest.mark.parametrize(
    ("listing", "featured"),
    [
        ("listings/dan-chu-va-dan-van.html", "/blogs/giao-ban-cong-tac-dan-chu-va-dan-van"),
        ("home.html", "/vn/hoi-nghi-toan-quoc-quan-triet"),
    ],
)
def test_featured_item_comes_second_in_the_source(listing, featured):
    """order-1/order-2: the first <article> in the source is not the featured one (site-survey §2.1)."""
    page = Selector(text=(FIXTURES / SITE / listing).read_text(encoding="utf-8"))
    first = page.css("article")[0]
    assert not first.css(".blog-image")
    lead = page.css(".blog-image a[href]")[0]
    assert lead.attrib["href"].startswith(featured)
    title = lead.xpath("ancestor::article[1]//h3")[0]
    assert "href" in title.attrib and title.attrib["href"] == lead.attrib["href"]


def test_listing_links_include_the_featured_item_and_not_the_h3_href():
    response = file_response(FIXTURES / SITE / "listings/dan-chu-va-dan-van.html", CATEGORY)
    spider = SiteSpider(site=SITE)
    links = {link.url for link in spider.link_extractor.extract_links(response)}
    articles = {url for url in links if spider.profile.is_article(url)}
    assert {url.split("/blogs/")[1][:20] for url in articles} == {
        "giao-ban-cong-tac-da",
        "phat-huy-vai-tro-ngu",
        "ra-mat-chuyen-muc-ho",
    }
    assert f"{CATEGORY}&page=2&size=10" in links


def test_server_rendered_fallbacks_give_the_same_article_without_the_json():
    """Scheme 2 pages render the article on the server: without __NEXT_DATA__ the CSS fallbacks agree."""
    profile = load_profile(SITE)
    path, expected = _case("/vn/hoi-nghi-toan-quoc")
    with_json = prepare_article(extract_article(file_response(path, expected["url"]), profile))
    without = prepare_article(extract_article(_without_next_data(path, expected["url"]), profile))
    fields = ("title", "summary", "body_text", "author", "category", "tags", "images", "related")
    assert {name: getattr(without, name) for name in fields} == {name: getattr(with_json, name) for name in fields}
    assert without.published_at.isoformat() == "2026-01-23"
    assert without.published_at_raw == "Thứ Sáu, 23/01/2026"
    assert without.field_sources["title"] == "profile"


def test_scheme_1_shell_without_the_json_has_no_article_text():
    """Scheme 1 pages are a client-side shell: the placeholder text must not become a body."""
    path, expected = _case("/blogs/giao-ban")
    article = prepare_article(extract_article(_without_next_data(path, expected["url"]), load_profile(SITE)))
    assert article.body_text == ""
    assert article.published_at.isoformat() == "2026-01-19"


def test_utc_publication_time_is_read_as_the_next_local_day():
    path, expected = _case("/blogs/giao-ban")
    article, _ = extract_case(SITE, path, expected)
    assert article.published_at_raw.startswith("2026-01-18T23:15")
    assert article.published_at.isoformat() == "2026-01-19T06:15:00+07:00"
