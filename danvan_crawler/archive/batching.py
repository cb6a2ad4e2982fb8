"""When a crawl's pending archive writes reach the disk: a full batch, or a timer, whichever is first.

Big transactions write faster: each one gives both full-text indexes a segment of their own to
merge later, and its commit rewrites every B-tree page it touched. A batch therefore holds
ARCHIVE_BATCH_SIZE articles (or raw pages), 200 by default: 20–25 % faster than 50 on a fresh
archive and on a million-article one (bench/NOTES.md). A polite crawl of a real site may take
many minutes to fetch that many, so whatever is pending is also written every
ARCHIVE_FLUSH_SECONDS, and a crash loses at most that much of a crawl.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from twisted.internet import task

logger = logging.getLogger(__name__)


class FlushTimer:
    """Calls `flush` every `seconds` while a crawl runs (never, with 0)."""

    def __init__(self, flush: Callable[[], None], seconds: float):
        self.flush = flush
        self.seconds = seconds
        self.loop = task.LoopingCall(self._tick)

    def start(self) -> None:
        if self.seconds > 0 and not self.loop.running:
            self.loop.start(self.seconds, now=False)

    def stop(self) -> None:
        if self.loop.running:
            self.loop.stop()

    def _tick(self) -> None:
        try:
            self.flush()
        except Exception:
            # What failed stays pending: the next tick, a full batch or the spider's close writes it.
            logger.exception("writing the pending batch to the archive failed; it will be tried again")
