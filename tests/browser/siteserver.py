"""Serve built sites from 127.0.0.1 for browser tests and screenshots: one HTTP server per site.

Each organisation's site gets its own origin (``http://127.0.0.1:<port>/``), as
each gets its own subdomain in production, so "a request outside the site's own
origin" means the same thing here as there.
"""

from __future__ import annotations

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def fulfil(route, target: Path) -> None:
    """Answer a Playwright route with a built file (a folder: its ``index.html``), or 404."""
    if target.is_dir():
        target = target / "index.html"
    if target.is_file():
        route.fulfill(status=200, path=str(target))
    else:
        route.fulfill(status=404, body="not found")


class _QuietHandler(SimpleHTTPRequestHandler):
    font_delay = 0.0  # seconds before a .woff2 file is answered (a slow network, for layout-shift tests)

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        if self.font_delay and self.path.split("?")[0].endswith(".woff2"):
            time.sleep(self.font_delay)
        super().do_GET()

    def end_headers(self):
        if self.font_delay and self.path.split("?")[0].endswith(".woff2"):
            self.send_header("Cache-Control", "no-store")  # every page load waits for the font again
        super().end_headers()


class SiteServer:
    """``url(slug, path)`` starts (once) a server for ``out/<slug>/`` and returns the page's URL."""

    def __init__(self, out: Path, domain: str, root_slug: str, font_delay: float = 0.0):
        self.out = Path(out)
        self.font_delay = font_delay
        self.domain = domain
        self.root_slug = root_slug
        self._servers: dict[str, ThreadingHTTPServer] = {}

    def origin(self, slug: str) -> str:
        if slug not in self._servers:
            handler_class = type("_Handler", (_QuietHandler,), {"font_delay": self.font_delay})
            handler = functools.partial(handler_class, directory=str(self.out / slug))
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers[slug] = server
        return f"http://127.0.0.1:{self._servers[slug].server_address[1]}"

    def public_origin(self, slug: str) -> str:
        """The site's origin in production: ``https://<domain>`` for the root, ``https://<slug>.<domain>``."""
        return f"https://{self.domain}" if slug == self.root_slug else f"https://{slug}.{self.domain}"

    def serve_public_origin(self, context, slug: str) -> None:
        """Answer requests to the site's production origin from its folder (absolute links to the site
        itself, e.g. the feeds' autodiscovery links Material's script follows), as production would."""
        folder = self.out / slug

        def answer(route):
            fulfil(
                route,
                folder / route.request.url[len(self.public_origin(slug)) :].split("?")[0].split("#")[0].lstrip("/"),
            )

        context.route(f"{self.public_origin(slug)}/**", answer)

    def url(self, slug: str, path: str = "") -> str:
        return f"{self.origin(slug)}/{path.lstrip('/')}"

    def close(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
