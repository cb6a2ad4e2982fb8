"""Site profiles: everything the crawler knows about one site, as data.

A profile is a TOML file in this folder. Adding a site means adding a profile, fixtures and
expected outputs; no Python.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from danvan_crawler.urls import canonical_url, same_site

PROFILE_DIRECTORY = Path(__file__).parent
BASE_DIRECTORY = PROFILE_DIRECTORY / "bases"
CANONICAL_SOURCES = ("link", "og:url", "url")
# Share of a run's articles that must have each field, unless the profile says otherwise.
DEFAULT_MIN_COVERAGE = {"title": 1.0, "body_text": 1.0, "published_at": 0.9}

FIELDS = ("title", "summary", "body", "published", "modified", "author", "category", "tags")


class ProfileError(ValueError):
    """A profile that cannot be loaded or is not valid; the message says which and why."""


@dataclass(frozen=True)
class RelatedBlock:
    label: str
    items: str


@dataclass(frozen=True)
class SiteProfile:
    name: str
    title: str
    base_url: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...]
    article_patterns: tuple[re.Pattern[str], ...]
    listing_patterns: tuple[re.Pattern[str], ...]
    selectors: dict[str, tuple[str, ...]]
    image_containers: tuple[str, ...] = ()
    image_captions: tuple[str, ...] = ()
    boilerplate_selectors: tuple[str, ...] = ()
    boilerplate_lines: tuple[re.Pattern[str], ...] = ()
    source_line: re.Pattern[str] | None = None
    related: tuple[RelatedBlock, ...] = ()
    ignore_authors: tuple[str, ...] = ()
    canonical_sources: tuple[str, ...] = ("link", "og:url")
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listing_areas: tuple[str, ...] = ()
    host_aliases: tuple[str, ...] = ()
    listing_items: str | None = None
    listing_date: str | None = None
    stop_after_known: int = 10
    min_coverage: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIN_COVERAGE))
    expected_silence_days: int = 30
    excluded_patterns: tuple[re.Pattern[str], ...] = ()
    moved_to: str | None = None
    prime_urls: tuple[str, ...] = ()
    cookies: dict[str, str] = field(default_factory=dict)
    legacy_tls: bool = False
    language: str = "vi"
    evidence: dict[str, list[str]] = field(default_factory=dict)
    path: Path | None = None

    @property
    def preferred_host(self) -> str:
        return self.domains[0]

    def owns(self, url: str) -> bool:
        return same_site(url, list(self.domains))

    def is_article(self, url: str) -> bool:
        """Patterns see the URL without tracking parameters or fragment."""
        return self._matches(url, self.article_patterns)

    def is_listing(self, url: str) -> bool:
        return self._matches(url, self.listing_patterns)

    def _matches(self, url: str, patterns: tuple[re.Pattern[str], ...]) -> bool:
        canonical = canonical_url(url)
        if any(pattern.search(canonical) for pattern in self.excluded_patterns):
            return False
        return any(pattern.search(canonical) for pattern in patterns)


def load_profile(name_or_path: str | Path) -> SiteProfile:
    """Load a profile by site name (a file in this folder) or by path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = PROFILE_DIRECTORY / f"{name_or_path}.toml"
    if not path.is_file():
        known = ", ".join(known_site_names()) or "none"
        raise ProfileError(f"unknown site {str(name_or_path)!r}; known sites: {known}")
    return profile_from_mapping(_read_with_bases(path), path)


def _read_with_bases(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    """The profile's data, on top of the CMS-family base it `extends` (bases/<name>.toml)."""
    if path in seen:
        raise ProfileError(f"{path}: profiles extend each other in a loop")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from error
    base_name = data.pop("extends", None)
    if base_name is None:
        return data
    base_path = BASE_DIRECTORY / f"{base_name}.toml"
    if not base_path.is_file():
        known = ", ".join(sorted(p.stem for p in BASE_DIRECTORY.glob("*.toml"))) or "none"
        raise ProfileError(f"{path}: extends unknown base {base_name!r}; known bases: {known}")
    return _merged(_read_with_bases(base_path, (*seen, path)), data)


def _merged(base: dict, override: dict) -> dict:
    """Tables merge key by key; any other value, lists included, replaces the base's."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _merged(base[key], value)
        else:
            merged[key] = value
    return merged


def load_all_profiles() -> list[SiteProfile]:
    return [load_profile(name) for name in known_site_names()]


def known_site_names() -> list[str]:
    return sorted(path.stem for path in PROFILE_DIRECTORY.glob("*.toml"))


def profile_for_url(url: str, profiles: list[SiteProfile] | None = None) -> SiteProfile | None:
    """The profile whose domains cover `url`, if any."""
    for profile in profiles if profiles is not None else load_all_profiles():
        if profile.owns(url):
            return profile
    return None


def profile_from_mapping(data: dict, path: Path | None = None) -> SiteProfile:
    where = str(path) if path else "profile"
    for key in ("name", "base_url", "domains", "start_urls"):
        if not data.get(key):
            raise ProfileError(f"{where}: missing required key {key!r}")
    urls = data.get("urls", {})
    selectors = data.get("selectors", {})
    unknown = set(selectors) - set(FIELDS)
    if unknown:
        raise ProfileError(f"{where}: unknown selector fields {sorted(unknown)}; known: {FIELDS}")
    for required in ("title", "body"):
        if not selectors.get(required):
            raise ProfileError(f"{where}: selectors.{required} is required")
    images = data.get("images", {})
    boilerplate = data.get("boilerplate", {})
    source_line = boilerplate.get("source_line")
    access = data.get("access", {})
    listing = data.get("listing", {})
    monitoring = data.get("monitoring", {})
    canonical_sources = _as_tuple(urls.get("canonical", ("link", "og:url")))
    if set(canonical_sources) - set(CANONICAL_SOURCES):
        raise ProfileError(f"{where}: urls.canonical takes {CANONICAL_SOURCES}, not {canonical_sources}")
    return SiteProfile(
        name=data["name"],
        title=data.get("title", data["name"]),
        base_url=data["base_url"],
        domains=tuple(data["domains"]),
        start_urls=tuple(data["start_urls"]),
        article_patterns=_compile_all(urls.get("article", []), where),
        listing_patterns=_compile_all(urls.get("listing", []), where),
        selectors={name: _as_tuple(value) for name, value in selectors.items()},
        image_containers=_as_tuple(images.get("containers", ())),
        image_captions=_as_tuple(images.get("captions", ())),
        boilerplate_selectors=_as_tuple(boilerplate.get("remove", ())),
        boilerplate_lines=_compile_all(boilerplate.get("lines", []), where),
        source_line=_compile(source_line, where) if source_line else None,
        related=tuple(RelatedBlock(label=block["label"], items=block["items"]) for block in data.get("related", [])),
        ignore_authors=_as_tuple(boilerplate.get("ignore_authors", ())),
        canonical_sources=canonical_sources,
        feeds=_as_tuple(urls.get("feeds", ())),
        sitemaps=_as_tuple(urls.get("sitemaps", ())),
        listing_areas=_as_tuple(urls.get("listing_areas", ())),
        host_aliases=_as_tuple(urls.get("host_aliases", ())),
        listing_items=listing.get("items"),
        listing_date=listing.get("date"),
        stop_after_known=int(listing.get("stop_after_known", 10)),
        min_coverage={**DEFAULT_MIN_COVERAGE, **monitoring.get("min_coverage", {})},
        expected_silence_days=int(monitoring.get("expected_silence_days", 30)),
        excluded_patterns=_compile_all(urls.get("exclude", []), where),
        moved_to=data.get("moved_to"),
        prime_urls=_as_tuple(access.get("prime_urls", ())),
        cookies=dict(access.get("cookies", {})),
        legacy_tls=bool(access.get("legacy_tls", False)),
        language=data.get("language", "vi"),
        evidence=data.get("evidence", {}),
        path=path,
    )


def _as_tuple(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise ProfileError(f"{where}: bad regular expression {pattern!r}: {error}") from error


def _compile_all(patterns: list[str], where: str) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile(pattern, where) for pattern in patterns)
