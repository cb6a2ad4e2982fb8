"""Archive scale: a million articles through the real writer, then lookups, search, export and size.

Articles are made as the pipelines hand them to the writer (stored text, title_key and body_key,
content hash, resolved dates, IndexKeysPipeline's search tokens and MinHash signature) from
bench/synthetic.py's text, about 4 KB of body each, spread over the nine profiled sites; bodies
are drawn from a pool of POOL_PARAGRAPHS synthetic paragraphs whose keys, search tokens and
MinHash shingle minima are made once (the pipelines' index keys of a body are its paragraphs'
joined, and its signature their minima with those of the shingles across paragraphs; a test checks
both), so making an article costs 0.3 ms of CPU instead of 0.57 (measured alone); 5 % are
near-copies of a recent article of another site (a paragraph dropped or the title reworded), as
provincial sites republish central ones. Two child processes at nice 10 make them, taking batches
in turn, outside the timings, as the crawler's pipelines make them outside the write transaction.
They go through `ArchiveWriter.write` in batches of ARCHIVE_BATCH_SIZE (the crawl's), and each
batch's raw pages through the RawPageRecorder's own flush (a real synthetic article page,
zlib-compressed as the recorder does; 64 such pages are reused, so the bytes on disk are a real
page's). The insert rate counts both, per article, over the first and the last 10 % of the
articles; the middle 80 % is not timed, and `make bench` runs the long crawl of bench/memory.py
meanwhile.

Dedup lookups (the spider's known-URL lookup of archived URLs, and the band candidate query of
the republication index for the signatures of articles not yet archived, 5 % of them copies of
archived ones, as the writer asks it for each new article) are timed on the same sample size at
1 % of the archive and at its full size. Searches go through
`danvan_crawler.archive.search.search`: typical queries with their marks, and the same queries
typed without them (answered from the folded index). The export
runs `danvan export` over every row in a subprocess (output to /dev/null) that reports its own
peak RSS (VmHWM). Bytes per article is the archive file (after a WAL checkpoint) over the articles.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from typing import Protocol

import numpy
from scrapy.utils.test import get_crawler

from bench.figures import Figure
from bench.synthetic import FRAGMENTS, ROOT, SyntheticSite, corpus, sentence, slug, synthetic_title
from danvan_crawler.archive import open_archive
from danvan_crawler.archive.dedup import (
    SHINGLE_WORDS,
    RepublicationIndex,
    band_keys,
    shingle_minima,
    word_hashes,
)
from danvan_crawler.archive.index_keys import IndexKeys
from danvan_crawler.archive.known import KnownArticles
from danvan_crawler.archive.raw_pages import RawPageRecorder
from danvan_crawler.archive.search import search, search_keys
from danvan_crawler.archive.writer import ArchiveWriter
from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.items import Article
from danvan_crawler.pipelines import content_hash
from danvan_crawler.settings import ARCHIVE_BATCH_SIZE
from danvan_crawler.sites import load_profile
from danvan_crawler.text import fold_key, match_key

ARTICLES = 1_000_000
WINDOW = 0.1
BATCH = ARCHIVE_BATCH_SIZE  # as a crawl writes
REPUBLISHED = 0.05
PRODUCERS = 2
POOL_PARAGRAPHS = 20_000
WORDS = 750  # a body's mean length, as bench/synthetic.py's pages have
SEED = 19300203
SITES = ("danvanhungyen", "danvan", "baochinhphu", "dangcongsan", "mattran", "nhandan", "qdnd", "tuyengiao",
         "tuyengiaodanvan")  # fmt: skip
RAW_PAGES = 64
LOOKUPS = 2_000
FIRST_PUBLISHED = datetime(2012, 1, 1, 6, 0, tzinfo=HO_CHI_MINH)
QUERIES = (
    "dân vận khéo", "Mặt trận Tổ quốc", "phòng, chống dịch Covid-19", "giải phóng mặt bằng", "Hưng Yên",
    "bầu cử đại biểu Quốc hội", "nông thôn mới", "cải cách hành chính", '"quy chế dân chủ ở cơ sở"', "tôn giáo",
    "Đại hội Đảng", "hiến đất", "Ban Dân vận Trung ương", "người có uy tín", "Khoái Châu", "dân tộc thiểu số",
    "Tết Nguyên đán", "cựu chiến binh", "an sinh xã hội", "Trần Thanh Mẫn",
)  # fmt: skip
QUERY_REPEATS = 3


class Companion(Protocol):
    """Work that may share the machine while the untimed middle of the archive is inserted."""

    def start(self) -> object: ...

    def wait(self) -> None: ...


class SyntheticArchive:
    """Makes the articles, in order, with a memory of recent ones to republish."""

    def __init__(self, articles: int, seed: int = SEED):
        self.articles = articles
        self.rng = random.Random(seed)
        self.profiles = {name: load_profile(name) for name in SITES}
        self.recent: list[tuple[str, ArchiveText]] = []
        self.pool = [PoolParagraph.make(self.rng) for _ in range(POOL_PARAGRAPHS)]
        site = SyntheticSite(1_000)
        self.raw_pages = []
        for number in range(1, RAW_PAGES + 1):
            body = site.render_article(number).encode("utf-8")
            self.raw_pages.append((hashlib.sha1(body).hexdigest(), len(body), zlib.compress(body, 6)))
        self.fetched_at = datetime.now(HO_CHI_MINH).replace(microsecond=0)

    def article(self, number: int) -> Article:
        rng = self.rng
        site = rng.choice(SITES)
        if self.recent and rng.random() < REPUBLISHED:
            original_site, text = rng.choice(self.recent)
            site = rng.choice([name for name in SITES if name != original_site])
            text = _near_copy(text, rng)
        else:
            text = self._text()
            self.recent = [*self.recent[-499:], (site, text)]
        profile = self.profiles[site]
        published = FIRST_PUBLISHED + timedelta(minutes=int(number * 5_000_000 / self.articles))
        url = f"{profile.base_url}/tin-tuc/{slug(text.title)}-{number}.html"
        images = [
            {"url": f"{profile.base_url}/uploads/{published:%Y_%m}/anh-{number}-{index}.jpg", "caption": caption}
            for index, caption in enumerate(rng.sample(corpus().fragments, rng.randint(0, 3)))
        ]
        related = [
            {
                "title": rng.choice(corpus().fragments),
                "url": f"{profile.base_url}/tin-tuc/bai-{number - offset}.html",
                "date": (published - timedelta(days=offset)).date().isoformat(),
                "group": "Bài viết khác",
            }
            for offset in range(1, 11)
        ]
        article = Article(
            url=url,
            site=site,
            canonical_url=url,
            title=text.title,
            summary=text.summary,
            body_text=text.body_text,
            body_html="".join([paragraph.html for paragraph in text.paragraphs]),
            published_at=published,
            published_at_raw=f"{published:%d/%m/%Y %H:%M}",
            author=None if rng.random() < 0.5 else "Thu Trang",
            source="Danvan.vn" if rng.random() < 0.3 else None,
            category="Tin tức - Sự kiện",
            tags=rng.sample(corpus().tags, rng.randint(1, 5)),
            images=images,
            related=related,
            title_key=text.title_key,
            body_key=text.body_key,
            fetched_at=self.fetched_at,
            field_sources={"title": "profile", "body": "profile", "published_at": "profile"},
        )
        article.content_hash = content_hash(article.title_key, article.body_key)
        article.index_keys = text.index_keys()
        return article

    def _text(self) -> ArchiveText:
        """A title and a sapo of their own, and paragraphs from the pool up to 0.6–1.4 × 94 fragments."""
        rng = self.rng
        title = synthetic_title(rng)
        target = int(WORDS * rng.uniform(0.6, 1.4)) // 8
        paragraphs: list[PoolParagraph] = []
        fragments = 0
        while fragments < target:
            paragraphs.append(rng.choice(self.pool))
            fragments += paragraphs[-1].fragments
        summary = synthetic_title(rng) + "."
        return ArchiveText(title, match_key(title), summary, tuple(paragraphs))

    def raw_page(self, article: Article) -> tuple:
        """A row as RawPageRecorder keeps it: this article's URL, a real page's compressed bytes."""
        sha1, size, body = self.raw_pages[zlib.crc32(article.url.encode()) % RAW_PAGES]
        headers = {"Content-Type": ["text/html; charset=utf-8"], "Server": ["nginx"], "Content-Length": [str(size)]}
        fetched = self.fetched_at.isoformat(timespec="seconds")
        chain = json.dumps([article.url])
        return (article.url, article.url, 200, json.dumps(headers), chain, fetched, sha1, size, body, None, None)


@dataclass(frozen=True)
class PoolParagraph:
    """A synthetic paragraph with everything the pipelines make of it, made once."""

    text: str
    key: str
    html: str
    search_exact: str
    search_fold: str
    fragments: int
    word_hashes: numpy.ndarray
    shingle_minima: numpy.ndarray  # of the shingles within the paragraph

    @classmethod
    def make(cls, rng: random.Random) -> PoolParagraph:
        picks = rng.choices(range(FRAGMENTS), k=rng.randint(6, 18))
        text = sentence(" ".join([corpus().fragments[index] for index in picks])) + "."
        key = " ".join([corpus().fragment_keys[index] for index in picks]) + "."
        hashes = word_hashes(key.split())
        return cls(text, key, f"<p>{escape(text)}</p>", *search_keys(key), len(picks), hashes, shingle_minima(hashes))


@dataclass(frozen=True)
class ArchiveText:
    title: str
    title_key: str
    summary: str
    paragraphs: tuple[PoolParagraph, ...]

    @property
    def body_text(self) -> str:
        return "\n\n".join([paragraph.text for paragraph in self.paragraphs])

    @property
    def body_key(self) -> str:
        return " ".join([paragraph.key for paragraph in self.paragraphs])

    def index_keys(self) -> IndexKeys:
        """`index_keys(title_key, body_key)`, with the body's search tokens joined from the pool's."""
        title_exact, title_fold = search_keys(self.title_key)
        return IndexKeys(
            title_exact,
            " ".join([paragraph.search_exact for paragraph in self.paragraphs]),
            title_fold,
            " ".join([paragraph.search_fold for paragraph in self.paragraphs]),
            self.signature(),
        )

    def signature(self) -> bytes | None:
        """`minhash_signature` of the title and body keys: the pool's minima within paragraphs,
        and the shingles of the title and of those that cross from one part to the next."""
        parts = [word_hashes(self.title_key.split()), *[paragraph.word_hashes for paragraph in self.paragraphs]]
        hashes = numpy.concatenate(parts)
        if len(hashes) < SHINGLE_WORDS + 1:
            return None
        joins = numpy.cumsum([len(part) for part in parts[:-1]])
        crossing = (joins[:, None] - numpy.arange(1, SHINGLE_WORDS)).ravel()
        starts = numpy.union1d(numpy.arange(len(parts[0]) - SHINGLE_WORDS + 1), crossing)
        starts = starts[(starts >= 0) & (starts <= len(hashes) - SHINGLE_WORDS)]
        minima = [shingle_minima(hashes, starts), *[paragraph.shingle_minima for paragraph in self.paragraphs]]
        return numpy.minimum.reduce(minima).tobytes()


def _near_copy(text: ArchiveText, rng: random.Random) -> ArchiveText:
    """A republication: one paragraph left out, or the title reworded."""
    paragraphs, title = list(text.paragraphs), text.title
    if len(paragraphs) > 4 and rng.random() < 0.5:
        del paragraphs[rng.randrange(len(paragraphs))]
    else:
        title = f"{rng.choice(('Hưng Yên', 'Thái Bình', 'Nam Định'))}: {title}"
    return ArchiveText(title, match_key(title), text.summary, tuple(paragraphs))


def _recorder(path: Path) -> RawPageRecorder:
    """The crawl's raw page recorder on a crawler that never runs: only its flush is used."""
    crawler = get_crawler(settings_dict={"ARCHIVE_PATH": str(path), "ARCHIVE_BATCH_SIZE": BATCH})
    return RawPageRecorder.from_crawler(crawler)


def lookup_seconds(db, sample: list[tuple[str, bytes]]) -> float:
    """Mean seconds per article of the known-URL lookup and the band candidate query."""
    known = KnownArticles(db)
    index = RepublicationIndex(db)
    index.catch_up()  # as a writer does once per transaction (it remakes the recent bands), before the clock
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        for url, signature in sample:
            known.lookup([url])
            index.candidates(0, band_keys(signature))
        timings.append((time.perf_counter() - started) / len(sample))
    return statistics.median(timings)


def newcomer_signatures(count: int) -> list[bytes]:
    """Signatures of articles the archive does not hold, made as the archived ones are."""
    maker = SyntheticArchive(count, seed=SEED + PRODUCERS)
    return [maker.article(number).index_keys.signature for number in range(1, count + 1)]


def _sample(db, rng: random.Random, newcomers: list[bytes]) -> list[tuple[str, bytes]]:
    """Archived articles' URLs, as a re-crawl's listing pass asks for them, each with a signature
    the writer asks about: an article not yet archived, or (REPUBLISHED of them) a copy of the
    archived one, whose bands are found."""
    highest = db.execute("SELECT MAX(id) FROM articles").fetchone()[0]
    ids = rng.sample(range(1, highest + 1), min(len(newcomers), highest))
    rows = [
        row
        for article_id in ids
        for row in db.execute(
            "SELECT a.url, s.signature FROM articles a JOIN article_signatures s ON s.article_id = a.id WHERE a.id = ?",
            [article_id],
        )
    ]
    return [
        (url, stored if rng.random() < REPUBLISHED else newcomer)
        for (url, stored), newcomer in zip(rows, newcomers, strict=False)
    ]


def query_latencies(db, queries: list[str], fold: bool) -> list[float]:
    """Milliseconds per search, every query several times (the first run of each included)."""
    latencies = []
    for _ in range(QUERY_REPEATS):
        for query in queries:
            started = time.perf_counter()
            search(db, query, fold=fold)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# `danvan export`, which reports its own peak RSS as it exits: the kernel hands a child started by
# vfork the parent's peak at exec, so wait4's ru_maxrss was the benchmark's RSS, not the export's.
EXPORT_REPORTING_PEAK = """
import atexit, sys
from bench.probe import proc_status_kib
from danvan_crawler.cli import main
atexit.register(lambda: print("peak", proc_status_kib("VmHWM"), file=sys.stderr))
main(sys.argv[1:], prog_name="danvan")
"""


def export_run(path: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS (MB) and rows of `danvan export` over the whole archive, in a subprocess."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", EXPORT_REPORTING_PEAK, "export", "--db", str(path), "-o", os.devnull],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"danvan export failed: {result.stderr}")
    written, peak = result.stderr.splitlines()[-2:]
    return seconds, int(peak.split()[1]) * 1024 / 1e6, int(written.split()[0])


def _produce(total: int, producer: int, batches) -> None:
    """In a child process: every PRODUCERS-th batch of articles and raw pages, in order; the
    writer (and the long crawl) come first for the CPU, the queue makes the producers keep up."""
    os.nice(10)
    maker = SyntheticArchive(total, seed=SEED + producer)
    for start in range(producer * BATCH, total, BATCH * PRODUCERS):
        batch = [maker.article(number) for number in range(start + 1, min(total, start + BATCH) + 1)]
        batches.put((batch, [maker.raw_page(article) for article in batch]))


def run(scale: float = 1.0, companion: Companion | None = None) -> list[Figure]:
    """`companion` (the long crawl of bench/memory.py) runs while the untimed middle is inserted."""
    total = max(1_000, int(ARTICLES * scale))
    window = max(BATCH, int(total * WINDOW) // BATCH * BATCH)
    small = max(BATCH, total // 100 // BATCH * BATCH)
    rng = random.Random(7)
    context = multiprocessing.get_context("fork")
    queues = [context.Queue(maxsize=10) for _ in range(PRODUCERS)]
    producers = [
        context.Process(target=_produce, args=(total, number, queue), daemon=True)
        for number, queue in enumerate(queues)
    ]
    for producer in producers:
        producer.start()  # before any SQLite connection exists, so none is forked
    newcomers = newcomer_signatures(LOOKUPS)
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as directory:
        path = Path(directory) / "archive.db"
        db = open_archive(path)
        writer = ArchiveWriter(db)
        recorder = _recorder(path)
        for name in SITES:
            writer.register_site(load_profile(name))
        batch_seconds = []
        lookups = {}
        for start in range(0, total, BATCH):
            if companion is not None and start == window:
                companion.start()
            if companion is not None and start == total - window:
                companion.wait()
                os.sync()  # the crawl's writes reach the disk before the last window is timed
            batch, recorder.pending = queues[start // BATCH % PRODUCERS].get()
            started = time.perf_counter()
            writer.write(batch)
            recorder.flush()
            batch_seconds.append(time.perf_counter() - started)
            if start + BATCH == small:
                lookups["small"] = lookup_seconds(db, _sample(db, rng, newcomers))
        for producer in producers:
            producer.join()
        lookups["full"] = lookup_seconds(db, _sample(db, rng, newcomers))
        first_rate = window / sum(batch_seconds[: window // BATCH])
        last_rate = window / sum(batch_seconds[-window // BATCH :])
        typical = query_latencies(db, list(QUERIES), fold=False)
        folded = query_latencies(db, [fold_key(query) for query in QUERIES], fold=False)
        articles, republications = db.execute(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM republications)"
        ).fetchone()
        recorder.spider_closed(None)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        size = path.stat().st_size
        export_seconds, export_rss, exported = export_run(path)
    growth = last_rate / first_rate
    lookup_ratio = lookups["full"] / lookups["small"]
    p95 = {"typical": percentile(typical, 0.95), "folded": percentile(folded, 0.95)}
    return [
        Figure(
            f"archive: insert rate, first {window:,} articles",
            first_rate,
            "articles/s",
            note=f"one build; ArchiveWriter.write + raw page, batches of {BATCH}; {articles:,} articles,"
            f" {len(SITES)} sites ({total - articles} same-site duplicates merged),"
            f" {republications:,} republication links",
        ),
        Figure(f"archive: insert rate, last {window:,} articles", last_rate, "articles/s"),
        Figure("archive: insert rate, last / first", growth, "×", "≥ 0.8", growth >= 0.8),
        Figure(
            f"archive: dedup lookup at {small:,} articles",
            lookups["small"] * 1e6,
            "µs",
            note=f"known-URL lookup of {LOOKUPS:,} random archived URLs + band candidate query of as many"
            f" articles not yet archived ({REPUBLISHED:.0%} copies of archived ones), per article",
        ),
        Figure(f"archive: dedup lookup at {total:,} articles", lookups["full"] * 1e6, "µs"),
        Figure("archive: dedup lookup, full / 1 %", lookup_ratio, "×", "flat (≤ 1.5)", lookup_ratio <= 1.5),
        Figure(
            "archive: search p50, typical queries",
            percentile(typical, 0.5),
            "ms",
            note=f"percentiles of {len(QUERIES)} queries × {QUERY_REPEATS} runs, first 20 hits, no filters",
        ),
        Figure("archive: search p95, typical queries", p95["typical"], "ms", "≤ 100 ms", p95["typical"] <= 100),
        Figure("archive: search p50, queries without diacritics", percentile(folded, 0.5), "ms"),
        Figure(
            "archive: search p95, queries without diacritics", p95["folded"], "ms", "≤ 100 ms", p95["folded"] <= 100
        ),
        Figure(
            "archive: export of every row",
            export_seconds,
            "s",
            note=f"one run; {exported:,} articles, `danvan export -o /dev/null` in a subprocess",
        ),
        Figure("archive: export peak RSS", export_rss, "MB", "≤ 200 MB", export_rss <= 200),
        Figure(
            "archive: bytes per article on disk",
            size / articles,
            "B",
            note="one build; raw page and indexes included, after a WAL checkpoint",
        ),
    ]
