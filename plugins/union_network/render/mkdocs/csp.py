"""The Content-Security-Policy of every site: in each page's ``<meta>``, and as a header from
``nginx-config`` and ``serve`` (the same policy, so a page never depends on which one applies).

Scripts and stylesheets come from the site's own origin only; the theme's few inline
``<script>``/``<style>`` blocks are allowed by their SHA-256 hashes, computed from the templates
that emit them (this package's ``templates/``: a block with no Jinja inside renders verbatim).
Material's inline scripts are overridden there (``partials/javascripts/``) with page-independent
text, so their hashes do not depend on the page. No ``'unsafe-inline'``, no ``'unsafe-eval'``:
an inline handler, a ``javascript:`` URL, a ``style=`` attribute or a ``<script>`` that slipped
past the sanitizer does not run. Frames only from the brandbook's video hosts; images only from
the network's own sites (pictures of posts shown on other sites' lists) and ``data:`` (Material's
icons); nothing from anywhere else.

This module imports nothing of MkDocs: ``tools/nginx.py`` and ``tools/serve.py`` use it too.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

TEMPLATES = Path(__file__).resolve().parent / "templates"
_BLOCK = re.compile(r"<(script|style)(\s[^>]*)?>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
_JINJA = re.compile(r"\{[{%#]")
_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
#: ``<script type=…>`` that is data, not code (JSON, JSON-LD): CSP does not apply to it.
_DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json""", re.IGNORECASE)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@cache
def inline_hashes(folder: Path = TEMPLATES) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(script hashes, style hashes) of the literal inline blocks of the templates in ``folder``."""
    scripts: set[str] = set()
    styles: set[str] = set()
    for path in sorted(folder.rglob("*.html")):
        for kind, attrs, body in _BLOCK.findall(_JINJA_COMMENT.sub("", path.read_text(encoding="utf-8"))):
            if _JINJA.search(body) or (kind.lower() == "script" and _DATA_TYPE.search(attrs or "")):
                continue
            if kind.lower() == "script" and "src=" in (attrs or ""):
                continue
            (scripts if kind.lower() == "script" else styles).add(_sha256(body))
    return tuple(sorted(scripts)), tuple(sorted(styles))


def frame_sources(video_hosts: Iterable[str]) -> list[str]:
    """``https://host https://*.host`` for each video host (a host admits its subdomains)."""
    out: list[str] = []
    for host in video_hosts:
        host = host.lower().strip().rstrip(".")
        if re.fullmatch(r"[a-z0-9.-]+", host):
            out += [f"https://{host}", f"https://*.{host}"]
    return out


def network_sources(origin: str | None) -> list[str]:
    """The root's origin and every subdomain of it: ``https://net.example https://*.net.example``."""
    if not origin:
        return []
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not re.fullmatch(r"[a-z0-9.-]+(:[0-9]+)?", parts.netloc):
        return []
    return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://*.{parts.netloc}"]


def policy(video_hosts: Iterable[str], origin: str | None = None, *, header: bool = False) -> str:
    """The policy text. ``origin``: the network root's origin (``https://<domain>``; the preview's
    ``http://localhost:<port>``): the network's own sites may be fetched (``connect-src``: the search
    index, feeds), and the search's script is imported from its ``/pagefind/``. ``header``: add what
    only a header can carry."""
    scripts, styles = inline_hashes()
    frames = frame_sources(video_hosts)
    network = network_sources(origin)
    # The network search (features/search.py, CSP_SOURCES): Pagefind's script is imported from the root's
    # /pagefind/ (the subdomain layout: another origin) and compiles WebAssembly ('wasm-unsafe-eval'
    # allows that, not JavaScript's eval).
    search = [network[0] + "/pagefind/"] if network else []
    directives = [
        "default-src 'self'",
        "script-src " + " ".join(["'self'", "'wasm-unsafe-eval'", *search, *scripts]),
        "style-src " + " ".join(["'self'", *styles]),
        # pictures of posts are shown on the other sites of the network (lists, network news)
        "img-src " + " ".join(["'self'", "data:", *network]),
        "font-src 'self'",
        "media-src 'self'",
        "connect-src " + " ".join(["'self'", *network]),
        "frame-src " + (" ".join(frames) if frames else "'none'"),
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if header:  # ignored (and reported) in a <meta> policy
        directives.append("frame-ancestors 'self'")
    return "; ".join(directives)
