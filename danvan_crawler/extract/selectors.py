"""The selector engine: one query string in a profile, whatever language it is written in.

A query is CSS by default, XPath when it starts with `xpath:`, and JMESPath over a JSON
script of the page when it starts with `jmespath:` (`jmespath:#__NEXT_DATA__ props.pageProps.title`).
Queries run on lxml elements with compiled XPath: going through parsel's Selector for each
one wraps every match in a new object, which cost more than the matching itself.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector
from parsel.csstranslator import css2xpath

SKIPPED_TAGS = {"script", "style", "noscript", "template"}
# What makes visible text differ from lxml's text serialisation: skipped subtrees and line breaks.
_NOT_PLAIN_TEXT = (*SKIPPED_TAGS, "br")
_REGEXP_NAMESPACE = {"re": "http://exslt.org/regular-expressions"}
_SETS_NAMESPACE = {"set": "http://exslt.org/sets"}


def _evaluator(query: str) -> etree.XPath:
    """A CSS or `xpath:` query as compiled XPath, with the EXSLT namespaces parsel maps for its queries."""
    expression = _expression(query)
    if "set:" in expression:
        # As parsel does, not reused: lxml registers the EXSLT sets functions on every call, and
        # libxml2 keeps an error log entry in the evaluator for each registration after the first.
        return etree.XPath(expression, namespaces=_REGEXP_NAMESPACE | _SETS_NAMESPACE, smart_strings=False)
    return _compiled(expression)


@lru_cache(maxsize=1024)
def _expression(query: str) -> str:
    if query.startswith("xpath:"):
        return query.removeprefix("xpath:").strip()
    return _faster_attribute_steps(css2xpath(query))


@lru_cache(maxsize=1024)
def _compiled(expression: str) -> etree.XPath:
    # The regular expression functions only when used: lxml registers them again on every call.
    uses_regexp = "re:" in expression
    namespaces = _REGEXP_NAMESPACE if uses_regexp else {}
    return etree.XPath(expression, namespaces=namespaces, regexp=uses_regexp, smart_strings=False)


# cssselect turns `.news-date` into `*[@class and contains(@class, 'news-date') and …]`, a predicate
# that libxml2 evaluates slowly on every element of the page. Stepping to the attribute and back to
# its element (`*/@class[contains(., 'news-date') and …]/parent::*`) selects the same elements two to
# three times faster. Only a step whose predicate starts with one class-like or equality test is
# rewritten, and not when the rest of the predicate depends on position (`position()`, `last()`).
_NAME = r"[A-Za-z_][\w.-]*"
_LITERAL = r"'[^']*'"
_WILDCARD_STEP = re.compile(r"(?:(?<=::)|(?<=/))\*\[(?P<predicate>[^\[\]]*)\](?=/| \| |$)")
_INCLUDES_TEST = re.compile(
    rf"@(?P<name>{_NAME}) and contains\(@(?P=name), (?P<word>{_LITERAL})\) "
    rf"and contains\(concat\(' ', normalize-space\(@(?P=name)\), ' '\), (?P<spaced>{_LITERAL})\)"
)
_EQUALS_TEST = re.compile(rf"@(?P<name>{_NAME}) = (?P<value>{_LITERAL})")
_LEADING_TEST = re.compile(r"\((?P<test>.*?)\) and \((?P<rest>.*)\)")


def _faster_attribute_steps(expression: str) -> str:
    # A double-quoted literal can hold text that looks like a step; such an expression is left alone.
    if '"' in expression:
        return expression
    return _WILDCARD_STEP.sub(_through_attribute, expression)


def _through_attribute(step: re.Match[str]) -> str:
    predicate = step["predicate"]
    rewritten = _attribute_step(predicate)
    if rewritten:
        return rewritten
    leading = _LEADING_TEST.fullmatch(predicate)
    if leading is None or "position()" in leading["rest"] or "last()" in leading["rest"]:
        return step[0]
    rewritten = _attribute_step(leading["test"])
    return f"{rewritten}[{leading['rest']}]" if rewritten else step[0]


def _attribute_step(test: str) -> str | None:
    """`*[test]` as a step through the tested attribute, for the tests cssselect writes for a class or a value."""
    found = _INCLUDES_TEST.fullmatch(test)
    if found:
        return (
            f"*/@{found['name']}[contains(., {found['word']}) "
            f"and contains(concat(' ', normalize-space(.), ' '), {found['spaced']})]/parent::*"
        )
    found = _EQUALS_TEST.fullmatch(test)
    if found:
        return f"*/@{found['name']}[. = {found['value']}]/parent::*"
    return None


def select(root: Selector | etree._Element, query: str) -> list:
    """All matches of one profile query under `root`: elements, or strings for text, attributes and JSON values."""
    element = root.root if isinstance(root, Selector) else root
    if query.startswith("jmespath:"):
        return _select_json(element, query.removeprefix("jmespath:").strip())
    if not isinstance(element, etree._Element):
        return []
    try:
        found = _evaluator(query)(element)
    except etree.XPathError as error:
        raise ValueError(f"XPath error: {error} in {query}") from error
    return found if isinstance(found, list) else [found]


def first_text(root: Selector | etree._Element, queries: tuple[str, ...]) -> str | None:
    """Text of the first query that yields non-empty text."""
    for query in queries:
        for match in select(root, query):
            text = node_text(match)
            if text:
                return text
    return None


def all_texts(root: Selector | etree._Element, queries: tuple[str, ...]) -> list[str]:
    """Texts of every match of the first query that matches anything."""
    for query in queries:
        texts = [text for text in map(node_text, select(root, query)) if text]
        if texts:
            return texts
    return []


def every_text(root: Selector | etree._Element, queries: tuple[str, ...]) -> list[str]:
    """Texts of every match of every query, in query order: candidates to try one after another."""
    return [text for query in queries for text in map(node_text, select(root, query)) if text]


def first_node(root: Selector | etree._Element, queries: tuple[str, ...]) -> Selector | None:
    """The first element a query finds; HTML held in a JSON string (JMESPath) is parsed."""
    for query in queries:
        from_json = query.startswith("jmespath:")
        for match in select(root, query):
            if from_json:
                if match.strip():
                    return Selector(text=f"<div>{match}</div>").css("body > div")[0]
            elif not isinstance(match, str):
                return Selector(root=match)
    return None


def node_text(match: Selector | etree._Element | str) -> str:
    """Visible text of a match, whitespace collapsed (script and style left out)."""
    root = match.root if isinstance(match, Selector) else match
    if isinstance(root, str):
        return " ".join(root.split())
    if not isinstance(root, etree._Element):
        return " ".join(str(root).split())
    return " ".join(visible_text(root).split())


def visible_text(element: etree._Element) -> str:
    """The text of an element and its descendants, without script and style (a line break for <br>)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    if not len(element) and tag.lower() not in _NOT_PLAIN_TEXT:
        return element.text or ""
    # An HTML parser writes tag names in lower case, so lxml's tag search finds every one that matters.
    if isinstance(element, HtmlElement) and next(element.iter(*_NOT_PLAIN_TEXT), None) is None:
        return etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return "".join(visible_text_parts(element))


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


def _select_json(root: etree._Element | str, query: str) -> list[str]:
    script_selector, _, expression = query.partition(" ")
    values = []
    for raw in select(root, f"{script_selector}::text"):
        data = _json_document(raw)
        if data is _NOT_JSON:
            continue
        found = Selector(root=data, type="json").jmespath(expression).getall()
        values.extend(value if isinstance(value, str) else json.dumps(value) for value in found)
    return values


_NOT_JSON = object()


@lru_cache(maxsize=2)
def _json_document(raw: str) -> object:
    """A page's JSON script, parsed once for all the profile's JMESPath queries on it (never mutated)."""
    try:
        return json.loads(raw)
    except ValueError:
        return _NOT_JSON
