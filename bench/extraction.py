"""Extraction: pages per second per core, profile extraction against trafilatura, and where an item's time goes.

The pages are the fixture articles of every site (fixtures/*/articles/*.html), each read with
its own profile under the URL its expected JSON gives. Profile extraction is what a crawl does
to an article response before the archive: `extract_article` then `prepare_article`
(normalisation and dates). trafilatura gets the same bytes and URL in the same process and
extracts text with metadata (`bare_extraction`, its defaults otherwise, fallbacks included).
One thread, so pages/s is per core; each rate is the median of several passes after a warm-up,
the two extractors taking turns pass by pass, and the ratio the median of the passes' ratios.

The per-item breakdown times each stage alone on the same pages: parse (the response's lxml
tree and Selector), extract (`extract_article` on the parsed response), normalisation
(NormalizeTextPipeline), dates (ResolveDatesPipeline), index keys (IndexKeysPipeline: search
tokens and MinHash signature), dedup lookup (the spider's known-URL lookup and the band
candidate query, on an archive holding the pages), write (ArchiveWriter.write in batches of 50
into a fresh archive, per item).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura
from scrapy.http import HtmlResponse

from bench.figures import Figure
from bench.synthetic import ROOT
from danvan_crawler.archive import open_archive
from danvan_crawler.archive.dedup import band_keys
from danvan_crawler.archive.known import KnownArticles
from danvan_crawler.archive.writer import ArchiveWriter
from danvan_crawler.extract.article import extract_article
from danvan_crawler.items import Article
from danvan_crawler.pipelines import IndexKeysPipeline, NormalizeTextPipeline, ResolveDatesPipeline, prepare_article
from danvan_crawler.sites import SiteProfile, load_profile

PASSES = 5
BATCH = 50


def fixture_pages() -> list[tuple[bytes, str, SiteProfile]]:
    """Each fixture article page: its bytes, its URL and its site's profile."""
    pages = []
    for expected in sorted((ROOT / "fixtures").glob("*/articles/*.json")):
        url = json.loads(expected.read_text(encoding="utf-8"))["url"]
        pages.append((expected.with_suffix(".html").read_bytes(), url, load_profile(expected.parent.parent.name)))
    return pages


def response(body: bytes, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=body, headers={"Content-Type": "text/html; charset=utf-8"})


def profile_extraction(body: bytes, url: str, profile: SiteProfile) -> Article:
    return prepare_article(extract_article(response(body, url), profile))


def trafilatura_extraction(body: bytes, url: str, profile: SiteProfile) -> object:
    return trafilatura.bare_extraction(body, url=url, with_metadata=True)


def interleaved_rates(extractors: list[Callable], pages: list, passes: int) -> list[list[float]]:
    """Pages/s of each extractor in each pass; within a pass they run back to back, so a burst of
    load elsewhere on the machine falls on both rather than on one extractor's whole measurement."""
    for extract in extractors:
        for page in pages:
            extract(*page)
    rates: list[list[float]] = [[] for _ in extractors]
    for _ in range(passes):
        for extract, extractor_rates in zip(extractors, rates, strict=True):
            started = time.perf_counter()
            for page in pages:
                extract(*page)
            extractor_rates.append(len(pages) / (time.perf_counter() - started))
    return rates


def stage_costs(pages: list, passes: int) -> dict[str, float]:
    """Median milliseconds per item of each stage, each timed alone on the same pages."""
    samples: dict[str, list[float]] = {name: [] for name in ("parse", "extract", "normalisation", "dates")}
    samples |= {"index keys": [], "dedup lookup": [], "write": []}
    normalize, dates, keys = NormalizeTextPipeline(), ResolveDatesPipeline(), IndexKeysPipeline()
    for _ in range(passes):
        timings = dict.fromkeys(samples, 0.0)
        articles = []
        for body, url, profile in pages:
            started = time.perf_counter()
            page = response(body, url)
            page.selector  # noqa: B018 (building the tree is the stage being timed)
            parsed = time.perf_counter()
            article = extract_article(page, profile)
            extracted = time.perf_counter()
            normalize.process_item(article)
            normalised = time.perf_counter()
            dates.process_item(article)
            dated = time.perf_counter()
            keys.process_item(article)
            keyed = time.perf_counter()
            timings["parse"] += parsed - started
            timings["extract"] += extracted - parsed
            timings["normalisation"] += normalised - extracted
            timings["dates"] += dated - normalised
            timings["index keys"] += keyed - dated
            articles.append(article)
        profiles = {profile.name: profile for _, _, profile in pages}
        timings["write"], timings["dedup lookup"] = _archive_costs(articles, profiles)
        for name, seconds in timings.items():
            samples[name].append(seconds * 1000 / len(pages))
    return {name: statistics.median(values) for name, values in samples.items()}


def _archive_costs(articles: list[Article], profiles: dict[str, SiteProfile]) -> tuple[float, float]:
    """Seconds to write the articles in batches, and to look each one up again."""
    with tempfile.TemporaryDirectory(prefix="bench-extraction-") as directory:
        db = open_archive(Path(directory) / "archive.db")
        writer = ArchiveWriter(db)
        for profile in profiles.values():
            writer.register_site(profile)
        started = time.perf_counter()
        for start in range(0, len(articles), BATCH):
            writer.write(articles[start : start + BATCH])
        written = time.perf_counter() - started
        known = KnownArticles(db)
        ids = dict(db.execute("SELECT canonical_url, id FROM articles").fetchall())
        started = time.perf_counter()
        for article in articles:
            known.lookup([article.url])
            signature = article.index_keys.signature
            if signature is not None and article.canonical_url in ids:
                writer.republications.candidates(ids[article.canonical_url], band_keys(signature))
        looked_up = time.perf_counter() - started
        db.close()
    return written, looked_up


def run(scale: float = 1.0) -> list[Figure]:
    pages = fixture_pages()
    passes = PASSES if scale >= 0.05 else 1
    our_rates, their_rates = interleaved_rates([profile_extraction, trafilatura_extraction], pages, passes)
    ours, theirs = statistics.median(our_rates), statistics.median(their_rates)
    ratio = statistics.median(mine / other for mine, other in zip(our_rates, their_rates, strict=True))
    costs = stage_costs(pages, passes)
    note = f"{len(pages)} fixture pages of {len({profile.name for _, _, profile in pages})} sites, one core"
    figures = [
        Figure("extraction: profile (extract_article + prepare_article)", ours, "pages/s", note=note),
        Figure("extraction: trafilatura (bare_extraction with metadata)", theirs, "pages/s", note="same pages"),
        Figure(
            "extraction: ratio to trafilatura", ratio, "×", "≥ 3", ratio >= 3, note=f"median of {passes} paired passes"
        ),
    ]
    figures += [Figure(f"extraction: per item, {name}", value, "ms") for name, value in costs.items()]
    return figures
