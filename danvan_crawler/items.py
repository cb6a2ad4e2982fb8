"""The Article item: one article page as the archive keeps it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from danvan_crawler.archive.index_keys import IndexKeys


@dataclass
class Article:
    url: str
    site: str
    canonical_url: str = ""
    title: str = ""
    summary: str | None = None
    body_text: str = ""
    body_html: str = ""
    published_at: datetime | date | None = None
    published_at_raw: str | None = None
    modified_at: datetime | date | None = None
    modified_at_raw: str | None = None
    author: str | None = None
    source: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)
    language: str = "vi"
    content_hash: str = ""
    # match_key of the title and of the body: for the content hash, near-duplicates and search.
    title_key: str = ""
    body_key: str = ""
    # Search tokens and near-duplicate signature (IndexKeysPipeline); the writer makes them if missing.
    index_keys: IndexKeys | None = None
    fetched_at: datetime | None = None
    http_status: int = 200
    # Raw date strings in order of trust (machine-readable first); the date pipeline picks one.
    date_candidates: list[str] = field(default_factory=list)
    modified_candidates: list[str] = field(default_factory=list)
    # Which path produced each field: "profile" or "generic".
    field_sources: dict[str, str] = field(default_factory=dict)


# Working fields of the pipelines, not part of an article's record.
INTERNAL_FIELDS = ("date_candidates", "modified_candidates", "title_key", "body_key", "index_keys")


@dataclass
class NotModified:
    """An archived article page that answered 304: seen again, unchanged."""

    url: str
    site: str
    fetched_at: datetime
