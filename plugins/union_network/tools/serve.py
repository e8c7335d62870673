"""Live preview of the whole network: ``serve`` (issue: from a Git edit to a live subdomain).

Every organisation is served at ``http://<slug>.localhost:<port>/`` and the
root at ``http://localhost:<port>/`` (browsers resolve ``*.localhost`` to the
loopback), routed by the Host header. The network is built into a preview
folder with links rewritten to that scheme; on a change only the affected
sites are rebuilt (the incremental builder), and open pages reload by
themselves. A broken edit shows its problems in the terminal and on the page,
while the last good build stays served.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

from union_network.build.builder import BuildResult, RendererFactory, SiteFailure, build_network, refresh_search
from union_network.build.warm import WarmRenderer, WarmWorkers
from union_network.core.files import default_cache_dir
from union_network.core.problems import InputError
from union_network.enforce.html import video_hosts
from union_network.read.cache import keep_in_memory
from union_network.render.mkdocs.csp import policy as csp_policy

STATE_PATH = "/__union-network/state"
SCRIPT_PATH = "/__union-network/live.js"
SEARCH_PATHS = ("/pagefind/",)  # features/search.py: NETWORK_INDEX, on the root site
#: The folders of the network root a build reads (DESIGN §1), watched with everything below them.
WATCHED_FOLDERS = ("content", "orgs", "theme")
IGNORED_PARTS = {".git", ".cache", ".venv", "node_modules", "site", "__pycache__", "bench"}

LIVE_JS = f"""(function () {{
  var build = null;
  function show(error) {{
    var box = document.getElementById("un-preview-error");
    if (!error) {{ if (box) box.remove(); return; }}
    if (!box) {{
      box = document.createElement("pre");
      box.id = "un-preview-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;z-index:10000;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;" +
        "margin:0;padding:1em;background:#fff3f3;color:#8b0000;border-top:3px solid #c00;font:14px/1.4 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }}
    box.textContent = "Сборка не удалась, показана последняя удачная версия:\\n\\n" + error;
  }}
  function poll() {{
    fetch("{STATE_PATH}", {{cache: "no-store"}}).then(function (r) {{ return r.json(); }}).then(function (s) {{
      if (build !== null && s.build !== build) {{ location.reload(); return; }}
      build = s.build;
      show(s.error);
    }}).catch(function () {{}}).finally(function () {{ setTimeout(poll, 700); }});
  }}
  poll();
}})();
"""

FEED_TYPES = {  # as the published site serves them (nginx-config)
    "feed.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
}
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".json": "application/json",
    ".ics": "text/calendar; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}


@dataclass
class PreviewState:
    build: int = 0
    error: str | None = None
    root_slug: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Preview:
    """Builds the network for the preview and rebuilds it when files change."""

    def __init__(
        self,
        config_file: Path,
        renderer_factory: RendererFactory,
        port: int,
        *,
        jobs: int = 1,
        echo: Callable[[str], None] = print,
        out_dir: Path | None = None,
    ):
        self.config_file = Path(config_file).resolve()
        self.root_dir = self.config_file.parent
        # Kept between saves: the renderer (MkDocs imported, Jinja compiled) and its worker processes.
        self.renderer_factory = WarmRenderer(renderer_factory)
        self.workers = WarmWorkers(self.renderer_factory, self.config_file, jobs)
        keep_in_memory()  # ... and the parsed news index (read/cache.py)
        self._building = threading.Lock()
        self._searching = threading.Lock()  # one network search refresh at a time
        self._search_wanted = 0  # the newest build whose search index is still to be refreshed
        self._search_thread: threading.Thread | None = None
        self.host = f"localhost:{port}"
        self.jobs = jobs
        self.echo = echo
        self.out_dir = out_dir or default_cache_dir(self.root_dir) / f"preview-{port}"
        self.state = PreviewState()
        # The header nginx-config sends too (the pages carry the same policy in a <meta>).
        self.csp = csp_policy(video_hosts(self.root_dir), f"http://{self.host}", header=True)
        self.admin_csp = _admin_csp(self.config_file)  # the web editor's own policy at /admin/, as nginx-config
        self._changed = threading.Event()
        self._stop = threading.Event()

    # -- building ------------------------------------------------------------------
    def rebuild(self) -> BuildResult | None:
        started = time.monotonic()
        try:
            with self._building:
                result = build_network(
                    self.config_file,
                    self.renderer_factory,
                    self.out_dir,
                    None,
                    jobs=self.jobs,
                    preview_host=self.host,
                    search_now=False,  # the pages first; the network search index after them
                    workers=self.workers.pool(),
                )
        except InputError as exc:
            self._failed([str(p) for p in exc.problems])
            return None
        except SiteFailure as exc:
            self._failed(str(exc).splitlines())
            return None
        except Exception as exc:
            self._failed([f"{type(exc).__name__}: {exc}"])
            return None
        with self.state.lock:
            self.state.build += 1
            self.state.error = None
            self.state.root_slug = result.root
        for warning in result.warnings:
            self.echo(warning)
        rebuilt = ", ".join(result.built) if result.built else "ничего"
        self.echo(f"Пересобрано: {rebuilt} ({time.monotonic() - started:.1f} с)")
        if result.search_stale and result.root:
            self._search_wanted += 1
            wanted = self._search_wanted
            self._search_thread = threading.Thread(target=self._refresh_search, args=(result.root, wanted), daemon=True)
            self._search_thread.start()
        return result

    def wait_for_search(self, timeout: float | None = None) -> None:
        """Until the network search refresh of the last build has run (tests, and stop)."""
        if self._search_thread is not None:
            self._search_thread.join(timeout)

    def _refresh_search(self, root: str, wanted: int) -> None:
        """The network search index, after the pages are shown (builder.refresh_search), in the
        background: the next save's pages do not wait for it; a refresh a newer build made stale is
        dropped (that build's own refresh follows)."""
        with self._searching:
            if wanted != self._search_wanted:
                return
            started = time.monotonic()
            try:
                installed = refresh_search(self.out_dir, root)
            except Exception as exc:
                self.echo(f"Поиск не обновлён: {type(exc).__name__}: {exc}")
                return
        if installed:
            self.echo(f"Поиск обновлён ({time.monotonic() - started:.1f} с)")

    def _failed(self, lines: list[str]) -> None:
        text = "\n".join(lines)
        with self.state.lock:
            self.state.error = text
        self.echo(text)
        self.echo("Сборка не удалась; в браузере остаётся последняя удачная версия.")
        return None

    # -- watching --------------------------------------------------------------------
    def _relevant(self, path: str) -> bool:
        try:
            rel = Path(path).resolve().relative_to(self.root_dir)
        except ValueError:
            return False
        return not any(part in IGNORED_PARTS or part.startswith((".site", ".#")) for part in rel.parts)

    def watch(self) -> None:
        """Rebuild on changes (debounced) until :meth:`stop`; uses watchdog, which MkDocs depends on."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        preview = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                paths = [getattr(event, "src_path", ""), getattr(event, "dest_path", "")]
                if event.event_type in ("opened", "closed_no_write"):
                    return
                if any(p and preview._relevant(p) for p in paths):
                    preview._changed.set()

        observer = Observer()
        scheduled: set[Path] = set()

        def schedule() -> None:  # a watched folder created later (orgs/ for a first member) is watched too
            for path, recursive in self.watched():
                if path not in scheduled:
                    observer.schedule(Handler(), str(path), recursive=recursive)
                    scheduled.add(path)

        schedule()
        observer.start()
        try:
            while not self._stop.is_set():
                if self._changed.wait(0.2):
                    time.sleep(0.3)  # let an editor finish writing
                    self._changed.clear()
                    schedule()
                    self.rebuild()
        finally:
            observer.stop()
            observer.join()

    def watched(self) -> list[tuple[Path, bool]]:
        """What the preview watches: the network root itself (mkdocs.yml; a folder created at the top)
        and, with everything below them, the folders a build reads. Not the whole root: the preview's
        own output and caches live in it (on network-1000, 88 000 folders whose watches alone kept
        the watcher from seeing an edit)."""
        watched = [(self.root_dir, False)]
        for name in WATCHED_FOLDERS:
            if (self.root_dir / name).is_dir():
                watched.append((self.root_dir / name, True))
        return watched

    def stop(self) -> None:
        self._stop.set()
        if self._building.acquire(blocking=False):  # else a rebuild is running: its workers die with this process
            try:
                self.workers.close()
            finally:
                self._building.release()

    # -- serving -----------------------------------------------------------------------
    def site_dir(self, host_header: str | None) -> Path | None:
        """The folder of the site a preview host names, in the generation published now
        (one request is served from one generation even if a rebuild flips the output)."""
        host = preview_host(host_header)
        if host is None:
            return None
        slug = self.state.root_slug if host in ROOT_HOSTS else host[: -len(".localhost")]
        if not slug:
            return None
        folder = Path(os.path.realpath(self.out_dir / slug))
        return folder if folder.is_dir() else None


ROOT_HOSTS = ("localhost", "127.0.0.1", "www.localhost")
_SLUG_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
MAX_PATH = 2048  # longer request paths are refused (414); the sites' own are far shorter


#: The web editor's pages: ``/admin/`` of a site (``/<slug>/admin/`` with ``url_style: path``).
ADMIN_PATH = re.compile(r"^/(?:[a-z0-9-]+/)?admin/")


def _admin_csp(config_file: Path) -> str:
    """The web editor's policy (features/admin.py) when the network configures one, else ""."""
    from union_network.core.problems import Problems
    from union_network.features.admin import admin_csp
    from union_network.read.options import read_options

    options = read_options(config_file, Problems(root=config_file.parent))
    return admin_csp(options.editor) if options is not None and options.editor else ""


def preview_host(host_header: str | None) -> str | None:
    """The host name of a request to the preview (``localhost``, ``127.0.0.1``,
    ``<slug>.localhost``, with any port), else None: other names (a DNS-rebinding
    page's, say) get neither sites nor the preview's state."""
    host = (host_header or "").strip().lower()
    name, colon, port = host.rpartition(":")
    if not colon:
        name, port = host, ""
    elif not port.isdigit():
        return None
    name = name.removesuffix(".")
    if name in ROOT_HOSTS:
        return name
    slug = name.removesuffix(".localhost")
    if slug != name and _SLUG_LABEL.fullmatch(slug):
        return name
    return None


def request_path(target: str) -> tuple[list[str], bool] | int:
    """A request target's path as segments (and whether it ends with ``/``), or the HTTP
    status that refuses it: 414 overlong, 400 not a path, bad percent-encoding or UTF-8,
    control characters (NUL), ``.`` or ``..``; 404 a dot file (as nginx-config)."""
    if len(target) > MAX_PATH:
        return HTTPStatus.REQUEST_URI_TOO_LONG
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/") or _BAD_ESCAPE.search(path):
        return HTTPStatus.BAD_REQUEST
    try:  # http.server decoded the request line as Latin-1: back to its bytes, then UTF-8
        decoded = unquote_to_bytes(path.encode("latin-1")).decode("utf-8")
    except UnicodeError:
        return HTTPStatus.BAD_REQUEST
    if any(ord(c) < 32 or ord(c) == 127 for c in decoded):
        return HTTPStatus.BAD_REQUEST
    segments = [seg for seg in decoded.split("/") if seg]
    if any(seg in (".", "..") for seg in segments):
        return HTTPStatus.BAD_REQUEST
    if any(seg.startswith(".") for seg in segments):
        return HTTPStatus.NOT_FOUND
    return segments, decoded.endswith("/")


def make_handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "union-network-preview"

        def log_message(self, format: str, *args) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if content_type.startswith("text/html"):
                admin = preview.admin_csp and ADMIN_PATH.match(self.path)
                self.send_header("Content-Security-Policy", preview.admin_csp if admin else preview.csp)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _redirect(self, segments: list[str]) -> None:
            """To the folder's URL: always a path on this origin ("/" + an escaped, non-empty
            segment: never ``//host`` or a backslash that browsers read as one)."""
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", "/" + "/".join(quote(seg, safe="") for seg in segments) + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            try:
                self._get()
            except OSError:  # the client went away, or a file vanished with an old generation
                self.close_connection = True
            except Exception as exc:  # a bug: answer it, no traceback on the terminal
                preview.echo(f"serve: {self.command} {self.path[:200]!r}: {type(exc).__name__}: {exc}")
                self._send(500, b"internal error", "text/plain; charset=utf-8")

        def _get(self) -> None:
            parsed = request_path(self.path)
            if isinstance(parsed, int):
                return self._send(parsed, HTTPStatus(parsed).phrase.encode(), "text/plain; charset=utf-8")
            segments, trailing = parsed
            host = preview_host(self.headers.get("Host"))
            if host is None:
                return self._send(404, b"unknown host", "text/plain; charset=utf-8")
            path = "/" + "/".join(segments)
            if path == STATE_PATH:
                with preview.state.lock:
                    body = json.dumps({"build": preview.state.build, "error": preview.state.error}).encode()
                return self._send(200, body, "application/json")
            if path == SCRIPT_PATH:
                return self._send(200, LIVE_JS.encode(), "text/javascript; charset=utf-8")
            site = preview.site_dir(host)
            if site is None:
                message = preview.state.error or "Такой организации нет в сети."
                page = f"<!doctype html><meta charset=utf-8><title>Нет сайта</title><pre>{_escape(message)}</pre>"
                return self._send(404, self._inject(page.encode()), "text/html; charset=utf-8")
            try:
                found, redirect = _find(site, segments, trailing)
                if redirect:
                    return self._redirect(segments)
                status, target = (200, found) if found is not None else (404, site / "404.html")
                body = target.read_bytes()
            except (OSError, ValueError):  # no such file (a name too long, say), or no 404.html
                return self._send(404, b"not found", "text/plain; charset=utf-8")
            content_type = (
                FEED_TYPES.get(target.name)
                or CONTENT_TYPES.get(target.suffix)
                or mimetypes.guess_type(target.name)[0]
                or "application/octet-stream"
            )
            if target.suffix == ".html":
                body = self._inject(body)
            return self._send(status, body, content_type, search_cors(path, self.headers.get("Origin"), preview.host))

        @staticmethod
        def _inject(body: bytes) -> bytes:
            tag = f'<script src="{SCRIPT_PATH}"></script>'.encode()
            if b"</body>" in body:
                return body.replace(b"</body>", tag + b"</body>", 1)
            return body + tag

    return Handler


def search_cors(path: str, origin: str | None, host: str) -> dict[str, str]:
    """As nginx-config does in production: the search index (``/pagefind/``) may be fetched by the
    network's other sites (``http://<slug>.localhost:<port>``), and by no one else."""
    if not path.startswith(SEARCH_PATHS) or not origin:
        return {}
    port = host.rsplit(":", 1)[-1]
    if not re.fullmatch(rf"http://([a-z0-9-]{{2,40}}\.)?localhost:{re.escape(port)}", origin):
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def _find(site: Path, segments: list[str], trailing: bool) -> tuple[Path | None, bool]:
    """The file a path names inside ``site`` (a folder: its index.html) or None; and True for
    a folder named without the final ``/`` (to redirect). May raise OSError."""
    target = site.joinpath(*segments)
    real = os.path.realpath(target)
    if real != str(site) and not real.startswith(str(site) + os.sep):
        return None, False
    if target.is_dir():
        if segments and not trailing:
            return None, True
        target = target / "index.html"
    return (target if target.is_file() else None), False


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A broken connection (the client went away) is not worth a traceback."""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def serve(preview: Preview, bind: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """Create the HTTP server (the caller runs ``serve_forever``)."""
    return _Server((bind, port), make_handler(preview))
