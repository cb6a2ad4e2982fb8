"""Turn one article page into an Article item, with the site's profile."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import TextResponse

from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.extract.body import extract_body
from danvan_crawler.extract.metadata import read_metadata
from danvan_crawler.extract.selectors import all_texts, every_text, first_node, first_text, node_text, select
from danvan_crawler.items import Article
from danvan_crawler.sites import SiteProfile
from danvan_crawler.urls import canonical_url

TRAILING_DATE = re.compile(r"\(?\s*([^()]*\d[^()]*?)\s*\)?\s*$")
DATE_LIKE = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{4}-\d{2}-\d{2}|tháng\s+\d")
NEAR_TITLE = (
    "xpath:(//h1)[1]/following-sibling::*[position() <= 3]",
    "xpath:(//h1)[1]/../following-sibling::*[position() <= 2]",
)


def extract_article(response: TextResponse, profile: SiteProfile, fetched_at: datetime | None = None) -> Article:
    """Read every field the profile describes; machine-readable dates are tried first."""
    page = response.selector
    metadata = read_metadata(page)
    selectors = profile.selectors
    article = Article(
        url=response.url,
        site=profile.name,
        language=profile.language,
        http_status=response.status,
        fetched_at=fetched_at or datetime.now(HO_CHI_MINH),
    )
    article.canonical_url = _canonical(response.url, metadata, profile)

    article.title = _with_source(article, "title", first_text(page, selectors["title"]), "profile")
    if not article.title:
        article.title = _with_source(article, "title", first_text(page, ("h1",)) or metadata.og_title, "generic")
    summary = first_text(page, selectors.get("summary", ()))
    article.summary = _with_source(article, "summary", summary, "profile") or _with_source(
        article, "summary", metadata.description, "generic"
    )

    container = first_node(page, selectors["body"])
    if container is not None:
        body = extract_body(
            container,
            response.url,
            remove=profile.boilerplate_selectors,
            image_containers=profile.image_containers,
            image_captions=profile.image_captions,
            source_line=profile.source_line,
            boilerplate_lines=profile.boilerplate_lines,
        )
        article.body_text = body.text
        article.body_html = body.html
        article.images = body.images
        article.source = body.source
        if body.paragraphs:
            article.field_sources["body"] = "profile"
        if body.source:
            article.field_sources["source"] = "profile"

    visible_dates = every_text(page, selectors.get("published", ()))
    article.date_candidates = [*metadata.published, *visible_dates, *_dates_near_title(page)]
    article.modified_candidates = [
        *metadata.modified,
        *every_text(page, selectors.get("modified", ())),
    ]
    ignored = {name.casefold() for name in profile.ignore_authors}
    author = next(
        (name for name in every_text(page, selectors.get("author", ())) if name.casefold() not in ignored), None
    )
    generic_author = metadata.author if (metadata.author or "").casefold() not in ignored else None
    article.author = _with_source(article, "author", author, "profile") or _with_source(
        article, "author", generic_author, "generic"
    )
    category = first_text(page, selectors.get("category", ()))
    article.category = _with_source(article, "category", category, "profile") or _with_source(
        article, "category", metadata.section, "generic"
    )
    article.tags = all_texts(page, selectors.get("tags", ())) or metadata.keywords
    article.related = _related_links(page, response.url, profile)
    return article


def _dates_near_title(page: Selector) -> list[str]:
    """Short date-like texts just after the first h1: the last resort for a page's date."""
    texts = []
    for query in NEAR_TITLE:
        for match in select(page, query):
            text = node_text(match)
            if len(text) <= 80 and DATE_LIKE.search(text):
                texts.append(text)
    return texts


def _with_source(article: Article, field: str, value: str | None, path: str) -> str | None:
    if value:
        article.field_sources[field] = path
    return value or None


def _canonical(url: str, metadata, profile: SiteProfile) -> str:
    """The first declared canonical URL (in the profile's order) that stays on the site."""
    declared = {"link": metadata.canonical, "og:url": metadata.og_url, "url": url}
    for source in profile.canonical_sources:
        candidate = declared[source]
        if candidate and profile.owns(candidate):
            return canonical_url(candidate, profile.preferred_host, profile.host_aliases)
    return canonical_url(url, profile.preferred_host, profile.host_aliases)


def _related_links(page: Selector, base_url: str, profile: SiteProfile) -> list[dict]:
    related = []
    for block in profile.related:
        for item in page.css(block.items):
            link = [anchor for anchor in item.css("a[href]") if node_text(anchor)]
            if not link:
                continue
            title = node_text(link[0])
            rest = node_text(item).replace(title, "", 1).strip()
            found = TRAILING_DATE.search(rest) if rest else None
            related.append(
                {
                    "title": title,
                    "url": urljoin(base_url, link[0].attrib["href"].strip()),
                    "date_raw": found.group(1).strip() if found else None,
                    "group": block.label,
                }
            )
    return related
