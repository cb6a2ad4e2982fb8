"""The `danvan` command: crawl sites into the archive and read what it holds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from danvan_crawler.archive import ArchiveError, default_archive_path, open_archive
from danvan_crawler.archive.summary import archive_summary, format_summary
from danvan_crawler.crawl import run_crawl
from danvan_crawler.mirror import DEFAULT_MIRROR_DIRECTORY
from danvan_crawler.sites import ProfileError, known_site_names, load_profile

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Archive file (default: $DANVAN_DB or data/archive.db). Example: --db data/archive.db",
)


@click.group()
def main() -> None:
    """danvan-crawler: archive Vietnamese party and dân vận news sites into SQLite."""


@main.command()
@click.argument("sites", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every known site.")
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=None,
    help="Stop each site after this many responses. Example: --max-pages 200",
)
@click.option(
    "--mirror",
    is_flag=True,
    help="Crawl the bundled offline demo mirror from a local server (as `make run`).",
)
@click.option(
    "--mirror-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Serve and crawl another saved copy. Example: --mirror-dir fixtures",
)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's INFO log, not only warnings.")
@db_option
def crawl(sites, all_sites, max_pages, mirror, mirror_dir, verbose, db_path) -> None:
    """Crawl SITES into the archive. Example: danvan crawl danvanhungyen --mirror"""
    db_path = db_path or default_archive_path()
    if mirror_dir:
        mirror = True
    mirror_directory = (mirror_dir or DEFAULT_MIRROR_DIRECTORY) if mirror else None
    if all_sites or not sites:
        if not all_sites and not mirror:
            _fail("name the sites to crawl, or pass --all")
        sites = _mirrored_sites(mirror_directory) if mirror and not all_sites else known_site_names()
    try:
        profiles = [load_profile(site) for site in sites]
    except ProfileError as error:
        _fail(str(error))
    try:
        open_archive(db_path).close()
    except ArchiveError as error:
        _fail(str(error))
    results = run_crawl(
        profiles,
        db_path,
        max_pages=max_pages,
        mirror_directory=mirror_directory,
        extra_settings={"LOG_LEVEL": "INFO" if verbose else "WARNING"},
    )
    db = open_archive(db_path)
    click.echo(format_summary(archive_summary(db, run_ids=[result["run_id"] for result in results])))
    db.close()
    sys.exit(EXIT_OK if all(result["status"] == "ok" for result in results) else EXIT_PROBLEMS)


@main.command()
@db_option
def stats(db_path) -> None:
    """What the archive holds, per site. Example: danvan stats --db data/archive.db"""
    try:
        db = open_archive(db_path or default_archive_path(), create=False)
    except ArchiveError as error:
        _fail(str(error), EXIT_PROBLEMS)
    click.echo(format_summary(archive_summary(db)))


def _mirrored_sites(directory: Path) -> list[str]:
    known = set(known_site_names())
    return sorted(
        path.parent.name for path in Path(directory).glob("*/mirror.json") if path.parent.name in known
    )


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"danvan: error: {message}", err=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
