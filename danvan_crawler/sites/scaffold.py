"""Profile scaffolding: propose a profile for a new site from its saved pages, for a person to confirm.

`danvan sites new DOMAIN --sample ARTICLE.html [--listing LISTING.html]` finds on the saved pages
what the generic rules find (extract/generic.py), writes each finding down as a selector that is
checked to select exactly that element, and generalises the listing's article links into a URL
pattern. It writes the profile, copies the samples into the fixtures with expected values that
are the profile's own output marked unconfirmed, writes the site's test module, and reports the
coverage the proposal reaches (sites/check.py). Nothing it proposes is trusted: the profile's
[evidence] says so, and the test module has a guard that fails until a person confirms the values.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector
from scrapy.http import HtmlResponse, Request

from danvan_crawler.dates import parse_vietnamese_date
from danvan_crawler.extract.article import extract_article
from danvan_crawler.extract.boilerplate import is_boilerplate_line
from danvan_crawler.extract.generic import (
    BYLINE_WORDS,
    SOURCE_LINE,
    SUMMARY_WORDS,
    body_elements,
    date_lines_near_title,
    densest_text_container,
    generic_body,
    generic_title,
    named_elements,
    template_elements,
    trailing_byline,
)
from danvan_crawler.extract.metadata import PUBLISHED_QUERIES, read_metadata
from danvan_crawler.extract.selectors import all_texts, first_text, node_text
from danvan_crawler.items import Article
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import PROFILE_DIRECTORY, ProfileError, SiteProfile, profile_from_mapping
from danvan_crawler.sites.check import FIXTURES, CoverageReport, check_profile
from danvan_crawler.urls import canonical_url, same_site

SITE_TESTS = Path(__file__).resolve().parent.parent.parent / "tests" / "sites"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Domain labels that say nothing about the site ("gov.vn", "org.vn", "www").
GENERIC_LABELS = frozenset(["www", "vn", "com", "org", "net", "gov", "edu", "info"])
SIMPLE_CLASS = re.compile(r"^-?[_a-zA-Z][_a-zA-Z0-9-]*$")
AUTHOR_LABELS = ("Tác giả", "Bút danh", "Người viết")
RELATED_HEADING = re.compile(
    r"^(tin liên quan|bài liên quan|bài viết liên quan|bài viết khác|tin khác|các tin khác|tin cùng chuyên mục"
    r"|những tin mới hơn|những tin cũ hơn|các bài mới nhất|xem thêm|đọc thêm)\s*:?$",
    re.IGNORECASE,
)
PAGINATION_WORDS = frozenset(["pagination", "pager", "paging", "pages", "paginate"])
TAG_BOXES = frozenset(["div", "p", "ul", "ol", "section", "dl", "td"])
TAG_LINK = re.compile(r"[/?&](tags?|tu-khoa|tukhoa)[/=]", re.IGNORECASE)
LIST_TAGS = ("ul", "ol")
BOILERPLATE_SAMPLE_MAX_LENGTH = 100
BOILERPLATE_SAMPLES_KEPT = 12


class ScaffoldError(ValueError):
    """The scaffolder cannot or will not write this profile; the message says why."""


@dataclass
class Finding:
    """One proposed field: its selectors, and what they gave on the first sample."""

    selectors: list[str]
    example: str
    note: str = ""


@dataclass
class Proposal:
    """What the saved pages suggest about a site, before it is written down as a profile."""

    name: str
    domain: str
    title: str
    start_urls: list[str]
    article_patterns: list[str]
    listing_patterns: list[str] = field(default_factory=list)
    findings: dict[str, Finding] = field(default_factory=dict)
    image_containers: list[str] = field(default_factory=list)
    image_captions: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    source_line: str | None = None
    related: list[tuple[str, str]] = field(default_factory=list)
    boilerplate_samples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ScaffoldResult:
    """The proposal, the files written from it, and the coverage it reaches on the saved pages."""

    proposal: Proposal
    profile_path: Path
    fixture_pages: list[Path]
    test_path: Path
    coverage: CoverageReport

    def report(self) -> list[str]:
        """What was proposed, what was written and the coverage reached, as lines to print."""
        proposal = self.proposal
        lines = [f"Proposed profile {proposal.name!r} for {proposal.domain} (every selector unverified):"]
        for name, finding in proposal.findings.items():
            lines.append(f"  {name:<10} {' | '.join(finding.selectors)}")
            lines.append(f"  {'':<10} e.g. {finding.example!r}{f'  ({finding.note})' if finding.note else ''}")
        lines += [f"  article URLs  {pattern}" for pattern in proposal.article_patterns]
        lines += [f"  listing URLs  {pattern}" for pattern in proposal.listing_patterns]
        lines += [f"  related       {label!r}: {items}" for label, items in proposal.related]
        lines += [f"  note: {note}" for note in proposal.notes]
        lines.append(f"Wrote {self.profile_path}, {self.test_path} and {len(self.fixture_pages)} fixture page(s).")
        lines.append(f"Coverage on the saved pages ({self.coverage.pages}):")
        lines += [f"  {name:<12} {value.found}/{self.coverage.pages}" for name, value in self.coverage.fields.items()]
        lines.append(
            f"Next: check every value in {self.fixture_pages[0].parent}/*.json against its page, correct it,"
            ' set "confirmed": true, and record in [evidence] what you checked; the profile coverage test'
            " wants at least 3 saved pages per site."
        )
        return lines


def default_name(domain: str) -> str:
    """A profile name from a domain: its telling labels joined ("bandanvan.tinhmau.vn" -> bandanvan_tinhmau)."""
    labels = [re.sub(r"[^a-z0-9]", "", label) for label in domain.lower().split(".")]
    return "_".join(label for label in labels if label and label not in GENERIC_LABELS)


def scaffold_site(
    domain: str,
    samples: list[Path],
    listing: Path | None = None,
    name: str | None = None,
    *,
    profile_directory: Path = PROFILE_DIRECTORY,
    fixtures_directory: Path = FIXTURES,
    tests_directory: Path = SITE_TESTS,
) -> ScaffoldResult:
    """Propose a profile from saved pages and write it with fixtures and tests; never overwrites."""
    domain = domain.lower().removeprefix("www.")
    name = name or default_name(domain)
    if not NAME.match(name):
        raise ScaffoldError(f"{name!r} is not a usable profile name: use lower-case letters, digits and _")
    profile_path = profile_directory / f"{name}.toml"
    fixture_directory = fixtures_directory / name / "articles"
    test_path = tests_directory / f"test_{name}.py"
    existing = [str(path) for path in (profile_path, fixture_directory, test_path) if path.exists()]
    if existing:
        raise ScaffoldError(f"refusing to overwrite {', '.join(existing)}")

    proposal = propose_profile(domain, samples, listing, name)
    text = profile_toml(proposal, samples, listing)
    profile = _checked_profile(text, profile_path)
    profile_path.write_text(text, encoding="utf-8")
    fixture_directory.mkdir(parents=True)
    pages = []
    for sample in samples:
        page = fixture_directory / sample.name
        shutil.copyfile(sample, page)
        url = _page_url(sample, domain)
        article = prepare_article(extract_article(_response(sample, url), profile))
        page.with_suffix(".json").write_text(
            json.dumps(_unconfirmed_expectation(article, url), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        pages.append(page)
    test_path.write_text(site_test_module(proposal), encoding="utf-8")
    return ScaffoldResult(proposal, profile_path, pages, test_path, check_profile(profile, pages))


def propose_profile(domain: str, samples: list[Path], listing: Path | None, name: str) -> Proposal:
    """Everything the saved pages suggest about the site, each selector checked on the pages."""
    if not samples:
        raise ScaffoldError("give at least one saved article page (--sample)")
    sample_urls = [_page_url(sample, domain) for sample in samples]
    pages = [_response(sample, url).selector for sample, url in zip(samples, sample_urls, strict=True)]
    listing_page = _response(listing, f"https://{domain}/").selector if listing else None
    listing_url = _declared_url(listing_page, domain) if listing_page is not None else None
    article_pattern = _article_pattern(domain, sample_urls, pages, listing_page)
    proposal = Proposal(
        name=name,
        domain=domain,
        title=pages[0].css("meta[property='og:site_name']::attr(content)").get("").strip() or domain,
        start_urls=[f"https://{domain}/", *([listing_url] if listing_url else [])],
        article_patterns=[article_pattern],
    )
    if listing_url:
        seen = [url for page in [*pages, listing_page] for url in _site_links(page, domain)]
        articles = [url for url in seen if re.search(article_pattern, url)]
        proposal.listing_patterns.append(_listing_pattern(domain, listing_url, listing_page, articles))
    elif listing_page is not None:
        proposal.notes.append("the listing page declares no canonical URL: write urls.listing by hand")
    _propose_title(proposal, pages)
    _propose_body(proposal, pages)
    _propose_summary(proposal, pages)
    _propose_published(proposal, pages)
    _propose_author(proposal, pages)
    _propose_category(proposal, pages)
    _propose_tags(proposal, pages)
    _propose_related(proposal, pages)
    _collect_boilerplate(proposal, pages)
    return proposal


def unique_css(element: etree._Element) -> str | None:
    """A CSS selector from the element's tag and classes (then id, then its parents) that selects only it."""
    page = Selector(root=element.getroottree().getroot())

    def selects_only_it(query: str) -> bool:
        found = page.css(query)
        return len(found) == 1 and found[0].root is element

    own = _tag_and_classes(element)
    candidates = [own]
    if SIMPLE_CLASS.match(element.get("id", "")):
        candidates.append(f"{element.tag}#{element.get('id')}")
    for query in candidates:
        if selects_only_it(query):
            return query
    parent = element.getparent()
    if parent is None or parent.tag == "html":
        return None
    parent_query = unique_css(parent)
    if parent_query is None:
        return None
    position = [sibling for sibling in parent if sibling.tag == element.tag].index(element) + 1
    for query in (f"{parent_query} > {own}", f"{parent_query} > {own}:nth-of-type({position})"):
        if selects_only_it(query):
            return query
    return None


def profile_toml(proposal: Proposal, samples: list[Path], listing: Path | None) -> str:
    """The profile as TOML, with [evidence] naming the saved pages and saying nothing is verified yet."""
    saved = ", ".join(path.name for path in [*samples, *([listing] if listing else [])])
    lines = [
        f"# {proposal.title}: scaffolded by `danvan sites new` on {date.today().isoformat()}. Unverified.",
        f"name = {_toml(proposal.name)}",
        f"title = {_toml(proposal.title)}",
        f"base_url = {_toml(f'https://{proposal.domain}')}",
        f"domains = {_toml([proposal.domain, f'www.{proposal.domain}'])}",
        f"start_urls = {_toml(proposal.start_urls)}",
        "",
        "[evidence]",
        f"rests_on = {_toml([f'scaffolded by `danvan sites new` from the saved pages {saved}'])}",
        "unverified = "
        + _toml(
            [
                "Every selector and URL pattern below: proposed by the scaffolder from the saved pages and"
                " unverified until a person confirms them against the live site and sets confirmed = true in"
                " the fixtures' expected JSON.",
                *proposal.notes,
            ]
        ),
        "",
        "[urls]",
        f"article = {_toml(proposal.article_patterns)}",
    ]
    if proposal.listing_patterns:
        lines.append(f"listing = {_toml(proposal.listing_patterns)}")
    lines += ["", "[selectors]"]
    lines += [f"{name} = {_toml(finding.selectors)}" for name, finding in proposal.findings.items()]
    if proposal.image_containers:
        lines += ["", "[images]", f"containers = {_toml(proposal.image_containers)}"]
        lines.append(f"captions = {_toml(proposal.image_captions)}")
    if proposal.remove or proposal.source_line:
        lines += ["", "[boilerplate]"]
        if proposal.remove:
            lines.append(f"remove = {_toml(proposal.remove)}")
        if proposal.source_line:
            lines.append(f"source_line = {_toml(proposal.source_line)}")
    for label, items in proposal.related:
        lines += ["", "[[related]]", f"label = {_toml(label)}", f"items = {_toml(items)}"]
    return "\n".join(lines) + "\n"


def site_test_module(proposal: Proposal) -> str:
    """The site's fixture test module (as tests/sites/test_danvan.py) with the confirmation guard."""
    lines = "".join(f"\n        {_python_string(text)}," for text in proposal.boilerplate_samples)
    boilerplate = f"({lines}\n    )" if lines else "()"
    return f'''"""{proposal.domain} (scaffolded by `danvan sites new`): every fixture article against its expected JSON.

The expected JSON beside each fixture page is the scaffolded profile's own output, unconfirmed.
"""

import pytest

from tests.conftest import fixture_cases
from tests.sites.field_checks import *  # noqa: F403 (the shared per-field tests)

SITE = "{proposal.name}"


@pytest.fixture
def boilerplate():
    return {boilerplate}


def test_expected_values_are_confirmed_by_a_person():
    """Fails until someone has checked each expected value against its page and set "confirmed": true."""
    unconfirmed = [path.name for path, expected in fixture_cases(SITE) if expected.get("confirmed") is not True]
    assert unconfirmed == []
'''


def _propose_title(proposal: Proposal, pages: list[Selector]) -> None:
    selectors, example = [], None
    for page in pages:
        title = generic_title(page, read_metadata(page))
        heading = next((element for element in page.css("body h1") if node_text(element) == title), None)
        query = unique_css(heading.root) if heading is not None else "meta[property='og:title']::attr(content)"
        if title and query and query not in selectors:
            selectors.append(query)
        example = example or title
    if not selectors:
        raise ScaffoldError("no title found on the samples (no h1, no og:title)")
    proposal.findings["title"] = Finding(selectors, example, _found_on(pages, selectors))


def _propose_body(proposal: Proposal, pages: list[Selector]) -> None:
    selectors, example, paragraphs = [], "", 0
    for page in pages:
        container = densest_text_container(page)
        query = unique_css(container.root) if container is not None else None
        if query is None:
            continue
        _add(selectors, query)
        body = generic_body(container, "")
        example = example or (body.paragraphs[0] if body.paragraphs else "")
        paragraphs = paragraphs or len(body.paragraphs)
        if body.source:
            proposal.source_line = SOURCE_LINE.pattern
        _propose_body_details(proposal, container.root)
    if not selectors:
        raise ScaffoldError("no body found on the samples")
    note = f"{paragraphs} paragraphs on the first sample; {_found_on(pages, selectors)}"
    proposal.findings["body"] = Finding(selectors, example[:80], note)


def _propose_body_details(proposal: Proposal, container: etree._Element) -> None:
    """Image boxes and their captions, template blocks to remove, and a closing byline to look at."""
    for image in container.iter("img"):
        box = next((node for node in image.iterancestors() if node.tag in ("figure", "table")), None)
        if box is None or container not in box.iterancestors():
            continue
        _add(proposal.image_containers, _tag_and_classes(box))
        caption = next(
            (
                node
                for node in box.iter("figcaption", "td")
                if node_text(Selector(root=node)) and not node.findall(".//img")
            ),
            None,
        )
        if caption is not None:
            _add(proposal.image_captions, _tag_and_classes(caption))
    for element in template_elements(container):
        if element.get("class") or element.get("id"):
            _add(proposal.remove, _tag_and_classes(element))
    byline = trailing_byline(container)
    if byline:
        _add(
            proposal.notes,
            f"the body ends with the short right-aligned line {byline!r}: if it names the writer, add an author"
            " selector and drop the line from the body by hand",
        )


def _propose_summary(proposal: Proposal, pages: list[Selector]) -> None:
    selectors, example = [], None
    for page in pages:
        element = next(iter(named_elements(page, SUMMARY_WORDS)), None)
        query = unique_css(element) if element is not None else None
        if query and query not in selectors:
            selectors.append(query)
            example = example or node_text(Selector(root=element))
    if any(page.css("meta[name='description']::attr(content)").get() for page in pages):
        selectors.append("meta[name='description']::attr(content)")
        example = example or pages[0].css("meta[name='description']::attr(content)").get("")
    if selectors:
        proposal.findings["summary"] = Finding(selectors, example or "", _found_on(pages, selectors))


def _propose_published(proposal: Proposal, pages: list[Selector]) -> None:
    """The visible date line that parses; machine-readable dates are read first anyway and reported."""
    machine = [query for query in PUBLISHED_QUERIES if pages[0].css(query).get()]
    if read_metadata(pages[0]).published and not machine:
        machine = ["JSON-LD datePublished"]
    selectors, example = [], None
    for page in pages:
        title = generic_title(page, read_metadata(page))
        for element in date_lines_near_title(page, title):
            text = node_text(Selector(root=element))
            query = unique_css(element)
            parsed = parse_vietnamese_date(text)
            if query and parsed is not None:
                if query not in selectors:
                    selectors.append(query)
                example = example or f"{text} -> {parsed.isoformat()}"
                break
    note = f"machine-readable, read first: {', '.join(machine)}" if machine else "no machine-readable date"
    if selectors:
        proposal.findings["published"] = Finding(selectors, example, f"{note}; {_found_on(pages, selectors)}")
    elif not machine:
        proposal.notes.append("no publication date found on the samples")


def _propose_author(proposal: Proposal, pages: list[Selector]) -> None:
    """A byline element (class "author"/"byline"), else a line labelled "Tác giả:", with the label cut off."""
    selectors, example = [], None
    for page in pages:
        element = next(iter(named_elements(page, BYLINE_WORDS)), None)
        query = unique_css(element) if element is not None else _labelled_author_query(page)
        name = first_text(page, (query,)) if query else None
        if query and name:
            _add(selectors, query)
            example = example or name
    if selectors:
        proposal.findings["author"] = Finding(selectors, example, _found_on(pages, selectors))


def _labelled_author_query(page: Selector) -> str | None:
    for element in body_elements(page):
        text = node_text(Selector(root=element))
        label = next((label for label in AUTHOR_LABELS if re.match(rf"{label}\s*:", text)), None)
        if label and len(text) <= 60 and not any(child.tag in ("p", "div") for child in element):
            return (
                f"xpath:normalize-space(substring-after((//{element.tag}"
                f"[starts-with(normalize-space(.), '{label}')])[1], ':'))"
            )
    return None


def _propose_category(proposal: Proposal, pages: list[Selector]) -> None:
    """The last link of the breadcrumb trail (the innermost element named "breadcrumb" that has links)."""
    selectors, example = [], None
    for page in pages:
        trails = [
            element
            for element in body_elements(page)
            if re.search(r"breadcrumbs?", f"{element.get('class', '')} {element.get('id', '')}", re.IGNORECASE)
            and element.findall(".//a")
        ]
        if not trails:
            continue
        trail = min(trails, key=lambda element: sum(1 for _ in element.iterdescendants()))
        last = trail.findall(".//a")[-1]
        base = unique_css(trail)
        for query in (f"{base} li:last-child a", f"{base} a:last-of-type"):
            if base and first_text(page, (query,)) == node_text(Selector(root=last)):
                _add(selectors, query)
                example = example or node_text(Selector(root=last))
                break
    if selectors:
        proposal.findings["category"] = Finding(selectors, example, _found_on(pages, selectors))


def _propose_tags(proposal: Proposal, pages: list[Selector]) -> None:
    """The box holding the links to tag pages (/tag/…, ?tag=…), and its links."""
    selectors, example = [], None
    for page in pages:
        links = [anchor.root for anchor in page.css("a[href]") if TAG_LINK.search(anchor.attrib["href"])]
        if not links:
            continue
        box = links[0].getparent()
        while box is not None and not (box.tag in TAG_BOXES and all(box in link.iterancestors() for link in links)):
            box = box.getparent()
        base = unique_css(box) if box is not None else None
        if base and all_texts(page, (f"{base} a",)) == [node_text(Selector(root=link)) for link in links]:
            _add(selectors, f"{base} a")
            example = example or ", ".join(all_texts(page, (f"{base} a",)))
    if selectors:
        proposal.findings["tags"] = Finding(selectors, example, _found_on(pages, selectors))


def _propose_related(proposal: Proposal, pages: list[Selector]) -> None:
    """A heading like "Tin liên quan" or "Bài viết khác" followed by a list of links."""
    for page in pages:
        for heading in body_elements(page):
            label = node_text(Selector(root=heading)).rstrip(":").strip()
            if not RELATED_HEADING.match(label) or any(label == known for known, _ in proposal.related):
                continue
            items = _list_after(heading)
            query = unique_css(items) if items is not None else None
            if query and page.css(f"{query} li a[href]"):
                proposal.related.append((label, f"{query} li"))


def _collect_boilerplate(proposal: Proposal, pages: list[Selector]) -> None:
    """Template lines outside the body ("Chia sẻ:", copyright, related headings) for the site's tests."""
    for page in pages:
        container = densest_text_container(page)
        for element in body_elements(page):
            text = node_text(Selector(root=element))
            if (
                len(element) <= 1
                and len(text) <= BOILERPLATE_SAMPLE_MAX_LENGTH
                and (is_boilerplate_line(text) or RELATED_HEADING.match(text))
                and (container is None or container.root not in element.iterancestors())
            ):
                _add(proposal.boilerplate_samples, text)
    del proposal.boilerplate_samples[BOILERPLATE_SAMPLES_KEPT:]


def _list_after(heading: etree._Element) -> etree._Element | None:
    """The first list after a heading, among its next siblings or those of its parent."""
    for start in (heading, heading.getparent()):
        for sibling in start.itersiblings() if start is not None else ():
            if sibling.tag in LIST_TAGS:
                return sibling
            found = next(sibling.iter(*LIST_TAGS), None) if isinstance(sibling.tag, str) else None
            if found is not None:
                return found
    return None


def _article_pattern(domain: str, sample_urls: list[str], pages: list[Selector], listing: Selector | None) -> str:
    """A URL regex generalised from the listing's repeated links, the samples and every link of their shape."""
    urls = [*sample_urls, *(_repeated_links(listing, domain) if listing is not None else [])]
    shape = Counter(_shape(url) for url in urls).most_common(1)[0][0]
    seen = {url for page in [*pages, listing] if page is not None for url in _site_links(page, domain)}
    return _generalised(domain, sorted(url for url in {*urls, *seen} if _shape(url) == shape))


def _listing_pattern(domain: str, listing_url: str, listing: Selector, articles: list[str]) -> str:
    """The listing's URL, the sibling listings that articles were seen under (other categories), its page links."""
    prefix, name = _segments(listing_url)[:-1], _segments(listing_url)[-1]
    names = {name}
    for url in _site_links(listing, domain):
        segments = _segments(url)
        if segments[:-1] == prefix and any(article.startswith(url + "/") for article in articles):
            names.add(segments[-1])
    path = "".join(f"{_escaped(segment)}/" for segment in prefix) + f"({'|'.join(sorted(map(_escaped, names)))})"
    suffixes = sorted(
        {
            re.sub(r"\d+", r"\\d+", _escaped(url.removeprefix(listing_url)))
            for url in _pagination_links(listing, domain)
            if url.startswith(listing_url) and url != listing_url
        }
    )
    pages = f"({'|'.join(suffixes)})?" if suffixes else ""
    return rf"^https?://(www\.)?{_escaped(domain)}/{path}{pages}/?$"


def _repeated_links(page: Selector, domain: str) -> list[str]:
    """The same-site hrefs of the link structure repeated most often (the listing's items)."""
    groups: dict[str, set[str]] = {}
    for anchor in page.css("a[href]"):
        url = _absolute(anchor.attrib["href"], domain)
        if url is None or any(node.tag in ("nav", "header", "footer") for node in anchor.root.iterancestors()):
            continue
        groups.setdefault(_structure(anchor.root), set()).add(url)
    best = max(groups.values(), key=len, default=set())
    return sorted(best) if len(best) >= 3 else []


def _pagination_links(page: Selector, domain: str) -> list[str]:
    links = []
    for anchor in page.css("a[href]"):
        words = {
            word
            for node in anchor.root.iterancestors()
            for word in re.findall(r"[a-z]+", f"{node.get('class', '')} {node.get('id', '')}".lower())
        }
        url = _absolute(anchor.attrib["href"], domain)
        if url and (words & PAGINATION_WORDS or node_text(anchor).isdigit()):
            links.append(url)
    return links


def _generalised(domain: str, urls: list[str]) -> str:
    """One regex for URLs of one shape: a middle segment the same everywhere stays; the others generalise."""
    columns = list(zip(*(_segments(url) for url in urls), strict=True))
    parts = [
        _escaped(values[0]) if len(set(values)) == 1 and position < len(columns) - 1 else _segment_pattern(values)
        for position, values in enumerate(columns)
    ]
    return rf"^https?://(www\.)?{_escaped(domain)}/{'/'.join(parts)}$"


def _segment_pattern(values: tuple[str, ...]) -> str:
    extensions = {re.search(r"(\.[a-z0-9]+)?$", value).group() for value in values}
    extension = _escaped(extensions.pop()) if len(extensions) == 1 else r"(\.[a-z0-9]+)?"
    stems = [re.sub(r"\.[a-z0-9]+$", "", value) for value in values]
    if all(stem.isdigit() for stem in stems):
        return rf"\d+{extension}"
    if all(re.fullmatch(r"[a-z0-9-]+-\d+", stem) for stem in stems):
        return rf"[a-z0-9-]+-\d+{extension}"
    if all(re.fullmatch(r"[a-z0-9-]+", stem) for stem in stems):
        return rf"[a-z0-9-]+{extension}"
    return r"[^/]+"


def _escaped(text: str) -> str:
    """Regex-escaped, leaving "-" and "/" readable."""
    return re.sub(r"([.?+*^$()\[\]{}|\\])", r"\\\1", text)


def _shape(url: str) -> tuple[int, str]:
    """Depth and the form of the last segment ("slug-N.html"): URLs of one shape are pages of one kind."""
    segments = _segments(url)
    last = segments[-1] if segments else ""
    return len(segments), re.sub(r"\d+", "N", re.sub(r"^[a-z0-9-]+-\d+", "slug-N", last))


def _segments(url: str) -> list[str]:
    return [segment for segment in urlsplit(url).path.split("/") if segment]


def _structure(element: etree._Element) -> str:
    """The tags and classes of an element and its three nearest ancestors: what repeats in a list."""
    chain = [element, *list(element.iterancestors())[:3]]
    return " < ".join(_tag_and_classes(node) for node in chain)


def _site_links(page: Selector, domain: str) -> list[str]:
    return [url for url in (_absolute(href, domain) for href in page.css("a::attr(href)").getall()) if url]


def _absolute(href: str, domain: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    url = canonical_url(urljoin(f"https://{domain}/", href))
    return url if same_site(url, [domain]) and _segments(url) else None


def _tag_and_classes(element: etree._Element) -> str:
    classes = [name for name in element.get("class", "").split() if SIMPLE_CLASS.match(name)]
    return element.tag + "".join(f".{name}" for name in classes)


def _found_on(pages: list[Selector], selectors: list[str]) -> str:
    found = sum(1 for page in pages if first_text(page, tuple(selectors)))
    return f"found on {found}/{len(pages)} samples"


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def _declared_url(page: Selector, domain: str) -> str | None:
    for query in ("link[rel=canonical]::attr(href)", "meta[property='og:url']::attr(content)"):
        declared = page.css(query).get()
        if declared and same_site(declared, [domain]):
            return canonical_url(declared)
    return None


def _page_url(path: Path, domain: str) -> str:
    page = _response(path, f"https://{domain}/").selector
    return _declared_url(page, domain) or f"https://{domain}/{path.name}"


def _response(path: Path, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=path.read_bytes(), request=Request(url))


def _checked_profile(text: str, path: Path) -> SiteProfile:
    """The written profile must load as any other; a scaffolder bug must not leave a broken file."""
    try:
        return profile_from_mapping(tomllib.loads(text), path)
    except (tomllib.TOMLDecodeError, ProfileError) as error:
        raise ScaffoldError(f"the proposed profile does not load: {error}") from error


def _unconfirmed_expectation(article: Article, url: str) -> dict:
    paragraphs = [re.sub(r"\s+", " ", paragraph).strip() for paragraph in article.body_text.split("\n\n")]
    return {
        "confirmed": False,
        "url": url,
        "title": article.title,
        "summary": article.summary,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "published_at_raw": article.published_at_raw,
        "author": article.author,
        "source": article.source,
        "category": article.category,
        "tags": article.tags,
        "images": article.images,
        "related": article.related,
        "body_first": paragraphs[0] if article.body_text else None,
        "body_last": paragraphs[-1] if article.body_text else None,
        "paragraph_count": len(paragraphs) if article.body_text else 0,
    }


def _toml(value: str | list[str]) -> str:
    """A TOML value: literal strings where they can be (regexes read as written), basic strings otherwise."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if "'" not in value and "\n" not in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def _python_string(text: str) -> str:
    """A string literal as ruff formats it: double quotes, single ones when the text holds double ones."""
    if '"' in text and "'" not in text:
        return repr(text)
    return json.dumps(text, ensure_ascii=False)
