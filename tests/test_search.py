"""Full-text search in Vietnamese, on the 13-document corpus of shared/research/vietnamese.md §3."""

import unicodedata

import pytest

from danvan_crawler.archive import search as search_module
from danvan_crawler.archive.search import bm25_scores, highlight, search
from tests.archive_helpers import make_article, new_writer

DOCUMENTS = {
    1: "Hội nghị công tác dân vận toàn tỉnh",
    2: "Dân vận khéo ở cơ sở",
    3: unicodedata.normalize("NFD", "Phong trào dân vận ở xã"),
    4: "Giữ gìn hòa bình",
    5: "Xây dựng hoà hợp dân tộc",
    6: "Ủy ban nhân dân tỉnh",
    7: "Uỷ ban kiểm tra",
    8: "Đảng Cộng sản Việt Nam",
    9: "Người dân đang chờ",
    10: "Công tác dân\u00a0vận năm nay",
    11: "Kết quả dân\u200bvận của huyện",
    12: "Hoa sen nở",
    13: "Thực hiện Nghị quyết số 25-NQ/TW",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    writer = new_writer(tmp_path_factory.mktemp("search") / "archive.db")
    writer.write([
        make_article("danvan" if number % 2 else "danvanhungyen", f"bai-{number}", text, f"Bài {number}.")
        for number, text in DOCUMENTS.items()
    ])  # fmt: skip
    return writer.db


def found(db, query, **options):
    return [(hit.article_id, hit.match) for hit in search(db, query, **options)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dân vận", [1, 2, 3, 10, 11]),
        ("DÂN VẬN", [1, 2, 3, 10, 11]),
        (unicodedata.normalize("NFD", "dân vận"), [1, 2, 3, 10, 11]),
        ('"dân vận"', [1, 2, 3, 10, 11]),
        ("Ủy ban", [6, 7]),
        ("Uỷ ban", [6, 7]),
        ("25-NQ/TW", [13]),
    ],
)
def test_exact_queries_find_every_spelling(db, query, expected):
    hits = found(db, query)
    assert sorted(article for article, match in hits if match == "exact") == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("dan van", [1, 2, 3, 10, 11]), ("dang cong san", [8]), ("uy ban", [6, 7])],
)
def test_queries_without_diacritics_find_through_the_folded_index(db, query, expected):
    assert sorted(article for article, _ in found(db, query)) == expected


def test_exact_hits_rank_before_fold_only_hits(db):
    assert found(db, "hòa") == [(4, "exact"), (5, "exact"), (12, "folded")]
    assert found(db, "Đảng") == [(8, "exact"), (9, "folded")]


def test_fold_option_matches_on_folded_text_only(db):
    assert sorted(found(db, "hòa", fold=True)) == [(4, "folded"), (5, "folded"), (12, "folded")]


def test_filters_by_site_and_limit(db):
    assert {hit.site for hit in search(db, "dân vận", site="danvanhungyen")} == {"danvanhungyen"}
    assert len(search(db, "dân vận", limit=2)) == 2


def test_fts_syntax_in_input_is_never_an_error(db):
    for query in ('"', "AND OR NOT", "dân* (vận", "title_key: x", "NEAR(a b)", "'; DROP TABLE articles; --"):
        search(db, query)
    assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 13


def test_snippet_marks_the_matching_words_in_the_stored_text():
    text = "Sáng 28/12, Hội nghị công tác Dân vận toàn tỉnh đã diễn ra tại Hưng Yên."
    assert highlight(text, frozenset(["dân", "vận"])) == (
        "Sáng 28/12, Hội nghị công tác [Dân] [vận] toàn tỉnh đã diễn ra tại Hưng Yên."
    )
    assert highlight(text, frozenset(["dan", "van"]), "folded").count("[") == 2


RANKING_DOCUMENTS = [
    ("Dân vận khéo", "Người dân tham gia."),
    ("Hội nghị", "Dân vận khéo, dân vận khéo: dân tin, dân theo."),
    ("Hội nghị tổng kết công tác năm 2021 của tỉnh", "Dân vận ở cơ sở, nói dân nghe."),
    ("Tin vắn", "Dân."),
]


@pytest.fixture()
def ranking_db(tmp_path):
    writer = new_writer(tmp_path / "archive.db")
    writer.write([make_article("danvan", f"xep-hang-{index}", *texts) for index, texts in enumerate(RANKING_DOCUMENTS)])
    return writer.db


def test_ranking_is_fts5_bm25_when_every_article_is_a_match(ranking_db):
    fts5 = dict(
        ranking_db.execute(
            "SELECT rowid, bm25(search_exact, 5.0, 1.0) FROM search_exact WHERE search_exact MATCH '\"dân\"'"
        ).fetchall()
    )
    hits = search(ranking_db, "dân")
    assert [hit.article_id for hit in hits] == sorted(fts5, key=fts5.get) == [1, 2, 4, 3]
    assert [hit.rank for hit in hits] == pytest.approx([fts5[hit.article_id] for hit in hits], rel=1e-9)


def test_title_and_rarer_terms_weigh_more(ranking_db):
    assert found(ranking_db, "dân vận") == [(1, "exact"), (2, "exact"), (3, "exact"), (4, "folded")]
    assert bm25_scores([(1, "khéo", "dân"), (2, "dân", "khéo")], ["khéo", "dân"], [2.0, 0.5]) == pytest.approx(
        {1: 2.0 * 5 * 2.2 / (5 + 1.2) + 0.5 * 2.2 / (1 + 1.2), 2: 2.0 * 2.2 / (1 + 1.2) + 0.5 * 5 * 2.2 / (5 + 1.2)}
    )


def test_only_the_newest_matches_are_ranked(ranking_db, monkeypatch):
    monkeypatch.setattr(search_module, "RANKED_MATCHES", 2)
    assert [hit.article_id for hit in search(ranking_db, "dân", limit=2)] == [4, 3]
    assert [hit.article_id for hit in search(ranking_db, "dân", limit=4)] == [1, 2, 4, 3]
