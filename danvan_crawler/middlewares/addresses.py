"""Never fetch loopback, private, link-local or otherwise internal addresses.

Offsite filtering keeps a crawl on its profiles' domains; this is the second wall for links
written as IP addresses or internal names (http://127.0.0.1/, http://10.0.0.5/, http://[::1]/,
http://localhost/, http://169.254.169.254/). The offline mirror is not affected: requests keep
their real site URLs, and only the mirror's own download handler talks to 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)
INTERNAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


class BlockInternalAddressesMiddleware:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").lower()
        if is_internal_host(host):
            self.stats.inc_value("danvan/blocked/internal_address")
            logger.warning("refusing to fetch an internal address: %s", request.url)
            raise IgnoreRequest(f"internal address: {host}")
        return None


def is_internal_host(host: str) -> bool:
    if host in INTERNAL_NAMES or host.endswith(".localhost") or host.endswith(".local"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return not address.is_global or address.is_multicast
