import pytest

from danvan_crawler.urls import canonical_url, same_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://danvanhungyen.vn/tin-tuc/a-1.html", "https://danvanhungyen.vn/tin-tuc/a-1.html"),
        ("https://WWW.DanVanHungYen.vn/tin-tuc/a-1.html#top", "https://danvanhungyen.vn/tin-tuc/a-1.html"),
        (
            "https://danvanhungyen.vn:443/tin-tuc/a-1.html?utm_source=zalo&utm_medium=social",
            "https://danvanhungyen.vn/tin-tuc/a-1.html",
        ),
        (
            "https://danvanhungyen.vn/tin-tuc/a-1.html?fbclid=IwAR0x&zarsrc=31",
            "https://danvanhungyen.vn/tin-tuc/a-1.html",
        ),
        ("https://danvanhungyen.vn/tin-tuc-su-kien?page=1", "https://danvanhungyen.vn/tin-tuc-su-kien"),
        (
            "https://danvanhungyen.vn/tin-tuc-su-kien/?page=2",
            "https://danvanhungyen.vn/tin-tuc-su-kien?page=2",
        ),
        ("https://danvanhungyen.vn/a.aspx?b=2&a=1", "https://danvanhungyen.vn/a.aspx?a=1&b=2"),
        ("https://danvanhungyen.vn/a.html?PHPSESSID=abc", "https://danvanhungyen.vn/a.html"),
        ("https://danvanhungyen.vn", "https://danvanhungyen.vn/"),
        ("https://danvanhungyen.vn:8080/x", "https://danvanhungyen.vn:8080/x"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url, "danvanhungyen.vn") == expected


def test_canonical_url_keeps_other_sites_hosts():
    assert canonical_url("https://www.danvan.vn/a", "danvanhungyen.vn") == "https://www.danvan.vn/a"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://danvanhungyen.vn/x", True),
        ("https://www.danvanhungyen.vn/x", True),
        ("https://danvanhungyen.vn.evil.example/x", False),
        ("http://127.0.0.1/x", False),
    ],
)
def test_same_site(url, expected):
    assert same_site(url, ["danvanhungyen.vn"]) is expected
