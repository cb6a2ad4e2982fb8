"""Shared test helpers: saved pages as Scrapy responses, and the local mirror server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


def file_response(path: Path, url: str, *, encoding: str | None = None, headers: dict | None = None) -> HtmlResponse:
    """A response built from a saved page, as if fetched from its real URL."""
    return HtmlResponse(
        url=url,
        body=Path(path).read_bytes(),
        encoding=encoding,
        headers=headers if headers is not None else {"Content-Type": "text/html; charset=utf-8"},
        request=Request(url),
    )


def fixture_cases(site: str) -> list[tuple[Path, dict]]:
    """Each article page of a site's fixtures with the expected values beside it."""
    return [
        (path.with_suffix(".html"), json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((FIXTURES / site / "articles").glob("*.json"))
    ]


def run_danvan(*arguments: str, env: dict | None = None, timeout: int = 300):
    """Run the `danvan` command in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "danvan_crawler.cli", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"
