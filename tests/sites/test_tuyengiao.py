"""tuyengiao.vn (ASP.NET CMS and 2022–2025 layout, demo mirror): every fixture article against its JSON."""

import pytest

from danvan_crawler.extract.article import extract_article
from danvan_crawler.sites import load_profile
from tests.conftest import file_response, fixture_cases
from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)
from tests.sites.field_checks import extract_case

SITE = "tuyengiao"
HOST = "https://tuyengiao.vn"


@pytest.fixture
def boilerplate():
    return (
        "Chia sẻ", "GMT+7", "Tin liên quan", "Đọc nhiều", "In bài viết", "TẠP CHÍ TUYÊN GIÁO", "Giấy phép",
        "Tổng Biên tập", "Ghi rõ nguồn", "Trang chủ", "Lưu trữ", "Nguồn:", "(TCTG)",
    )  # fmt: skip


def _layout(path) -> str:
    text = path.read_text(encoding="utf-8")
    return "aspnet" if 'class="story_headline"' in text else "2022" if 'class="story-headline"' in text else "?"


def test_two_articles_per_layout():
    layouts = [_layout(path) for path, _ in fixture_cases(SITE)]
    assert layouts.count("aspnet") >= 2
    assert layouts.count("2022") >= 2
    assert "?" not in layouts


@pytest.mark.parametrize(
    ("url", "article", "listing"),
    [
        (f"{HOST}/thoi-su/nang-cao-chat-luong-sinh-hoat-chi-bo-o-khu-dan-cu-130954", True, False),
        ("http://www.tuyengiao.vn/thoi-su/nang-cao-chat-luong-sinh-hoat-chi-bo-o-khu-dan-cu-130954", True, False),
        (f"{HOST}/nhan-dien-thu-doan-xuyen-tac-tren-khong-gian-mang-137512", True, False),
        (f"{HOST}/bai-hat-di-theo-huong-mat-troi-806", True, False),
        (f"{HOST}/thoi-su", False, True),
        (f"{HOST}/thoi-su?page=2", False, True),
        (f"{HOST}/thoi-su-chinh-tri?page=1", False, True),
        (f"{HOST}/thoi-su-chinh-tri?page=50", False, True),
        (f"{HOST}/hoc-va-lam-theo-bac", False, True),
        (f"{HOST}/the-gioi", False, True),
        (f"{HOST}/", False, False),
        (f"{HOST}/Uploads/2021/9/20/29/tu-viec-thien-nguyen-den-chuyen-minh-bach-2021.jpg", False, False),
        (f"{HOST}/tim-kiem?q=dan-van-2021", False, False),
    ],
)
def test_url_patterns_of_both_layouts(url, article, listing):
    profile = load_profile(SITE)
    assert (profile.is_article(url), profile.is_listing(url)) == (article, listing)


def test_each_layout_uses_its_own_selectors():
    for path, expected in fixture_cases(SITE):
        article, _ = extract_case(SITE, path, expected)
        assert article.field_sources["title"] == "profile"
        raw = article.published_at_raw
        assert raw.endswith("GMT+7") if _layout(path) == "2022" else " | " in raw


def test_date_row_inside_the_new_body_is_not_a_paragraph():
    """The 2022–2025 layout keeps its date (div.ml-lg-auto) and share bar at the top of div.story-body."""
    path, expected = next(case for case in fixture_cases(SITE) if "-141788" in case[1]["url"])
    assert b'<div class="story-body">\n<div class="d-lg-flex align-items-center story-tools">' in path.read_bytes()
    article, _ = extract_case(SITE, path, expected)
    assert "12/03/2024" not in article.body_text
    assert article.body_html.count("ml-lg-auto") == 0


def test_old_author_paragraph_leaves_the_body():
    """ASP.NET pages: the last p of #ArticleContent is the author, not article text."""
    for path, expected in fixture_cases(SITE):
        if _layout(path) == "aspnet":
            article, _ = extract_case(SITE, path, expected)
            assert article.author == expected["author"]
            assert not article.body_text.endswith(expected["author"])


def test_www_and_http_og_url_canonicalise_to_the_bare_https_host():
    """Old pages declare og:url as http://www.tuyengiao.vn/…; the archive keys on https://tuyengiao.vn/…."""
    path, expected = next(case for case in fixture_cases(SITE) if "/thoi-su/" in case[1]["url"])
    assert b'property="og:url" content="http://www.tuyengiao.vn/thoi-su/' in path.read_bytes()
    response = file_response(path, expected["url"].replace("https://", "http://www."))
    article = extract_article(response, load_profile(SITE))
    assert article.canonical_url == expected["url"]
