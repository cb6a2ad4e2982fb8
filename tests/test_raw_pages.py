"""Raw pages: stored as served, read back byte for byte, and re-extracted without a crawl."""

import json
import zlib
from datetime import datetime

from scrapy.http import HtmlResponse, Request

from danvan_crawler.archive import open_archive
from danvan_crawler.archive.known import KnownArticle, KnownArticles
from danvan_crawler.archive.raw_pages import INSERT_RAW_PAGE, raw_page_row, response_from_raw_page
from danvan_crawler.archive.reextract import reextract
from danvan_crawler.archive.writer import ArchiveWriter
from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.extract.article import extract_article
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import load_profile
from tests.conftest import fixture_cases

FETCHED = datetime(2021, 8, 3, 9, 0, tzinfo=HO_CHI_MINH)
PATH, EXPECTED = next(case for case in fixture_cases("danvanhungyen") if case[0].stem.endswith("1523"))


def served_response(body: bytes, content_type: str = "text/html; charset=utf-8", **validators: str) -> HtmlResponse:
    url = EXPECTED["url"]
    request = Request(url, meta={"redirect_urls": ["https://danvanhungyen.vn/old-1523.html"]})
    headers = {"Content-Type": content_type, **{name.replace("_", "-"): value for name, value in validators.items()}}
    return HtmlResponse(url=url, body=body, headers=headers, request=request)


def store(db, response) -> None:
    db.execute(INSERT_RAW_PAGE, raw_page_row(response, FETCHED))


def test_round_trip_gives_back_the_bytes_headers_and_redirect_chain(archive_path):
    db = open_archive(archive_path)
    body = "Trang <b>cp1258</b> Đảng".encode("cp1258", errors="ignore")
    store(db, served_response(body, "text/html; charset=windows-1258"))
    row = next(db.query("SELECT * FROM raw_pages"))
    again = response_from_raw_page(row)
    assert (again.body, again.url, again.encoding) == (body, EXPECTED["url"], "cp1258")
    assert json.loads(row["redirect_chain"]) == ["https://danvanhungyen.vn/old-1523.html", EXPECTED["url"]]
    assert row["url"] == "https://danvanhungyen.vn/old-1523.html"
    assert zlib.decompress(row["body"]) == body and len(row["body"]) <= len(body) + 16


def test_reextract_after_a_profile_change_rewrites_fields_and_keeps_versions(archive_path):
    db = open_archive(archive_path)
    writer = ArchiveWriter(db)
    profile = load_profile("danvanhungyen")
    writer.register_site(profile)
    response = served_response(PATH.read_bytes())
    store(db, response)
    broken = profile.__class__(**{**profile.__dict__, "source_line": None})
    writer.write([prepare_article(extract_article(response, broken, FETCHED))])
    assert db.execute("SELECT source FROM articles").fetchone() == (None,)

    report = reextract(db, site="danvanhungyen")

    assert (report.articles, report.changed, report.without_raw_page) == (1, 1, 0)
    assert set(report.fields) == {"source", "body_text"}
    assert db.execute("SELECT source, version FROM articles").fetchone() == ("Danvan.vn", 2)
    assert db.execute("SELECT version FROM article_versions").fetchall() == [(1,)]
    assert reextract(db).changed == 0


def test_known_url_lookup_is_one_descent_and_validators_come_from_the_raw_page(archive_path):
    db = open_archive(archive_path)
    writer = ArchiveWriter(db)
    writer.register_site(load_profile("danvanhungyen"))
    response = served_response(PATH.read_bytes(), ETag='"64c1-5d1f"', Last_Modified="Tue, 03 Aug 2021 01:00:00 GMT")
    store(db, response)
    writer.write([prepare_article(extract_article(response, load_profile("danvanhungyen"), FETCHED))])
    known = KnownArticles(db)

    found = known.lookup([EXPECTED["url"], "https://danvanhungyen.vn/chua-co.html"])
    assert found == {EXPECTED["url"]: KnownArticle(1, EXPECTED["published_at"][:10])}
    assert known.validators(found[EXPECTED["url"]]) == ('"64c1-5d1f"', "Tue, 03 Aug 2021 01:00:00 GMT")
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + known.LOOKUP.format(placeholders="?"), ["x"])]
    assert plan == ["SEARCH article_urls USING PRIMARY KEY (url=?)"]
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + known.VALIDATORS, [1])]
    assert plan[:2] == [
        "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)",
        "SEARCH r USING INDEX sqlite_autoindex_raw_pages_1 (final_url=?)",
    ]
