"""What a crawl may fetch, and what hostile input cannot make it do."""

import sqlite3

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from danvan_crawler import cli
from danvan_crawler.archive.datasette import datasette_command
from danvan_crawler.middlewares.addresses import BlockInternalAddressesMiddleware, is_internal_host
from tests.throwaway_site import ThrowawaySite, article_html


@pytest.mark.parametrize(
    ("host", "internal"),
    [
        ("127.0.0.1", True), ("10.0.0.5", True), ("192.168.1.1", True), ("172.16.3.4", True),
        ("169.254.169.254", True), ("[::1]", True), ("fe80::1", True), ("localhost", True),
        ("printer.local", True), ("0.0.0.0", True), ("danvan.vn", False), ("8.8.8.8", False),
        ("2001:4860:4860::8888", False),
    ],
)  # fmt: skip
def test_internal_hosts_are_recognised(host, internal):
    assert is_internal_host(host) is internal


def test_requests_to_internal_addresses_are_refused_and_counted():
    crawler = get_crawler()
    middleware = BlockInternalAddressesMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("http://169.254.169.254/latest/meta-data/"))
    assert middleware.process_request(Request("https://danvanhungyen.vn/")) is None
    assert crawler.stats.get_value("danvan/blocked/internal_address") == 1


@pytest.mark.slow
def test_a_page_linking_inside_the_network_or_off_site_never_makes_the_crawler_fetch_it(tmp_path):
    site = ThrowawaySite(tmp_path)
    links = "".join(
        f'<a href="{url}">x</a>'
        for url in ("http://127.0.0.1:1/a/x-1.html", "http://10.0.0.1/a/y-2.html", "http://[::1]/a/z-3.html",
                    "http://localhost/a/w-4.html", "https://elsewhere.example/a/v-5.html")
    )  # fmt: skip
    site.page("/a/links-1.html", article_html("Liên kết", "Nội dung.").replace("</body>", links + "</body>"))
    site.write()
    result = site.crawl()
    connection = sqlite3.connect(site.archive)
    fetched = {url for (url,) in connection.execute("SELECT final_url FROM raw_pages")}
    assert fetched == {"https://faults.example/a/links-1.html"}
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_feed_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("https://faults.example/a/secret-99.html", encoding="utf-8")
    site = ThrowawaySite(tmp_path)
    site.page("/a/secret-99.html", article_html("Bí mật", "Không được lấy."))
    site.page("/a/open-1.html", article_html("Công khai", "Được lấy."))
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<rss><channel><item><link>&xxe;</link></item>"
        "<item><link>https://faults.example/a/open-1.html</link></item></channel></rss>"
    )
    site.page("/rss.xml", feed, content_type="application/rss+xml")
    site.write(extra_profile="")
    site.profile.write_text(
        site.profile.read_text(encoding="utf-8")
        .replace(
            'start_urls = ["https://faults.example/"]',
            'start_urls = ["https://faults.example/robots.txt"]',
        )
        .replace("[urls]\n", '[urls]\nfeeds = ["https://faults.example/rss.xml"]\n'),
        encoding="utf-8",
    )
    site.crawl()
    urls = {url for (url,) in sqlite3.connect(site.archive).execute("SELECT url FROM articles")}
    assert urls == {"https://faults.example/a/open-1.html"}


def test_serve_binds_to_loopback_unless_told_otherwise(tmp_path):
    default_host = next(parameter.default for parameter in cli.serve.params if parameter.name == "host")
    command = datasette_command(tmp_path / "archive.db", default_host, 8001)
    assert command[command.index("--host") + 1] == "127.0.0.1"
