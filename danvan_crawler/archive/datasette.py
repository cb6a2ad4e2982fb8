"""Datasette over the archive: the metadata the project ships (descriptions, search, canned queries)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

CANNED_QUERIES = {
    "search": {
        "title": "Search articles (exact diacritics first)",
        "description": "Type the words as danvan_crawler.text.match_key makes them: lower case, e.g. dân vận.",
        "sql": (
            "SELECT a.published_date, a.site, a.title, snippet(search_exact, 1, '[', ']', ' … ', 20) AS snippet,"
            " a.canonical_url FROM search_exact JOIN articles a ON a.id = search_exact.rowid"
            " WHERE search_exact MATCH '\"' || replace(lower(:query), '\"', '') || '\"'"
            " ORDER BY bm25(search_exact, 5.0, 1.0) LIMIT 100"
        ),
    },
    "search_without_diacritics": {
        "title": "Search articles typed without diacritics",
        "sql": (
            "SELECT a.published_date, a.site, a.title, snippet(search_folded, 1, '[', ']', ' … ', 20) AS snippet,"
            " a.canonical_url FROM search_folded JOIN articles a ON a.id = search_folded.rowid"
            " WHERE search_folded MATCH '\"' || replace(lower(:query), '\"', '') || '\"'"
            " ORDER BY bm25(search_folded, 5.0, 1.0) LIMIT 100"
        ),
    },
    "unique_articles_by_month": {
        "title": "Unique articles per site per month",
        "sql": "SELECT * FROM unique_articles_per_site_month",
    },
    "republications_of_an_article": {
        "title": "Republications of an article",
        "description": "Every copy of the article with this id, and its original.",
        "sql": (
            "SELECT * FROM republication_links WHERE original_id = :article_id OR copy_id = :article_id"
            " OR original_id = (SELECT original_id FROM republications WHERE copy_id = :article_id)"
        ),
    },
}
TABLE_DESCRIPTIONS = {
    "sites": "One row per crawled site profile.",
    "articles": "The newest content of each article, keyed by canonical URL.",
    "article_urls": "Every URL an article was seen under.",
    "images": "Images of article bodies, with captions.",
    "related_links": "Related-link blocks ('Bài viết khác', 'Tin liên quan') with their dates.",
    "redirects": "Redirects met while crawling.",
    "crawl_runs": "One row per spider run: status, counts, dropped items and errors.",
    "article_versions": "Earlier content of articles that changed.",
    "raw_pages": "Article responses as served (zlib-compressed bodies).",
    "republications": "Copies of an article on other sites, linked to the earliest original.",
    "article_search": "Search keys (match_key and fold_key of title and body).",
}


def metadata(database_name: str) -> dict:
    return {
        "title": "danvan-crawler archive",
        "description": "Articles of Vietnamese party and dân vận news sites. Schema: docs/schema.md.",
        "databases": {
            database_name: {
                "tables": {
                    **{name: {"description": text} for name, text in TABLE_DESCRIPTIONS.items()},
                    "article_search": {
                        "description": TABLE_DESCRIPTIONS["article_search"],
                        "fts_table": "search_exact",
                        "fts_pk": "article_id",
                    },
                    "raw_pages": {"description": TABLE_DESCRIPTIONS["raw_pages"], "hidden": False},
                },
                "queries": CANNED_QUERIES,
            }
        },
    }


def datasette_command(archive: Path, host: str, port: int) -> list[str] | None:
    """The datasette command line for the archive, or None when Datasette is not installed.

    The metadata comes on standard input (`--metadata -`), so serving leaves no file behind.
    """
    if importlib.util.find_spec("datasette") is None:
        return None
    return [
        sys.executable, "-m", "datasette", "serve", str(archive), "--metadata", "-",
        "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "3000",
    ]  # fmt: skip


def become_datasette(command: list[str], archive: Path) -> NoReturn:
    """Replace this process with Datasette, so that stopping it stops the server.

    The metadata (a few KB, well within a pipe's buffer) is written to a pipe that becomes
    Datasette's standard input.
    """
    read_end, write_end = os.pipe()
    os.write(write_end, json.dumps(metadata(Path(archive).stem), ensure_ascii=False).encode("utf-8"))
    os.close(write_end)
    os.dup2(read_end, 0)
    os.close(read_end)
    os.execv(command[0], command)
