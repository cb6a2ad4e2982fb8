"""Every `danvan` command, driven by click's test runner against an archive of the demo mirror."""

import gzip
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import jsonschema
import pytest
from click.testing import CliRunner

from danvan_crawler import cli
from danvan_crawler.archive import schema
from danvan_crawler.sites import known_site_names
from tests.conftest import ROOT, fixture_cases, run_danvan

pytestmark = pytest.mark.slow
ARTICLE_SCHEMA = json.loads((ROOT / "docs" / "article.schema.json").read_text(encoding="utf-8"))
REFERENCE_PAGE, REFERENCE = next(case for case in fixture_cases("danvanhungyen") if case[0].stem.endswith("1523"))


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory):
    archive = tmp_path_factory.mktemp("cli") / "archive.db"
    result = run_danvan("crawl", "danvanhungyen", "danvan", "--mirror", "--db", str(archive))
    assert result.returncode == 0, result.stderr[-3000:]
    return archive


def danvan(*arguments, db=None):
    extra = ["--db", str(db)] if db is not None else []
    return CliRunner().invoke(cli.main, [*arguments, *extra], catch_exceptions=False)


# crawl


def test_crawl_prints_the_summary_table(demo_archive):
    result = danvan("runs", db=demo_archive)
    assert result.exit_code == 0
    assert "danvanhungyen" in result.output and "http_404 1" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["crawl", "nowhere"], "unknown site 'nowhere'; known sites: "),
        (["crawl"], "name the sites to crawl, or pass --all"),
        (["crawl", "danvan", "--max-pages", "0"], "Invalid value for '--max-pages'"),
        (["crawl", "danvan", "--since", "31/02/2021"], "is not a date"),
    ],
)
def test_crawl_usage_errors_exit_2_with_one_line(arguments, message, tmp_path):
    result = danvan(*arguments, db=tmp_path / "a.db")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


# sites


def test_sites_lists_every_profile_with_its_count(demo_archive):
    result = danvan("sites", db=demo_archive)
    assert result.exit_code == 0
    for name in known_site_names():
        assert name in result.output
    assert "37" in result.output


def test_sites_check_reports_full_coverage_on_the_fixtures():
    result = danvan("sites", "check", "danvanhungyen")
    assert result.exit_code == 0
    assert "danvanhungyen: 37 pages" in result.output


def test_sites_check_fails_when_a_field_goes_missing(tmp_path):
    page = tmp_path / REFERENCE_PAGE.name
    page.write_text(REFERENCE_PAGE.read_text(encoding="utf-8").replace(REFERENCE["published_at_raw"], ""),
                    encoding="utf-8")  # fmt: skip
    shutil.copy(REFERENCE_PAGE.with_suffix(".json"), page.with_suffix(".json"))
    result = danvan("sites", "check", "danvanhungyen", str(page))
    assert result.exit_code == 1
    assert f"missing: published_at on {page.name}" in result.output


# search


def test_search_ranks_and_highlights(demo_archive):
    result = danvan("search", "dân vận khéo", "--limit", "3", db=demo_archive)
    assert result.exit_code == 0
    assert result.output.count("https://") == 3
    assert "[khéo]" in result.output


def test_search_json_for_scripts(demo_archive):
    result = danvan("search", "dan van", "--fold", "--json", "--limit", "5", db=demo_archive)
    hits = [json.loads(line) for line in result.output.splitlines()]
    assert len(hits) == 5
    assert {hit["match"] for hit in hits} == {"folded"}


def test_search_filters(demo_archive):
    result = danvan("search", "Ban Dân vận Trung ương", "--site", "danvan", "--json", db=demo_archive)
    assert {json.loads(line)["site"] for line in result.output.splitlines()} == {"danvan"}
    dated = danvan("search", "dân vận", "--from", "01/06/2021", "--to", "2021-06-30", "--json", db=demo_archive)
    dates = [json.loads(line)["published_date"] for line in dated.output.splitlines()]
    assert dates and all("2021-06-01" <= value <= "2021-06-30" for value in dates)


def test_search_unique_leaves_out_copies(demo_archive):
    query = ["search", "giao ban công tác dân vận với Đảng đoàn", "--json", "--limit", "100"]
    every = danvan(*query, db=demo_archive).output.splitlines()
    unique = danvan(*query, "--unique", db=demo_archive).output.splitlines()
    assert len(unique) == len(every) - 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["search", "x", "--from", "2021-02-01", "--to", "2021-01-01"], "--from 2021-02-01 is after --to 2021-01-01"),
        (["search", "x", "--from", "hôm qua"], "is not a date"),
        (["search", "x", "--site", "nowhere"], "unknown site 'nowhere'"),
    ],
)
def test_search_usage_errors(arguments, message, demo_archive):
    result = danvan(*arguments, db=demo_archive)
    assert (result.exit_code, message in result.output) == (2, True)


# export


def test_export_jsonl_validates_against_the_schema(demo_archive, tmp_path):
    target = tmp_path / "all.jsonl"
    result = danvan("export", "-o", str(target), db=demo_archive)
    assert result.exit_code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 45
    for line in lines:
        jsonschema.validate(json.loads(line), ARTICLE_SCHEMA)
    assert "Dân vận" in target.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    reference = next(json.loads(line) for line in lines if json.loads(line)["url"] == REFERENCE["url"])
    assert reference["republished_from"]["site"] == "danvan"
    assert reference["related"][0]["date"] == "2021-07-13"


def test_export_unique_site_and_dates(demo_archive):
    unique = danvan("export", "--unique", db=demo_archive).output.splitlines()
    assert len(unique) == 40
    danvan_only = danvan("export", "--site", "danvan", "--from", "2021-01-01", db=demo_archive).output.splitlines()
    assert {json.loads(line)["site"] for line in danvan_only} == {"danvan"}
    assert all(json.loads(line)["published_at"] >= "2021-01-01" for line in danvan_only)


def test_export_csv_gzipped(demo_archive, tmp_path):
    target = tmp_path / "all.csv.gz"
    assert danvan("export", "--format", "csv", "-o", str(target), db=demo_archive).exit_code == 0
    with gzip.open(target, "rt", encoding="utf-8") as stream:
        header = stream.readline()
        assert header.startswith("id,site,url,canonical_url,urls,title")
        assert sum(1 for _ in stream) >= 45


def test_export_to_an_unwritable_path_is_one_line(demo_archive, tmp_path):
    result = danvan("export", "-o", str(tmp_path / "missing-folder" / "x.jsonl"), db=demo_archive)
    assert result.exit_code == 1
    assert result.output.startswith("danvan: error: cannot write")


# stats and runs


def test_stats_json(demo_archive):
    statistics = {site["site"]: site for site in json.loads(danvan("stats", "--json", db=demo_archive).output)}
    hung_yen = statistics["danvanhungyen"]
    assert (hung_yen["articles"], hung_yen["first_date"], hung_yen["last_date"]) == (37, "2020-10-12", "2021-08-02")
    assert hung_yen["republished_from_other_sites"] == 5
    assert statistics["danvan"]["republished_by_other_sites"] == 5
    assert hung_yen["coverage"]["title"] == 1.0
    assert hung_yen["last_run"]["status"] == "ok"
    assert sum(hung_yen["articles_per_month"].values()) == 36


def test_stats_text_has_a_bar_chart(demo_archive):
    result = danvan("stats", db=demo_archive)
    assert "2021-06 █" in result.output


def test_runs_lists_history(demo_archive):
    result = danvan("runs", "--limit", "1", db=demo_archive)
    assert result.output.count("#") == 1


# extract and reextract


def test_extract_prints_the_item_as_json():
    result = danvan("extract", str(REFERENCE_PAGE), "--url", REFERENCE["url"])
    item = json.loads(result.output)
    assert (item["title"], item["source"], item["published_at"]) == (
        REFERENCE["title"],
        "Danvan.vn",
        "2020-12-29T08:15:00+07:00",
    )


def test_extract_without_a_profile_uses_the_generic_rules():
    result = danvan("extract", str(REFERENCE_PAGE), "--url", "https://example.com/a.html")
    item = json.loads(result.stdout)
    assert (result.exit_code, item["site"], item["title"]) == (0, "generic", REFERENCE["title"])


def test_reextract_reports_no_change_on_an_unchanged_profile(demo_archive, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(demo_archive, copy)
    result = danvan("reextract", "--site", "danvanhungyen", db=copy)
    assert result.output.startswith("37 articles re-extracted, 0 changed (0 without a stored raw page)")


# archive errors


def test_missing_archive(tmp_path):
    result = danvan("stats", db=tmp_path / "none.db")
    assert (result.exit_code, result.output.strip()) == (
        1,
        f"danvan: error: no archive at {tmp_path / 'none.db'}; run a crawl first (danvan crawl) or pass --db",
    )


def test_foreign_database(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)")
    result = danvan("search", "x", db=other)
    assert (result.exit_code, "not a danvan archive" in result.output) == (1, True)


def test_locked_archive_waits_then_says_so(demo_archive, tmp_path, monkeypatch):
    copy = tmp_path / "locked.db"
    shutil.copy(demo_archive, copy)
    holder = sqlite3.connect(copy, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 200)
    result = danvan("stats", db=copy)
    holder.close()
    assert result.exit_code == 1
    assert "is locked by another program" in result.output


# serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_opens_datasette_on_loopback_with_canned_queries(demo_archive):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "danvan_crawler.cli", "serve", "--port", str(port), "--db", str(demo_archive)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json", timeout=1) as response:
                    metadata = json.load(response)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("datasette did not start")
        queries = metadata["databases"][demo_archive.stem]["queries"]
        assert {"search", "unique_articles_by_month", "republications_of_an_article"} <= set(queries)
        url = f"http://127.0.0.1:{port}/{demo_archive.stem}/search.json?query=d%C3%A2n+v%E1%BA%ADn&_shape=array"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert len(json.load(response)) > 10
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_without_datasette_says_how_to_install_it(demo_archive, monkeypatch):
    monkeypatch.setattr("danvan_crawler.archive.datasette.importlib.util.find_spec", lambda name: None)
    result = danvan("serve", db=demo_archive)
    assert result.exit_code == 1
    assert "pip install 'danvan-crawler[datasette]'" in result.output
