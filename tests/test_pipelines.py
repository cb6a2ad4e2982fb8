from datetime import date, datetime

import pytest
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from danvan_crawler.archive.dedup import minhash_signature
from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.extract.article import extract_article
from danvan_crawler.items import Article
from danvan_crawler.pipelines import (
    IndexKeysPipeline,
    NormalizeTextPipeline,
    ResolveDatesPipeline,
    ValidateArticlePipeline,
)
from danvan_crawler.sites import load_profile

FETCHED = datetime(2021, 1, 10, 10, 0, tzinfo=HO_CHI_MINH)


def article(**values) -> Article:
    defaults = {"url": "https://danvanhungyen.vn/a-1.html", "site": "danvanhungyen", "fetched_at": FETCHED}
    return Article(**{**defaults, **values})


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"title": "", "body_text": "Nội dung."}, "missing_title"),
        ({"title": "Tiêu đề", "body_text": "  "}, "missing_body_text"),
        ({"url": "", "title": "Tiêu đề", "body_text": "Nội dung."}, "missing_url"),
    ],
)
def test_validate_drops_with_a_reason_and_a_counter(values, reason):
    pipeline = ValidateArticlePipeline.from_crawler(get_crawler())
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(article(**values))
    assert pipeline.stats.get_value(f"danvan/dropped/{reason}") == 1


def test_validate_passes_a_complete_article():
    complete = article(title="Tiêu đề", body_text="Nội dung.")
    assert ValidateArticlePipeline().process_item(complete) is complete


def test_normalize_stores_nfc_text_without_invisible_characters():
    item = NormalizeTextPipeline().process_item(
        article(
            title="Đa\u0309ng\u00a0bộ  tỉnh",
            body_text="Đoạn\u200bmột.\n\n\n\n D&acirc;n v&#7853;n ",
            tags=[" dân vận ", ""],
            images=[{"url": "x", "caption": "Quang\u00adcảnh"}],
        )
    )
    assert (item.title, item.body_text, item.tags, item.images[0]["caption"]) == (
        "Đảng bộ tỉnh",
        "Đoạn một.\n\nDân vận",
        ["dân vận"],
        "Quangcảnh",
    )


def test_normalize_repairs_mojibake():
    broken = "Đảng bộ".encode().decode("latin-1")
    assert NormalizeTextPipeline().process_item(article(title=broken, body_text="x")).title == "Đảng bộ"


def hashed(title, body):
    return NormalizeTextPipeline().process_item(article(title=title, body_text=body)).content_hash


def test_content_hash_ignores_spelling_variants_but_not_words():
    assert hashed("Hòa bình", "Ủy ban nhân dân") == hashed("Hoà bình", "Uỷ  ban nhân dân")
    assert hashed("Hòa bình", "Ủy ban nhân dân") != hashed("Hòa bình", "Ủy ban mặt trận")


def test_index_keys_are_fts_tokens_and_the_minhash_signature():
    item = NormalizeTextPipeline().process_item(
        article(title="Dân vận khéo: Hưng Yên", body_text="Năm 2021, toàn tỉnh có 1.250 mô hình “Dân vận khéo”.")
    )
    keys = IndexKeysPipeline().process_item(item).index_keys
    assert (keys.title, keys.title_fold) == ("dân vận khéo hưng yên", "dan van kheo hung yen")
    assert keys.body == "năm 2021 toàn tỉnh có 1 250 mô hình dân vận khéo"
    assert keys.body_fold == "nam 2021 toan tinh co 1 250 mo hinh dan van kheo"
    assert keys.signature == minhash_signature(f"{item.title_key} {item.body_key}")
    assert len(keys.signature) == 60 * 8


def test_dates_prefer_the_first_candidate_that_parses():
    item = ResolveDatesPipeline().process_item(
        article(date_candidates=["not a date", "Thứ Hai, 28/12/2020 - 15:30", "29/12/2020"])
    )
    assert (item.published_at, item.published_at_raw) == (
        datetime(2020, 12, 28, 15, 30, tzinfo=HO_CHI_MINH),
        "Thứ Hai, 28/12/2020 - 15:30",
    )


def test_broken_date_keeps_its_raw_string_and_is_counted():
    pipeline = ResolveDatesPipeline.from_crawler(get_crawler())
    item = pipeline.process_item(article(date_candidates=["Thứ Hai, 31/02/2021 - 09:00"]))
    assert (item.published_at, item.published_at_raw) == (None, "Thứ Hai, 31/02/2021 - 09:00")
    assert pipeline.stats.get_value("danvan/missing/published_at") == 1


def test_related_dates_become_iso_dates():
    item = ResolveDatesPipeline().process_item(
        article(
            related=[
                {"title": "Bài", "url": "u", "date_raw": "13/07/2020", "group": "g"},
                {"title": "Bài", "url": "u", "date_raw": None, "group": "g"},
            ]
        )
    )
    assert [link["date"] for link in item.related] == ["2020-07-13", None]


def page(html: str, url: str = "https://danvanhungyen.vn/tin-tuc-su-kien/a-1.html") -> HtmlResponse:
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=Request(url))


def resolved(html: str) -> Article:
    extracted = extract_article(page(html), load_profile("danvanhungyen"), fetched_at=FETCHED)
    return ResolveDatesPipeline().process_item(extracted)


def test_machine_readable_date_wins_over_the_visible_one():
    item = resolved(
        '<meta property="article:published_time" content="2020-12-28T17:45:00+07:00">'
        '<h1 class="news-title">T</h1><div class="news-detail"><span class="news-date">29/12/2020</span>'
        '<div class="news-content"><p>x</p></div></div>'
    )
    assert item.published_at == datetime(2020, 12, 28, 17, 45, tzinfo=HO_CHI_MINH)


def test_json_ld_date_is_read():
    item = resolved(
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-12-28"}</script>'
        '<h1 class="news-title">T</h1><div class="news-detail"><div class="news-content"><p>x</p></div></div>'
    )
    assert item.published_at == date(2020, 12, 28)


def test_date_near_the_title_is_the_last_resort():
    item = resolved(
        '<div><h1 class="news-title">Tiêu đề</h1><p class="meta">Cập nhật: 28/12/2020 15:30</p></div>'
        '<div class="news-detail"><div class="news-content"><p>Năm 2020, toàn tỉnh có 12 mô hình.</p></div>'
        "</div><footer>© 2019 Copyright</footer>"
    )
    assert item.published_at == datetime(2020, 12, 28, 15, 30, tzinfo=HO_CHI_MINH)


def test_no_date_is_invented_from_a_copyright_year_or_body_text():
    item = resolved(
        '<h1 class="news-title">Tiêu đề</h1><div class="news-detail"><div class="news-content">'
        "<p>Năm 2020, toàn tỉnh có 12 mô hình.</p></div></div><footer>© 2019 Copyright</footer>"
    )
    assert item.published_at is None


def test_lazy_loaded_images_keep_their_real_address_not_the_placeholder():
    item = resolved(
        '<h1 class="news-title">T</h1><div class="news-detail"><div class="news-content"><p>Nội dung.</p>'
        '<table class="image"><tr><td><img src="data:image/gif;base64,R0lGOD" data-src="/uploads/a.jpg"></td></tr>'
        '<tr><td class="image-caption">Chú thích</td></tr></table></div></div>'
    )
    assert item.images == [{"url": "https://danvanhungyen.vn/uploads/a.jpg", "caption": "Chú thích"}]
