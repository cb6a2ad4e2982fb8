"""One crawl of a site at a time: an advisory lock file per site beside the archive.

The operating system releases the lock when its process ends however it ends (SIGKILL
included), so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class SiteLockedError(RuntimeError):
    """Another run of the same site, on the same archive, is in progress."""


class SiteLock:
    def __init__(self, archive_path: str | Path, site: str):
        archive = Path(archive_path).resolve()
        self.path = archive.parent / f"{archive.name}.locks" / f"{site}.lock"
        self.site = site
        self._handle = None

    def acquire(self) -> SiteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise SiteLockedError(
                f"another crawl of {self.site} is running on this archive (pid {holder}); not starting a second one"
            ) from error
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
