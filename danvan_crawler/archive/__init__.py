"""The SQLite archive: what the crawler keeps, and how it is opened, written and read."""

from danvan_crawler.archive.schema import ArchiveError, default_archive_path, open_archive

__all__ = ["ArchiveError", "default_archive_path", "open_archive"]
