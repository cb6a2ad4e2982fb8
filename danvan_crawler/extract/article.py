"""Turn one article page into an Article item, with the site's profile."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse

from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.extract.body import Body, extract_body
from danvan_crawler.extract.generic import (
    dates_near_title,
    densest_text_container,
    generic_authors,
    generic_body,
    generic_summary,
    generic_title,
)
from danvan_crawler.extract.metadata import PageMetadata, read_metadata
from danvan_crawler.extract.selectors import all_texts, every_text, first_node, first_text, node_text, select
from danvan_crawler.items import Article
from danvan_crawler.sites import SiteProfile
from danvan_crawler.urls import canonical_url

TRAILING_DATE = re.compile(r"\(?\s*([^()]*\d[^()]*?)\s*\)?\s*$")


def extract_article(response: TextResponse, profile: SiteProfile, fetched_at: datetime | None = None) -> Article:
    """Read every field the profile describes; machine-readable dates are tried first.

    A field the profile's selectors find nothing for comes from the generic rules
    (extract/generic.py), and `field_sources` says which path gave each field.
    """
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
        article.title = _with_source(article, "title", generic_title(page, metadata), "generic")
    summary = first_text(page, selectors.get("summary", ()))
    article.summary = _with_source(article, "summary", summary, "profile") or _with_source(
        article, "summary", generic_summary(page, metadata), "generic"
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
        _take_body(article, body, "profile")
    if not article.body_text:
        generic = generic_body(densest_text_container(page), response.url, article.title, article.summary)
        _take_body(article, generic, "generic")

    visible_dates = every_text(page, selectors.get("published", ()))
    article.date_candidates = [*metadata.published, *visible_dates, *dates_near_title(page, article.title)]
    if article.date_candidates:
        article.field_sources["published"] = "profile" if visible_dates else "generic"
    article.modified_candidates = [
        *metadata.modified,
        *every_text(page, selectors.get("modified", ())),
    ]
    ignored = {name.casefold() for name in profile.ignore_authors}
    author = next(
        (name for name in every_text(page, selectors.get("author", ())) if name.casefold() not in ignored), None
    )
    article.author = _with_source(article, "author", author, "profile") or _with_source(
        article, "author", _generic_author(page, metadata, ignored), "generic"
    )
    category = first_text(page, selectors.get("category", ()))
    article.category = _with_source(article, "category", category, "profile") or _with_source(
        article, "category", metadata.section, "generic"
    )
    article.tags = all_texts(page, selectors.get("tags", ())) or metadata.keywords
    article.related = _related_links(page, response.url, profile)
    return article


def _generic_author(page: Selector, metadata: PageMetadata, ignored: set[str]) -> str | None:
    """The best generic author candidate not ignored; only looked for when the profile found none."""
    return next((name for name in generic_authors(page, metadata) if name.casefold() not in ignored), None)


def _take_body(article: Article, body: Body, path: str) -> None:
    article.body_text, article.body_html, article.images, article.source = (
        body.text,
        body.html,
        body.images,
        body.source,
    )
    for field, value in (("body", body.paragraphs), ("source", body.source)):
        if value:
            article.field_sources[field] = path


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
        for item in select(page, block.items):
            title, link = _first_titled_link(item)
            if link is None:
                continue
            rest = node_text(item).replace(title, "", 1).strip()
            found = TRAILING_DATE.search(rest) if rest else None
            related.append(
                {
                    "title": title,
                    "url": urljoin(base_url, link.get("href").strip()),
                    "date_raw": found.group(1).strip() if found else None,
                    "group": block.label,
                }
            )
    return related


def _first_titled_link(item: object) -> tuple[str, etree._Element] | tuple[None, None]:
    """The first link with text in a related item (an element; a text or number match has none), and that text."""
    if not isinstance(item, etree._Element):
        return None, None
    for anchor in item.iter("a"):
        if anchor.get("href") is not None:
            title = node_text(anchor)
            if title:
                return title, anchor
    return None, None
