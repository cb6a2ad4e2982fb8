"""Raw pages: every article response as it was served, compressed, so extraction can be re-run.

Scrapy hands over bodies after transfer decoding (gzip, chunking), so a stored body is what the
server sent once those are undone; status, headers, final URL and redirect chain are kept
beside it. The same bytes fetched again from the same URL are stored once.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from datetime import datetime

from scrapy import signals
from scrapy.http import Response
from scrapy.responsetypes import responsetypes

from danvan_crawler.archive.batching import FlushTimer
from danvan_crawler.archive.schema import default_archive_path, is_full_error, open_archive
from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.settings import ARCHIVE_BATCH_SIZE

RAW_PAGE_META = "archive_raw_page"
# The columns of a `raw_page_row`, in its order.
RAW_PAGE_COLUMNS = ("url", "final_url", "status", "headers", "redirect_chain", "fetched_at", "body_sha1",
                    "body_size", "body", "etag", "last_modified")  # fmt: skip
INSERT_RAW_PAGE = (
    f"INSERT OR IGNORE INTO raw_pages ({', '.join(RAW_PAGE_COLUMNS)}) VALUES ({', '.join('?' * len(RAW_PAGE_COLUMNS))})"
)


class RawPageRecorder:
    """Extension: keeps every response to a request marked `meta[RAW_PAGE_META]`."""

    def __init__(self, crawler):
        self.archive_path = crawler.settings.get("ARCHIVE_PATH") or default_archive_path()
        self.batch_size = crawler.settings.getint("ARCHIVE_BATCH_SIZE", ARCHIVE_BATCH_SIZE)
        self.timer = FlushTimer(self.flush, crawler.settings.getfloat("ARCHIVE_FLUSH_SECONDS"))
        self.max_bytes = crawler.settings.getint("ARCHIVE_MAX_BYTES") or None
        self.stats = crawler.stats
        self.pending: list[tuple] = []
        self.db = None
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def response_received(self, response: Response, request, spider) -> None:
        if not request.meta.get(RAW_PAGE_META) or response.status == 304:
            return
        self.pending.append(raw_page_row(response, datetime.now(HO_CHI_MINH)))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def spider_opened(self, spider) -> None:
        self.timer.start()

    def spider_closed(self, spider) -> None:
        self.timer.stop()
        self.flush()
        if self.db is not None:
            self.db.close()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.db is None:
            self.db = open_archive(self.archive_path, max_bytes=self.max_bytes)
        try:
            with self.db.conn:
                self.db.conn.execute("BEGIN IMMEDIATE")
                self.db.conn.executemany(
                    INSERT_RAW_PAGE,
                    self.pending,
                )
        except sqlite3.OperationalError as error:
            if not is_full_error(error):
                raise
            self.stats.inc_value("danvan/dropped/raw_page_archive_full", len(self.pending))
        self.pending = []


def raw_page_row(response: Response, fetched_at: datetime) -> tuple:
    chain = [*response.meta.get("redirect_urls", ()), response.url]
    headers = {
        name.decode("latin-1"): [value.decode("latin-1") for value in values]
        for name, values in response.headers.items()
    }
    return (
        chain[0],
        response.url,
        response.status,
        json.dumps(headers, ensure_ascii=False),
        json.dumps(chain),
        fetched_at.isoformat(timespec="seconds"),
        hashlib.sha1(response.body).hexdigest(),
        len(response.body),
        zlib.compress(response.body, 6),
        headers.get("Etag", [None])[0],
        headers.get("Last-Modified", [None])[0],
    )


def response_from_raw_page(row: dict) -> Response:
    """The stored page as a Scrapy response again: same URL, headers and bytes, same decoding."""
    headers = {name: values for name, values in json.loads(row["headers"]).items()}
    body = zlib.decompress(row["body"])
    response_class = responsetypes.from_args(headers=headers, url=row["final_url"], body=body)
    return response_class(url=row["final_url"], status=row["status"], headers=headers, body=body)
