"""Profile check: run a profile over saved pages and count, per field, the pages that gave it.

A broken or new profile shows at once: a field whose count drops below the number of pages
that should have it (the expected JSON beside a fixture page says which) is a selector to fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.http import HtmlResponse, Request

from danvan_crawler.extract.article import extract_article
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import SiteProfile

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"
CHECKED_FIELDS = (
    "title", "summary", "body_text", "published_at", "author", "source", "category", "tags", "images", "related",
)  # fmt: skip
EXPECTED_KEYS = {"body_text": "body_first"}


@dataclass
class FieldCoverage:
    found: int = 0
    expected: int = 0


@dataclass
class CoverageReport:
    site: str
    pages: int = 0
    fields: dict[str, FieldCoverage] = field(default_factory=lambda: {name: FieldCoverage() for name in CHECKED_FIELDS})
    missing: list[tuple[str, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def fixture_pages(profile: SiteProfile) -> list[Path]:
    """A site's saved article pages: fixtures/<site>/articles/*.html."""
    return sorted((FIXTURES / profile.name / "articles").glob("*.html"))


def check_profile(profile: SiteProfile, pages: list[Path]) -> CoverageReport:
    report = CoverageReport(site=profile.name)
    for page in pages:
        expected = _expected_values(page)
        url = expected.get("url") or _declared_url(page) or f"{profile.base_url}/{page.name}"
        response = HtmlResponse(url=url, body=page.read_bytes(), request=Request(url))
        article = prepare_article(extract_article(response, profile))
        report.pages += 1
        for name in CHECKED_FIELDS:
            coverage = report.fields[name]
            present = bool(getattr(article, name))
            coverage.found += present
            should_be_present = bool(expected.get(EXPECTED_KEYS.get(name, name)))
            coverage.expected += should_be_present
            if should_be_present and not present:
                report.missing.append((page.name, name))
    return report


def _expected_values(page: Path) -> dict:
    beside = page.with_suffix(".json")
    return json.loads(beside.read_text(encoding="utf-8")) if beside.is_file() else {}


def _declared_url(page: Path) -> str | None:
    selector = HtmlResponse(url="file:///", body=page.read_bytes()).selector
    return selector.css("link[rel=canonical]::attr(href), meta[property='og:url']::attr(content)").get()
