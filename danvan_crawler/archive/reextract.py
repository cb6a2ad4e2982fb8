"""Re-extraction: run the current profiles over the stored raw pages, without re-crawling.

When a profile improves, every archived article of its site is extracted again from the raw
page it came from. Content changes become versions (as a re-crawl's would); other fields are
rewritten in place. The report says how many articles changed and which fields.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from danvan_crawler.archive.raw_pages import response_from_raw_page
from danvan_crawler.archive.writer import ArchiveWriter
from danvan_crawler.extract.article import extract_article
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import load_profile

COMPARED_FIELDS = ("title", "summary", "body_text", "published_at", "author", "source", "category", "tags")


@dataclass
class ReextractReport:
    articles: int = 0
    changed: int = 0
    without_raw_page: int = 0
    fields: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)


def reextract(db: sqlite_utils.Database, site: str | None = None, batch_size: int = 100) -> ReextractReport:
    """Re-extract every article (of one site, or all) from its latest stored raw page."""
    report = ReextractReport()
    writer = ArchiveWriter(db)
    profiles = {}
    batch = []
    where, parameters = ("WHERE a.site = ?", [site]) if site else ("", [])
    articles = db.execute(
        f"""SELECT a.site, a.canonical_url, a.title, a.summary, a.body_text, a.published_at,
                   a.author, a.source, a.category, a.tags,
                   (SELECT r.id FROM raw_pages r JOIN article_urls u ON u.url = r.final_url
                    WHERE u.article_id = a.id AND r.status = 200
                    ORDER BY r.fetched_at DESC, r.id DESC LIMIT 1) AS raw_page_id
            FROM articles a {where} ORDER BY a.id""",
        parameters,
    ).fetchall()
    for site_name, canonical, *stored, raw_page_id in articles:
        report.articles += 1
        if raw_page_id is None:
            report.without_raw_page += 1
            continue
        profile = profiles.setdefault(site_name, load_profile(site_name))
        row = next(db.query("SELECT * FROM raw_pages WHERE id = ?", [raw_page_id]))
        fetched_at = datetime.fromisoformat(row["fetched_at"])
        article = prepare_article(extract_article(response_from_raw_page(row), profile, fetched_at))
        article.canonical_url = canonical
        current = dict(zip(COMPARED_FIELDS, stored, strict=True))
        fresh = {
            "title": article.title, "summary": article.summary, "body_text": article.body_text,
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "author": article.author, "source": article.source, "category": article.category,
            "tags": json.dumps(article.tags, ensure_ascii=False),
        }  # fmt: skip
        differing = [name for name in COMPARED_FIELDS if current[name] != fresh[name]]
        if differing:
            report.changed += 1
            report.fields.update(differing)
            batch.append(article)
        if len(batch) >= batch_size:
            report.outcomes.update(writer.write(batch, refresh=True))
            batch = []
    if batch:
        report.outcomes.update(writer.write(batch, refresh=True))
    return report
