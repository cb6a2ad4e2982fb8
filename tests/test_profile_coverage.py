"""Every profile reaches full field coverage on its own fixtures, as `danvan sites check` reports it."""

import pytest

from danvan_crawler.sites import known_site_names, load_profile
from danvan_crawler.sites.check import check_profile, fixture_pages


@pytest.mark.parametrize("site", known_site_names())
def test_full_coverage_on_the_fixtures(site):
    profile = load_profile(site)
    pages = fixture_pages(profile)
    assert len(pages) >= 3, f"{site} needs fixture pages"
    report = check_profile(profile, pages)
    assert report.missing == []
    assert report.fields["title"].found == report.fields["body_text"].found == report.pages == len(pages)


@pytest.mark.parametrize("site", known_site_names())
def test_every_profile_says_what_it_rests_on_and_what_is_unverified(site):
    evidence = load_profile(site).evidence
    assert evidence.get("rests_on") and evidence.get("unverified")
