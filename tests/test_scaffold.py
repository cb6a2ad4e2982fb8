"""The profile scaffolder (`danvan sites new`) on an unseen site: tests/scaffold_pages (see its README).

Everything is written into a temporary directory; the real sites/, fixtures/ and tests/sites/ are
never touched.
"""

import functools
import json
import runpy

import pytest
from click.testing import CliRunner
from parsel import Selector

from danvan_crawler import cli
from danvan_crawler.extract.article import extract_article
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import load_profile
from danvan_crawler.sites.check import check_profile
from danvan_crawler.sites.scaffold import ScaffoldError, default_name, propose_profile, scaffold_site, unique_css
from tests.conftest import ROOT, file_response

PAGES = ROOT / "tests" / "scaffold_pages"
DOMAIN = "bandanvan.tinhmau.vn"
SAMPLE = PAGES / "ban-dan-van-tinh-uy-so-ket-cong-tac-dan-van-6-thang-dau-nam-2021-1203.html"
LISTING = PAGES / "listing-hoat-dong-dan-van.html"
ARTICLES = sorted(path for path in PAGES.glob("*.html") if path != LISTING)
ARTICLE_PATTERN = r"^https?://(www\.)?bandanvan\.tinhmau\.vn/news/[a-z0-9-]+/[a-z0-9-]+-\d+\.html$"
LISTING_PATTERN = (
    r"^https?://(www\.)?bandanvan\.tinhmau\.vn/news/(dan-van-kheo|hoat-dong-dan-van|tin-tuc)(/page-\d+)?/?$"
)
# As danvanhungyen.toml writes it.
SOURCE_LINE = r"source_line = '^\(?\s*Nguồn\s*:\s*(?P<source>[^)]+?)\s*\)?$'"
COMPARED_FIELDS = ("title", "summary", "published_at_raw", "author", "source", "category", "tags", "images", "related")


def directories(root):
    paths = {name: root / name for name in ("sites", "fixtures", "tests")}
    for path in paths.values():
        path.mkdir()
    return {
        "profile_directory": paths["sites"],
        "fixtures_directory": paths["fixtures"],
        "tests_directory": paths["tests"],
    }


@pytest.fixture
def written(tmp_path):
    """The scaffolder run as the command runs it: one sample article and one listing page."""
    return scaffold_site(DOMAIN, [SAMPLE], LISTING, **directories(tmp_path))


def gold(page):
    return json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))


def extracted(profile, page):
    return prepare_article(extract_article(file_response(page, gold(page)["url"]), profile))


def test_proposed_selectors(written):
    findings = {name: finding.selectors for name, finding in written.proposal.findings.items()}
    assert findings == {
        "title": ["h1.title.margin-bottom-lg"],
        "body": ["div.bodytext.margin-bottom-lg"],
        "summary": ["meta[name='description']::attr(content)"],
        "published": ["span.time"],
        "author": ["xpath:normalize-space(substring-after((//p[starts-with(normalize-space(.), 'Tác giả')])[1], ':'))"],
        "category": ["ul.temp-breadcrumbs.hidden li:last-child a"],
        "tags": ["div.h5 a"],
    }


def test_proposed_urls_images_and_related_block(written):
    proposal = written.proposal
    assert (proposal.article_patterns, proposal.listing_patterns, proposal.start_urls) == (
        [ARTICLE_PATTERN],
        [LISTING_PATTERN],
        [f"https://{DOMAIN}/", f"https://{DOMAIN}/news/hoat-dong-dan-van"],
    )
    assert (proposal.image_containers, proposal.image_captions, proposal.related, proposal.source_line) == (
        ["figure.image"],
        ["figcaption"],
        [("Những tin cũ hơn", "ul.related.list-items li")],
        None,
    )


def test_the_date_is_the_visible_line_that_parses(written):
    finding = written.proposal.findings["published"]
    assert (finding.example, finding.note) == (
        "Thứ Năm, 15/07/2021 08:30 -> 2021-07-15T08:30:00+07:00",
        "no machine-readable date; found on 1/1 samples",
    )


def test_a_machine_readable_date_is_reported_first(tmp_path):
    page = tmp_path / "article.html"
    page.write_text(
        SAMPLE.read_text(encoding="utf-8").replace(
            "</head>", '<meta property="article:published_time" content="2021-07-15T08:30:00+07:00" /></head>'
        ),
        encoding="utf-8",
    )
    finding = propose_profile(DOMAIN, [page], None, "tinhmau").findings["published"]
    assert finding.note == (
        "machine-readable, read first: meta[property='article:published_time']::attr(content); found on 1/1 samples"
    )


def test_url_patterns_tell_articles_from_listings(written):
    profile = load_profile(written.profile_path)
    urls = [gold(page)["url"] for page in ARTICLES]
    listings = [f"https://{DOMAIN}/news/tin-tuc/", f"https://{DOMAIN}/news/hoat-dong-dan-van/page-2"]
    assert [profile.is_article(url) for url in [*urls, *listings]] == [True, True, True, False, False]
    assert [profile.is_listing(url) for url in [*urls, *listings]] == [False, False, False, True, True]


def test_profile_evidence_says_where_it_came_from_and_that_nothing_is_verified(written):
    evidence = load_profile(written.profile_path).evidence
    assert evidence["rests_on"] == [
        f"scaffolded by `danvan sites new` from the saved pages {SAMPLE.name}, {LISTING.name}"
    ]
    assert evidence["unverified"][0].startswith("Every selector and URL pattern below: proposed by the scaffolder")


def test_sample_is_copied_with_the_extractors_output_marked_unconfirmed(written):
    page = written.fixture_pages[0]
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert (page.name, page.read_bytes()) == (SAMPLE.name, SAMPLE.read_bytes())
    assert (expected["confirmed"], expected["title"], expected["author"], expected["paragraph_count"]) == (
        False,
        "Ban Dân vận Tỉnh ủy sơ kết công tác dân vận 6 tháng đầu năm 2021",
        "Minh Hằng",
        5,
    )


def test_guard_test_fails_until_a_person_confirms_the_values(written, monkeypatch):
    monkeypatch.setattr("tests.conftest.FIXTURES", written.fixture_pages[0].parent.parent.parent)
    module = runpy.run_path(str(written.test_path))
    with pytest.raises(AssertionError):
        module["test_expected_values_are_confirmed_by_a_person"]()
    expected_path = written.fixture_pages[0].with_suffix(".json")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    expected_path.write_text(json.dumps({**expected, "confirmed": True}, ensure_ascii=False), encoding="utf-8")
    module["test_expected_values_are_confirmed_by_a_person"]()


def test_site_test_module_follows_the_others(written):
    module = written.test_path.read_text(encoding="utf-8")
    assert written.test_path.name == "test_bandanvan_tinhmau.py"
    assert 'SITE = "bandanvan_tinhmau"' in module
    assert "from tests.sites.field_checks import *  # noqa: F403" in module
    assert '        "Những tin cũ hơn",\n' in module


def test_refuses_to_overwrite_an_existing_profile(written):
    with pytest.raises(ScaffoldError, match="refusing to overwrite"):
        scaffold_site(
            DOMAIN,
            [SAMPLE],
            LISTING,
            profile_directory=written.profile_path.parent,
            fixtures_directory=written.fixture_pages[0].parent.parent.parent,
            tests_directory=written.test_path.parent,
        )


def test_two_manual_edits_reach_full_coverage_on_every_saved_article(written):
    """The sample showed neither a "Nguồn:" line nor a table-style photo; the other articles have both.

    Edit 1: the source line (the An Phú article ends with "Nguồn: Báo Tỉnh Mẫu"), so `source` is read.
    Edit 2: the old table-style image box and its caption cell, so that photo gets its caption.
    """
    text = written.profile_path.read_text(encoding="utf-8")
    edits = {
        "containers = ['figure.image']": "containers = ['figure.image', 'table.image']",
        "captions = ['figcaption']": "captions = ['figcaption', 'td.image-caption']",
        "\n[[related]]": "\n[boilerplate]\n" + SOURCE_LINE + "\n\n[[related]]",
    }
    for before, after in edits.items():
        assert text.count(before) == 1
        text = text.replace(before, after)
    written.profile_path.write_text(text, encoding="utf-8")
    profile = load_profile(written.profile_path)

    report = check_profile(profile, ARTICLES)
    assert (report.missing, report.fields["title"].found, report.fields["body_text"].found) == ([], 3, 3)
    for page in ARTICLES:
        article, expected = extracted(profile, page), gold(page)
        body = article.body_text.split("\n\n")
        assert [getattr(article, name) for name in COMPARED_FIELDS] == [expected[name] for name in COMPARED_FIELDS]
        assert (article.published_at.isoformat(), body[0], body[-1], len(body)) == (
            expected["published_at"],
            expected["body_first"],
            expected["body_last"],
            expected["paragraph_count"],
        )


def test_with_every_article_as_a_sample_no_edit_is_needed(tmp_path):
    result = scaffold_site(DOMAIN, ARTICLES, LISTING, **directories(tmp_path))
    profile = load_profile(result.profile_path)
    assert check_profile(profile, ARTICLES).missing == []
    assert [[getattr(extracted(profile, page), name) for name in COMPARED_FIELDS] for page in ARTICLES] == [
        [gold(page)[name] for name in COMPARED_FIELDS] for page in ARTICLES
    ]


def test_sites_new_command_reports_and_then_refuses(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "scaffold_site", functools.partial(scaffold_site, **directories(tmp_path)))
    arguments = ["sites", "new", DOMAIN, "--sample", str(SAMPLE), "--listing", str(LISTING)]
    first, second = CliRunner().invoke(cli.main, arguments), CliRunner().invoke(cli.main, arguments)
    assert (first.exit_code, first.stdout.splitlines()[0]) == (
        0,
        f"Proposed profile 'bandanvan_tinhmau' for {DOMAIN} (every selector unverified):",
    )
    assert "  title        1/1" in first.stdout.splitlines()
    assert (second.exit_code, "refusing to overwrite" in second.output) == (2, True)


def test_unique_css_falls_back_to_the_position_among_twins():
    page = Selector(text='<div class="box"><ul class="l"></ul></div><div class="box"><ul class="l"></ul></div>')
    second = page.css("ul.l")[1].root
    assert unique_css(second) == "body > div.box:nth-of-type(2) > ul.l"


@pytest.mark.parametrize(
    ("domain", "name"),
    [("bandanvan.tinhmau.vn", "bandanvan_tinhmau"), ("www.danvanhungyen.vn", "danvanhungyen"),
     ("tuyenquang.dcs.vn", "tuyenquang_dcs"), ("mattran.org.vn", "mattran")],
)  # fmt: skip
def test_default_name_comes_from_the_telling_labels(domain, name):
    assert default_name(domain) == name
