"""The selector engine: one query string in a profile, whatever language it is written in.

A query is CSS by default, XPath when it starts with `xpath:`, and JMESPath over a JSON
script of the page when it starts with `jmespath:` (`jmespath:#__NEXT_DATA__ props.pageProps.title`).
"""

from __future__ import annotations

import json
import re

from lxml import etree
from parsel import Selector, SelectorList

SKIPPED_TAGS = {"script", "style", "noscript", "template"}
WHITESPACE = re.compile(r"\s+")


def select(root: Selector, query: str) -> SelectorList | list:
    """All matches of one profile query under `root`."""
    if query.startswith("xpath:"):
        return root.xpath(query.removeprefix("xpath:").strip())
    if query.startswith("jmespath:"):
        return _select_json(root, query.removeprefix("jmespath:").strip())
    return root.css(query)


def first_text(root: Selector, queries: tuple[str, ...]) -> str | None:
    """Text of the first query that yields non-empty text."""
    for query in queries:
        for match in select(root, query):
            text = node_text(match)
            if text:
                return text
    return None


def all_texts(root: Selector, queries: tuple[str, ...]) -> list[str]:
    """Texts of every match of the first query that matches anything."""
    for query in queries:
        texts = [text for text in (node_text(match) for match in select(root, query)) if text]
        if texts:
            return texts
    return []


def every_text(root: Selector, queries: tuple[str, ...]) -> list[str]:
    """Texts of every match of every query, in query order: candidates to try one after another."""
    return [text for query in queries for text in (node_text(match) for match in select(root, query)) if text]


def first_node(root: Selector, queries: tuple[str, ...]) -> Selector | None:
    """The first element a query finds; HTML held in a JSON string (JMESPath) is parsed."""
    for query in queries:
        for match in select(root, query):
            if isinstance(match, str):
                if match.strip():
                    return Selector(text=f"<div>{match}</div>").css("body > div")[0]
            elif not isinstance(match.root, str):
                return match
    return None


def node_text(match: Selector | str) -> str:
    """Visible text of a match, whitespace collapsed (script and style left out)."""
    if isinstance(match, str):
        return WHITESPACE.sub(" ", match).strip()
    root = match.root
    if isinstance(root, str):
        return WHITESPACE.sub(" ", root).strip()
    if not isinstance(root, etree._Element):
        return WHITESPACE.sub(" ", str(root)).strip()
    return WHITESPACE.sub(" ", "".join(visible_text_parts(root))).strip()


def visible_text_parts(element: etree._Element):
    """Yield the text of an element and its descendants, skipping non-visible subtrees."""
    if not isinstance(element.tag, str) or element.tag.lower() in SKIPPED_TAGS:
        return
    if element.tag.lower() == "br":
        yield "\n"
    if element.text:
        yield element.text
    for child in element:
        yield from visible_text_parts(child)
        if child.tail:
            yield child.tail


def _select_json(root: Selector, query: str) -> list[str]:
    script_selector, _, expression = query.partition(" ")
    values = []
    for raw in root.css(f"{script_selector}::text").getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        found = Selector(text=json.dumps(data), type="json").jmespath(expression).getall()
        values.extend(value if isinstance(value, str) else json.dumps(value) for value in found)
    return values
