"""Item pipelines, in order, one job each: validate, normalise text, resolve dates, archive.

The order is set in settings.ITEM_PIPELINES. Each class is usable alone on an Article, so the
command line (`danvan extract`) and the tests run exactly the code a crawl runs.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from datetime import datetime

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from danvan_crawler.archive import default_archive_path, open_archive
from danvan_crawler.archive.batching import FlushTimer
from danvan_crawler.archive.index_keys import index_keys
from danvan_crawler.archive.schema import is_full_error
from danvan_crawler.archive.writer import ArchiveWriter
from danvan_crawler.dates import HO_CHI_MINH, parse_vietnamese_date
from danvan_crawler.items import Article, NotModified
from danvan_crawler.settings import ARCHIVE_BATCH_SIZE
from danvan_crawler.text import match_key, normalize_text, repair_mojibake

logger = logging.getLogger(__name__)

REQUIRED_FIELDS = ("url", "title", "body_text")


class _StatsMixin:
    stats = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls()
        pipeline.stats = crawler.stats
        return pipeline

    def count(self, key: str, amount: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"danvan/{key}", amount)


class ValidateArticlePipeline(_StatsMixin):
    """Drops an item that lacks a URL, a title or a body, saying which and where."""

    def process_item(self, item: Article) -> Article:
        if not isinstance(item, Article):
            return item
        missing = [name for name in REQUIRED_FIELDS if not (getattr(item, name) or "").strip()]
        if missing:
            reason = f"missing_{missing[0]}"
            self.count(f"dropped/{reason}")
            raise DropItem(f"{reason}: {item.url} has no {', '.join(missing)}")
        return item


def clean_text(text: str) -> str:
    """Stored form of extracted text: mojibake undone first, then normalised."""
    return normalize_text(repair_mojibake(text))


class NormalizeTextPipeline(_StatsMixin):
    """Stores text as NFC with clean spaces, and the content hash over the match key."""

    def process_item(self, item: Article) -> Article:
        if not isinstance(item, Article):
            return item
        for name in ("title", "summary", "author", "source", "category"):
            value = getattr(item, name)
            if value is not None:
                setattr(item, name, clean_text(value) or None)
        item.body_text = "\n\n".join(
            paragraph for paragraph in (clean_text(part) for part in item.body_text.split("\n\n")) if paragraph
        )
        item.tags = [tag for tag in (clean_text(tag) for tag in item.tags) if tag]
        for image in item.images:
            image["caption"] = clean_text(image["caption"]) if image["caption"] else None
        for link in item.related:
            link["title"] = clean_text(link["title"])
        item.title_key, item.body_key = match_key(item.title), match_key(item.body_text)
        item.content_hash = content_hash(item.title_key, item.body_key)
        return item


class ResolveDatesPipeline(_StatsMixin):
    """Picks the first date candidate that parses, relative to the fetch time.

    With a `since` date (the crawl's --since), older articles are dropped and counted.
    """

    since: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = super().from_crawler(crawler)
        pipeline.since = getattr(crawler.spider, "since", None)
        return pipeline

    def process_item(self, item: Article) -> Article:
        if not isinstance(item, Article):
            return item
        now = item.fetched_at or datetime.now(HO_CHI_MINH)
        item.published_at, item.published_at_raw = _first_date(item.date_candidates, now)
        item.modified_at, item.modified_at_raw = _first_date(item.modified_candidates, now)
        if item.published_at is None:
            self.count("missing/published_at")
            logger.warning("no usable publication date on %s (raw: %r)", item.url, item.published_at_raw)
        for link in item.related:
            raw = link.pop("date_raw", None)
            parsed = parse_vietnamese_date(raw, now) if raw else None
            link["date"] = parsed.isoformat()[:10] if parsed else None
        if self.since and item.published_at and item.published_at.isoformat()[:10] < self.since:
            self.count("dropped/older_than_since")
            raise DropItem(f"older_than_since: {item.url} was published {item.published_at_raw}")
        return item


class IndexKeysPipeline:
    """Makes an article's search tokens and MinHash signature before the writer's transaction."""

    def process_item(self, item: Article | NotModified) -> Article | NotModified:
        if isinstance(item, Article):
            item.index_keys = index_keys(item.title_key, item.body_key)
        return item


class ArchiveWriterPipeline(_StatsMixin):
    """Writes articles to the SQLite archive in batches; flushes the rest on close."""

    def __init__(
        self,
        archive_path: str | None = None,
        batch_size: int = ARCHIVE_BATCH_SIZE,
        max_bytes: int | None = None,
        flush_seconds: float = 0,
    ):
        self.archive_path = archive_path
        self.batch_size = batch_size
        self.max_bytes = max_bytes
        self.timer = FlushTimer(self.flush, flush_seconds)
        self.pending: list[Article] = []
        self.writer: ArchiveWriter | None = None
        self.crawler = None
        self.full = False

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(
            settings.get("ARCHIVE_PATH"),
            settings.getint("ARCHIVE_BATCH_SIZE", ARCHIVE_BATCH_SIZE),
            settings.getint("ARCHIVE_MAX_BYTES") or None,
            settings.getfloat("ARCHIVE_FLUSH_SECONDS"),
        )
        pipeline.stats = crawler.stats
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self) -> None:
        self.writer = ArchiveWriter(open_archive(self.archive_path or default_archive_path(), max_bytes=self.max_bytes))
        spider = self.crawler.spider
        for profile in filter(None, (spider.profile, spider.moved_to)):
            self.writer.register_site(profile)
        self.timer.start()

    def process_item(self, item: Article | NotModified) -> Article | NotModified:
        self.pending.append(item)
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.timer.stop()
        self.flush()
        self.writer.db.close()

    def flush(self) -> None:
        """Write the pending batch; a full disk stops the crawl with the archive as it was."""
        if not self.pending:
            return
        if self.full:
            self.count("dropped/archive_full", len(self.pending))
            self.pending = []
            return
        try:
            outcomes = self.writer.write(self.pending)
        except sqlite3.OperationalError as error:
            if not is_full_error(error):
                raise
            self.full = True
            logger.error("the archive is full (%s): stopping the crawl; everything written so far is intact", error)
            self.count("dropped/archive_full", len(self.pending))
            self.pending = []
            if self.crawler is not None and self.crawler.engine is not None:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_full"))
            return
        for outcome, amount in outcomes.items():
            self.count(f"articles/{outcome}", amount)
        self.pending = []


def prepare_article(item: Article) -> Article:
    """Normalise and date an extracted article, as the crawl pipelines do."""
    return ResolveDatesPipeline().process_item(NormalizeTextPipeline().process_item(item))


def content_hash(title_key: str, body_key: str) -> str:
    """A hash over match keys, so spelling variants (tone style, NFC/NFD, case, spaces) agree."""
    return hashlib.sha1(f"{title_key}\n{body_key}".encode()).hexdigest()


def _first_date(candidates: list[str], now: datetime):
    for raw in candidates:
        parsed = parse_vietnamese_date(raw, now)
        if parsed is not None:
            return parsed, normalize_text(raw)
    return None, normalize_text(candidates[0]) if candidates else None
