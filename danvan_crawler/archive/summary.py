"""What an archive holds, in a few numbers: per site, and for the latest crawl runs."""

from __future__ import annotations

import json

import sqlite_utils


def archive_summary(db: sqlite_utils.Database, run_ids: list[int] | None = None) -> dict:
    """Per-site article counts and date ranges, and the given runs (or the latest per site)."""
    sites = list(
        db.query(
            """SELECT s.name AS site, COUNT(a.id) AS articles,
                      MIN(a.published_date) AS first_date, MAX(a.published_date) AS last_date,
                      SUM(a.published_date IS NULL) AS undated
               FROM sites s LEFT JOIN articles a ON a.site = s.name
               GROUP BY s.name ORDER BY s.name"""
        )
    )
    if run_ids:
        runs = list(
            db.query(
                f"SELECT * FROM crawl_runs WHERE id IN ({', '.join('?' * len(run_ids))}) ORDER BY id",
                run_ids,
            )
        )
    else:
        runs = list(
            db.query("SELECT * FROM crawl_runs WHERE id IN (SELECT MAX(id) FROM crawl_runs GROUP BY sites) ORDER BY id")
        )
    for run in runs:
        _decode_run(run)
        run.pop("stats", None)
    republications = db.execute("SELECT COUNT(*) FROM republications").fetchone()[0]
    return {
        "articles": sum(site["articles"] for site in sites),
        "republications": republications,
        "sites": sites,
        "runs": runs,
    }


COVERED_FIELDS = ("title", "summary", "body_text", "published_at", "author", "source", "category")


def site_statistics(db: sqlite_utils.Database) -> list[dict]:
    """Per site: counts, date span, articles per month, duplicates, republications, coverage, last run."""
    coverage_columns = ", ".join(f"AVG({name} IS NOT NULL AND {name} != '') AS {name}" for name in COVERED_FIELDS)
    statistics = []
    for site in db.query("SELECT name FROM sites ORDER BY name"):
        name = site["name"]
        row = next(db.query(
            f"""SELECT COUNT(*) AS articles, MIN(published_date) AS first_date,
                       MAX(published_date) AS last_date, {coverage_columns}
                FROM articles WHERE site = ?""",
            [name],
        ))  # fmt: skip
        months = {
            month: count
            for month, count in db.execute(
                "SELECT substr(published_date, 1, 7), COUNT(*) FROM articles WHERE site = ?"
                " AND published_date IS NOT NULL GROUP BY 1 ORDER BY 1",
                [name],
            )
        }
        other_urls = db.execute(
            "SELECT COUNT(*) FROM article_urls u JOIN articles a ON a.id = u.article_id"
            " WHERE a.site = ? AND u.url != a.canonical_url",
            [name],
        ).fetchone()[0]
        copies = db.execute("SELECT COUNT(*) FROM republication_links WHERE copy_site = ?", [name]).fetchone()[0]
        copied = db.execute("SELECT COUNT(*) FROM republication_links WHERE original_site = ?", [name]).fetchone()[0]
        last_run = next(
            db.query(
                "SELECT id, started_at, finished_at, status, finish_reason, articles_new FROM crawl_runs"
                " WHERE sites = ? ORDER BY id DESC LIMIT 1",
                [name],
            ),
            None,
        )
        statistics.append({
            "site": name,
            "articles": row["articles"],
            "first_date": row["first_date"],
            "last_date": row["last_date"],
            "articles_per_month": months,
            "other_urls": other_urls,
            "republished_from_other_sites": copies,
            "republished_by_other_sites": copied,
            "coverage": {field: round(row[field] or 0.0, 3) for field in COVERED_FIELDS},
            "last_run": last_run,
        })  # fmt: skip
    return statistics


def recent_runs(db: sqlite_utils.Database, limit: int = 20) -> list[dict]:
    """The latest crawl runs, newest first, with their counts."""
    runs = list(db.query(
        """SELECT id, sites, started_at, finished_at, status, finish_reason, pages, requests, articles_new,
                  articles_updated, articles_unchanged, duplicates, republications, dropped, errors, problems
           FROM crawl_runs ORDER BY id DESC LIMIT ?""",
        [limit],
    ))  # fmt: skip
    for run in runs:
        _decode_run(run)
    return runs


def _decode_run(run: dict) -> None:
    run["dropped"] = json.loads(run.get("dropped") or "{}")
    run["errors"] = json.loads(run.get("errors") or "{}")
    run["problems"] = json.loads(run.get("problems") or "[]")
