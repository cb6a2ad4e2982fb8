"""One small test per field, shared by every site's fixture test module.

A site module sets `SITE`, provides a `boilerplate` fixture (strings of that site's template that
must never reach a body) and imports these tests; tests/sites/conftest.py runs each of them once
per fixture page, with `case` = (extracted article, expected values).
"""

import re

import pytest

from danvan_crawler.extract.article import extract_article
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import load_profile
from tests.conftest import file_response, fixture_cases


def site_cases(site: str):
    """Pytest params for every fixture article of a site: (page path, expected values)."""
    return [pytest.param(case, id=case[0].stem[-5:]) for case in fixture_cases(site)]


def extract_case(site: str, path, expected):
    response = file_response(path, expected["url"])
    return prepare_article(extract_article(response, load_profile(site))), expected


def collapse(text):
    return re.sub(r"\s+", " ", text).strip()


def test_title(case):
    article, expected = case
    assert article.title == expected["title"]


def test_summary(case):
    article, expected = case
    assert article.summary == expected["summary"]


def test_published_at(case):
    article, expected = case
    published = article.published_at.isoformat() if article.published_at else None
    assert (published, article.published_at_raw) == (expected["published_at"], expected["published_at_raw"])


def test_author(case):
    article, expected = case
    assert article.author == expected["author"]


def test_source(case):
    article, expected = case
    assert article.source == expected["source"]


def test_category_and_tags(case):
    article, expected = case
    assert (article.category, article.tags) == (expected["category"], expected["tags"])


def test_images_with_captions(case):
    article, expected = case
    assert article.images == expected["images"]


def test_related_links_with_dates(case):
    article, expected = case
    assert article.related == expected["related"]


def test_body_first_last_and_count(case):
    article, expected = case
    paragraphs = article.body_text.split("\n\n")
    assert collapse(paragraphs[0]) == expected["body_first"]
    assert collapse(paragraphs[-1]) == expected["body_last"]
    assert len(paragraphs) == expected["paragraph_count"]


def test_no_boilerplate_in_body(case, boilerplate):
    article, _ = case
    assert [text for text in boilerplate if text in article.body_text] == []


def test_captions_are_not_body_paragraphs(case):
    article, _ = case
    paragraphs = set(article.body_text.split("\n\n"))
    assert [image["caption"] for image in article.images if image["caption"] in paragraphs] == []


def test_canonical_url_is_the_real_site_url(case):
    article, expected = case
    assert article.canonical_url == expected["url"].split("?")[0]
