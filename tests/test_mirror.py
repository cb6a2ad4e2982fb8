import http.client
import json
from urllib.parse import urlsplit

import pytest

from danvan_crawler.mirror import MirrorServer


@pytest.fixture
def mirror_folder(tmp_path):
    site = tmp_path / "example"
    site.mkdir()
    (site / "home.html").write_text("<html><body>Trang chủ</body></html>", encoding="utf-8")
    (site / "mirror.json").write_text(
        json.dumps(
            {
                "host": "example.vn",
                "routes": {
                    "/": "home.html",
                    "/list?page=2": "home.html",
                    "/moved": {"status": 301, "location": "/"},
                    "/broken": {"status": 500},
                    "/legacy": {"file": "home.html", "content_type": "text/html; charset=windows-1258"},
                },
            }
        ),
        encoding="utf-8",
    )
    return tmp_path


def fetch(url):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
    response = connection.getresponse()
    result = response.status, response.headers.get("Content-Type"), response.read()
    location = response.headers.get("Location")
    connection.close()
    return (*result, location) if location else result


def test_routes_files_statuses_and_404(mirror_folder):
    with MirrorServer(mirror_folder) as server:
        base = server.base_url("example.vn")
        assert fetch(base + "/") == (
            200,
            "text/html; charset=utf-8",
            "<html><body>Trang chủ</body></html>".encode(),
        )
        assert fetch(base + "/list?page=2")[0] == 200
        assert fetch(base + "/moved") == (301, "text/html; charset=utf-8", b"", "/")
        assert fetch(base + "/broken")[0] == 500
        assert fetch(base + "/legacy")[1] == "text/html; charset=windows-1258"
        assert fetch(base + "/nowhere")[0] == 404
        assert server.host_map()["www.example.vn"] == base


def test_only_loopback_is_bound(mirror_folder):
    with MirrorServer(mirror_folder) as server:
        assert server.base_url("example.vn").startswith("http://127.0.0.1:")


def test_a_cookie_protected_route_redirects_to_itself_until_the_cookie_is_sent(tmp_path):
    site = tmp_path / "feeds"
    site.mkdir()
    (site / "feed.xml").write_text("<rss/>", encoding="utf-8")
    (site / "mirror.json").write_text(
        json.dumps({"host": "feeds.vn", "routes": {"/rss/all.rss": {"file": "feed.xml", "requires_cookie": "sid"}}}),
        encoding="utf-8",
    )
    with MirrorServer(tmp_path) as server:
        url = server.base_url("feeds.vn") + "/rss/all.rss"
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        connection.request("GET", parts.path)
        first = connection.getresponse()
        first.read()
        assert (first.status, first.headers["Set-Cookie"]) == (302, "sid=mirror; Path=/")
        connection.request("GET", parts.path, headers={"Cookie": "sid=mirror"})
        second = connection.getresponse()
        assert (second.status, second.read()) == (200, b"<rss/>")
