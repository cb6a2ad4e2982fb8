"""Full-text search in Vietnamese: exact-diacritic hits first, then diacritic-folded ones.

Two FTS5 indexes (`unicode61 remove_diacritics 0`) cover the same articles: one over
`match_key` text (case, composition and tone-mark style unified), one over `fold_key` text (all
marks removed, đ→d). A query goes through the same keys; every term is quoted, so input such as
`25-NQ/TW` is never FTS syntax; "quoted phrases" stay phrases. Ranking is bm25 with the title
weighted above the body; snippets are cut from the stored text with the matching words marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sqlite_utils

from danvan_crawler.text import fold_match_key, match_key

TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0
SNIPPET_WORDS = 24
TERM = re.compile(r'"([^"]+)"|(\S+)')
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class SearchHit:
    article_id: int
    site: str
    title: str
    published_date: str | None
    url: str
    snippet: str
    match: str  # "exact" or "folded"
    rank: float


def search(
    db: sqlite_utils.Database,
    query: str,
    *,
    site: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    fold: bool = False,
    unique: bool = False,
    limit: int = 20,
) -> list[SearchHit]:
    """Ranked articles for a query; `fold` matches on folded text only (typed without marks)."""
    phrases = [match_key(quoted or bare) for quoted, bare in TERM.findall(query)]
    phrases = [phrase for phrase in phrases if phrase]
    if not phrases:
        return []
    filters, parameters = _filters(site, date_from, date_to, unique)
    hits: list[SearchHit] = []
    if not fold:
        hits = _query(db, "search_exact", _fts_query(phrases), filters, parameters, limit, "exact")
    if len(hits) < limit:
        folded = _fts_query([fold_match_key(phrase) for phrase in phrases])
        seen = {hit.article_id for hit in hits}
        extra = _query(db, "search_folded", folded, filters, parameters, limit + len(seen), "folded")
        hits += [hit for hit in extra if hit.article_id not in seen][: limit - len(hits)]
    keys = {hit.match: _query_words(phrases, hit.match) for hit in hits}
    for hit in hits:
        hit.snippet = highlight(hit.snippet, keys[hit.match], hit.match)
    return hits


def _fts_query(phrases: list[str]) -> str:
    return " ".join('"' + phrase.replace('"', '""') + '"' for phrase in phrases)


def _filters(site, date_from, date_to, unique) -> tuple[str, list]:
    clauses, parameters = [], []
    if site:
        clauses.append("a.site = ?")
        parameters.append(site)
    if date_from:
        clauses.append("a.published_date >= ?")
        parameters.append(date_from)
    if date_to:
        clauses.append("a.published_date <= ?")
        parameters.append(date_to)
    if unique:
        clauses.append("a.id NOT IN (SELECT copy_id FROM republications)")
    return "".join(f" AND {clause}" for clause in clauses), parameters


def _query(db, table: str, fts_query: str, filters: str, parameters: list, limit: int, kind: str):
    """The best `limit` matches are ranked first and only they are read from `articles`: reading every
    match's row (its body runs over several pages) cost more than the ranking itself."""
    join = f" JOIN articles a ON a.id = {table}.rowid" if filters else ""
    rows = db.execute(
        f"""SELECT a.id, a.site, a.title, a.published_date, a.canonical_url, a.body_text, best.rank
            FROM (SELECT {table}.rowid AS id, bm25({table}, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS rank
                  FROM {table}{join} WHERE {table} MATCH ?{filters} ORDER BY rank LIMIT ?) AS best
            JOIN articles a ON a.id = best.id
            ORDER BY best.rank""",
        [fts_query, *parameters, limit],
    ).fetchall()
    return [SearchHit(row[0], row[1], row[2], row[3], row[4], row[5], kind, row[6]) for row in rows]


def _query_words(phrases: list[str], kind: str) -> frozenset[str]:
    words = " ".join(phrases).split()
    return frozenset(fold_match_key(word) for word in words) if kind == "folded" else frozenset(words)


def highlight(text: str, words: frozenset[str], kind: str = "exact") -> str:
    """A window of the text around the first matching word, matching words in [brackets]."""
    key = _folded_word_key if kind == "folded" else _word_key
    found = [(match.start(), match.end()) for match in WORD.finditer(text) if key(match.group()) in words]
    if not found:
        return " ".join(text.split()[:SNIPPET_WORDS])
    all_words = list(WORD.finditer(text))
    first = next(index for index, match in enumerate(all_words) if match.start() == found[0][0])
    start_word = max(0, first - SNIPPET_WORDS // 3)
    end_word = min(len(all_words) - 1, start_word + SNIPPET_WORDS)
    start = 0 if start_word == 0 else all_words[start_word].start()
    end = len(text) if end_word == len(all_words) - 1 else all_words[end_word].end()
    pieces, cursor = [], start
    for word_start, word_end in found:
        if start <= word_start and word_end <= end:
            pieces += [text[cursor:word_start], "[", text[word_start:word_end], "]"]
            cursor = word_end
    pieces.append(text[cursor:end])
    snippet = " ".join("".join(pieces).split())
    return ("… " if start > 0 else "") + snippet + (" …" if end < len(text) else "")


@lru_cache(maxsize=65_536)
def _word_key(word: str) -> str:
    return match_key(word)


@lru_cache(maxsize=65_536)
def _folded_word_key(word: str) -> str:
    return fold_match_key(match_key(word))
