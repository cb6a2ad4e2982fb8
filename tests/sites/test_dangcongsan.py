"""dangcongsan.vn (old CMS and the 2025–26 portal): every fixture article against its expected JSON."""

import pytest
from parsel import Selector

from danvan_crawler.extract.article import extract_article
from danvan_crawler.extract.metadata import read_metadata
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import load_profile
from tests.conftest import FIXTURES, file_response, fixture_cases
from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)
from tests.sites.field_checks import extract_case

SITE = "dangcongsan"
PORTAL = "Cổng thông tin điện tử Đảng Cộng sản Việt Nam"
PV_PAGE = "doi-thoai-truc-tiep-giua-nguoi-dung-dau-cap-uy-voi-nhan-dan-kenh-quan-trong-de-cung-co-niem-tin"


@pytest.fixture
def boilerplate():
    return (
        "Tin liên quan", "Đọc nhiều", "Chia sẻ", "Facebook", "Zalo", "Bản quyền thuộc về", "Ghi rõ nguồn",
        "In bài viết", "Gửi bài viết", "Trang chủ", "(ĐCSVN)", "Giấy phép", "Hoàng Anh", "Thu Hằng",
    )  # fmt: skip


def test_both_layouts_have_at_least_two_articles():
    urls = [expected["url"] for _, expected in fixture_cases(SITE)]
    current = [url for url in urls if "?categoryId=" in url]
    assert len(current) >= 2
    assert len(urls) - len(current) >= 2


def test_canonical_is_og_url_without_the_category_query_and_on_the_bare_https_host():
    for path, expected in fixture_cases(SITE):
        article, _ = extract_case(SITE, path, expected)
        link = Selector(text=path.read_text(encoding="utf-8")).css("link[rel=canonical]::attr(href)").get()
        if "?categoryId=" in expected["url"]:
            assert "?categoryId=" in link  # the trap: the canonical link keeps the query, og:url does not
        else:
            assert link.startswith("http://www.dangcongsan.vn/")  # old CMS: http and www
        assert article.canonical_url == expected["url"].split("?")[0]


def test_truncated_og_title_is_not_the_title():
    truncated = 0
    for path, expected in fixture_cases(SITE):
        og_title = read_metadata(Selector(text=path.read_text(encoding="utf-8"))).og_title
        if og_title.endswith("..."):
            truncated += 1
            assert expected["title"].startswith(og_title.removesuffix("..."))
            assert expected["title"] != og_title
    assert truncated >= 2


def test_agency_tag_is_cut_from_the_summary(case):
    article, _ = case
    assert not article.summary.startswith("(ĐCSVN)")


def test_staff_initials_the_outlet_and_the_default_dc_creator_are_no_author():
    profile = load_profile(SITE)
    assert set(profile.ignore_authors) == {"PV", "BTV", "ĐCSVN", PORTAL}
    generic = set()
    for path, expected in fixture_cases(SITE):
        page = Selector(text=path.read_text(encoding="utf-8"))
        byline = page.css(".author::text, .detail-author::text").get()
        creator = page.css("meta[name='DC.Creator']::attr(content)").get()
        if byline in profile.ignore_authors or (byline is None and creator == PORTAL):
            generic.add(byline)
            assert expected["author"] is None, path.name
        else:
            assert expected["author"] == byline, path.name
    assert generic == {"PV", "ĐCSVN", None}  # None: no visible byline, DC.Creator is the portal's name


def test_dc_creator_is_the_byline_when_the_visible_one_is_generic():
    path = FIXTURES / SITE / "articles" / f"{PV_PAGE}.html"
    page = path.read_text(encoding="utf-8").replace(
        f'<meta name="DC.Creator" content="{PORTAL}">', '<meta name="DC.Creator" content="Lan Anh">'
    )
    response = file_response(path, "https://dangcongsan.vn/x.html").replace(body=page.encode("utf-8"))
    article = prepare_article(extract_article(response, load_profile(SITE)))
    assert article.author == "Lan Anh"
