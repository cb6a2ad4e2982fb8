"""A synthetic danvanhungyen.vn: Vietnamese article text, and pages rendered from their URL alone.

Benchmarks need tens of thousands of realistic pages and a million articles that nobody should
have to store, so every page here is a pure function of its URL and of the site's size. The
words come from the project's fixture articles, re-cut into runs of one to four words and joined
into fragments: each article's 5-word shingles are then its own (as a real article's are, so
near-duplicate detection sees no false candidates), while the phrases people search for ("dân
vận khéo", "phòng, chống dịch") keep their real frequencies. The markup is the reference site's
(fixtures/danvanhungyen) with the boilerplate a real page carries around its text: menus,
sidebars, inline scripts, footer and counter, for 20–40 KB per article page.

`python -m bench.synthetic ARTICLES` serves such a site on 127.0.0.1 (in its own process, so it
does not compete with a crawler for the GIL) and prints its port.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, cached_property
from html import escape
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from scrapy.http import HtmlResponse

from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.extract.article import extract_article
from danvan_crawler.mirror import QuietHTTPServer
from danvan_crawler.sites import load_profile
from danvan_crawler.text import fold_key, match_key

ROOT = Path(__file__).resolve().parent.parent
HOST = "danvanhungyen.vn"
BASE = f"https://{HOST}"
CATEGORIES = (
    ("tin-tuc-su-kien", "Tin tức - Sự kiện"),
    ("hoat-dong-dan-van", "Hoạt động dân vận"),
    ("dan-van-kheo", "Dân vận khéo"),
)
PER_LISTING_PAGE = 20
FRAGMENTS = 20_000
FIRST_PUBLISHED = datetime(2012, 1, 2, 7, 30, tzinfo=HO_CHI_MINH)
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
SOURCES = ("Danvan.vn", "Báo Hưng Yên", "Báo Nhân Dân", "Cổng Thông tin điện tử tỉnh Hưng Yên", "Dangcongsan.vn")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý")
GIVEN = ("Thị Hương", "Văn Hùng", "Minh Hoài", "Thanh Tùng", "Thu Trang", "Đức Thắng", "Hải Yến", "Quang Huy")
ROBOTS = "User-agent: *\nDisallow: /admin/\nDisallow: /tim-kiem\n"
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Corpus:
    fragments: tuple[str, ...]
    fragment_keys: tuple[str, ...]
    tags: tuple[str, ...]


@cache
def corpus() -> Corpus:
    """Fragments of three word runs cut from the fixture articles' bodies, with their match keys."""
    rng = random.Random(20201228)
    runs = []
    for words in _fixture_paragraphs():
        start = 0
        while start < len(words):
            length = rng.randint(1, 4)
            runs.append(" ".join(words[start : start + length]))
            start += length
    fragments = tuple(" ".join(rng.choices(runs, k=3)) for _ in range(FRAGMENTS))
    pairs = {run.lower() for run in runs if run.count(" ") == 1 and run.replace(" ", "").isalpha()}
    return Corpus(fragments, tuple(match_key(fragment) for fragment in fragments), tuple(sorted(pairs)))


def _fixture_paragraphs() -> list[list[str]]:
    """The words of every body paragraph the fixture articles yield, through the real extractor."""
    paragraphs = []
    for expected in sorted((ROOT / "fixtures").glob("*/articles/*.json")):
        url = json.loads(expected.read_text(encoding="utf-8"))["url"]
        page = HtmlResponse(url=url, body=expected.with_suffix(".html").read_bytes(), encoding="utf-8")
        body = extract_article(page, load_profile(expected.parent.parent.name)).body_text
        paragraphs.extend(words for words in (part.split() for part in body.split("\n\n")) if len(words) >= 8)
    return paragraphs


@dataclass
class SyntheticText:
    """An article's words: text as the page shows it, and keys as NormalizeTextPipeline makes them."""

    title: str
    title_key: str
    summary: str
    paragraphs: list[str]
    paragraph_keys: list[str]

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def body_key(self) -> str:
        return " ".join(self.paragraph_keys)


def synthetic_text(rng: random.Random, words: int = 750) -> SyntheticText:
    """A title, a sapo and 0.6–1.4 × `words` words of body in 4–12 paragraphs (about 4 KB at 750)."""
    fragments = corpus().fragments
    title = synthetic_title(rng)
    summary = sentence(" ".join(rng.choices(fragments, k=2))) + "."
    picks = rng.choices(range(len(fragments)), k=int(words * rng.uniform(0.6, 1.4)) // 8)
    size = -(-len(picks) // rng.randint(4, 12))
    groups = [picks[start : start + size] for start in range(0, len(picks), size)]
    keys = corpus().fragment_keys
    return SyntheticText(
        title=title,
        title_key=match_key(title),
        summary=summary,
        paragraphs=[sentence(" ".join([fragments[index] for index in group])) + "." for group in groups],
        paragraph_keys=[" ".join([keys[index] for index in group]) + "." for group in groups],
    )


def synthetic_title(rng: random.Random) -> str:
    """The first thing drawn from an article's generator, so a listing can show it cheaply."""
    return sentence(" ".join(rng.choices(corpus().fragments, k=2)))


@cache
def article_title(number: int) -> str:
    """Article n's title alone (cached: listings and related lists repeat it)."""
    return synthetic_title(random.Random(number))


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def slug(title: str) -> str:
    return "-".join(_SLUG_JUNK.sub("-", fold_key(title)).strip("-").split("-")[:12])


class SyntheticSite:
    """The site with `articles` articles: article n is in category n % 3, newest has the highest n."""

    def __init__(self, articles: int):
        self.articles = articles

    @staticmethod
    def published(number: int) -> datetime:
        return FIRST_PUBLISHED + timedelta(hours=2 * number, minutes=7 * (number % 8))

    @staticmethod
    def text(number: int) -> SyntheticText:
        return synthetic_text(random.Random(number))

    @staticmethod
    def category(number: int) -> tuple[str, str]:
        return CATEGORIES[number % len(CATEGORIES)]

    def article_path(self, number: int) -> str:
        return f"/{self.category(number)[0]}/{slug(article_title(number))}-{number}.html"

    def listing_pages(self, category_index: int) -> int:
        in_category = len(range(category_index or len(CATEGORIES), self.articles + 1, len(CATEGORIES)))
        return max(1, -(-in_category // PER_LISTING_PAGE))

    def pages(self) -> int:
        """How many pages a crawl fetches: robots.txt, home, listings and articles."""
        return 2 + sum(self.listing_pages(index) for index in range(len(CATEGORIES))) + self.articles

    def listing_numbers(self, category_index: int, page: int) -> list[int]:
        newest = self.articles - (self.articles - category_index) % len(CATEGORIES)
        first = newest - (page - 1) * PER_LISTING_PAGE * len(CATEGORIES)
        return list(range(first, 0, -len(CATEGORIES))[:PER_LISTING_PAGE])

    def render(self, path: str, query: str) -> tuple[int, str, str]:
        """Status, content type and body for a path on the site."""
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", ROBOTS
        if path in ("/", ""):
            return 200, "text/html; charset=utf-8", self.render_home()
        found = re.fullmatch(r"/([a-z-]+)/[a-z0-9-]+-(\d+)\.html", path)
        if found and 0 < int(found.group(2)) <= self.articles:
            number = int(found.group(2))
            if self.category(number)[0] == found.group(1):
                return 200, "text/html; charset=utf-8", self.render_article(number)
        names = [name for name, _ in CATEGORIES]
        if path.strip("/") in names:
            index = names.index(path.strip("/"))
            page = int((parse_qs(query).get("page") or ["1"])[0])
            if 1 <= page <= self.listing_pages(index):
                return 200, "text/html; charset=utf-8", self.render_listing(index, page)
        return 404, "text/html; charset=utf-8", "<html><body><h1>404 Not Found</h1></body></html>"

    def render_article(self, number: int) -> str:
        rng = random.Random(-number)
        text = self.text(number)
        published = self.published(number)
        category, category_title = self.category(number)
        url = BASE + self.article_path(number)
        tags = rng.sample(corpus().tags, rng.randint(2, 5))
        body = []
        images = rng.randint(0, 3)
        for position, paragraph in enumerate(text.paragraphs):
            if position < images:
                caption = rng.choice(corpus().fragments)
                body.append(
                    '<table class="image" align="center" border="0" cellpadding="3" cellspacing="0"><tbody>'
                    f'<tr><td><img src="/uploads/news/{published:%Y_%m}/anh-{number}-{position}.jpg" alt=""'
                    f' width="600" /></td></tr><tr><td class="image-caption">{escape(sentence(caption))}'
                    "</td></tr></tbody></table>"
                )
            body.append(f'<p style="text-align: justify;">{escape(paragraph)}</p>')
        byline = ""
        if rng.random() < 0.4:
            body.append(f'<p style="text-align: right;"><strong>Nguồn: {rng.choice(SOURCES)}</strong></p>')
        else:
            byline = f'<div class="news-author">{rng.choice(FAMILY)} {rng.choice(GIVEN)}</div>'
        related = list(range(number - 3, 0, -3)[:10])
        head = _head(text.title, text.summary, url, ", ".join(tags))
        return "".join(
            [
                head,
                '<body><div id="wrapper">',
                _HEADER,
                '<div id="content" class="clearfix"><div class="col-left">',
                f'<div class="breadcrumb"><a href="/">Trang chủ</a> &raquo; <a href="/{category}">{category_title}</a>'
                "</div>",
                f'<div class="box-news"><div class="box-header"><h2 class="box-title">{escape(text.title)}</h2></div>',
                f'<div class="news-detail"><h1 class="news-title">{escape(text.title)}</h1>',
                f'<div class="news-info"><span class="news-date">{WEEKDAYS[published.weekday()]},'
                f' {published:%d/%m/%Y - %H:%M}</span> <span class="news-view">Lượt xem: {rng.randint(100, 9999):,}'
                "</span></div>",
                f'<div class="news-sapo"><strong>{escape(text.summary)}</strong></div>',
                '<div class="news-content"><p>&nbsp;</p>',
                *body,
                "</div>",
                byline,
                '<div class="news-tags">Từ khóa: '
                + ", ".join(f'<a href="/tag/{slug(tag)}">{escape(tag)}</a>' for tag in tags)
                + "</div>",
                '<div class="share-tools">Chia sẻ: <a href="#">Facebook</a> <a href="#">Zalo</a> |'
                ' <a href="javascript:window.print()">In bài viết</a></div></div>',
                '<div class="other-news"><div class="other-title">Bài viết khác</div><ul>',
                *(self._related_item(other, absolute=False) for other in related),
                "</ul></div></div></div>",
                self._sidebar,
                "</div>",
                _FOOTER,
                "</div></body></html>",
            ]
        )

    def render_listing(self, category_index: int, page: int) -> str:
        category, category_title = CATEGORIES[category_index]
        items = []
        for number in self.listing_numbers(category_index, page):
            text = self.text(number)
            path = self.article_path(number)
            items.append(
                f'<div class="news-item clearfix"><a class="news-thumb" href="{path}">'
                f'<img src="/uploads/news/thumb-{number}.jpg" alt="" /></a>'
                f'<h3 class="news-item-title"><a href="{path}">{escape(text.title)}</a></h3>'
                f'<span class="date">{self.published(number):%d/%m/%Y}</span>'
                f'<p class="news-item-sapo">{escape(text.summary[:180])}...</p></div>'
            )
        last = self.listing_pages(category_index)
        links = [f'<a href="/{category}">Trang đầu</a>']
        for other in range(max(1, page - 2), min(last, page + 2) + 1):
            href = f"/{category}" + (f"?page={other}" if other > 1 else "")
            links.append(f'<span class="active">{other}</span>' if other == page else f'<a href="{href}">{other}</a>')
        if page < last:
            links.append(f'<a href="/{category}?page={page + 1}">Trang sau &raquo;</a>')
        links.append(f'<a href="/{category}?page={last}">Trang cuối</a>')
        return "".join(
            [
                _head(f"{category_title} - Trang {page}", category_title, f"{BASE}/{category}", category_title),
                '<body><div id="wrapper">',
                _HEADER,
                '<div id="content" class="clearfix"><div class="col-left">',
                f'<div class="breadcrumb"><a href="/">Trang chủ</a> &raquo; <a href="/{category}">{category_title}</a>'
                "</div>",
                f'<div class="box-news"><div class="box-header"><h2 class="box-title">{category_title}</h2></div>',
                '<div class="list-news">',
                *items,
                "</div>",
                f'<div class="pagination">{" ".join(links)}</div></div></div>',
                self._sidebar,
                "</div>",
                _FOOTER,
                "</div></body></html>",
            ]
        )

    def render_home(self) -> str:
        blocks = []
        for index, (category, title) in enumerate(CATEGORIES):
            blocks.append(f'<div class="home-block"><h2><a href="/{category}">{title}</a></h2><ul>')
            blocks.extend(self._related_item(number, absolute=False) for number in self.listing_numbers(index, 1)[:5])
            blocks.append("</ul></div>")
        return "".join(
            [
                _head("Ban Dân vận Tỉnh ủy Hưng Yên", "Website Ban Dân vận Tỉnh ủy Hưng Yên", BASE + "/", "dân vận"),
                '<body><div id="wrapper">',
                _HEADER,
                '<div id="content" class="clearfix"><div class="col-left">',
                *blocks,
                "</div>",
                self._sidebar,
                "</div>",
                _FOOTER,
                "</div></body></html>",
            ]
        )

    def _related_item(self, number: int, absolute: bool) -> str:
        href = (BASE if absolute else "") + self.article_path(number)
        return (
            f'<li><a href="{href}">{escape(article_title(number))}</a>'
            f' <span class="date">({self.published(number):%d/%m/%Y})</span></li>'
        )

    @cached_property
    def _sidebar(self) -> str:
        """The right column is the same on every page of a snapshot."""
        latest = range(self.articles, 0, -1)[:10]
        most_read = range(self.articles - 11, 0, -37)[:10]
        return "".join(
            [
                '<div class="col-right"><div class="box-latest"><div class="box-title">Các bài mới nhất</div><ul>',
                *(self._related_item(number, absolute=True) for number in latest),
                '</ul></div><div class="box-most-read"><div class="box-title">Tin đọc nhiều</div><ul>',
                *(self._related_item(number, absolute=True) for number in most_read),
                "</ul></div>",
                _SIDEBAR_LINKS,
                "</div>",
            ]
        )


def _head(title: str, description: str, url: str, keywords: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />'
        f"<title>{escape(title)} - Ban Dân vận Tỉnh ủy Hưng Yên</title>"
        f'<meta name="description" content="{escape(description)}" />'
        f'<meta name="keywords" content="{escape(keywords)}" />'
        '<meta property="og:type" content="article" />'
        f'<meta property="og:title" content="{escape(title)}" />'
        f'<meta property="og:url" content="{url}" /><link rel="canonical" href="{url}" />'
        '<link rel="stylesheet" href="/templates/bacviet/css/style.css" />'
        '<link rel="stylesheet" href="/templates/bacviet/css/menu.css" />'
        '<script src="/templates/bacviet/js/jquery.min.js"></script>'
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head>"
    )


_SCRIPT = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());"
    "gtag('config','UA-000000-1');"
    + "".join(
        f"$(document).ready(function(){{$('#menu-{index} > a').hover(function(){{$(this).next('ul')"
        f".stop(true,true).slideToggle(150);}});$('.marquee-{index}').css('width','100%');}});"
        for index in range(12)
    )
)
_MENU = [
    ("/", "Trang chủ", ()),
    ("/gioi-thieu", "Giới thiệu", ("Lịch sử hình thành", "Cơ cấu tổ chức", "Lãnh đạo Ban", "Chức năng nhiệm vụ")),
    ("/tin-tuc-su-kien", "Tin tức - Sự kiện", ("Tin trong tỉnh", "Tin trong nước", "Tin quốc tế", "Thời sự")),
    ("/hoat-dong-dan-van", "Hoạt động dân vận", ("Dân vận chính quyền", "Mặt trận, đoàn thể", "Tôn giáo", "Dân tộc")),
    ("/dan-van-kheo", "Dân vận khéo", ("Mô hình hay", "Gương điển hình", "Kinh nghiệm")),
    ("/van-ban", "Văn bản", ("Văn bản Trung ương", "Văn bản của tỉnh", "Văn bản của Ban")),
    ("/lien-he", "Liên hệ", ()),
]
_HEADER = (
    '<div id="header"><div class="banner"><a href="/"><img src="/templates/bacviet/images/banner.jpg"'
    ' alt="Ban Dân vận Tỉnh ủy Hưng Yên" /></a></div><ul class="menu">'
    + "".join(
        f'<li id="menu-{index}"><a href="{href}">{title}</a>'
        + "".join(f'<ul><li><a href="{href}#{slug(sub)}">{sub}</a></li></ul>' for sub in subs)
        + "</li>"
        for index, (href, title, subs) in enumerate(_MENU)
    )
    + '</ul><form class="search-form" action="/tim-kiem" method="get"><input type="text" name="q"'
    ' placeholder="Tìm kiếm..." /><button type="submit">Tìm</button></form>'
    '<div class="marquee">Chào mừng bạn đến với Website Ban Dân vận Tỉnh ủy Hưng Yên - Toàn dân chung tay phòng,'
    " chống dịch Covid-19!</div></div>"
)
_SIDEBAR_LINKS = (
    '<div class="box-links"><div class="box-title">Liên kết website</div>'
    '<select onchange="if (this.value) window.open(this.value);"><option value="">-- Chọn liên kết --</option>'
    '<option value="http://danvan.vn">Ban Dân vận Trung ương</option>'
    '<option value="http://hungyen.dcs.vn">Tỉnh ủy Hưng Yên</option>'
    '<option value="http://hungyen.gov.vn">Cổng TTĐT tỉnh Hưng Yên</option>'
    '<option value="http://baohungyen.vn">Báo Hưng Yên</option>'
    '<option value="http://mattran.org.vn">Ủy ban Trung ương MTTQ Việt Nam</option></select></div>'
    '<div class="box-banners">'
    + "".join(
        f'<a href="{href}"><img src="/uploads/banners/{name}.jpg" alt="{alt}" /></a>'
        for href, name, alt in (
            ("https://danvan.vn/", "danvan", "Ban Dân vận Trung ương"),
            ("http://hungyen.dcs.vn/", "tinhuy", "Tỉnh ủy Hưng Yên"),
            ("/dan-van-kheo", "dan-van-kheo", "Phong trào thi đua Dân vận khéo"),
            ("/van-ban", "van-ban", "Văn bản chỉ đạo"),
        )
    )
    + "</div>"
    '<div class="box-documents"><div class="box-title">Văn bản mới</div><ul>'
    + "".join(
        f'<li><a href="/van-ban/{slug(title)}">{title}</a> <span class="date">({day})</span></li>'
        for title, day in (
            ("Quyết định số 290-QĐ/TW về ban hành Quy chế công tác dân vận của hệ thống chính trị", "25/02/2010"),
            ("Quy định số 212-QĐ/TW về chức năng, nhiệm vụ, tổ chức bộ máy cơ quan chuyên trách", "30/12/2019"),
            ("Quy định số 213-QĐ/TW về trách nhiệm của đảng viên đang công tác giữ mối liên hệ", "02/01/2020"),
            ("Nghị quyết số 25-NQ/TW về tăng cường, đổi mới sự lãnh đạo của Đảng với công tác dân vận", "03/06/2013"),
            ("Kết luận số 114-KL/TW về nâng cao hiệu quả công tác dân vận của cơ quan nhà nước", "14/07/2015"),
            ("Chỉ thị số 49-CT/TW về tăng cường sự lãnh đạo của Đảng đối với công tác dân vận", "20/10/2015"),
            ("Hướng dẫn thực hiện phong trào thi đua Dân vận khéo giai đoạn 2021 - 2025", "15/03/2021"),
            ("Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư", "20/09/2021"),
        )
    )
    + '</ul></div><div class="box-poll"><div class="box-title">Thăm dò ý kiến</div>'
    '<p>Bạn quan tâm đến nội dung nào trên Website Ban Dân vận Tỉnh ủy?</p><form action="/binh-chon">'
    + "".join(
        f'<label><input type="radio" name="poll" value="{index}" /> {label}</label><br />'
        for index, label in enumerate(
            ("Tin tức - Sự kiện", "Hoạt động dân vận", "Dân vận khéo", "Văn bản chỉ đạo", "Gương điển hình")
        )
    )
    + '<button type="submit">Bình chọn</button> <a href="/binh-chon/ket-qua">Xem kết quả</a></form></div>'
    '<div class="box-gallery"><div class="box-title">Thư viện ảnh</div>'
    + "".join(
        f'<a href="/thu-vien-anh/album-{index}"><img src="/uploads/gallery/album-{index}.jpg"'
        f' alt="Hoạt động dân vận tiêu biểu {index}" width="140" height="90" /></a>'
        for index in range(1, 9)
    )
    + "</div>"
)
_STYLE = "".join(
    f".box-{name}{{margin:0 0 12px;border:1px solid #d6d6d6;background:#fff}}"
    f".box-{name} .box-title{{background:#b40000;color:#fff;font:bold 13px/30px Arial,sans-serif;padding:0 10px;"
    f"text-transform:uppercase}}.box-{name} ul li{{padding:6px 8px;border-bottom:1px dotted #ccc}}"
    for name in ("latest", "most-read", "links", "banners", "documents", "poll", "gallery", "news")
)
_FOOTER = (
    '<div id="footer"><div class="footer-info"><p><strong>Website Ban Dân Vận Tỉnh Hưng Yên</strong></p>'
    "<p>Giấy phép thiết lập số: 17/GP-TTĐT cấp ngày 28 tháng 12 năm 2017 của Sở Thông tin và Truyền thông.</p>"
    "<p>Trưởng ban biên tập: Đ/c Quách Thị Hương - Ủy viên Ban Thường vụ, Trưởng ban Dân vận Tỉnh ủy Hưng Yên</p>"
    "<p>Địa chỉ: Số 14, đường Chùa Chuông, đường Hiến Nam, TP. Hưng Yên, Hưng Yên</p>"
    "<p>Điện thoại: 0221.3863.577 - Email: bdvtuhy@gmail.com - Website: www.danvanhungyen.vn</p>"
    "<p>Ghi rõ nguồn &quot;danvanhungyen.vn&quot; khi phát hành lại nội dung từ website này.</p></div>"
    '<div class="copyright">© 2019 Copyright by danvanhungyen.vn. All rights reserved. Thiết kế bởi Bắc Việt</div>'
    '<div class="counter"><span>Hôm nay</span>2,030 <span>Hôm qua</span>1,972 <span>Tuần này</span>6,670'
    " <span>Tuần trước</span>11,765 <span>Tháng này</span>20,543 <span>Tháng trước</span>71,739</div></div>"
)


def serve(articles: int) -> None:
    """Serve the site on an ephemeral port of 127.0.0.1 as /<host>/<path>; prints the port first."""
    site = SyntheticSite(articles)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            parts = urlsplit(self.path)
            _, _, path = parts.path.lstrip("/").partition("/")
            status, content_type, text = site.render("/" + path, parts.query)
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            """Quiet: a benchmark's server logs nothing per request."""

    server = QuietHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


class SiteServer:
    """`python -m bench.synthetic` in a subprocess, as a context manager; `hosts` is MIRROR_HOSTS."""

    def __init__(self, articles: int):
        self.articles = articles
        self.process: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> SiteServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.synthetic", str(self.articles)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        self.port = int(self.process.stdout.readline())
        return self

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    @property
    def hosts(self) -> dict[str, str]:
        return {HOST: f"http://127.0.0.1:{self.port}/{HOST}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=int)
    serve(parser.parse_args(argv).articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
