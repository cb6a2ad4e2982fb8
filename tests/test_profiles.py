import pytest

from danvan_crawler.sites import ProfileError, load_profile, profile_for_url, profile_from_mapping


def test_reference_profile_loads():
    profile = load_profile("danvanhungyen")
    assert profile.name == "danvanhungyen"
    assert profile.domains == ("danvanhungyen.vn", "www.danvanhungyen.vn")
    assert profile.selectors["title"] == ("h1.news-title",)
    assert [block.label for block in profile.related] == ["Bài viết khác", "Các bài mới nhất"]


@pytest.mark.parametrize(
    ("url", "article", "listing"),
    [
        ("https://danvanhungyen.vn/tin-tuc-su-kien/ban-dan-van-giao-ban-1523.html", True, False),
        ("https://danvanhungyen.vn/tin-tuc-su-kien", False, True),
        ("https://danvanhungyen.vn/tin-tuc-su-kien?page=2", False, True),
        ("https://danvanhungyen.vn/gioi-thieu", False, False),
        ("https://danvanhungyen.vn/uploads/news/2020_12/anh.jpg", False, False),
    ],
)
def test_reference_url_patterns(url, article, listing):
    profile = load_profile("danvanhungyen")
    assert (profile.is_article(url), profile.is_listing(url)) == (article, listing)


def test_unknown_site_lists_known_ones():
    with pytest.raises(ProfileError, match="unknown site 'nowhere'; known sites: .*danvanhungyen"):
        load_profile("nowhere")


def test_profile_for_url_finds_the_owner():
    assert profile_for_url("https://www.danvanhungyen.vn/x").name == "danvanhungyen"
    assert profile_for_url("https://example.com/x") is None


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"base_url": "x", "domains": ["x"], "start_urls": ["x"]}, "missing required key 'name'"),
        (
            {
                "name": "x",
                "base_url": "x",
                "domains": ["x"],
                "start_urls": ["x"],
                "selectors": {"title": ["h1"]},
            },
            "selectors.body is required",
        ),
        (
            {
                "name": "x",
                "base_url": "x",
                "domains": ["x"],
                "start_urls": ["x"],
                "selectors": {"title": ["h1"], "body": ["p"], "colour": ["x"]},
            },
            "unknown selector",
        ),
        (
            {
                "name": "x",
                "base_url": "x",
                "domains": ["x"],
                "start_urls": ["x"],
                "urls": {"article": ["(unclosed"]},
                "selectors": {"title": ["h1"], "body": ["p"]},
            },
            "bad regular expression",
        ),
    ],
)
def test_invalid_profiles_are_refused_with_the_reason(mapping, message):
    with pytest.raises(ProfileError, match=message):
        profile_from_mapping(mapping)
