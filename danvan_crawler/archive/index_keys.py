"""Index keys: what the archive finds an article by, made before the write transaction.

The FTS tokens of the title and body keys (with diacritics and folded) and the MinHash
signature are pure functions of the article's text. IndexKeysPipeline makes them as a crawl
goes, so the writer holds the archive's write lock only for SQL; a crawl of another site
writing to the same archive waits less, and a bulk load can make them in another process.
"""

from __future__ import annotations

from dataclasses import dataclass

from danvan_crawler.archive.dedup import minhash_signature
from danvan_crawler.archive.search import search_keys


@dataclass(frozen=True)
class IndexKeys:
    title: str
    body: str
    title_fold: str
    body_fold: str
    signature: bytes | None  # None for a text too short to have near-duplicates


def index_keys(title_key: str, body_key: str) -> IndexKeys:
    """The keys of an article's `match_key` title and body."""
    (title, title_fold), (body, body_fold) = search_keys(title_key), search_keys(body_key)
    return IndexKeys(title, body, title_fold, body_fold, minhash_signature(f"{title_key} {body_key}"))
