"""Near-duplicates across sites: each copy kept, the earliest linked as the original."""

from datetime import datetime

import pytest

from danvan_crawler.archive import dedup, open_archive
from danvan_crawler.archive.dedup import band_keys, minhash_signature, similarity
from danvan_crawler.archive.writer import ArchiveWriter
from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.text import match_key
from tests.archive_helpers import make_article, new_writer, paragraphs

BODY = paragraphs(8, "công tác dân vận")


def when(day: int) -> datetime:
    return datetime(2020, 12, day, 17, 45, tzinfo=HO_CHI_MINH)


@pytest.fixture
def writer(archive_path):
    return new_writer(archive_path)


def links(writer):
    return writer.db.execute("SELECT original_site, copy_site FROM republication_links ORDER BY copy_site").fetchall()


def test_two_sites_republishing_one_article_are_linked_to_the_earliest(writer):
    copy_one = make_article("danvanhungyen", "giao-ban-1523", "Giao ban", BODY + "\n\nNguồn: Danvan.vn", when(29))
    copy_two = make_article("tuyenquang", "giao-ban-88", "Giao ban", BODY.replace("Đoạn 3", "Phần 3"), when(30))
    original = make_article("danvan", "giao-ban-57265", "Giao ban", BODY, when(28))
    outcomes = writer.write([copy_one, copy_two, original])
    assert outcomes["new"] == 3
    assert links(writer) == [("danvan", "danvanhungyen"), ("danvan", "tuyenquang")]
    assert writer.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 3


def test_a_dropped_paragraph_is_still_a_republication(writer):
    shorter = "\n\n".join(part for number, part in enumerate(BODY.split("\n\n")) if number != 3)
    writer.write([make_article("danvan", "a-1", "Sơ kết", BODY, when(12))])
    writer.write([make_article("danvanhungyen", "a-2", "Sơ kết", shorter, when(13))])
    similarity_value = writer.db.execute("SELECT similarity FROM republications").fetchone()[0]
    assert links(writer) == [("danvan", "danvanhungyen")]
    assert 0.8 <= similarity_value < 1.0


def test_unrelated_articles_and_same_site_articles_are_not_linked(writer):
    writer.write([
        make_article("danvan", "a-1", "Giao ban", BODY, when(1)),
        make_article("danvan", "a-2", "Giao ban lần hai", BODY + "\n\nThêm một đoạn.", when(2)),
        make_article("danvanhungyen", "b-1", "Khác", paragraphs(8, "phòng chống dịch COVID-19"), when(3)),
    ])  # fmt: skip
    assert links(writer) == []


def test_unique_articles_view_leaves_copies_out(writer):
    writer.write([
        make_article("danvan", "a-1", "Giao ban", BODY, when(28)),
        make_article("danvanhungyen", "b-1", "Giao ban", BODY, when(29)),
    ])  # fmt: skip
    assert writer.db.execute("SELECT site FROM unique_articles").fetchall() == [("danvan",)]


def test_signature_agrees_across_spelling_variants():
    first = minhash_signature(match_key("hòa bình thủy lợi " * 10))
    second = minhash_signature(match_key("Hoà bình thuỷ lợi " * 10))
    assert similarity(first, second) == 1.0


def test_candidate_lookup_uses_the_band_index(writer):
    plan = writer.db.execute(
        "EXPLAIN QUERY PLAN SELECT article_id FROM article_bands WHERE band_key IN (1, 2, 3)"
    ).fetchall()
    assert any("USING PRIMARY KEY" in row[-1] or "INDEX" in row[-1] for row in plan)
    assert not any(row[-1].startswith("SCAN article_bands") for row in plan)


def other_text(number: int) -> str:
    """A body that shares no 5-word shingle with another number's."""
    return " ".join(f"việc {number} thứ {position}" for position in range(40))


def band_rows(writer):
    return writer.db.execute("SELECT COUNT(*), MAX(article_id) FROM article_bands").fetchone()


def test_recent_bands_are_merged_into_the_band_table_in_one_go(writer, monkeypatch):
    monkeypatch.setattr(dedup, "RECENT_ARTICLES", 2)
    writer.write([make_article("danvan", "a-1", "Một", other_text(1), when(1))])
    assert band_rows(writer) == (0, None)
    writer.write([make_article("danvan", f"a-{number}", "Khác", other_text(number), when(2)) for number in (2, 3)])
    assert band_rows(writer) == (24, 2)


def test_a_copy_is_found_whether_its_original_was_merged_or_not(writer, monkeypatch):
    monkeypatch.setattr(dedup, "RECENT_ARTICLES", 2)
    writer.write([make_article("danvan", "a-1", "Giao ban", BODY, when(1))])
    writer.write([make_article("danvan", "a-2", "Khác", other_text(2), when(2))])
    assert band_rows(writer) == (24, 2)
    writer.write([make_article("danvan", "b-1", "Sơ kết", paragraphs(8, "bầu cử"), when(3))])
    assert band_rows(writer) == (24, 2)
    writer.write([
        make_article("danvanhungyen", "c-1", "Giao ban", BODY, when(4)),
        make_article("tuyenquang", "c-2", "Sơ kết", paragraphs(8, "bầu cử"), when(5)),
    ])  # fmt: skip
    assert links(writer) == [("danvan", "danvanhungyen"), ("danvan", "tuyenquang")]


def test_another_writer_finds_articles_not_yet_merged(writer, archive_path):
    writer.write([make_article("danvan", "a-1", "Giao ban", BODY, when(1))])
    other = ArchiveWriter(open_archive(archive_path))
    other.write([make_article("danvanhungyen", "b-1", "Giao ban", BODY, when(2))])
    assert band_rows(writer) == (0, None)
    assert links(other) == [("danvan", "danvanhungyen")]


def test_an_article_rewritten_before_the_merge_loses_its_old_bands(writer):
    first = make_article("danvan", "a-1", "Giao ban", BODY, when(1))
    writer.write([first])
    old_keys = band_keys(minhash_signature(f"{first.title_key} {first.body_key}"))
    assert writer.republications.recent.article_ids(old_keys) == {1}
    writer.write([make_article("danvan", "a-1", "Giao ban", other_text(1), when(1))])
    assert writer.republications.recent.article_ids(old_keys) == set()


def test_the_band_filter_holds_every_key_it_was_given_and_few_others():
    stored = dedup.StoredBandFilter(1_000)
    held = [band_keys(minhash_signature(other_text(number))) for number in range(100)]
    for keys in held:
        stored.add(keys)
    assert all(stored.may_hold(keys) == keys for keys in held)
    unseen = [key for number in range(100, 1_100) for key in band_keys(minhash_signature(other_text(number)))]
    assert len(stored.may_hold(unseen)) <= 12  # of 12,000: the filter is nearly empty


def test_an_article_without_near_duplicates_costs_no_band_probe(writer, monkeypatch):
    monkeypatch.setattr(dedup, "RECENT_ARTICLES", 2)
    writer.write([make_article("danvan", f"a-{number}", "Khác", other_text(number), when(2)) for number in (1, 2)])
    assert band_rows(writer) == (24, 2)
    statements = []
    writer.db.conn.set_trace_callback(statements.append)
    writer.write([make_article("danvanhungyen", "b-1", "Sơ kết", other_text(3), when(3))])
    writer.write([make_article("tuyenquang", "c-1", "Khác", other_text(2), when(4))])
    probes = [statement for statement in statements if "FROM article_bands WHERE band_key IN" in statement]
    assert len(probes) == 1
    assert links(writer) == [("danvan", "tuyenquang")]


def test_a_merged_article_rewritten_by_another_writer_is_found_by_this_one(writer, archive_path, monkeypatch):
    monkeypatch.setattr(dedup, "RECENT_ARTICLES", 2)
    writer.write([make_article("danvan", f"a-{number}", "Khác", other_text(number), when(2)) for number in (1, 2)])
    assert band_rows(writer) == (24, 2)
    other = ArchiveWriter(open_archive(archive_path))
    other.write([make_article("danvan", "a-1", "Giao ban", BODY, when(2))])
    writer.write([make_article("danvanhungyen", "b-1", "Giao ban", BODY, when(3))])
    assert links(writer) == [("danvan", "danvanhungyen")]
    assert writer.db.execute("SELECT article_id FROM band_changes").fetchall() == [(1,)]


def test_the_band_filter_grows_with_the_table(writer, monkeypatch):
    monkeypatch.setattr(dedup, "RECENT_ARTICLES", 2)
    monkeypatch.setattr(dedup, "FILTER_MIN_KEYS", 16)
    writer.write([make_article("danvan", f"a-{number}", "Khác", other_text(number), when(2)) for number in range(1, 7)])
    assert band_rows(writer) == (72, 6)
    assert writer.republications.stored.capacity >= 72
    writer.write([make_article("tuyenquang", "c-1", "Khác", other_text(5), when(4))])
    assert links(writer) == [("danvan", "tuyenquang")]
