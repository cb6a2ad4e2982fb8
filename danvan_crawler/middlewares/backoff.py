"""Retry backoff: Scrapy's RetryMiddleware decides what to retry; this decides when.

A retried request waits RETRY_BACKOFF_BASE × 2^(attempt-1) seconds (capped at RETRY_BACKOFF_MAX)
before it is sent again, or as long as the server's Retry-After asked on a 429 or 503 when that
is longer. The wait happens before the request reaches a download slot, so other requests go on.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.http import Request, Response

logger = logging.getLogger(__name__)
RETRY_AFTER_STATUSES = {429, 503}


class RetryBackoffMiddleware:
    def __init__(self, base: float, maximum: float, stats):
        self.base = base
        self.maximum = maximum
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.getfloat("RETRY_BACKOFF_BASE", 2.0), settings.getfloat("RETRY_BACKOFF_MAX", 300.0),
                   crawler.stats)  # fmt: skip

    async def process_request(self, request: Request) -> None:
        attempt = request.meta.get("retry_times", 0)
        if not attempt:
            return None
        delay = min(self.maximum, max(self.base * 2 ** (attempt - 1), request.meta.get("retry_after", 0.0)))
        if delay > 0:
            logger.debug("waiting %.1f s before retry %d of %s", delay, attempt, request.url)
            self.stats.inc_value("danvan/retry_backoff_seconds", round(delay, 3))
            await asyncio.sleep(delay)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Remember a 429/503's Retry-After on the request that RetryMiddleware will copy."""
        if response.status in RETRY_AFTER_STATUSES:
            seconds = retry_after_seconds(response.headers.get("Retry-After"))
            if seconds is not None:
                request.meta["retry_after"] = seconds
        return response


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
