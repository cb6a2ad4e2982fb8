"""Run monitoring: is a finished run ok, degraded or failed, and who hears about it.

A run is failed when it did not finish (killed, cancelled, already running, archive full) or
fetched nothing (site down, DNS failure). It is degraded when too many requests failed, when
the share of its articles with a title, date or body falls under the profile's thresholds (a
changed site that the profile no longer fits), or when the site has given no new article for
longer than the profile's expected silence. Each run writes a JSON report; a degraded or failed
one is also handed to the configured notification command or webhook.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

from danvan_crawler.dates import HO_CHI_MINH

logger = logging.getLogger(__name__)
NORMAL_ENDINGS = {"finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout"}


def assess_run(
    finish_reason: str,
    counts: dict,
    coverage: dict[str, float],
    min_coverage: dict[str, float],
    last_new_article_at: str | None,
    expected_silence_days: int,
    error_ratio_limit: float,
    now: datetime | None = None,
) -> tuple[str, list[str]]:
    """The run's status and, when not ok, why."""
    if finish_reason not in NORMAL_ENDINGS:
        return "failed", [f"the run ended early: {finish_reason}"]
    if not counts["pages"]:
        return "failed", ["no page could be fetched: the site is down or unreachable"]
    problems = []
    errors = sum(counts["errors"].values())
    if errors / (counts["pages"] + errors) > error_ratio_limit:
        problems.append(f"{errors} failed requests, over {error_ratio_limit:.0%} of all requests")
    for field, threshold in min_coverage.items():
        share = coverage.get(field)
        if share is not None and share < threshold:
            problems.append(f"only {share:.0%} of articles have {field} (profile expects {threshold:.0%})")
    if not counts["new"]:
        now = now or datetime.now(HO_CHI_MINH)
        silent_since = datetime.fromisoformat(last_new_article_at) if last_new_article_at else None
        if silent_since is None or now - silent_since > timedelta(days=expected_silence_days):
            since = silent_since.date().isoformat() if silent_since else "ever"
            problems.append(f"no new article since {since} (profile expects one every {expected_silence_days} days)")
    return ("degraded" if problems else "ok"), problems


def write_report(directory: Path, report: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"run-{report['id']:06d}-{report['sites']}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path


def notify(report: dict, report_path: Path, command: str | None, webhook_url: str | None, timeout: float = 10) -> None:
    """Hand a degraded or failed run's report to a command (on stdin) and/or a webhook (POSTed JSON)."""
    body = json.dumps(report, ensure_ascii=False, default=str)
    if command:
        try:
            subprocess.run(
                command, shell=True, input=body, text=True, timeout=timeout, check=True,
                env={**os.environ, "DANVAN_RUN_REPORT": str(report_path)},
            )  # fmt: skip
        except (subprocess.SubprocessError, OSError) as error:
            logger.error("notification command failed: %s", error)
    if webhook_url:
        request = urllib.request.Request(
            webhook_url, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            urllib.request.urlopen(request, timeout=timeout).close()
        except OSError as error:
            logger.error("notification webhook %s failed: %s", webhook_url, error)
