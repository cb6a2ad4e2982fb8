"""Canonical URLs: one spelling for each page, however a site or a share link wrote it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETERS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|zarsrc|zalo_?[a-z_]*|_ga|_gl|mc_cid|mc_eid"
    r"|igshid|ref_src|sessionid|session_id|sid|phpsessid|jsessionid|aspsessionid\w*)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str, preferred_host: str | None = None, host_aliases: tuple[str, ...] = ()) -> str:
    """Return the one spelling of `url` the archive keys on.

    Scheme becomes https, the host lower-case (and `preferred_host` when it is the same site
    with or without `www.`), default ports, fragments, tracking and session parameters are
    dropped, the remaining query is sorted, `page=1` is the bare listing, and a trailing slash
    is removed except on the root.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    if preferred_host and (_bare_host(host) == _bare_host(preferred_host) or host in host_aliases):
        host = preferred_host.lower()
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMETERS.match(key) and not (key == "page" and value in ("", "1"))
    ]
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def same_site(url: str, domains: list[str]) -> bool:
    """True when the URL's host is one of `domains` or a subdomain of one."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _bare_host(host: str) -> str:
    return host[4:] if host.startswith("www.") else host
