"""A tiny run of every benchmark, so that none of them rots between `make bench` runs."""

import importlib
import math
import random

import pytest
from scrapy.http import HtmlResponse

from bench.archive import SyntheticArchive
from bench.run import BENCHMARKS, render
from bench.synthetic import SyntheticSite, synthetic_text
from danvan_crawler.archive.index_keys import index_keys
from danvan_crawler.extract.article import extract_article
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import load_profile
from danvan_crawler.text import match_key

# Benchmarks that compare against a library of the `bench` extra (`make bench` installs it).
NEEDS = {"extraction": "trafilatura"}
# A few seconds each: 1,000 archived articles, a 100-page crawl.
TINY = {"archive": 0.001, "memory": 0.002}


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_runs_at_tiny_scale(name):
    if name in NEEDS:
        pytest.importorskip(NEEDS[name], reason="pip install -e '.[bench]' (make bench does)")
    scale = TINY.get(name, 0.01)
    figures = importlib.import_module(f"bench.{name}").run(scale=scale)
    assert figures
    assert all(math.isfinite(figure.value) and figure.value >= 0 for figure in figures)
    assert name in render({name: figures}, "make bench", 1.0, scale)


def test_synthetic_keys_are_the_pipeline_keys():
    """The archive benchmark's articles carry the keys NormalizeTextPipeline would compute."""
    rng = random.Random(1)
    for _ in range(20):
        text = synthetic_text(rng)
        assert text.title_key == match_key(text.title)
        assert text.body_key == match_key(text.body_text)


def test_synthetic_article_page_is_read_by_the_reference_profile():
    site = SyntheticSite(600)
    number = 599
    url = "https://danvanhungyen.vn" + site.article_path(number)
    page = site.render_article(number).encode("utf-8")
    response = HtmlResponse(url, body=page, encoding="utf-8")
    article = prepare_article(extract_article(response, load_profile("danvanhungyen")))
    text = site.text(number)
    assert 20_000 <= len(page) <= 40_000
    assert article.title == text.title
    assert article.body_text == text.body_text
    assert article.published_at == site.published(number)
    assert len(article.related) == 10 + 10  # "Bài viết khác" and "Các bài mới nhất"
    assert 4 <= len(text.paragraphs) <= 12


def test_archive_articles_carry_the_pipeline_keys():
    """Pool paragraphs' search tokens joined, and their shingle minima combined, are what
    IndexKeysPipeline makes of the whole text."""
    maker = SyntheticArchive(1_000)
    for number in range(1, 400):
        article = maker.article(number)
        assert article.body_key == match_key(article.body_text)
        assert article.index_keys == index_keys(article.title_key, article.body_key)
