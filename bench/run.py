"""Run every benchmark in bench/ and rewrite BENCHMARKS.md: `make bench` (BENCH_SCALE=0.1 for a quick run)."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import platform
import sys
import time
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench.figures import Figure
from bench.memory import LongCrawl

BENCHMARKS = ("dates", "extraction", "crawl", "archive", "memory")
LIBRARIES = ("scrapy", "parsel", "lxml", "dateparser", "sqlite-utils", "twisted", "numpy", "trafilatura")
ROOT = Path(__file__).resolve().parent.parent
# The analysis of the figures (profiles, causes, changes made), kept by hand below the generated table.
NOTES = ROOT / "bench" / "NOTES.md"


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    import sqlite3

    libraries = ", ".join(f"{name} {_installed_version(name)}" for name in LIBRARIES)
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {_memory_gib():.0f} GiB",
        f"- Python {platform.python_version()} on {platform.platform()}; SQLite {sqlite3.sqlite_version}",
        f"- {libraries}",
    ]


def _installed_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def render(results: dict[str, list[Figure]], command: str, seconds: float, scale: float) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Made by `{command}` on {datetime.now().strftime('%Y-%m-%d %H:%M')} in {seconds:.0f} s"
        f" (BENCH_SCALE={scale:g}). Each figure is the median of several runs inside its benchmark",
        'unless its note says "one run"; absolute times vary from machine to machine, ratios against',
        "references run in the same process hold. Targets come from the project's issues.",
        "",
        *machine(),
        "",
        "| benchmark | figure | value | target | met |",
        "|---|---|---|---|---|",
    ]
    within = seconds < 30 * 60 if scale == 1 else None
    budget = Figure("wall time of the whole run", seconds / 60, "min", "< 30 min at BENCH_SCALE=1", within)
    for name, figures in [*results.items(), ("all", [budget])]:
        for figure in figures:
            met = {True: "yes", False: "**no**", None: ""}[figure.met]
            note = f" ({figure.note})" if figure.note else ""
            lines.append(f"| {name} | {figure.name}{note} | {figure.formatted_value()} | {figure.target} | {met} |")
    return "\n".join([*lines, "", NOTES.read_text(encoding="utf-8").rstrip()]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, default=list(BENCHMARKS))
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # expected warnings (a fixture's invalid date) are not results
    started = time.perf_counter()
    results = {}
    # The long crawl measures only memory, so it shares the machine with the archive's untimed middle.
    shared = "archive" in arguments.only and "memory" in arguments.only
    for name in arguments.only:
        if shared and name == "memory":
            continue
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        if shared and name == "archive":
            companion = LongCrawl(arguments.scale)
            results[name] = importlib.import_module("bench.archive").run(arguments.scale, companion=companion)
            results["memory"] = companion.figures()
        else:
            results[name] = importlib.import_module(f"bench.{name}").run(arguments.scale)
        for done in (name, "memory") if shared and name == "archive" else (name,):
            for figure in results[done]:
                print(f"  {figure.name}: {figure.formatted_value()} (target {figure.target})", file=sys.stderr)
    command = "make bench" + (f" BENCH_SCALE={arguments.scale:g}" if arguments.scale != 1 else "")
    arguments.output.write_text(render(results, command, time.perf_counter() - started, arguments.scale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
