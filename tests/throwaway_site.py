"""Throwaway sites for crawl tests: a mirror folder, a profile, and a real crawl in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import ROOT

FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "DOWNLOAD_TIMEOUT": "2",
    "RETRY_BACKOFF_BASE": "0.05",
    "LOG_LEVEL": "INFO",
}


def article_html(title: str, body: str, date: str = "Thứ Ba, 29/12/2020 - 08:15", name: str = "") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<h1 class="title">{title}</h1><span class="date">{date}</span>'
        f'<div class="content"><p>{body}</p><p>Đoạn thứ hai {name}: {title}.</p></div></body></html>'
    )


@dataclass
class ThrowawaySite:
    """A one-host site under `folder/mirror/<name>`, with a profile at `folder/<name>.toml`."""

    folder: Path
    name: str = "faults"
    host: str = "faults.example"
    routes: dict = field(default_factory=dict)
    down: bool = False

    def __post_init__(self):
        (self.site_folder / "a").mkdir(parents=True, exist_ok=True)

    @property
    def site_folder(self) -> Path:
        return self.folder / "mirror" / self.name

    @property
    def profile(self) -> Path:
        return self.folder / f"{self.name}.toml"

    @property
    def archive(self) -> Path:
        return self.folder / "archive.db"

    def page(self, path: str, content: str | bytes, **route) -> None:
        """Serve `content` at `path` (route options: status, content_type, delay, …)."""
        file = self.site_folder / (path.strip("/").replace("/", "_").replace("?", "_") or "index.html")
        file.write_bytes(content.encode() if isinstance(content, str) else content)
        self.routes[path] = {"file": file.name, **route} if route else file.name

    def route(self, path: str, **route) -> None:
        self.routes[path] = route

    def write(self, extra_profile: str = "") -> None:
        """Write mirror.json, a home page linking every route, and the profile."""
        links = "".join(f'<a href="{path}">{path}</a>' for path in sorted(self.routes) if path != "/robots.txt")
        self.page("/", f"<html><body>{links}</body></html>")
        self.routes.setdefault("/robots.txt", {"status": 404})
        table = {"host": self.host, "routes": self.routes, "down": self.down}
        (self.site_folder / "mirror.json").write_text(json.dumps(table))
        self.profile.write_text(
            f'name = "{self.name}"\nbase_url = "https://{self.host}"\ndomains = ["{self.host}"]\n'
            f'start_urls = ["https://{self.host}/"]\n'
            "[urls]\narticle = ['/a/[a-z]+-\\d+(\\.html)?$']\n"
            '[selectors]\ntitle = ["h1.title"]\nbody = [".content"]\npublished = [".date"]\n' + extra_profile,
            encoding="utf-8",
        )

    def crawl(self, settings: dict | None = None, env: dict | None = None, timeout: int = 120, wait: bool = True):
        """`scrapy crawl site -a site=<profile>` against the mirror; the process, or its result."""
        options = [
            item for name, value in {**FAST_SETTINGS, **(settings or {})}.items() for item in ("-s", f"{name}={value}")
        ]
        command = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"site={self.profile}",
                   "-s", f"ARCHIVE_PATH={self.archive}", *options]  # fmt: skip
        environment = {**os.environ, "DANVAN_MIRROR_DIR": str(self.folder / "mirror"), **(env or {})}
        if not wait:
            return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)  # fmt: skip
        return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout)
