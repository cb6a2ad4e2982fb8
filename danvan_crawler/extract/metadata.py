"""Machine-readable page metadata: JSON-LD, OpenGraph, `article:*` and `itemprop` values."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from parsel import Selector

from danvan_crawler.extract.selectors import select

ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle"}
PUBLISHED_QUERIES = (
    "meta[property='article:published_time']::attr(content)",
    "meta[itemprop='datePublished']::attr(content)",
    "[itemprop='datePublished'][datetime]::attr(datetime)",
    "meta[name='pubdate']::attr(content)",
    "time[pubdate][datetime]::attr(datetime)",
)
MODIFIED_QUERIES = (
    "meta[property='article:modified_time']::attr(content)",
    "meta[itemprop='dateModified']::attr(content)",
    "meta[name='lastmod']::attr(content)",
)


@dataclass
class PageMetadata:
    headline: str | None = None
    og_title: str | None = None
    og_url: str | None = None
    canonical: str | None = None
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    author: str | None = None
    section: str | None = None
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)


def read_metadata(page: Selector) -> PageMetadata:
    """Collect what the page states about itself, JSON-LD first."""
    metadata = PageMetadata()
    for article in _json_ld_articles(page):
        metadata.headline = metadata.headline or _string(article.get("headline"))
        metadata.description = metadata.description or _string(article.get("description"))
        metadata.author = metadata.author or _author_name(article.get("author"))
        metadata.section = metadata.section or _string(article.get("articleSection"))
        for key, target in (("datePublished", metadata.published), ("dateModified", metadata.modified)):
            value = _string(article.get(key))
            if value and value not in target:
                target.append(value)
    for queries, target in ((PUBLISHED_QUERIES, metadata.published), (MODIFIED_QUERIES, metadata.modified)):
        for query in queries:
            for value in select(page, query):
                value = value.strip()
                if value and value not in target:
                    target.append(value)
    metadata.og_title = _meta(page, "meta[property='og:title']::attr(content)")
    metadata.og_url = _meta(page, "meta[property='og:url']::attr(content)")
    metadata.canonical = _meta(page, "link[rel='canonical']::attr(href)")
    metadata.description = metadata.description or _meta(page, "meta[name='description']::attr(content)")
    metadata.section = metadata.section or _meta(page, "meta[property='article:section']::attr(content)")
    keywords = _meta(page, "meta[name='keywords']::attr(content)")
    metadata.keywords = [word.strip() for word in (keywords or "").split(",") if word.strip()]
    return metadata


def _meta(page: Selector, query: str) -> str | None:
    value = next(iter(select(page, query)), None)
    return value.strip() or None if value else None


def _json_ld_articles(page: Selector):
    for raw in select(page, "script[type='application/ld+json']::text"):
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        yield from _walk_articles(data)


def _walk_articles(data):
    if isinstance(data, list):
        for entry in data:
            yield from _walk_articles(entry)
    elif isinstance(data, dict):
        kinds = data.get("@type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        if kinds & ARTICLE_TYPES:
            yield data
        if "@graph" in data:
            yield from _walk_articles(data["@graph"])


def _string(value) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _author_name(value) -> str | None:
    if isinstance(value, list):
        names = [name for name in (_author_name(entry) for entry in value) if name]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _string(value.get("name"))
    return _string(value)
