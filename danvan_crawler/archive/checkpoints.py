"""Background WAL checkpoints: the archive's disk syncs taken off the writer's path.

In WAL mode a commit only appends to the log; a checkpoint copies the log into the database
file and syncs it. As the archive grows, each checkpoint writes pages scattered over more of the
file (index leaves keyed by URL, content hash and MinHash band), and when the connection that
committed ran it, the writer waited for that sync: on 200,000 articles a commit cost five times
what it cost on a fresh archive. While a crawl writes, a thread with its own connection
checkpoints instead (PASSIVE: it never blocks the writer, and SQLite releases the GIL while it
works); the connections' own automatic checkpoint stays as a backstop at a larger log size
(WAL_AUTOCHECKPOINT_PAGES in schema.py).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

logger = logging.getLogger(__name__)

CHECKPOINT_INTERVAL_SECONDS = 0.25


class BackgroundCheckpointer:
    """Checkpoints the archive's WAL every `interval` seconds until stopped."""

    def __init__(self, path: str | Path, interval: float = CHECKPOINT_INTERVAL_SECONDS):
        self.path = Path(path)
        self.interval = interval
        self.checkpoints = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> BackgroundCheckpointer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="archive-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None)
        try:
            while not self._stopping.wait(self.interval):
                try:
                    # fetchall finishes the statement: one left open holds a read lock and the log never restarts
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                except sqlite3.Error as error:  # a full or failing disk: the writer reports it, the crawl goes on
                    logger.warning("background checkpoint of %s failed: %s", self.path, error)
        finally:
            connection.close()
