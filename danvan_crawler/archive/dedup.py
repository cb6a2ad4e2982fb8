"""Near-duplicates across sites: MinHash signatures over word shingles, found through LSH bands.

Provincial sites republish central articles with small edits (a caption changed, a paragraph
dropped, a "Nguồn:" line added), so exact hashes miss them. Each article gets a MinHash
signature of its 5-word shingles (of `match_key` text, so spelling variants agree); the
signature is cut into bands, and each band's hash is an indexed row: an article's candidates
are the articles sharing a band, found by index lookups whatever the archive's size. A
candidate is a republication when the estimated Jaccard similarity reaches the threshold.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy

SHINGLE_WORDS = 5
PERMUTATIONS = 60
BANDS = 12
ROWS_PER_BAND = PERMUTATIONS // BANDS
SIMILARITY_THRESHOLD = 0.8
_MASK_63 = (1 << 63) - 1
_generator = numpy.random.default_rng(20201228)
_MULTIPLIERS = _generator.integers(1, 2**63, size=PERMUTATIONS, dtype=numpy.uint64) | numpy.uint64(1)
_ADDENDS = _generator.integers(0, 2**63, size=PERMUTATIONS, dtype=numpy.uint64)
_SHINGLE_WEIGHTS = numpy.array([1_000_003**power % 2**64 for power in range(SHINGLE_WORDS)], dtype=numpy.uint64)


def minhash_signature(key_text: str) -> bytes | None:
    """The MinHash signature (PERMUTATIONS uint64 values) of `match_key` text; None if too short."""
    words = key_text.split()
    if len(words) < SHINGLE_WORDS + 1:
        return None
    word_hashes = numpy.fromiter(map(_word_hash, words), dtype=numpy.uint64, count=len(words))
    count = len(words) - SHINGLE_WORDS + 1
    with numpy.errstate(over="ignore"):
        shingles = word_hashes[:count] * _SHINGLE_WEIGHTS[0]
        for offset in range(1, SHINGLE_WORDS):
            shingles += word_hashes[offset : offset + count] * _SHINGLE_WEIGHTS[offset]
        permuted = numpy.multiply.outer(shingles, _MULTIPLIERS)
        permuted += _ADDENDS
    return permuted.min(axis=0).tobytes()


def band_keys(signature: bytes) -> list[int]:
    """One indexed key per band: articles sharing a key are candidate near-duplicates."""
    return [
        (zlib.crc32(signature[band * ROWS_PER_BAND * 8 : (band + 1) * ROWS_PER_BAND * 8]) << 8 | band) & _MASK_63
        for band in range(BANDS)
    ]


def similarity(first: bytes, second: bytes) -> float:
    """Estimated Jaccard similarity of the two articles' shingle sets."""
    left = numpy.frombuffer(first, dtype=numpy.uint64)
    right = numpy.frombuffer(second, dtype=numpy.uint64)
    return float(numpy.count_nonzero(left == right)) / PERMUTATIONS


@lru_cache(maxsize=262_144)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) | (zlib.adler32(word.encode("utf-8")) << 32)


class RepublicationIndex:
    """Stores each article's signature and bands, and links republications across sites.

    Within a group of near-identical articles from different sites, the earliest-dated one is
    the original and every other is a copy of it, with its similarity to the original. Each
    site's copy stays a complete article of its own.
    """

    def __init__(self, db):
        self.db = db

    def add(self, article_id: int, signature: bytes | None, detected_at: str | None = None) -> bool:
        """Index an article (anew if its text changed); True when it joined a republication group."""
        self.db.execute("DELETE FROM article_bands WHERE article_id = ?", [article_id])
        self.db.execute("DELETE FROM article_signatures WHERE article_id = ?", [article_id])
        if signature is None:
            return False
        keys = band_keys(signature)
        self.db.execute("INSERT INTO article_signatures VALUES (?, ?)", [article_id, signature])
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO article_bands VALUES (?, ?)", [(key, article_id) for key in keys]
        )
        matches = [
            other
            for other, other_signature in self.candidates(article_id, keys)
            if similarity(signature, other_signature) >= SIMILARITY_THRESHOLD
        ]
        if not matches:
            return False
        self._regroup({article_id, *matches, *self._group_of(matches)}, detected_at)
        return True

    def candidates(self, article_id: int, keys: list[int]) -> list[tuple[int, bytes]]:
        """Articles of other sites that share a band key with this one, with their signatures."""
        return self.db.execute(
            f"""SELECT DISTINCT s.article_id, s.signature FROM article_bands b
                JOIN article_signatures s ON s.article_id = b.article_id
                JOIN articles a ON a.id = b.article_id
                WHERE b.band_key IN ({", ".join("?" * len(keys))}) AND b.article_id != ?
                  AND a.site != (SELECT site FROM articles WHERE id = ?)""",
            [*keys, article_id, article_id],
        ).fetchall()

    def _group_of(self, article_ids: list[int]) -> set[int]:
        placeholders = ", ".join("?" * len(article_ids))
        rows = self.db.execute(
            f"""SELECT original_id, copy_id FROM republications
                WHERE original_id IN ({placeholders}) OR copy_id IN ({placeholders})""",
            [*article_ids, *article_ids],
        ).fetchall()
        return {article_id for row in rows for article_id in row}

    def _regroup(self, members: set[int], detected_at: str | None) -> None:
        placeholders = ", ".join("?" * len(members))
        rows = self.db.execute(
            f"""SELECT a.id, a.site, s.signature FROM articles a
                JOIN article_signatures s ON s.article_id = a.id WHERE a.id IN ({placeholders})
                ORDER BY a.published_at IS NULL, a.published_at, a.first_seen_at, a.id""",
            list(members),
        ).fetchall()
        original_id, original_site, original_signature = rows[0]
        self.db.execute(
            f"DELETE FROM republications WHERE original_id IN ({placeholders}) OR copy_id IN ({placeholders})",
            [*members, *members],
        )
        copies = [
            (original_id, copy_id, similarity(original_signature, signature), detected_at or "")
            for copy_id, site, signature in rows[1:]
            if site != original_site
        ]
        self.db.conn.executemany("INSERT INTO republications VALUES (?, ?, ?, ?)", copies)
