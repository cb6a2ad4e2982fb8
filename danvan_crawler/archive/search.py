"""Full-text search in Vietnamese: exact-diacritic hits first, then diacritic-folded ones.

Two FTS5 indexes (`unicode61 remove_diacritics 0`) cover the same articles: one over
`match_key` text (case, composition and tone-mark style unified), one over `fold_key` text (all
marks removed, đ→d), both stored as the tokens FTS5 sees (`search_keys`). A query goes through
the same keys; every term is quoted, so input such as `25-NQ/TW` is never FTS syntax; "quoted
phrases" stay phrases. Snippets are cut from the stored text with the matching words marked.

Ranking is bm25 (FTS5's formula, the title weighted above the body) over the newest
`RANKED_MATCHES` matches, with the term statistics of the newest `STATISTICS_WINDOW` articles.
FTS5's own bm25() reads every match of every query term to count it, so on a million articles a
query of common syllables ("dân", "vận") took seconds; bounding both keeps a search under a
tenth of a second at any archive size, and a query with fewer matches is ranked in full.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import sqlite_utils

from danvan_crawler.text import fold_match_key, match_key

TITLE_WEIGHT, BODY_WEIGHT = 5.0, 1.0
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's constants
RANKED_MATCHES = 500
STATISTICS_WINDOW = 20_000
INDEXES = {
    "exact": (0, "search_exact", "title_key", "body_key"),
    "folded": (1, "search_folded", "title_fold", "body_fold"),
}
SNIPPET_WORDS = 24
TERM = re.compile(r'"([^"]+)"|(\S+)')
TOKEN = re.compile(r"[^\W_]+")  # a word as unicode61 sees it: letters and numbers


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
        hits = _query(db, "exact", phrases, filters, parameters, limit)
    if len(hits) < limit:
        seen = {hit.article_id for hit in hits}
        extra = _query(db, "folded", phrases, filters, parameters, limit + len(seen))
        hits += [hit for hit in extra if hit.article_id not in seen][: limit - len(hits)]
    keys = {hit.match: _query_words(phrases, hit.match) for hit in hits}
    for hit in hits:
        hit.snippet = highlight(hit.snippet, keys[hit.match], hit.match)
    return hits


def search_keys(key: str) -> tuple[str, str]:
    """A match key as the tokens FTS5 indexes, with diacritics and folded: punctuation gone, so
    `search` can count a phrase's occurrences in stored keys with str.count."""
    pairs = [pair for pair in map(_search_token_pair, key.split(" ")) if pair[0]]
    return " ".join([pair[0] for pair in pairs]), " ".join([pair[1] for pair in pairs])


@lru_cache(maxsize=65_536)
def _search_token_pair(token: str) -> tuple[str, str]:
    exact = " ".join(TOKEN.findall(token))
    return exact, fold_match_key(exact)


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


def _query(db, kind: str, phrases: list[str], filters: str, parameters: list, limit: int) -> list[SearchHit]:
    """The newest matches, ranked by bm25; only the best `limit` rows are read from `articles`."""
    form, table, title_column, body_column = INDEXES[kind]
    tokens = [token for token in (search_keys(phrase)[form] for phrase in phrases) if token]
    if not tokens:
        return []
    join = f" JOIN articles a ON a.id = {table}.rowid" if filters else ""
    matches = [
        row[0]
        for row in db.execute(
            f"""SELECT {table}.rowid FROM {table}{join} WHERE {table} MATCH ?{filters}
                ORDER BY {table}.rowid DESC LIMIT ?""",
            [_fts_query(tokens), *parameters, max(limit, RANKED_MATCHES)],
        )
    ]
    if not matches:
        return []
    documents = db.execute(
        f"SELECT article_id, {title_column}, {body_column} FROM article_search"
        f" WHERE article_id IN ({', '.join('?' * len(matches))})",
        matches,
    ).fetchall()
    scores = bm25_scores(documents, tokens, _inverse_document_frequencies(db, table, tokens))
    best = sorted(scores, key=lambda article_id: (-scores[article_id], article_id))[:limit]
    rows = {
        row[0]: row
        for row in db.execute(
            "SELECT id, site, title, published_date, canonical_url, body_text FROM articles"
            f" WHERE id IN ({', '.join('?' * len(best))})",
            best,
        )
    }
    return [SearchHit(*rows[article_id], kind, -scores[article_id]) for article_id in best if article_id in rows]


def bm25_scores(documents: Iterable[tuple[int, str, str]], phrases: list[str], idf: list[float]) -> dict[int, float]:
    """FTS5's bm25 (higher is better here) of (id, title, body) documents in `search_keys` form.

    A phrase's frequency is its title count times TITLE_WEIGHT plus its body count; a document's
    length is its tokens in both columns, against the average of the documents scored.
    """
    counted = []
    for article_id, title, body in documents:
        length = sum(text.count(" ") + 1 for text in (title, body) if text)
        title, body = f" {title} ", f" {body} "
        frequencies = [
            TITLE_WEIGHT * title.count(f" {phrase} ") + BODY_WEIGHT * body.count(f" {phrase} ") for phrase in phrases
        ]
        counted.append((article_id, length, frequencies))
    average_length = sum(length for _, length, _ in counted) / len(counted) or 1.0
    scores = {}
    for article_id, length, frequencies in counted:
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / average_length)
        scores[article_id] = sum(
            weight * frequency * (BM25_K1 + 1) / (frequency + norm)
            for weight, frequency in zip(idf, frequencies, strict=True)
        )
    return scores


def _inverse_document_frequencies(db, table: str, phrases: list[str]) -> list[float]:
    """bm25's idf of each phrase among the newest STATISTICS_WINDOW articles (all of them in a smaller archive)."""
    newest = db.execute("SELECT MAX(article_id) FROM article_search").fetchone()[0] or 0
    floor = newest - STATISTICS_WINDOW
    articles = db.execute(f"SELECT COUNT(*) FROM {table}_docsize WHERE id > ?", [floor]).fetchone()[0]
    idf = []
    for phrase in phrases:
        containing = db.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {table} MATCH ? AND rowid > ?", [_fts_query([phrase]), floor]
        ).fetchone()[0]
        idf.append(max(1e-6, math.log((articles - containing + 0.5) / (containing + 0.5))))
    return idf


def _query_words(phrases: list[str], kind: str) -> frozenset[str]:
    words = " ".join(phrases).split()
    return frozenset(fold_match_key(word) for word in words) if kind == "folded" else frozenset(words)


def highlight(text: str, words: frozenset[str], kind: str = "exact") -> str:
    """A window of the text around the first matching word, matching words in [brackets].

    The text is read only as far as the window's end (a body runs to thousands of words).
    """
    key = _folded_word_key if kind == "folded" else _word_key
    all_words: list[re.Match[str]] = []
    first = None
    for match in TOKEN.finditer(text):
        all_words.append(match)
        if first is None and key(match.group()) in words:
            first = len(all_words) - 1
        if first is not None and len(all_words) > max(0, first - SNIPPET_WORDS // 3) + SNIPPET_WORDS + 1:
            break  # one word past the window: the window does not end the text
    if first is None:
        return " ".join(text.split()[:SNIPPET_WORDS])
    start_word = max(0, first - SNIPPET_WORDS // 3)
    end_word = min(len(all_words) - 1, start_word + SNIPPET_WORDS)
    start = 0 if start_word == 0 else all_words[start_word].start()
    end = all_words[end_word].end() if end_word < len(all_words) - 1 else len(text)
    pieces, cursor = [], start
    for match in all_words[start_word : end_word + 1]:
        if key(match.group()) in words:
            pieces += [text[cursor : match.start()], "[", match.group(), "]"]
            cursor = match.end()
    pieces.append(text[cursor:end])
    snippet = " ".join("".join(pieces).split())
    return ("… " if start > 0 else "") + snippet + (" …" if end < len(text) else "")


@lru_cache(maxsize=65_536)
def _word_key(word: str) -> str:
    return match_key(word)


@lru_cache(maxsize=65_536)
def _folded_word_key(word: str) -> str:
    return fold_match_key(match_key(word))
