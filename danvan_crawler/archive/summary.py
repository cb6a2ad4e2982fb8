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
            db.query(
                "SELECT * FROM crawl_runs WHERE id IN (SELECT MAX(id) FROM crawl_runs GROUP BY sites)"
                " ORDER BY id"
            )
        )
    for run in runs:
        run["dropped"] = json.loads(run["dropped"] or "{}")
        run["errors"] = json.loads(run["errors"] or "{}")
        run.pop("stats", None)
    republications = db.execute("SELECT COUNT(*) FROM republications").fetchone()[0]
    return {
        "articles": sum(site["articles"] for site in sites),
        "republications": republications,
        "sites": sites,
        "runs": runs,
    }


def format_summary(summary: dict) -> str:
    """The summary as a short plain-text report."""
    lines = [
        f"Archive: {summary['articles']} articles from {len(summary['sites'])} sites,"
        f" {summary['republications']} republished across sites"
    ]
    for site in summary["sites"]:
        span = f"{site['first_date']} .. {site['last_date']}" if site["first_date"] else "no dates"
        lines.append(
            f"  {site['site']:<20} {site['articles']:>6} articles  {span}"
            f"  ({site['undated'] or 0} without a date)"
        )
    if summary["runs"]:
        lines.append("Crawl runs:")
    for run in summary["runs"]:
        lines.append(
            f"  #{run['id']} {run['sites']:<18} {run['status']:<8} {run['finish_reason'] or '-':<9}"
            f" pages {run['pages'] or 0}, new {run['articles_new'] or 0},"
            f" updated {run['articles_updated'] or 0}, unchanged {run['articles_unchanged'] or 0},"
            f" duplicates {run['duplicates'] or 0}, republications {run['republications'] or 0}"
        )
        if run["dropped"]:
            lines.append("     dropped: " + ", ".join(f"{k} {v}" for k, v in run["dropped"].items()))
        if run["errors"]:
            lines.append("     errors:  " + ", ".join(f"{k} {v}" for k, v in run["errors"].items()))
    return "\n".join(lines)
