"""Article bodies: paragraphs, captioned images and the source line, without the template."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from danvan_crawler.extract.boilerplate import is_boilerplate_line
from danvan_crawler.extract.selectors import node_text, select, visible_text

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
ALWAYS_REMOVED = ("script", "style", "noscript", "iframe", "form", "button", "input", "select")
IMAGE_SOURCE_ATTRIBUTES = ("src", "data-src", "data-original", "data-lazy-src")
UNSAFE_ATTRIBUTES = re.compile(r"^(on\w+|style)$", re.IGNORECASE)


@dataclass
class Body:
    paragraphs: list[str] = field(default_factory=list)
    images: list[dict[str, str | None]] = field(default_factory=list)
    source: str | None = None
    html: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class _Paragraph:
    text: str
    element: etree._Element | None


def extract_body(
    container: Selector,
    base_url: str,
    *,
    remove: tuple[str, ...] = (),
    image_containers: tuple[str, ...] = (),
    image_captions: tuple[str, ...] = (),
    source_line: re.Pattern[str] | None = None,
    boilerplate_lines: tuple[re.Pattern[str], ...] = (),
) -> Body:
    """Split a body container into clean paragraphs, captioned images and the source line."""
    root = copy.deepcopy(container.root)
    # Dropping keeps each tail in place, so the order of removal does not change the result.
    for element in list(root.iter(*ALWAYS_REMOVED)):
        drop_keeping_tail(element)
    for query in remove:
        for element in select(root, query):
            drop_keeping_tail(element)

    body = Body()
    # lxml reuses an element's Python proxy only while one is alive, so the boxes are kept
    # here (not just their ids) for the identity checks below to hold.
    image_boxes: list[etree._Element] = []
    for query in image_containers:
        for box in select(root, query):
            image_boxes.append(box)
            caption = next(
                (
                    text
                    for caption_query in image_captions
                    for text in map(node_text, select(box, caption_query))
                    if text
                ),
                None,
            )
            body.images.extend(_image(image, base_url, caption) for image in box.iter("img"))
    captioned = {id(image["element"]) for image in body.images}
    body.images.extend(_image(image, base_url, None) for image in root.iter("img") if id(image) not in captioned)
    if len(body.images) > 1:
        positions = {element: position for position, element in enumerate(root.iter())}
        body.images.sort(key=lambda image: positions[image["element"]])
    for image in body.images:
        del image["element"]

    skipped = {id(box) for box in image_boxes}
    paragraphs = [paragraph for paragraph in _paragraphs(root, skipped, _holding_blocks(root)) if paragraph.text]
    if source_line is not None:
        for paragraph in reversed(paragraphs[-3:]):
            found = source_line.search(paragraph.text)
            if found:
                body.source = found.group("source").strip().rstrip(".").strip()
                _remove_paragraph(paragraph)
                paragraphs.remove(paragraph)
                break
    for paragraph in list(paragraphs):
        if is_boilerplate_line(paragraph.text, boilerplate_lines):
            _remove_paragraph(paragraph)
            paragraphs.remove(paragraph)
    body.paragraphs = [paragraph.text for paragraph in paragraphs]
    _drop_empty_blocks(root)
    _strip_unsafe_attributes(root)
    _make_links_absolute(root, base_url)
    body.html = etree.tostring(root, encoding="unicode", method="html").strip()
    return body


def _image(element: etree._Element, base_url: str, caption: str | None) -> dict:
    # A lazy-loading page puts an inline placeholder in src and the real address in data-src.
    source = next(
        (
            value
            for value in (element.get(name, "").strip() for name in IMAGE_SOURCE_ATTRIBUTES)
            if value and not value.startswith("data:")
        ),
        "",
    )
    return {
        "url": urljoin(base_url, source) if source else None,
        "caption": caption,
        "element": element,
    }


def _paragraphs(element: etree._Element, skipped: set[int], holding_blocks: set[etree._Element]):
    """Yield paragraphs in document order: leaf blocks, and loose text between blocks.

    Elements in `skipped` (image boxes, whose captions belong to their images) yield nothing;
    `holding_blocks` are the elements with a block element inside (see `_holding_blocks`).
    """
    if not isinstance(element.tag, str) or id(element) in skipped:
        return
    if element not in holding_blocks:
        yield _Paragraph(_clean(visible_text(element)), element)
        return
    loose: list[str] = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and (child.tag in BLOCK_TAGS or child in holding_blocks or id(child) in skipped):
            yield _Paragraph(_clean("".join(loose)), None)
            yield from _paragraphs(child, skipped, holding_blocks)
            loose = [child.tail or ""]
        else:
            loose.append(visible_text(child))
            loose.append(child.tail or "")
    yield _Paragraph(_clean("".join(loose)), None)


def _holding_blocks(root: etree._Element) -> set[etree._Element]:
    """The elements under `root` (itself included) that have a block element among their descendants.

    Computed once from the blocks upwards: asking each element in turn walks its subtree again
    at every level. The set holds the elements, so their proxies (and identities) stay alive.
    """
    holding: set[etree._Element] = set()
    for element in root.iter(etree.Element):
        if element.tag in BLOCK_TAGS:
            for ancestor in element.iterancestors():
                if ancestor in holding:
                    break
                holding.add(ancestor)
    return holding


def _clean(text: str) -> str:
    if "\n" not in text:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _remove_paragraph(paragraph: _Paragraph) -> None:
    if paragraph.element is not None and paragraph.element.getparent() is not None:
        drop_keeping_tail(paragraph.element)


def drop_keeping_tail(element: etree._Element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _drop_empty_blocks(root: etree._Element) -> None:
    for element in list(root.iter()):
        if (
            element is not root
            and isinstance(element.tag, str)
            and element.tag in BLOCK_TAGS
            and element.tag not in ("td", "tr", "hr")
            and not visible_text(element).strip()
            and not any(True for _ in element.iter("img"))
        ):
            drop_keeping_tail(element)


def _strip_unsafe_attributes(root: etree._Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str):
            for name in [name for name in element.attrib if UNSAFE_ATTRIBUTES.match(name)]:
                del element.attrib[name]


def _make_links_absolute(root: etree._Element, base_url: str) -> None:
    for element in root.iter("a", "img"):
        attribute = "href" if element.tag == "a" else "src"
        value = element.get(attribute)
        if value and not value.startswith(("#", "javascript:", "data:", "mailto:")):
            element.set(attribute, urljoin(base_url, value.strip()))
