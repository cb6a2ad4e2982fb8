"""Building small archives for tests: articles through the real pipelines and writer."""

from __future__ import annotations

from datetime import datetime

from danvan_crawler.archive import open_archive
from danvan_crawler.archive.writer import ArchiveWriter
from danvan_crawler.dates import HO_CHI_MINH
from danvan_crawler.items import Article
from danvan_crawler.pipelines import NormalizeTextPipeline

FETCHED = datetime(2021, 8, 3, 9, 0, tzinfo=HO_CHI_MINH)
SITES = ("danvan", "danvanhungyen", "tuyenquang")


def new_writer(path) -> ArchiveWriter:
    writer = ArchiveWriter(open_archive(path))
    for site in SITES:
        writer.db.execute("INSERT INTO sites (name) VALUES (?)", [site])
    return writer


def make_article(site: str, slug: str, title: str, body: str, published=None, fetched_at=FETCHED) -> Article:
    url = f"https://{site}.vn/tin-tuc/{slug}.html"
    article = Article(
        url=url, canonical_url=url, site=site, title=title, body_text=body,
        published_at=published, fetched_at=fetched_at,
    )  # fmt: skip
    return NormalizeTextPipeline().process_item(article)


def paragraphs(count: int, topic: str) -> str:
    return "\n\n".join(
        f"Đoạn {number} về {topic}: cán bộ, đảng viên và nhân dân trong tỉnh tích cực thực hiện "
        f"phong trào thi đua dân vận khéo, xây dựng nông thôn mới, giữ vững an ninh trật tự số {number}."
        for number in range(1, count + 1)
    )
