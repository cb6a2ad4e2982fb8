"""The generic path (extract/generic.py): pages read without a profile, and profile fields that fall back.

The real VnExpress pages live outside the project (../shared/realpages); their tests are skipped
where that folder is absent. Their expected values come from the pages' own sources: the
h1.title-detail, the JSON-LD datePublished and the paragraphs of article.fck_detail.
"""

import dataclasses
import json

import pytest
from click.testing import CliRunner
from parsel import Selector

from danvan_crawler import cli
from danvan_crawler.extract.article import extract_article
from danvan_crawler.extract.generic import extract_generic, generic_title
from danvan_crawler.extract.metadata import read_metadata
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import load_profile
from tests.conftest import FIXTURES, SHARED, file_response

REAL_PAGES = SHARED / "realpages" / "vnexpress.net"
needs_real_pages = pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="../shared/realpages is not here")

VNEXPRESS = {
    "article-kinh-doanh-giam-tru-gia-canh.html": {
        "url": "https://vnexpress.net/ong-ho-duc-phoc-se-nang-muc-giam-tru-gia-canh-tinh-thue-ca-nhan-khi-sua-luat-4672302.html",
        "title": "Ông Hồ Đức Phớc: Sẽ nâng mức giảm trừ gia cảnh tính thuế cá nhân khi sửa luật",
        "published_at": "2023-11-02T19:20:45+07:00",
        "body_first": "Thông tin trên được Bộ trưởng Tài chính Hồ Đức Phớc chia sẻ bên hành lang Quốc hội, chiều 2/11.",
        "body_last": "Khảo sát của VnExpress hồi đầu năm cũng cho thấy, với hơn 23.900 độc giả có mức thu nhập"
        " bình quân 22 triệu đồng mỗi tháng, người nộp thuế chi tiêu cho bản thân mỗi tháng hơn 10 triệu"
        " đồng nhưng họ tốn ít nhất 7 triệu đồng để nuôi một người phụ thuộc - chiếm 70% mức chi cho bản"
        " thân, lớn hơn nhiều so với tỷ lệ 40% mà Bộ Tài chính xác định.",
        "paragraph_count": 10,
    },
    "article-ung-thu-lymphoma-2025-10-22.html": {
        "url": "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html",
        "title": "Đau bụng kéo dài, phát hiện ung thư lymphoma ruột non",
        "published_at": "2025-10-22T19:25:52+07:00",
        "body_first": "Ngày 22/10, BS.CK2 Cao Thị Hồng, Trưởng Trung tâm Kiểm tra sức khỏe Chợ Rẫy Việt Nhật (HECI),"
        " Bệnh viện Chợ Rẫy, cho biết bệnh nhân đau bụng âm ỉ, ăn uống khó tiêu, đầy hơi và tiêu chảy kéo dài"
        " nhiều tuần, sụt 2-3 kg. Ông nghĩ bị rối loạn tiêu hóa thông thường, song uống thuốc không khỏi.",
        "body_last": "Nội soi và tầm soát sức khỏe định kỳ giúp phát hiện sớm các bệnh lý ác tính đường tiêu hóa."
        " Hướng điều trị thường phụ thuộc vào loại cũng như giai đoạn bệnh, có thể phẫu thuật, hóa trị hoặc xạ trị.",
        "paragraph_count": 5,
    },
}

# One article of every mirrored site whose pages carry their body in the HTML, read with no profile.
FIXTURE_PAGES = {
    "danvanhungyen": "ban-chi-huy-quan-su-co-quan-ban-dan-van-trung-uong-so-ket-cong-tac-quoc-phong-quan-su-co-quan"
    "-6-thang-dau-nam-2021-1754",
    "danvan": "can-bo-cong-chuc-co-quan-ban-dan-van-trung-uong-tich-cuc-phong-chong-dich-covid-19-58451",
    "baochinhphu": "vgp-cac-bo-nganh-trung-uong-tong-ket-thuc-hien-quy-che-cong-tac-dan-van-nam-2020-421807",
    "dangcongsan": "bieu-duong-150-mo-hinh-dan-van-kheo-tieu-bieu-giai-doan-2021-2023-657340",
    "mattran": "huong-toi-ky-niem-95-nam-ngay-truyen-thong-mat-tran-to-quoc-viet-nam-nhieu-hoat-dong-thiet-thuc"
    "-tai-khu-dan-cu-68105",
    "nhandan": "ban-tuyen-giao-va-dan-van-tinh-uy-tuyen-quang-so-ket-thuc-hien-quy-che-dan-chu-o-co-so-post924532",
    "qdnd": "am-ap-chuong-trinh-tet-quan-dan-o-xa-bien-gioi-962417",
    "tuyengiao": "nang-cao-chat-luong-sinh-hoat-chi-bo-o-khu-dan-cu-130954",
}
REFERENCE_STEM = FIXTURE_PAGES["danvanhungyen"]


def fixture_page(site: str, stem: str):
    path = FIXTURES / site / "articles" / f"{stem}.html"
    return path, json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def generic_article(path, url):
    return prepare_article(extract_generic(file_response(path, url)))


def paragraphs(article):
    return article.body_text.split("\n\n")


@needs_real_pages
@pytest.mark.parametrize("name", sorted(VNEXPRESS))
def test_real_vnexpress_page_without_a_profile(name):
    expected = VNEXPRESS[name]
    article = generic_article(REAL_PAGES / name, expected["url"])
    assert (article.title, article.published_at.isoformat()) == (expected["title"], expected["published_at"])
    body = paragraphs(article)
    assert (body[0], body[-1], len(body)) == (
        expected["body_first"],
        expected["body_last"],
        expected["paragraph_count"],
    )


@needs_real_pages
def test_real_vnexpress_closing_byline_and_author_box_stay_out_of_the_body():
    """Bylines are not text: the right-aligned last paragraph "Lê Phương", the p.author_mail "Anh Minh"."""
    texts = [
        generic_article(REAL_PAGES / name, expected["url"]).body_text for name, expected in sorted(VNEXPRESS.items())
    ]
    assert [name for name in ("Anh Minh", "Lê Phương") if any(name in text for text in texts)] == []


@pytest.mark.parametrize("site", sorted(FIXTURE_PAGES))
def test_fixture_page_without_a_profile_matches_its_expected_values(site):
    path, expected = fixture_page(site, FIXTURE_PAGES[site])
    article = generic_article(path, expected["url"])
    published = article.published_at.isoformat() if article.published_at else None
    body = paragraphs(article)
    assert (article.title, published, body[0], body[-1], len(body)) == (
        expected["title"],
        expected["published_at"],
        expected["body_first"],
        expected["body_last"],
        expected["paragraph_count"],
    )


def test_generic_path_records_every_field_it_gave():
    path, expected = fixture_page("danvanhungyen", REFERENCE_STEM)
    article = generic_article(path, expected["url"])
    assert (article.site, article.source, article.field_sources) == (
        "generic",
        "Danvan.vn",
        {"title": "generic", "summary": "generic", "body": "generic", "source": "generic", "published": "generic"},
    )


def test_profile_body_selector_that_finds_nothing_falls_back_to_the_generic_body():
    path, expected = fixture_page("danvanhungyen", REFERENCE_STEM)
    profile = load_profile("danvanhungyen")
    broken = dataclasses.replace(profile, selectors={**profile.selectors, "body": (".no-such-body",)})
    article = prepare_article(extract_article(file_response(path, expected["url"]), broken))
    body = paragraphs(article)
    assert (body[0], body[-1], len(body), article.source) == (
        expected["body_first"],
        expected["body_last"],
        expected["paragraph_count"],
        expected["source"],
    )
    assert (article.field_sources["title"], article.field_sources["body"], article.field_sources["source"]) == (
        "profile",
        "generic",
        "generic",
    )


def test_profile_without_date_selectors_dates_the_page_from_the_line_near_the_title():
    path, expected = fixture_page("danvanhungyen", REFERENCE_STEM)
    profile = load_profile("danvanhungyen")
    selectors = {name: queries for name, queries in profile.selectors.items() if name != "published"}
    article = prepare_article(
        extract_article(file_response(path, expected["url"]), dataclasses.replace(profile, selectors=selectors))
    )
    assert (article.published_at.isoformat(), article.published_at_raw, article.field_sources["published"]) == (
        expected["published_at"],
        expected["published_at_raw"],
        "generic",
    )


def test_a_date_the_profile_finds_is_recorded_as_the_profiles():
    path, expected = fixture_page("danvanhungyen", REFERENCE_STEM)
    article = extract_article(file_response(path, expected["url"]), load_profile("danvanhungyen"))
    assert article.field_sources["published"] == "profile"


@pytest.mark.parametrize(
    ("head", "headings", "title"),
    [
        ('<meta property="og:title" content="Dân vận khéo ở cơ sở: những cách làm…">',
         "<h1>Dân vận khéo ở cơ sở: những cách làm hay</h1>", "Dân vận khéo ở cơ sở: những cách làm hay"),
        ('<meta property="og:title" content="Dân vận khéo ở cơ sở: những cách">',
         "<h1>Dân vận khéo ở cơ sở: những cách làm hay</h1>", "Dân vận khéo ở cơ sở: những cách làm hay"),
        ('<meta property="og:title" content="Dân vận khéo ở cơ sở | Báo Tỉnh">',
         "<h1>Dân vận khéo ở cơ sở</h1>", "Dân vận khéo ở cơ sở"),
        ('<meta property="og:title" content="Dân vận khéo ở cơ sở">', "<h1>Ban Dân vận</h1>", "Dân vận khéo ở cơ sở"),
        ('<meta property="og:title" content="Dân vận khéo ở cơ sở…">', "", None),
        ('<meta property="og:title" content="Dân vận khéo - Ban Dân vận"><meta property="og:site_name"'
         ' content="Ban Dân vận">', "", "Dân vận khéo"),
    ],
    ids=["ellipsis", "strict-prefix", "site-suffix", "logo-h1", "truncated-alone", "site-name"],
)  # fmt: skip
def test_title_is_never_a_truncated_og_title(head, headings, title):
    page = Selector(text=f"<html><head>{head}</head><body>{headings}</body></html>")
    assert generic_title(page, read_metadata(page)) == title


def test_extract_command_reads_a_page_no_profile_covers():
    path, expected = fixture_page("danvan", FIXTURE_PAGES["danvan"])
    result = CliRunner().invoke(cli.main, ["extract", str(path), "--url", "https://example.org/tin-tuc/a-58451.html"])
    item = json.loads(result.stdout)
    assert (result.exit_code, item["site"], item["title"], item["field_sources"]["body"]) == (
        0,
        "generic",
        expected["title"],
        "generic",
    )
    assert (
        result.stderr == "danvan: no profile covers https://example.org/tin-tuc/a-58451.html; using the generic rules\n"
    )
