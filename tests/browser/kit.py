"""What the browser tests share: tool paths, the pages they visit, a loud failure when a tool is missing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .siteserver import CHROMIUM_ARGS, CHROMIUM_PATH

REPO = Path(__file__).resolve().parent.parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: the pages the browser tests visit: (site, path) — home, news list, post, network, member orgs,
#: upstream, support, a Markdown page and the 404 page across the three kinds of site
PAGES = [
    ("fed", ""),
    ("fed", "news/"),
    ("fed", "news/2026-05-01-pervomay/"),
    ("fed", "network/"),
    ("fed", "orgs/"),
    ("fed", "support/"),
    ("fed", "404.html"),
    ("terr", ""),
    ("terr", "news/"),
    ("terr", "news/2026-05-15-forum/"),
    ("terr", "network/"),
    ("terr", "orgs/"),
    ("terr", "upstream/"),
    ("prim", ""),
    ("prim", "news/"),
    ("prim", "news/2026-05-20-sobranie/"),
    ("prim", "upstream/"),
    ("prim", "about/"),
]


def need(path: Path, what: str) -> None:
    if not path.exists():
        pytest.fail(f"{what} is missing ({path}): run `make test-deps` (make test installs it)", pytrace=False)


@contextmanager
def chromium() -> Iterator:
    """Debian's headless Chromium, driven by Playwright, closed on exit."""
    need(Path(CHROMIUM_PATH), "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
