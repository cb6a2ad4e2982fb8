"""Crawl order: a listing's articles go before further listing pages, so the queue stays short."""

import re

import pytest

from tests.throwaway_site import ThrowawaySite, article_html

pytestmark = pytest.mark.slow


def test_articles_are_fetched_before_the_listing_pages_found_with_them(tmp_path):
    site = ThrowawaySite(tmp_path)
    articles = [f"/a/bai-{number}.html" for number in range(1, 4)]
    for number, path in enumerate(articles, start=1):
        site.page(path, article_html(f"Bài {number}", f"Nội dung bài {number}."))
    site.page("/tin-tuc", "<html><body><a href='/a/bai-1.html'>Bài 1</a></body></html>")
    site.write()
    site.profile.write_text(site.profile.read_text().replace("[urls]\n", "[urls]\nlisting = ['/tin-tuc$']\n"))
    result = site.crawl({"CONCURRENT_REQUESTS": "1", "LOG_LEVEL": "DEBUG"})
    fetched = re.findall(r"Crawled \(\d+\) <GET https://faults\.example(/[^ >]*)>", result.stderr)
    assert sorted(fetched) == sorted(["/robots.txt", "/", *articles, "/tin-tuc"])
    assert fetched.index("/tin-tuc") > max(fetched.index(path) for path in articles)
