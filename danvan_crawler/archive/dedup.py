"""Near-duplicates across sites: MinHash signatures over word shingles, found through LSH bands.

Provincial sites republish central articles with small edits (a caption changed, a paragraph
dropped, a "Nguồn:" line added), so exact hashes miss them. Each article gets a MinHash
signature of its 5-word shingles (of `match_key` text, so spelling variants agree); the
signature is cut into bands, and each band's hash is an indexed row: an article's candidates
are the articles sharing a band, found by index lookups whatever the archive's size. A
candidate is a republication when the estimated Jaccard similarity reaches the threshold.

Band keys are random, so each band row written as its article arrived landed on a B-tree leaf
of its own: twelve leaves per article written to the log and again at the checkpoint, a third
of the writer's time on a million articles. The bands of the newest articles (up to
RECENT_ARTICLES) are therefore held in memory, sorted, and merged into `article_bands` in key
order, which writes each leaf once for many articles. Nothing is lost between merges: they are
remade from `article_signatures`, the record of truth, by any writer that opens the archive.

Nearly every article has no near-duplicate, yet its twelve probes went to an index of twelve
rows per article whose leaves, on a million articles, are not in SQLite's cache (95-150 µs per
article, against 10-20 µs for the in-memory recent bands). A Bloom filter of the merged band
keys (`StoredBandFilter`) answers most of them from memory: only keys it may hold are probed.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from functools import lru_cache

import numpy

SHINGLE_WORDS = 5
PERMUTATIONS = 60
BANDS = 12
ROWS_PER_BAND = PERMUTATIONS // BANDS
SIMILARITY_THRESHOLD = 0.8
RECENT_ARTICLES = 20_000  # articles whose bands wait in memory for one merge (about 4 MB)
# About 0.6 % false positives at full capacity (12 bits and 4 hashes per key), made anew half as
# large again when full: 18 to 27 MB for a million articles' twelve million keys.
FILTER_BITS_PER_KEY = 12
FILTER_MIN_KEYS = 1 << 20
_MASK_63 = (1 << 63) - 1
_MASK_64 = (1 << 64) - 1
_generator = numpy.random.default_rng(20201228)
_MULTIPLIERS = _generator.integers(1, 2**63, size=PERMUTATIONS, dtype=numpy.uint64) | numpy.uint64(1)
_ADDENDS = _generator.integers(0, 2**63, size=PERMUTATIONS, dtype=numpy.uint64)
_HIGH_HALF = numpy.uint64(32)  # shift that keeps a uint64's top 32 bits
_FILTER_MULTIPLIERS = _generator.integers(1, 2**63, size=4, dtype=numpy.uint64) | numpy.uint64(1)
_FILTER_MULTIPLIER_INTS = [int(multiplier) for multiplier in _FILTER_MULTIPLIERS]
_SHINGLE_WEIGHTS = numpy.array([1_000_003**power % 2**64 for power in range(SHINGLE_WORDS)], dtype=numpy.uint64)


def minhash_signature(key_text: str) -> bytes | None:
    """The MinHash signature (PERMUTATIONS uint64 values) of `match_key` text; None if too short."""
    words = key_text.split()
    if len(words) < SHINGLE_WORDS + 1:
        return None
    return shingle_minima(word_hashes(words)).tobytes()


def word_hashes(words: list[str]) -> numpy.ndarray:
    """One uint64 per word, the input of `shingle_minima`."""
    return numpy.fromiter(map(_word_hash, words), dtype=numpy.uint64, count=len(words))


def shingle_minima(hashes: numpy.ndarray, starts: numpy.ndarray | None = None) -> numpy.ndarray:
    """Per permutation, the least permuted hash of the shingles beginning at `starts` (all of them
    by default). Minima of parts of a text's shingles combine by `numpy.minimum` into its signature,
    so a text assembled from known parts needs only the shingles that cross their joins."""
    if starts is None:
        starts = numpy.arange(max(0, len(hashes) - SHINGLE_WORDS + 1))
    if not len(starts):
        return numpy.full(PERMUTATIONS, numpy.iinfo(numpy.uint64).max, dtype=numpy.uint64)
    with numpy.errstate(over="ignore"):
        shingles = hashes[starts] * _SHINGLE_WEIGHTS[0]
        for offset in range(1, SHINGLE_WORDS):
            shingles += hashes[starts + offset] * _SHINGLE_WEIGHTS[offset]
        permuted = numpy.multiply.outer(shingles, _MULTIPLIERS)
        permuted += _ADDENDS
    return permuted.min(axis=0)


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
        self.recent = RecentBands()
        self.stored = StoredBandFilter(0)  # the keys in article_bands, made by the first catch_up
        self.merged_through: int | None = None  # highest article id whose bands are in article_bands
        self.seen_through = 0  # highest article id whose signature `recent` has taken in
        self.changes_through = 0  # last band_changes row the filter has taken in

    def add(self, article_id: int, signature: bytes | None, detected_at: str | None = None) -> bool:
        """Index an article (anew if its text changed); True when it joined a republication group.

        A writer sharing the archive with others calls `catch_up` at the start of each transaction.
        """
        if self.merged_through is None:
            self.catch_up()
        merged = article_id <= self.merged_through
        if merged:
            self.db.execute("DELETE FROM article_bands WHERE article_id = ?", [article_id])
        elif article_id <= self.seen_through:
            self.recent.forget(article_id)
        self.db.execute("DELETE FROM article_signatures WHERE article_id = ?", [article_id])
        if signature is None:
            return False
        keys = band_keys(signature)
        self.db.execute("INSERT INTO article_signatures VALUES (?, ?)", [article_id, signature])
        if merged:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO article_bands VALUES (?, ?)", [(key, article_id) for key in keys]
            )
            self.db.execute("INSERT INTO band_changes (article_id) VALUES (?)", [article_id])
            self._store(keys)
        else:
            self.recent.add(article_id, keys)
            self.seen_through = max(self.seen_through, article_id)
        matches = [
            other
            for other, other_signature in self.candidates(article_id, keys)
            if similarity(signature, other_signature) >= SIMILARITY_THRESHOLD
        ]
        if len(self.recent) >= RECENT_ARTICLES * BANDS:
            self._merge()
        if not matches:
            return False
        self._regroup({article_id, *matches, *self._group_of(matches)}, detected_at)
        return True

    def catch_up(self) -> None:
        """Take in what other writers (or an earlier run) merged or added since this index last looked."""
        merged = self.db.execute("SELECT MAX(article_id) FROM article_bands").fetchone()[0] or 0
        if self.merged_through is None or merged < self.merged_through:
            self._load_stored_bands()
        elif merged > self.merged_through:
            for _, keys in self._signatures_after(self.merged_through, through=merged):
                self._store(keys)
        for sequence, signature in self.db.execute(
            """SELECT c.sequence, s.signature FROM band_changes c
               LEFT JOIN article_signatures s ON s.article_id = c.article_id
               WHERE c.sequence > ? ORDER BY c.sequence""",
            [self.changes_through],
        ):
            if signature is not None:
                self._store(band_keys(signature))
            self.changes_through = max(self.changes_through, sequence)
        if merged != self.merged_through:
            self.recent = RecentBands()
            self.merged_through = self.seen_through = merged
        newest = self.db.execute("SELECT MAX(article_id) FROM article_signatures").fetchone()[0] or 0
        if newest > self.seen_through:
            self.seen_through = self._take_in_signatures_after(self.seen_through, self.recent)

    def candidates(self, article_id: int, keys: list[int]) -> list[tuple[int, bytes]]:
        """Articles of other sites that share a band key with this one, with their signatures.

        As of the last `catch_up`: the writer catches up once per transaction, not per article.
        """
        sharing = self.recent.article_ids(keys)
        stored = self.stored.may_hold(keys)
        if stored:
            sharing.update(
                row[0]
                for row in self.db.execute(
                    f"SELECT article_id FROM article_bands WHERE band_key IN ({', '.join('?' * len(stored))})", stored
                )
            )
        sharing.discard(article_id)
        if not sharing:
            return []
        return self.db.execute(
            f"""SELECT s.article_id, s.signature FROM article_signatures s JOIN articles a ON a.id = s.article_id
                WHERE s.article_id IN ({", ".join("?" * len(sharing))})
                  AND a.site != (SELECT site FROM articles WHERE id = ?)""",
            [*sharing, article_id],
        ).fetchall()

    def _merge(self) -> None:
        """Every signature newer than the last merge goes into article_bands, in key order."""
        merging = RecentBands()
        newest = self._take_in_signatures_after(self.merged_through, merging)
        self.db.conn.executemany("INSERT OR IGNORE INTO article_bands VALUES (?, ?)", merging.in_key_order())
        self.recent = RecentBands()
        self.merged_through = self.seen_through = newest
        self._store(merging.keys)

    def _take_in_signatures_after(self, article_id: int, bands: RecentBands) -> int:
        """The bands of every stored signature after `article_id` go into `bands`; returns the newest id."""
        newest = article_id
        for newest, keys in self._signatures_after(article_id):
            bands.add(newest, keys)
        return newest

    def _signatures_after(self, article_id: int, through: int | None = None) -> Iterator[tuple[int, list[int]]]:
        """(article id, band keys) of the stored signatures after `article_id` (up to `through`), in id order."""
        for newest, signature in self.db.execute(
            "SELECT article_id, signature FROM article_signatures WHERE article_id > ? AND article_id <= ?"
            " ORDER BY article_id",
            [article_id, through if through is not None else 2**63 - 1],
        ):
            yield newest, band_keys(signature)

    def _store(self, keys) -> None:
        """Keys now in article_bands go into the filter; a full one is made anew, half as large again."""
        self.stored.add(keys)
        if self.stored.full:
            self._load_stored_bands()

    def _load_stored_bands(self) -> None:
        """The filter made from every key in article_bands (a scan: about 2 s for a million articles)."""
        merged = self.db.execute("SELECT MAX(article_id) FROM article_bands").fetchone()[0] or 0
        self.stored = StoredBandFilter(merged * BANDS * 3 // 2)
        cursor = self.db.execute("SELECT band_key FROM article_bands")
        while rows := cursor.fetchmany(65_536):
            self.stored.add([row[0] for row in rows])
        self.changes_through = self.db.execute("SELECT MAX(sequence) FROM band_changes").fetchone()[0] or 0

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


class StoredBandFilter:
    """A Bloom filter of band keys: a key it does not hold is certainly not in article_bands.

    Keys it holds that the table no longer does (an article re-indexed) only cost a probe.
    """

    def __init__(self, capacity: int):
        self.capacity = max(FILTER_MIN_KEYS, capacity)
        self.bytes = bytearray(-(-self.capacity * FILTER_BITS_PER_KEY // 8))
        self.bits = len(self.bytes) * 8
        self.count = 0

    @property
    def full(self) -> bool:
        return self.count > self.capacity

    def add(self, keys) -> None:
        """Many keys at once (a merge, a scan of the table)."""
        with numpy.errstate(over="ignore"):
            hashes = numpy.multiply.outer(numpy.asarray(keys, dtype=numpy.uint64), _FILTER_MULTIPLIERS) >> _HIGH_HALF
        positions = (hashes * numpy.uint64(self.bits) >> _HIGH_HALF).ravel()
        bits = (numpy.uint64(1) << (positions & numpy.uint64(7))).astype(numpy.uint8)
        numpy.bitwise_or.at(numpy.frombuffer(self.bytes, dtype=numpy.uint8), positions >> numpy.uint64(3), bits)
        self.count += len(keys)

    def may_hold(self, keys: list[int]) -> list[int]:
        """The keys that may be in the table, in their order: one hash at a time, as a key the
        filter never saw nearly always fails the first."""
        data, size = self.bytes, self.bits
        held = []
        for key in keys:
            for multiplier in _FILTER_MULTIPLIER_INTS:
                position = (((key * multiplier) & _MASK_64) >> 32) * size >> 32
                if not (data[position >> 3] >> (position & 7)) & 1:
                    break
            else:
                held.append(key)
        return held


class RecentBands:
    """Band keys of the articles newer than the last merge, for lookup: a sorted array, and the
    latest additions in a dict until there are enough of them to sort in."""

    SORT_IN_AT = 2_400

    def __init__(self):
        self.keys = numpy.empty(0, dtype=numpy.int64)
        self.article_ids_by_key = numpy.empty(0, dtype=numpy.int64)
        self.latest: dict[int, list[int]] = {}
        self.latest_count = 0

    def __len__(self) -> int:
        return len(self.keys) + self.latest_count

    def add(self, article_id: int, keys: list[int]) -> None:
        for key in keys:
            self.latest.setdefault(key, []).append(article_id)
        self.latest_count += len(keys)
        if self.latest_count >= self.SORT_IN_AT:
            self._sort_in()

    def article_ids(self, keys: list[int]) -> set[int]:
        found = {article_id for key in keys for article_id in self.latest.get(key, ())}
        size = len(self.keys)
        if size:
            for key, position in zip(keys, numpy.searchsorted(self.keys, keys).tolist(), strict=True):
                while position < size and self.keys[position] == key:
                    found.add(int(self.article_ids_by_key[position]))
                    position += 1
        return found

    def in_key_order(self) -> Iterator[tuple[int, int]]:
        """(band key, article id) pairs, one at a time: a merge holds no list of them."""
        self._sort_in()
        return zip(map(int, self.keys), map(int, self.article_ids_by_key), strict=True)

    def forget(self, article_id: int) -> None:
        """An article indexed anew: its old bands go."""
        self._sort_in()
        kept = self.article_ids_by_key != article_id
        self.keys, self.article_ids_by_key = self.keys[kept], self.article_ids_by_key[kept]

    def _sort_in(self) -> None:
        pairs = sorted((key, article_id) for key, article_ids in self.latest.items() for article_id in article_ids)
        if pairs:
            keys, article_ids = numpy.array(pairs, dtype=numpy.int64).T
            positions = numpy.searchsorted(self.keys, keys)
            self.keys = numpy.insert(self.keys, positions, keys)
            self.article_ids_by_key = numpy.insert(self.article_ids_by_key, positions, article_ids)
        self.latest, self.latest_count = {}, 0
