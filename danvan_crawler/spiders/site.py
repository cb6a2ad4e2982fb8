"""SiteSpider: crawls one site as its profile describes, listings first, then articles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.extract.article import extract_article
from danvan_crawler.sites import load_profile


class SiteSpider(scrapy.Spider):
    """`scrapy crawl site -a site=danvanhungyen`: any site, described by its profile."""

    name = "site"

    def __init__(self, site: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not site:
            raise ValueError("which site? pass -a site=NAME (see `danvan sites`)")
        self.profile = load_profile(site)
        self.site = self.profile.name
        self.allowed_domains = list(self.profile.domains)
        self.link_extractor = LinkExtractor(allow_domains=self.allowed_domains, unique=True)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.profile.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        """A listing (or home) page: follow article links and further listing pages."""
        if not self._is_text(response):
            return
        if self.profile.is_article(response.url):
            yield from self.parse_article(response)
            return
        self.count("pages/listing")
        for link in self.link_extractor.extract_links(response):
            if self.profile.is_article(link.url):
                yield scrapy.Request(link.url, callback=self.parse_article, errback=self.on_error)
            elif self.profile.is_listing(link.url):
                yield scrapy.Request(link.url, callback=self.parse, errback=self.on_error)

    def parse_article(self, response: Response):
        if not self._is_text(response):
            return
        self.count("pages/article")
        yield extract_article(response, self.profile, fetched_at=datetime.now(HO_CHI_MINH))

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
