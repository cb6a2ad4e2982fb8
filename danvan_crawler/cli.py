"""The `danvan` command: crawl sites into the archive, and search, export and inspect it.

Thin by design: each command parses its options and calls the module that does the work.
Exit codes: 0 ok, 1 the work had problems (a degraded or failed run, a missing archive),
2 a usage error. Errors are one line on standard error, never a traceback.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import sys
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.live import Live
from rich.table import Table

from danvan_crawler.archive import ArchiveError, default_archive_path, open_archive
from danvan_crawler.archive.export import export_articles, open_output
from danvan_crawler.archive.reextract import reextract
from danvan_crawler.archive.runs import summarize_stats
from danvan_crawler.archive.search import search
from danvan_crawler.archive.summary import archive_summary, recent_runs, site_statistics
from danvan_crawler.crawl import run_crawl
from danvan_crawler.extract.article import extract_article
from danvan_crawler.extract.generic import extract_generic
from danvan_crawler.items import INTERNAL_FIELDS
from danvan_crawler.mirror import DEFAULT_MIRROR_DIRECTORY
from danvan_crawler.pipelines import prepare_article
from danvan_crawler.sites import ProfileError, known_site_names, load_profile, profile_for_url
from danvan_crawler.sites.check import check_profile, fixture_pages
from danvan_crawler.sites.scaffold import ScaffoldError, scaffold_site

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# Off a terminal (a pipe, a log file, cron) tables get room instead of being folded to 80 columns.
console = Console(width=None if sys.stdout.isatty() else 160)


class DateParameter(click.ParamType):
    """A date typed as 2021-01-31 or 31/01/2021; passed on as ISO text."""

    name = "DATE"

    def convert(self, value, parameter, context):
        text = str(value).strip()
        for pattern, order in (
            (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
            (r"(\d{1,2})/(\d{1,2})/(\d{4})", "dmy"),
        ):
            found = re.fullmatch(pattern, text)
            if found:
                numbers = [int(part) for part in found.groups()]
                year, month, day = numbers if order == "ymd" else numbers[::-1]
                try:
                    return date(year, month, day).isoformat()
                except ValueError:
                    break
        self.fail(f"{value!r} is not a date; write 2021-01-31 or 31/01/2021", parameter, context)


DATE = DateParameter()


def archive_option(function):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Archive file (default: $DANVAN_DB or data/archive.db). Example: --db data/archive.db",
    )(function)


def date_range_options(function):
    function = click.option("--to", "date_to", type=DATE, help="Last publication date. Example: --to 31/12/2021")(
        function
    )
    return click.option("--from", "date_from", type=DATE, help="First publication date. Example: --from 2021-01-01")(
        function
    )


def friendly_errors(function):
    """Archive and database problems become one line and exit code 1."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ArchiveError as error:
            fail(str(error), EXIT_PROBLEMS)
        except sqlite3.OperationalError as error:
            if "locked" in str(error):
                fail("the archive is locked by another program; try again later", EXIT_PROBLEMS)
            fail(f"database error: {error}", EXIT_PROBLEMS)

    return wrapper


def fail(message: str, code: int = EXIT_USAGE):
    click.echo(f"danvan: error: {message}", err=True)
    sys.exit(code)


def read_archive(db_path: Path | None):
    return open_archive(db_path or default_archive_path(), create=False)


def check_range(date_from: str | None, date_to: str | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise click.UsageError(f"--from {date_from} is after --to {date_to}")


def site_argument(name: str | None) -> str | None:
    if name is not None and name not in known_site_names():
        raise click.UsageError(f"unknown site {name!r}; known sites: {', '.join(known_site_names())}")
    return name


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """danvan-crawler: archive Vietnamese party and dân vận news sites into SQLite.

    Example: danvan crawl --mirror && danvan search "dân vận"
    """


@main.command()
@click.argument("sites", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every known site. Example: danvan crawl --all")
@click.option("--since", type=DATE, help="Skip articles published before this date. Example: --since 2021-01-01")
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    help="Stop each site after this many responses. Example: --max-pages 200",
)
@click.option(
    "--mirror",
    is_flag=True,
    help="Crawl the bundled offline demo mirror from a local server (as `make run` does).",
)
@click.option(
    "--mirror-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Serve and crawl another saved copy of sites. Example: --mirror-dir fixtures",
)
@click.option(
    "--refresh", is_flag=True, help="Fetch archived articles again too (changes become versions). Example: --refresh"
)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's INFO log, not only warnings. Example: -v")
@archive_option
@friendly_errors
def crawl(sites, all_sites, since, max_pages, mirror, mirror_dir, refresh, verbose, db_path) -> None:
    """Crawl SITES into the archive. Example: danvan crawl danvanhungyen --max-pages 500"""
    db_path = db_path or default_archive_path()
    mirror = mirror or mirror_dir is not None
    mirror_directory = (mirror_dir or DEFAULT_MIRROR_DIRECTORY) if mirror else None
    if not sites and not all_sites and not mirror:
        raise click.UsageError("name the sites to crawl, or pass --all")
    if all_sites or not sites:
        sites = mirrored_sites(mirror_directory) if mirror and not all_sites else known_site_names()
    try:
        profiles = [load_profile(site) for site in sites]
    except ProfileError as error:
        raise click.UsageError(str(error)) from error
    open_archive(db_path).close()
    progress = CrawlProgress([profile.name for profile in profiles], live=console.is_terminal)
    with progress:
        results = run_crawl(
            profiles,
            db_path,
            max_pages=max_pages,
            mirror_directory=mirror_directory,
            extra_settings={"LOG_LEVEL": "INFO" if verbose else "WARNING"},
            spider_arguments={"since": since, "refresh": refresh},
            on_progress=progress.update,
        )
    db = open_archive(db_path)
    print_summary(archive_summary(db, run_ids=[r["run_id"] for r in results if r["run_id"]]))
    sys.exit(EXIT_OK if all(result["status"] == "ok" for result in results) else EXIT_PROBLEMS)


class CrawlProgress:
    """Live per-site counts on a terminal; a plain line per site every 10 s otherwise."""

    COLUMNS = ("pages", "new", "updated", "unchanged", "duplicate", "errors")

    def __init__(self, sites: list[str], live: bool):
        self.sites = sites
        self.live = Live(self.table({}), console=console, refresh_per_second=2) if live else None
        self.ticks = 0

    def __enter__(self):
        if self.live:
            self.live.__enter__()
        return self

    def __exit__(self, *exc_info):
        if self.live:
            self.live.__exit__(*exc_info)

    def update(self, stats_by_site: dict[str, dict]) -> None:
        counts = {site: self.counts(stats) for site, stats in stats_by_site.items()}
        if self.live:
            self.live.update(self.table(counts))
            return
        self.ticks += 1
        if self.ticks % 10 == 0:
            for site, values in counts.items():
                line = ", ".join(f"{name} {values[name]}" for name in self.COLUMNS)
                click.echo(f"danvan: {site}: {line}", err=True)

    def counts(self, stats: dict) -> dict:
        summary = summarize_stats(stats)
        return {
            **{name: summary[name] for name in self.COLUMNS[:-1]},
            "errors": sum(summary["errors"].values()),
        }

    def table(self, counts: dict) -> Table:
        table = Table(title="Crawling")
        table.add_column("site")
        for name in self.COLUMNS:
            table.add_column(name, justify="right")
        for site in self.sites:
            values = counts.get(site, dict.fromkeys(self.COLUMNS, 0))
            table.add_row(site, *(str(values[name]) for name in self.COLUMNS))
        return table


def mirrored_sites(directory: Path) -> list[str]:
    known = set(known_site_names())
    return sorted(path.parent.name for path in Path(directory).glob("*/mirror.json") if path.parent.name in known)


def print_summary(summary: dict) -> None:
    console.print(
        f"Archive: {summary['articles']} articles from {sum(1 for site in summary['sites'] if site['articles'])} sites,"
        f" {summary['republications']} republished across sites"
    )
    table = Table("run", "site", "status", "requests", "new", "updated", "unchanged", "duplicates",
                  "republications", "dropped", "errors")  # fmt: skip
    for run in summary["runs"]:
        table.add_row(
            f"#{run['id']}", run["sites"], run["status"], *(str(run[name] or 0) for name in (
                "requests", "articles_new", "articles_updated", "articles_unchanged", "duplicates", "republications")),
            describe_counts(run["dropped"]), describe_counts(run["errors"]),
        )  # fmt: skip
    console.print(table)
    print_problems(summary["runs"])


def print_problems(runs: list[dict]) -> None:
    for run in runs:
        for problem in run["problems"]:
            console.print(f"run #{run['id']} ({run['sites']}) is {run['status']}: {problem}", highlight=False)


def describe_counts(counts: dict) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "-"


@main.group(invoke_without_command=True)
@archive_option
@click.pass_context
@friendly_errors
def sites(context, db_path) -> None:
    """The known sites, with their article counts and last crawl. Example: danvan sites"""
    if context.invoked_subcommand is not None:
        return
    path = db_path or default_archive_path()
    statistics = {row["site"]: row for row in site_statistics(read_archive(path))} if path.exists() else {}
    table = Table("site", "title", "domains", "articles", "last crawl")
    for name in known_site_names():
        profile = load_profile(name)
        row = statistics.get(name)
        last_run = row["last_run"] if row else None
        table.add_row(
            name, profile.title, ", ".join(profile.domains), str(row["articles"] if row else 0),
            f"{last_run['started_at']} ({last_run['status']})" if last_run else "never",
        )  # fmt: skip
    console.print(table)


@sites.command("check")
@click.argument("site")
@click.argument("pages", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def sites_check(site, pages) -> None:
    """Run SITE's profile over saved PAGES (its fixtures by default) and show per-field coverage.

    Example: danvan sites check danvanhungyen saved/*.html
    """
    profile = load_profile(site_argument(site))
    pages = list(pages) or fixture_pages(profile)
    if not pages:
        raise click.UsageError(f"no saved pages for {site}: pass some, or add fixtures/{site}/articles/")
    report = check_profile(profile, pages)
    table = Table("field", "pages that gave it", "pages that should", title=f"{site}: {report.pages} pages")
    for name, coverage in report.fields.items():
        table.add_row(name, str(coverage.found), str(coverage.expected))
    console.print(table)
    for page, name in report.missing:
        click.echo(f"missing: {name} on {page}", err=True)
    sys.exit(EXIT_OK if report.complete else EXIT_PROBLEMS)


@sites.command("new")
@click.argument("domain")
@click.option(
    "--sample",
    "samples",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A saved article page of the site; repeat for more. Example: --sample saved/bai-viet-1203.html",
)
@click.option(
    "--listing",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A saved listing page, for the URL patterns. Example: --listing saved/hoat-dong-dan-van.html",
)
@click.option("--name", help="Profile name (default: from the domain). Example: --name bandanvan_tinhmau")
def sites_new(domain, samples, listing, name) -> None:
    """Propose a profile for DOMAIN from saved pages: profile, fixtures and tests, all unconfirmed.

    Example: danvan sites new bandanvan.tinhmau.vn --sample saved/a.html --listing saved/list.html
    """
    try:
        result = scaffold_site(domain, list(samples), listing, name)
    except ScaffoldError as error:
        raise click.UsageError(str(error)) from error
    for line in result.report():
        click.echo(line)


@main.command("search")
@click.argument("query")
@click.option("--site", help="Only this site. Example: --site danvanhungyen")
@date_range_options
@click.option("--fold", is_flag=True, help="Match without diacritics (for queries typed without them). Example: --fold")
@click.option("--unique", is_flag=True, help="Leave out copies republished from another site. Example: --unique")
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="Example: --limit 50")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per result, for scripts. Example: --json")
@archive_option
@friendly_errors
def search_command(query, site, date_from, date_to, fold, unique, limit, as_json, db_path) -> None:
    """Full-text search, ranked. Example: danvan search "dân vận khéo" --from 2021-01-01"""
    check_range(date_from, date_to)
    hits = search(read_archive(db_path), query, site=site_argument(site), date_from=date_from,
                  date_to=date_to, fold=fold, unique=unique, limit=limit)  # fmt: skip
    if as_json:
        for hit in hits:
            click.echo(json.dumps(hit.__dict__, ensure_ascii=False))
        return
    if not hits:
        click.echo("no results")
        return
    for hit in hits:
        console.print(f"[bold]{hit.published_date or '????-??-??'}[/bold]  {hit.site}  [bold]{hit.title}[/bold]",
                      highlight=False)  # fmt: skip
        console.print(f"    {hit.snippet}", highlight=False, markup=False)
        console.print(f"    {hit.url}  ({hit.match})", highlight=False, style="dim")


@main.command()
@click.option("--format", "file_format", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="Example: --format csv")  # fmt: skip
@click.option("--site", help="Only this site. Example: --site danvan")
@date_range_options
@click.option("--unique", is_flag=True, help="Leave out copies republished from another site. Example: --unique")
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="File to write, - for standard output; a name ending in .gz is gzipped. Example: -o all.jsonl.gz",
)
@archive_option
@friendly_errors
def export(file_format, site, date_from, date_to, unique, output, db_path) -> None:
    """Stream articles as JSON lines or CSV. Example: danvan export --site danvan -o danvan.jsonl"""
    check_range(date_from, date_to)
    db = read_archive(db_path)
    try:
        with open_output(output) as stream:
            count = export_articles(
                db, stream, file_format, site=site_argument(site), date_from=date_from, date_to=date_to, unique=unique
            )
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}", EXIT_PROBLEMS)
    if output != "-":
        click.echo(f"{count} articles written to {output}", err=True)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output. Example: --json")
@archive_option
@friendly_errors
def stats(as_json, db_path) -> None:
    """Per site: articles, dates, articles per month, duplicates, republications, coverage, last run."""
    statistics = site_statistics(read_archive(db_path))
    if as_json:
        click.echo(json.dumps(statistics, ensure_ascii=False, indent=2))
        return
    for site in statistics:
        last = site["last_run"]
        last_run = f"#{last['id']} {last['status']} {last['started_at']}" if last else "never"
        console.print(
            f"[bold]{site['site']}[/bold]: {site['articles']} articles, {site['first_date'] or '-'} .. "
            f"{site['last_date'] or '-'}; {site['other_urls']} other URLs; republished from other sites "
            f"{site['republished_from_other_sites']}, by other sites {site['republished_by_other_sites']}; "
            f"last run: {last_run}",
            highlight=False,
        )
        coverage = ", ".join(f"{name} {share:.0%}" for name, share in site["coverage"].items())
        console.print(f"  coverage: {coverage}", highlight=False)
        months = site["articles_per_month"]
        widest = max(months.values(), default=1)
        for month, count in months.items():
            console.print(f"  {month} {'█' * max(1, round(30 * count / widest))} {count}", highlight=False)


@main.command()
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="Example: --limit 5")
@archive_option
@friendly_errors
def runs(limit, db_path) -> None:
    """Crawl history, newest first. Example: danvan runs --limit 5"""
    table = Table("run", "site", "started", "finished", "status", "reason", "requests", "new", "updated",
                  "unchanged", "dropped", "errors")  # fmt: skip
    history = recent_runs(read_archive(db_path), limit)
    for run in history:
        table.add_row(
            f"#{run['id']}", run["sites"], run["started_at"], run["finished_at"] or "-", run["status"],
            run["finish_reason"] or "-", *(str(run[name] or 0) for name in (
                "requests", "articles_new", "articles_updated", "articles_unchanged")),
            describe_counts(run["dropped"]), describe_counts(run["errors"]),
        )  # fmt: skip
    console.print(table)
    print_problems(history)


@main.command("extract")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--url",
    required=True,
    help="The page's real URL. Example: --url https://danvanhungyen.vn/tin-tuc-su-kien/a-1523.html",
)
@click.option("--site", help="Profile to use (default: the one whose domains cover --url). Example: --site danvan")
def extract_command(file, url, site) -> None:
    """Extract one saved page and print the article as JSON. Example: danvan extract page.html --url URL

    A page no profile covers is read with the generic rules (field_sources says "generic").
    """
    from scrapy.http import HtmlResponse, Request

    profile = load_profile(site_argument(site)) if site else profile_for_url(url)
    response = HtmlResponse(url=url, body=file.read_bytes(), request=Request(url))
    if profile is None:
        click.echo(f"danvan: no profile covers {url}; using the generic rules", err=True)
        article = prepare_article(extract_generic(response))
    else:
        article = prepare_article(extract_article(response, profile))
    record = {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in article.__dict__.items()
        if name not in INTERNAL_FIELDS
    }
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


@main.command("reextract")
@click.option("--site", help="Only this site. Example: --site danvanhungyen")
@archive_option
@friendly_errors
def reextract_command(site, db_path) -> None:
    """Re-run extraction on the stored raw pages after a profile changed; changes become versions."""
    report = reextract(read_archive(db_path), site=site_argument(site))
    click.echo(f"{report.articles} articles re-extracted, {report.changed} changed"
               f" ({report.without_raw_page} without a stored raw page)")  # fmt: skip
    for name, count in report.fields.most_common():
        click.echo(f"  {name}: {count}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind. Example: --host 0.0.0.0")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Example: --port 8080")
@archive_option
@friendly_errors
def serve(host, port, db_path) -> None:
    """Browse the archive in Datasette, with search and canned queries. Example: danvan serve"""
    from danvan_crawler.archive.datasette import become_datasette, datasette_command

    path = db_path or default_archive_path()
    read_archive(path).close()
    command = datasette_command(path, host, port)
    if command is None:
        fail("Datasette is not installed; install it with: pip install 'danvan-crawler[datasette]'", EXIT_PROBLEMS)
    become_datasette(command, path)


if __name__ == "__main__":
    main()
