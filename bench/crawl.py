"""Crawl throughput: the whole crawler on a synthetic danvanhungyen.vn, against `scrapy bench`.

The site (bench/synthetic.py: 5,000 articles, 20 per listing page, 20–40 KB pages) is served
from 127.0.0.1 by a separate process, and crawled under its real URLs through the project's
mirror download handler by `scrapy crawl site` in a subprocess (a reactor cannot restart), with
every pipeline and extension of the project: validation, normalisation, dates, the archive
writer, raw pages, redirects, the run record. Only politeness is off for the local server. Each
run starts from a fresh archive, so nothing is skipped as already known. `scrapy bench` runs in
the same benchmark at the same concurrency, its runs interleaved with ours so that drift in the
machine hits both. Both rates are responses over the time from spider open to spider close.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.figures import Figure
from bench.probe import PROBE
from bench.synthetic import HOST, ROOT, SiteServer
from danvan_crawler import settings as project
from danvan_crawler.archive import open_archive
from danvan_crawler.crawl import MIRROR_HANDLER

ARTICLES = 5_000
CONCURRENCY = 16
RUNS = 3
SCRAPY_BENCH_SECONDS = 10
CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": CONCURRENCY,
    "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
    "LOG_LEVEL": "INFO",
}
SETTINGS_NOTE = (
    f"CONCURRENT_REQUESTS=CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}, DOWNLOAD_DELAY=0, no AutoThrottle,"
    " robots.txt obeyed"
)


@dataclass
class CrawlResult:
    responses: int
    seconds: float
    articles: int
    samples: list[dict]
    run_status: str

    @property
    def pages_per_second(self) -> float:
        return self.responses / self.seconds


def crawl_synthetic(server: SiteServer, workdir: Path, *, probe_every: int = 1000) -> CrawlResult:
    """One `scrapy crawl site` of the served site into a fresh archive, probed from inside."""
    process, log = start_crawl(server, workdir, probe_every=probe_every)
    return crawl_result(process, log, workdir)


def start_crawl(server: SiteServer, workdir: Path, *, probe_every: int = 1000) -> tuple[subprocess.Popen, Path]:
    """Start the crawl subprocess; `crawl_result` waits for it."""
    for stale in (workdir / "archive.db", workdir / "probe.jsonl"):
        stale.unlink(missing_ok=True)
    overrides = {
        **CRAWL_SETTINGS,
        "ARCHIVE_PATH": str(workdir / "archive.db"),
        "MIRROR_HOSTS": server.hosts,
        "DOWNLOAD_HANDLERS": {"http": MIRROR_HANDLER, "https": MIRROR_HANDLER},
        "EXTENSIONS": {**project.EXTENSIONS, PROBE: 0},
        "BENCH_PROBE_PATH": str(workdir / "probe.jsonl"),
        "BENCH_PROBE_EVERY": probe_every,
        "RUN_REPORT_DIRECTORY": str(workdir / "reports"),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", "site=danvanhungyen"]
    for name, value in overrides.items():
        command += ["-s", f"{name}={json.dumps(value) if isinstance(value, dict) else value}"]
    return _start(command, ROOT, workdir / "crawl.log"), workdir / "crawl.log"


def crawl_result(process: subprocess.Popen, log: Path, workdir: Path) -> CrawlResult:
    """Wait for the crawl, then read its probe and its archive."""
    _wait(process, log)
    samples = [json.loads(line) for line in (workdir / "probe.jsonl").read_text().splitlines()]
    db = open_archive(workdir / "archive.db")
    articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    status = db.execute("SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    db.close()
    return CrawlResult(samples[-1]["responses"], samples[-1]["seconds"], articles, samples, status)


def scrapy_bench(workdir: Path, seconds: float) -> CrawlResult:
    """`scrapy bench` outside the project (its defaults), at our concurrency, with the same probe."""
    probe = workdir / "scrapy-bench-probe.jsonl"
    settings = {
        "CONCURRENT_REQUESTS": CONCURRENCY,
        "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
        "CLOSESPIDER_TIMEOUT": seconds,
        "EXTENSIONS": json.dumps({PROBE: 0}),
        "BENCH_PROBE_PATH": probe,
    }
    command = [sys.executable, "-m", "scrapy", "bench"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    outside = workdir / "outside-project"
    outside.mkdir(exist_ok=True)
    _run(command, outside, workdir / "scrapy-bench.log")
    samples = [json.loads(line) for line in probe.read_text().splitlines()]
    return CrawlResult(samples[-1]["responses"], samples[-1]["seconds"], 0, samples, "ok")


def _run(command: list[str], cwd: Path, log: Path) -> None:
    _wait(_start(command, cwd, log), log)


def _start(command: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("SCRAPY_SETTINGS_MODULE", None)
    with log.open("w") as output:
        return subprocess.Popen(command, cwd=cwd, env=environment, stdout=output, stderr=subprocess.STDOUT)


def _wait(process: subprocess.Popen, log: Path) -> None:
    if process.wait() != 0:
        raise RuntimeError(f"{' '.join(process.args[:5])} … failed ({process.returncode}); see {log}")


def run(scale: float = 1.0) -> list[Figure]:
    articles = max(30, int(ARTICLES * scale))
    runs = RUNS if scale >= 0.5 else 1
    ours, theirs = [], []
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as directory, SiteServer(articles) as server:
        workdir = Path(directory)
        for _ in range(runs):
            ours.append(crawl_synthetic(server, workdir))
            theirs.append(scrapy_bench(workdir, max(1.0, SCRAPY_BENCH_SECONDS * scale)))
    complete = all(result.articles == articles and result.run_status == "ok" for result in ours)
    rate = statistics.median(result.pages_per_second for result in ours)
    reference = statistics.median(result.pages_per_second for result in theirs)
    ratio = rate / reference
    pages = statistics.median(result.responses for result in ours)
    return [
        Figure(
            "crawl: synthetic site, full pipeline and archive",
            rate,
            "pages/s",
            note=f"{pages:,.0f} pages of {HOST} ({articles:,} articles, all archived: {'yes' if complete else 'NO'}),"
            f" fresh archive per run; {SETTINGS_NOTE}",
        ),
        Figure(
            "crawl: `scrapy bench`",
            reference,
            "pages/s",
            note=f"same concurrency, its own defaults otherwise, {max(1.0, SCRAPY_BENCH_SECONDS * scale):g} s per run",
        ),
        Figure("crawl: ratio to `scrapy bench`", ratio, "×", "≥ 0.7", ratio >= 0.7 and complete),
    ]
