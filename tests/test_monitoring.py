"""Run verdicts, reports and notifications."""

import json
import sqlite3
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.monitoring import assess_run
from tests.conftest import run_danvan
from tests.throwaway_site import ThrowawaySite, article_html

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=HO_CHI_MINH)
COUNTS = {"pages": 100, "new": 5, "errors": {"http_404": 2}}
COVERAGE = {"title": 1.0, "body_text": 1.0, "published_at": 0.95}
THRESHOLDS = {"title": 1.0, "body_text": 1.0, "published_at": 0.9}


def verdict(reason="finished", counts=COUNTS, coverage=COVERAGE, last_new="2026-11-25T08:00:00+07:00"):
    return assess_run(reason, counts, coverage, THRESHOLDS, last_new, 14, 0.25, now=NOW)


def test_a_normal_run_is_ok():
    assert verdict() == ("ok", [])


def test_stopping_at_max_pages_is_ok():
    assert verdict("closespider_pagecount") == ("ok", [])


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"reason": "shutdown"}, ("failed", ["the run ended early: shutdown"])),
        ({"reason": "archive_full"}, ("failed", ["the run ended early: archive_full"])),
        ({"counts": {**COUNTS, "pages": 0}}, ("failed", ["no page could be fetched: the site is down or unreachable"])),
        ({"counts": {**COUNTS, "errors": {"http_500": 40}}},
         ("degraded", ["40 failed requests, over 25% of all requests"])),
        ({"coverage": {**COVERAGE, "published_at": 0.5}},
         ("degraded", ["only 50% of articles have published_at (profile expects 90%)"])),
        ({"counts": {**COUNTS, "new": 0}, "last_new": "2026-10-01T08:00:00+07:00"},
         ("degraded", ["no new article since 2026-10-01 (profile expects one every 14 days)"])),
    ],
)  # fmt: skip
def test_problem_runs(arguments, expected):
    assert verdict(**arguments) == expected


def test_quiet_but_recent_site_is_ok():
    assert verdict(counts={**COUNTS, "new": 0}) == ("ok", [])


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        Hook.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        return None


@pytest.mark.slow
def test_a_degraded_run_exits_1_writes_a_report_and_notifies(tmp_path):
    site = ThrowawaySite(tmp_path)
    for number in range(1, 5):
        site.page(f"/a/bai-{number}.html", article_html(f"Bài {number}", f"Nội dung {number}.", date=""))
    site.write()
    hook = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    notified = tmp_path / "notified.json"
    archive = tmp_path / "archive.db"
    result = run_danvan(
        "crawl", str(site.profile), "--mirror-dir", str(tmp_path / "mirror"), "--db", str(archive),
        env={"DANVAN_NOTIFY_COMMAND": f"cat > {notified}",
             "DANVAN_NOTIFY_WEBHOOK_URL": f"http://127.0.0.1:{hook.server_port}/hook"},
    )  # fmt: skip
    hook.shutdown()
    assert result.returncode == 1
    assert "is degraded: only 0% of articles have published_at (profile expects 90%)" in result.stdout
    report = json.loads(notified.read_text(encoding="utf-8"))
    assert (report["status"], report["coverage"]["published_at"]) == ("degraded", 0.0)
    assert Hook.received == [report]
    assert json.loads((tmp_path / "reports" / "run-000001-faults.json").read_text()) == report
    row = sqlite3.connect(archive).execute("SELECT status, problems FROM crawl_runs").fetchone()
    assert row == ("degraded", json.dumps(["only 0% of articles have published_at (profile expects 90%)"]))
    runs = run_danvan("runs", "--db", str(archive))
    assert "degraded" in runs.stdout and "only 0% of articles have published_at" in runs.stdout
