"""The offline mirror: saved copies of sites served from 127.0.0.1, crawled under their real URLs.

A mirror folder holds one sub-folder per site with a `mirror.json` route table:
`{"host": "danvanhungyen.vn", "routes": {"/": "home.html", "/old.html": {"status": 301,
"location": "/new.html"}, ...}}`. A route is a file path, or an object with `file`, `status`,
`location`, `content_type`, `delay` (seconds before answering), `body_size` (bytes of filler,
streamed, so a gigabyte costs no memory), `reset` (close the connection without answering),
`set_cookie` (a Set-Cookie header value), `requires_cookie` (a cookie name: without it the
answer is a 302 back to the same path that sets the cookie, as qdnd.vn's feeds do), or
`fail_times` with `fail_status` and `retry_after` (the first N requests get that status).
Unlisted paths are 404s. A table with `"down": true` is a site that refuses connections. Files
are served with an ETag, and a request whose If-None-Match matches it gets a 304.

`MirrorServer` serves every site of a folder on one ephemeral port, as
`http://127.0.0.1:PORT/<host>/<path>`. `MirrorDownloadHandler` is Scrapy's own HTTP/1.1 handler
that sends requests for mirrored hosts there and hands back the response under the real URL,
so robots.txt, redirects, retries, the archive and every URL the crawl records are the real
site's, and nothing but the mirror ever talks to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

DEFAULT_MIRROR_DIRECTORY = Path(__file__).resolve().parent.parent / "fixtures"
CLOSED_PORT = 1  # nothing listens on 127.0.0.1:1: connections to a "down" site are refused
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json",
}


@dataclass(frozen=True)
class MirrorSite:
    host: str
    folder: Path
    routes: dict
    down: bool = False

    @classmethod
    def load(cls, folder: Path) -> MirrorSite:
        table = json.loads((folder / "mirror.json").read_text(encoding="utf-8"))
        return cls(host=table["host"], folder=folder, routes=table["routes"], down=table.get("down", False))

    def route(self, path_and_query: str) -> dict | None:
        route = self.routes.get(path_and_query)
        if route is None and path_and_query.endswith("/") and len(path_and_query) > 1:
            route = self.routes.get(path_and_query.rstrip("/"))
        if isinstance(route, str):
            return {"file": route}
        return route


def load_mirror_sites(directory: Path) -> dict[str, MirrorSite]:
    """Every site under `directory` (folders that have a mirror.json), by host."""
    sites = {}
    for table in sorted(Path(directory).glob("*/mirror.json")):
        site = MirrorSite.load(table.parent)
        sites[site.host] = site
        sites.setdefault("www." + site.host, site)
    return sites


class QuietHTTPServer(ThreadingHTTPServer):
    """A local server for crawls: a client that hangs up early (a cancelled oversized download,
    the end of a crawl) is normal here, and a crawl's concurrent connections all get queued."""

    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        logger.debug("mirror: connection from %s ended early", client_address, exc_info=True)


class MirrorServer:
    """A threaded HTTP server on 127.0.0.1 with an ephemeral port; use as a context manager."""

    def __init__(self, directory: Path = DEFAULT_MIRROR_DIRECTORY):
        self.sites = load_mirror_sites(directory)
        if not self.sites:
            raise FileNotFoundError(f"no mirror.json under {directory}")
        self.requests: list[str] = []
        self._failures_left: dict[str, int] = {}
        self._failures_lock = threading.Lock()
        self._server = QuietHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def base_url(self, host: str) -> str:
        return f"http://127.0.0.1:{self.port}/{host}"

    def host_map(self) -> dict[str, str]:
        """Where each mirrored host is served; a site that is down points at a closed port."""
        return {
            host: f"http://127.0.0.1:{CLOSED_PORT}/{site.host}" if site.down else self.base_url(site.host)
            for host, site in self.sites.items()
        }

    def start(self) -> MirrorServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _take_failure(self, key: str, times: int) -> bool:
        with self._failures_lock:
            left = self._failures_left.setdefault(key, times)
            self._failures_left[key] = max(0, left - 1)
            return left > 0

    def _handler_class(self):
        server = self

        class MirrorRequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                host, _, rest = self.path.lstrip("/").partition("/")
                server.requests.append(f"{host}/{rest}")
                site = server.sites.get(host)
                route = site.route("/" + rest) if site else None
                if route is None:
                    self._answer(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html; charset=utf-8")
                    return
                time.sleep(route.get("delay", 0))
                if route.get("reset"):
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    self.connection.close()
                    return
                if route.get("fail_times") and server._take_failure(f"{host}/{rest}", route["fail_times"]):
                    retry_after = {"Retry-After": str(route["retry_after"])} if "retry_after" in route else {}
                    self._answer(route.get("fail_status", 503), b"busy", "text/plain", retry_after)
                    return
                required = route.get("requires_cookie")
                if required and f"{required}=" not in (self.headers.get("Cookie") or ""):
                    headers = {"Location": "/" + rest, "Set-Cookie": f"{required}=mirror; Path=/"}
                    self._answer(302, b"", None, headers)
                    return
                status = route.get("status", 200)
                headers = {}
                if "set_cookie" in route:
                    headers["Set-Cookie"] = route["set_cookie"]
                if "location" in route:
                    headers["Location"] = route["location"]
                if "file" in route:
                    path = site.folder / route["file"]
                    body = path.read_bytes()
                    headers["ETag"] = f'"{hashlib.sha1(body).hexdigest()[:16]}"'
                    if status == 200 and self.headers.get("If-None-Match") == headers["ETag"]:
                        self._answer(304, b"", None, headers)
                        return
                    content_type = route.get("content_type") or CONTENT_TYPES.get(
                        path.suffix, "application/octet-stream"
                    )
                else:
                    self._answer_filler(status, route.get("body_size", 0), headers)
                    return
                self._answer(status, body, content_type, headers)

            def _answer_filler(self, status: int, size: int, headers: dict) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(size))
                self.end_headers()
                chunk = b"<p>" + b"x" * 65_530 + b"</p>"
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    for _ in range(size // len(chunk)):
                        self.wfile.write(chunk)
                    self.wfile.write(chunk[: size % len(chunk)])

            def _answer(self, status: int, body: bytes, content_type: str | None, headers: dict | None = None) -> None:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                logger.debug("mirror: " + format, *args)

        return MirrorRequestHandler


class MirrorDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, routing mirrored hosts to the local mirror server.

    Setting `MIRROR_HOSTS` maps a host to its mirror base URL; with `MIRROR_DIRECTORY` set
    instead, the handler starts a MirrorServer for that folder itself (one per folder, shared by
    the http and https handlers) and stops it when the last handler closes.
    """

    _shared_servers: dict[Path, list] = {}

    def __init__(self, crawler):
        super().__init__(crawler)
        self._directory: Path | None = None
        self.hosts: dict[str, str] = dict(crawler.settings.getdict("MIRROR_HOSTS"))
        directory = crawler.settings.get("MIRROR_DIRECTORY")
        if directory and not self.hosts:
            self._directory = Path(directory).resolve()
            self.hosts = self._acquire_server(self._directory).host_map()

    @classmethod
    def _acquire_server(cls, directory: Path) -> MirrorServer:
        if directory not in cls._shared_servers:
            server = MirrorServer(directory).start()
            logger.info("serving the mirror of %s on 127.0.0.1:%d", ", ".join(sorted(server.sites)), server.port)
            cls._shared_servers[directory] = [server, 0]
        entry = cls._shared_servers[directory]
        entry[1] += 1
        return entry[0]

    async def download_request(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        base = self.hosts.get((parts.hostname or "").lower())
        if base is None:
            raise IgnoreRequest(f"{parts.hostname} is not in the mirror; mirror mode stays offline")
        local = base + urlunsplit(("", "", parts.path or "/", parts.query, ""))
        response = await super().download_request(request.replace(url=local))
        return response.replace(url=request.url)

    async def close(self) -> None:
        await super().close()
        entry = self._shared_servers.get(self._directory) if self._directory else None
        if entry is not None:
            entry[1] -= 1
            if entry[1] == 0:
                entry[0].stop()
                del self._shared_servers[self._directory]
