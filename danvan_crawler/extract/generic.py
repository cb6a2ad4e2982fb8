"""The generic path: an article from a page no profile describes, by rules every site shares.

Used whole for a site without a profile, and field by field when a profile's selector finds
nothing. Title from the h1 or the page's declared headline (never a truncated one); dates from
machine-readable metadata, then the date line next to the title; the body from the element
whose own paragraphs hold the most text, cleaned with the Vietnamese boilerplate rules. Why an
own text-density rule and not trafilatura: the measurements in docs/generic-extraction.md.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache
from itertools import islice
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse

from danvan_crawler.dates import HO_CHI_MINH, parse_vietnamese_date
from danvan_crawler.extract.body import Body, drop_keeping_tail, extract_body
from danvan_crawler.extract.metadata import PageMetadata, read_metadata
from danvan_crawler.extract.selectors import SKIPPED_TAGS, node_text, select, visible_text
from danvan_crawler.items import Article
from danvan_crawler.urls import canonical_url, same_site

DATE_LIKE = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{4}-\d{2}-\d{2}|tháng\s+\d")
DATE_LINE_MAX_LENGTH = 80
# How far from the title a visible date line may stand, counted in elements that carry text.
DATE_WINDOW_AFTER, DATE_WINDOW_BEFORE = 8, 4
BYLINE_MAX_LENGTH = 50
ELLIPSIS = ("...", "…")
TITLE_SEPARATORS = ("|", "-", "–", "—", ":")
SOURCE_LINE = re.compile(r"^\(?\s*(?:theo\s+)?nguồn\s*:\s*(?P<source>[^)]+?)\s*\)?$", re.IGNORECASE)
IMAGE_CONTAINERS = ("figure", "table:has(img)")
IMAGE_CAPTIONS = ("figcaption", "td:not(:has(img))")
# HTML5 page furniture: nothing inside these is article text.
FURNITURE_TAGS = frozenset(["nav", "header", "footer", "aside", "menu"])
# Words of a class or id that mark furniture, bylines and sapos. Whole words only, so
# "share_share__b7TzQ" and "social-share" are furniture and "shared-content" is not.
FURNITURE_WORDS = frozenset(
    [
        "ads", "advertisement", "banner", "breadcrumb", "breadcrumbs", "comment", "comments", "footer",
        "menu", "nav", "navbar", "related", "share", "sidebar", "social", "tags", "toolbar",
    ]
)  # fmt: skip
BYLINE_WORDS = frozenset(["author", "byline"])
SUMMARY_WORDS = frozenset(["sapo", "summary", "teaser", "lead", "description"])
CLASS_WORD = re.compile(r"[a-z]+")
PARAGRAPH_TAGS = frozenset(["p", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6"])
INLINE_BOXES = frozenset(["div", "span", "font"])
BLOCK_DESCENDANTS = frozenset([*PARAGRAPH_TAGS, "div", "table", "ul", "ol"])
LINK_LIST_TAGS = frozenset(["div", "section", "ul", "ol", "dl", "table"])
LINK_LIST_MIN_SHARE = 0.5
# The body's elements that have a class or an id, in document order: the only ones `_has_word` can accept.
_NAMED_ELEMENTS = etree.XPath("(descendant-or-self::*/@class | descendant-or-self::*/@id)/parent::*")


def extract_generic(response: TextResponse, site: str = "generic", fetched_at: datetime | None = None) -> Article:
    """Every field the generic rules can read, each recorded as coming from the generic path."""
    page = response.selector
    metadata = read_metadata(page)
    article = Article(
        url=response.url,
        site=site,
        http_status=response.status,
        fetched_at=fetched_at or datetime.now(HO_CHI_MINH),
        canonical_url=generic_canonical_url(response.url, metadata),
    )
    container = densest_text_container(page)
    fields = {
        "title": generic_title(page, metadata),
        "summary": generic_summary(page, metadata),
        "author": next(iter(generic_authors(page, metadata, container)), None),
        "category": metadata.section,
    }
    for name, value in fields.items():
        if value:
            setattr(article, name, value)
            article.field_sources[name] = "generic"
    body = generic_body(container, response.url, title=article.title, summary=article.summary)
    if body.paragraphs:
        article.body_text, article.body_html, article.images = body.text, body.html, body.images
        article.field_sources["body"] = "generic"
    if body.source:
        article.source = body.source
        article.field_sources["source"] = "generic"
    article.date_candidates = generic_date_candidates(page, metadata, article.title)
    if article.date_candidates:
        article.field_sources["published"] = "generic"
    article.modified_candidates = list(metadata.modified)
    article.tags = metadata.keywords
    return article


def generic_canonical_url(url: str, metadata: PageMetadata) -> str:
    """The page's declared canonical URL when it stays on the fetched page's site."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for declared in (metadata.canonical, metadata.og_url):
        if declared and host and same_site(declared, [host]):
            return canonical_url(declared)
    return canonical_url(url)


def generic_title(page: Selector, metadata: PageMetadata) -> str | None:
    """The h1 that agrees with the declared headline; else that headline, unless cut short; else the h1.

    A declared title (JSON-LD headline, og:title) is often truncated with "…" or carries the
    site's name; the h1 then holds the whole title.
    """
    headings = [text for text in map(node_text, select(page, "body h1")) if text]
    site_name = next(iter(select(page, "meta[property='og:site_name']::attr(content)")), "").strip()
    declared = [_without_site_name(text, site_name) for text in (metadata.headline, metadata.og_title) if text]
    for stated in declared:
        for heading in headings:
            if _agrees(heading, stated):
                return heading
    complete = [text for text in declared if not text.endswith(ELLIPSIS)]
    if complete:
        return complete[0]
    return headings[0] if headings else None


def generic_summary(page: Selector, metadata: PageMetadata) -> str | None:
    """The visible sapo (an element named like one), else the page's declared description."""
    return next(_texts_of_words(page, SUMMARY_WORDS), None) or metadata.description


def generic_authors(page: Selector, metadata: PageMetadata, container: Selector | None = None) -> list[str]:
    """Author candidates, best first: the declared author, byline elements, the body's closing byline."""
    closing = trailing_byline(container.root) if container is not None else None
    return [name for name in (metadata.author, *_texts_of_words(page, BYLINE_WORDS), closing) if name]


def trailing_byline(container: etree._Element) -> str | None:
    """The writer's name closing a body: a short right-aligned last paragraph, as Vietnamese papers print it."""
    last = next(_paragraphs_last_first(container), None)
    if last is None or not _is_right_aligned(last):
        return None
    text = node_text(last)
    if len(text) > BYLINE_MAX_LENGTH or SOURCE_LINE.search(text) or text.endswith((".", "?", "!", ":")):
        return None
    return text


def generic_date_candidates(page: Selector, metadata: PageMetadata, title: str | None = None) -> list[str]:
    """Machine-readable dates first, then date lines near the title, for the date pipeline to parse."""
    return [*metadata.published, *dates_near_title(page, title)]


def dates_near_title(page: Selector, title: str | None = None) -> list[str]:
    """Texts of the date lines next to the title, nearest first (see `date_lines_near_title`)."""
    return [node_text(element) for element in date_lines_near_title(page, title)]


def date_lines_near_title(page: Selector, title: str | None = None) -> list[etree._Element]:
    """Short date-like elements next to the title (the first h1, or else the element holding `title`).

    The nearest lines after the title come first, then the few before it (VnExpress prints its
    date above the h1). Each is the innermost element holding its text, so a view counter
    beside a date ("Lượt xem: 1.092") does not spoil it.
    """
    anchor = _title_element(page, title)
    body = _body_root(page)
    if anchor is None or not (anchor is body or body in anchor.iterancestors()):
        return []
    # Only elements that carry text of their own count, and the title must hold one.
    if not any(_has_own_text(element) for element in anchor.iter(etree.Element)):
        return []
    after = islice(filter(_has_own_text, _following_in(body, anchor)), DATE_WINDOW_AFTER)
    before = islice(filter(_has_own_text, _preceding_in(body, anchor)), DATE_WINDOW_BEFORE)
    title_line = set(anchor.iterancestors())
    return [
        element
        for element in (*after, *before)
        if _is_date_like(node_text(element)) and not _in_furniture(element, title_line)
    ]


def _has_own_text(element: etree._Element) -> bool:
    return bool((element.text or "").strip())


def _following_in(body: etree._Element, anchor: etree._Element) -> Iterator[etree._Element]:
    """The elements of `body` after `anchor` and outside it, in document order."""
    node = anchor
    while node is not body:
        for sibling in node.itersiblings(etree.Element):
            yield from sibling.iter(etree.Element)
        node = node.getparent()


def _preceding_in(body: etree._Element, anchor: etree._Element) -> Iterator[etree._Element]:
    """The elements of `body` before `anchor` (its ancestors and `body` included), nearest first.

    Walking back from the title reads the few elements the window needs, not all the page before it.
    """
    node = anchor
    while node is not body:
        for sibling in node.itersiblings(etree.Element, preceding=True):
            yield from reversed(list(sibling.iter(etree.Element)))
        node = node.getparent()
        yield node


def generic_body(
    container: Selector | None, base_url: str, title: str | None = None, summary: str | None = None
) -> Body:
    """The container's paragraphs, cleaned like a profile's body; repeats of title and sapo dropped."""
    if container is None:
        return Body()
    repeats = tuple(re.compile(rf"^{re.escape(text)}$") for text in (title, summary) if text)
    return extract_body(
        _cleaned(container),
        base_url,
        image_containers=IMAGE_CONTAINERS,
        image_captions=IMAGE_CAPTIONS,
        source_line=SOURCE_LINE,
        boilerplate_lines=repeats,
    )


def named_elements(page: Selector, words: frozenset[str]) -> list[etree._Element]:
    """Elements whose class or id has one of `words` (a sapo, a byline), outside page furniture."""
    anchor = _title_element(page, None)
    title_line = set(anchor.iterancestors()) if anchor is not None else set()
    return [
        element
        for element in _NAMED_ELEMENTS(_body_root(page))
        if _has_word(element, words) and not _in_furniture(element, title_line)
    ]


def template_elements(container: etree._Element) -> list[etree._Element]:
    """Elements inside a body container that are not article text.

    Furniture, bylines, the sapo, boxes of links and date lines; the body's closing byline is
    left to `trailing_byline`. Nothing inside an image box is taken for a sapo or a byline
    ("image-description" is a caption).
    """
    return [
        element
        for element in container.iterdescendants()
        if isinstance(element.tag, str)
        and (
            _is_furniture(element)
            or (_has_word(element, BYLINE_WORDS | SUMMARY_WORDS) and not _in_image_box(element))
            or _is_link_list(element)
            or _is_date_line(element)
        )
    ]


def densest_text_container(page: Selector) -> Selector | None:
    """The element whose own paragraphs hold the most text that is not link text.

    Only direct children count, so the tightest wrapper of the article's paragraphs wins over
    the layout boxes around it; furniture (menus, footers, share bars, related lists) and
    everything inside HTML5 nav/header/footer/aside never compete.
    """
    best, best_length = None, 0
    for element in body_elements(page):
        if _is_furniture(element) or any(ancestor.tag in FURNITURE_TAGS for ancestor in element.iterancestors()):
            continue
        length = _own_paragraph_text_length(element)
        if length > best_length:
            best, best_length = element, length
    return Selector(root=best) if best is not None else None


def _own_paragraph_text_length(element: etree._Element) -> int:
    """Characters of non-link text in the element's paragraph children and loose text."""
    if element.tag in PARAGRAPH_TAGS or element.tag in SKIPPED_TAGS:
        return 0
    length = len((element.text or "").strip())
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag in PARAGRAPH_TAGS or (child.tag in INLINE_BOXES and not _has_block_descendant(child)):
            length += len(visible_text(child).strip()) - _link_text_length(child)
        length += len((child.tail or "").strip())
    return length


def _cleaned(container: Selector) -> Selector:
    """A copy of the container without its template elements and closing byline."""
    root = copy.deepcopy(container.root)
    for element in template_elements(root):
        drop_keeping_tail(element)
    if trailing_byline(root):
        drop_keeping_tail(next(_paragraphs_last_first(root)))
    return Selector(root=root)


def body_elements(page: Selector) -> list[etree._Element]:
    """The elements of the page's body in document order, without comments."""
    return list(_body_root(page).iter(etree.Element))


def _body_root(page: Selector) -> etree._Element:
    """The page's first body element, or the whole page when it has none."""
    return next(page.root.iter("body"), page.root)


def _title_element(page: Selector, title: str | None) -> etree._Element | None:
    """The title's element: the first h1, or else the leaf element whose text is `title`."""
    headings = select(page, "body h1")
    if headings:
        return headings[0]
    for element in body_elements(page):
        if title and len(element) == 0 and node_text(element) == title:
            return element
    return None


def _texts_of_words(page: Selector, words: frozenset[str]) -> Iterator[str]:
    for element in named_elements(page, words):
        text = node_text(element)
        if text:
            yield text


def _paragraphs_last_first(container: etree._Element) -> Iterator[etree._Element]:
    """Elements holding text and no blocks, from the end of the container."""
    for element in reversed(list(container.iterdescendants())):
        if (
            isinstance(element.tag, str)
            and element.tag in PARAGRAPH_TAGS | INLINE_BOXES
            and not _has_block_descendant(element)
            and node_text(element)
        ):
            yield element


def _agrees(heading: str, stated: str) -> bool:
    """A declared title agrees with an h1 that it equals, cuts short, or extends with " | Site"."""
    if heading.startswith(_without_ellipsis(stated)):
        return True
    return stated.startswith(heading) and stated.removeprefix(heading).lstrip().startswith(TITLE_SEPARATORS)


def _has_block_descendant(element: etree._Element) -> bool:
    return any(isinstance(node.tag, str) and node.tag in BLOCK_DESCENDANTS for node in element.iterdescendants())


def _link_text_length(element: etree._Element) -> int:
    return sum(len(visible_text(link).strip()) for link in element.iter("a"))


def _has_word(element: etree._Element, words: frozenset[str]) -> bool:
    names, identifier = element.get("class"), element.get("id")
    if names is None and identifier is None:
        return False
    return not words.isdisjoint(_name_words(f"{names or ''} {identifier or ''}"))


@lru_cache(maxsize=4096)
def _name_words(names: str) -> frozenset[str]:
    """The words of a class and id; templates repeat the same few on every page."""
    return frozenset(CLASS_WORD.findall(names.lower()))


def _is_furniture(element: etree._Element) -> bool:
    return element.tag in FURNITURE_TAGS or _has_word(element, FURNITURE_WORDS)


def _in_furniture(element: etree._Element, title_line: set[etree._Element]) -> bool:
    """Inside furniture; a box that holds the title is the article's column, whatever its name."""
    return any(_is_furniture(node) and node not in title_line for node in (element, *element.iterancestors()))


def _in_image_box(element: etree._Element) -> bool:
    return any(
        node.tag == "figcaption" or (node.tag in ("figure", "table") and node.find(".//img") is not None)
        for node in (element, *element.iterancestors())
    )


def _is_link_list(element: etree._Element) -> bool:
    """A box of links ("Tin liên quan" inside the body): at least half its text is link text."""
    if element.tag not in LINK_LIST_TAGS:
        return False
    length = len(node_text(element))
    return length > 0 and _link_text_length(element) >= length * LINK_LIST_MIN_SHARE


def _is_date_like(text: str) -> bool:
    return len(text) <= DATE_LINE_MAX_LENGTH and bool(DATE_LIKE.search(text))


def _is_date_line(element: etree._Element) -> bool:
    text = node_text(element)
    return _is_date_like(text) and parse_vietnamese_date(text) is not None


def _is_right_aligned(element: etree._Element) -> bool:
    style = re.sub(r"\s+", "", element.get("style", "").lower())
    return "text-align:right" in style or element.get("align", "").lower() == "right"


def _without_site_name(title: str, site_name: str) -> str:
    """The headline without a trailing " | Site" or " - Site" naming the site (og:site_name)."""
    if site_name:
        for separator in (" | ", " - ", " – "):
            if title.endswith(separator + site_name):
                return title.removesuffix(separator + site_name).strip()
    return title


def _without_ellipsis(text: str) -> str:
    for mark in ELLIPSIS:
        text = text.removesuffix(mark)
    return text.rstrip()
