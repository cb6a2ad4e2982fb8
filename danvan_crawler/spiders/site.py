"""SiteSpider: crawls one site as its profile describes, listings first, then articles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from danvan_crawler.archive.raw_pages import RAW_PAGE_META
from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.extract.article import extract_article
from danvan_crawler.sites import SiteProfile, load_profile

# Old provincial .gov.vn servers speak only TLS 1.0 with ciphers OpenSSL now refuses by default.
LEGACY_TLS_SETTINGS = {
    "DOWNLOADER_CLIENT_TLS_METHOD": "TLSv1.0",
    "DOWNLOADER_CLIENT_TLS_CIPHERS": "DEFAULT:@SECLEVEL=0",
}


class SiteSpider(scrapy.Spider):
    """`scrapy crawl site -a site=danvanhungyen`: any site, described by its profile."""

    name = "site"

    def __init__(self, site: str | None = None, since: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.since = since
        if not site:
            raise ValueError("which site? pass -a site=NAME (see `danvan sites`)")
        self.profile = load_profile(site)
        self.site = self.profile.name
        self.moved_to: SiteProfile | None = load_profile(self.profile.moved_to) if self.profile.moved_to else None
        domains = list(self.profile.domains)
        if self.moved_to is not None:
            domains += list(self.moved_to.domains)
        self.allowed_domains = domains
        self.link_extractor = LinkExtractor(allow_domains=domains, restrict_css=self.profile.listing_areas, unique=True)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.profile.legacy_tls:
            crawler.settings.update(LEGACY_TLS_SETTINGS, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.profile.prime_urls:
            yield self._priming_request(0)
            return
        for request in self._discovery_requests():
            yield request

    def _priming_request(self, index: int) -> scrapy.Request:
        """Some sites answer only once a first request has set a session cookie (qdnd's feeds)."""
        return scrapy.Request(
            self.profile.prime_urls[index],
            callback=self.after_priming,
            errback=self.on_error,
            cookies=self.profile.cookies,
            dont_filter=True,
            meta={"dont_redirect": True, "handle_httpstatus_all": True, "priming_index": index},
        )

    def after_priming(self, response: Response) -> Iterator[scrapy.Request]:
        following = response.meta["priming_index"] + 1
        if following < len(self.profile.prime_urls):
            yield self._priming_request(following)
        else:
            yield from self._discovery_requests()

    def _discovery_requests(self) -> Iterator[scrapy.Request]:
        cookies = self.profile.cookies
        for url in self.profile.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, cookies=cookies)
        for url in self.profile.sitemaps:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error, cookies=cookies)
        for url in self.profile.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error, cookies=cookies)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """A listing (or home) page: follow article links and further listing pages."""
        if not self._is_text(response):
            return
        profile = self._profile_for(response.url)
        if profile.is_article(response.url):
            yield from self.parse_article(response)
            return
        self.count("pages/listing")
        for link in self.link_extractor.extract_links(response):
            yield from self._follow(link.url)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """RSS or Atom: every item link is a candidate article. Entities are never resolved."""
        self.count("pages/feed")
        feed = Selector(text=response.text, type="xml", huge_tree=False)
        links = (
            feed.xpath("//item/link/text()").getall()
            + feed.xpath("//*[local-name()='entry']/*[local-name()='link']/@href").getall()
        )
        for url in links:
            yield from self._follow(response.urljoin(url.strip()))

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap or sitemap index, gzipped or not (Scrapy's own sitemap reader)."""
        self.count("pages/sitemap")
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        sitemap = Sitemap(body)
        for entry in sitemap:
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(entry["loc"], callback=self.parse_sitemap, errback=self.on_error)
            else:
                yield from self._follow(entry["loc"])

    def parse_article(self, response: Response):
        if not self._is_text(response):
            return
        self.count("pages/article")
        profile = self._profile_for(response.url)
        yield extract_article(response, profile, fetched_at=datetime.now(HO_CHI_MINH))

    def on_error(self, failure: Failure) -> None:
        """Count and log a failed request; the crawl goes on."""
        request = failure.request
        if failure.check(HttpError):
            status = failure.value.response.status
            kind = f"http_{status}"
            self.logger.warning("HTTP %d for %s", status, request.url)
        else:
            kind = failure.type.__name__
            self.logger.warning("%s for %s: %s", kind, request.url, failure.getErrorMessage())
        self.count(f"errors/{kind}")

    def count(self, key: str) -> None:
        self.crawler.stats.inc_value(f"danvan/{key}")

    def _follow(self, url: str) -> Iterator[scrapy.Request]:
        profile = self._profile_for(url)
        if profile.is_article(url):
            yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta={RAW_PAGE_META: True})
        elif profile.is_listing(url):
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error)

    def _profile_for(self, url: str) -> SiteProfile:
        """The site's own profile, or the one of the site it moved to."""
        if self.moved_to is not None and self.moved_to.owns(url):
            return self.moved_to
        return self.profile

    def _is_text(self, response: Response) -> bool:
        if isinstance(response, TextResponse):
            return True
        self.count("dropped/not_html")
        self.logger.warning(
            "not an HTML page, skipped: %s (%s)",
            response.url,
            response.headers.get("Content-Type", b"?").decode("latin-1"),
        )
        return False
