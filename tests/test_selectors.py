"""Profile queries: compiled XPath, with cssselect's class and value tests stepped through the attribute."""

from pathlib import Path

import pytest
from lxml import etree
from parsel import Selector
from parsel.csstranslator import css2xpath

from danvan_crawler.extract import generic, metadata
from danvan_crawler.extract.selectors import _expression, first_text, select
from danvan_crawler.sites import load_all_profiles

ROOT = Path(__file__).resolve().parent.parent
TRICKY_QUERIES = (
    ".a.b", ".a + .b", ".a ~ .b", ".a, .b", "[rel~=x]", ".x:first-child", ".a:not(.b)", "#x > p:nth-child(2)",
    ".a .b:last-child a", "[data-role=title]", "li.x + li", "[a=b][c]", ".x::attr(href)",
)  # fmt: skip


def css_queries() -> list[str]:
    queries = set(TRICKY_QUERIES) | set(metadata.PUBLISHED_QUERIES) | set(metadata.MODIFIED_QUERIES)
    queries |= set(generic.IMAGE_CONTAINERS) | set(generic.IMAGE_CAPTIONS)
    for profile in load_all_profiles():
        for site_queries in profile.selectors.values():
            queries.update(site_queries)
        queries.update(profile.image_containers, profile.image_captions, profile.boilerplate_selectors)
        queries.update(block.items for block in profile.related)
    return sorted(query for query in queries if not query.startswith(("xpath:", "jmespath:")))


@pytest.fixture(scope="module")
def fixture_pages() -> list[etree._Element]:
    return [Selector(text=path.read_text(encoding="utf-8")).root for path in sorted(ROOT.glob("fixtures/*/*/*.html"))]


def test_class_tests_are_stepped_through_the_attribute():
    assert _expression(".news-date") == (
        "descendant-or-self::*/@class[contains(., 'news-date') and "
        "contains(concat(' ', normalize-space(.), ' '), ' news-date ')]/parent::*"
    )
    assert _expression("li:nth-child(2)") == css2xpath("li:nth-child(2)")


@pytest.mark.parametrize("query", css_queries())
def test_a_rewritten_query_selects_what_cssselect_selects(query, fixture_pages):
    expression = _expression(query)
    if expression == css2xpath(query):
        return
    original = etree.XPath(css2xpath(query), smart_strings=False)
    for page in fixture_pages:
        assert select(page, query) == original(page), query


def test_text_of_the_first_query_that_finds_some():
    page = Selector(text="<div class='a'> </div><p class='b'>Ngày  28/12/2020 </p>")
    assert first_text(page, (".a", ".b", "p")) == "Ngày 28/12/2020"
