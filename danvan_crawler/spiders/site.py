"""SiteSpider: crawls one site as its profile describes, listings first, then articles."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from danvan_crawler.archive import default_archive_path, open_archive
from danvan_crawler.archive.known import KnownArticle, KnownArticles
from danvan_crawler.archive.raw_pages import RAW_PAGE_META
from danvan_crawler.dates import HO_CHI_MINH, parse_vietnamese_date
from danvan_crawler.extract.article import extract_article
from danvan_crawler.items import NotModified
from danvan_crawler.sites import SiteProfile, load_profile

# tldextract, which Scrapy's cookie middleware uses, tries to download the public suffix list and,
# offline, logs the failure with a traceback before falling back to the copy it ships.
logging.getLogger("tldextract").setLevel(logging.CRITICAL)

ARTICLE_PRIORITY = 1  # above listing pages (0); see _article_request

# Old provincial .gov.vn servers speak only TLS 1.0 with ciphers OpenSSL now refuses by default.
LEGACY_TLS_SETTINGS = {
    "DOWNLOADER_CLIENT_TLS_METHOD": "TLSv1.0",
    "DOWNLOADER_CLIENT_TLS_CIPHERS": "DEFAULT:@SECLEVEL=0",
}


class SiteSpider(scrapy.Spider):
    """`scrapy crawl site -a site=danvanhungyen`: any site, described by its profile."""

    name = "site"

    def __init__(self, site: str | None = None, since: str | None = None, refresh: str | bool = False, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.since = since
        self.refresh = refresh in (True, "1", "true", "yes")
        self.known: KnownArticles | None = None
        self.stop_paging_when_known = True
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
        crawler.signals.connect(spider.close_archive, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.known = KnownArticles(open_archive(self.settings.get("ARCHIVE_PATH") or default_archive_path()))
        self.revisit_after = (datetime.now(HO_CHI_MINH) - timedelta(days=self.settings.getint("REVISIT_DAYS"))).date()
        self.stop_paging_when_known = not self.refresh and self.known.last_run_finished(self.site)
        if not self.stop_paging_when_known and not self.refresh:
            self.logger.info("the previous run of %s did not finish: walking every listing page", self.site)
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
        """A listing (or home) page: new and due article links, then further listing pages.

        Paging stops once `stop_after_known` archived articles in a row were met (listing
        pages are newest first), or once every dated item of a page is older than `since`.
        """
        if not self._is_text(response):
            return
        profile = self._profile_for(response.url)
        if profile.is_article(response.url):
            yield from self.parse_article(response)
            return
        self.count("pages/listing")
        links = [link.url for link in self.link_extractor.extract_links(response)]
        article_urls = [url for url in links if self._profile_for(url).is_article(url)]
        known = self.known.lookup(article_urls)
        dates = self._listing_dates(response)
        streak = response.meta.get("known_streak", 0)
        for url in article_urls:
            listed = dates.get(url)
            if self.since and listed and listed < self.since:
                self.count("skipped/older_than_since")
                continue
            record = known.get(url)
            streak = streak + 1 if record else 0
            if record is None:
                yield self._article_request(url)
            elif self.refresh or (record.published_date or "") >= self.revisit_after.isoformat():
                yield self._article_request(url, record)
            else:
                self.count("skipped/known")
        all_old = bool(dates) and self.since is not None and all(value < self.since for value in dates.values())
        stop = all_old or (self.stop_paging_when_known and streak >= profile.stop_after_known)
        for url in links:
            if url in known or not self._profile_for(url).is_listing(url):
                continue
            if stop and url not in profile.start_urls:
                self.count("skipped/listing_stopped")
                continue
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error, meta={"known_streak": streak})

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
        if response.status == 304:
            self.count("pages/not_modified")
            yield NotModified(url=response.url, site=self.site, fetched_at=datetime.now(HO_CHI_MINH))
            return
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
        """A link from a feed or sitemap: articles not yet archived, and listings."""
        profile = self._profile_for(url)
        if profile.is_article(url):
            known = self.known.lookup([url]).get(url)
            if known is None or self.refresh:
                yield self._article_request(url, known)
        elif profile.is_listing(url):
            yield scrapy.Request(url, callback=self.parse, errback=self.on_error)

    def _article_request(self, url: str, known: KnownArticle | None = None) -> scrapy.Request:
        """A request for an article page; conditional (ETag, Last-Modified) when it is archived.

        Articles go before listing pages: the scheduler would otherwise page through listings
        ahead of their articles, holding thousands of article requests in its queue.
        """
        headers = {}
        if known is not None:
            self.count("pages/revisit")
            etag, last_modified = self.known.validators(known)
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            headers=headers,
            meta={RAW_PAGE_META: True, "handle_httpstatus_list": [304]},
            priority=ARTICLE_PRIORITY,
        )

    def _listing_dates(self, response: Response) -> dict[str, str]:
        """Dates the listing shows beside each article link (ISO dates), where the profile says how."""
        profile = self._profile_for(response.url)
        if not (profile.listing_items and profile.listing_date):
            return {}
        dates = {}
        for item in response.css(profile.listing_items):
            href = item.css("a::attr(href)").get()
            parsed = parse_vietnamese_date(" ".join(item.css(f"{profile.listing_date} ::text").getall()))
            if href and parsed:
                dates[response.urljoin(href)] = parsed.isoformat()[:10]
        return dates

    def close_archive(self, spider) -> None:
        if self.known is not None:
            self.known.db.close()

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
