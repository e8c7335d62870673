"""Browser tests: the tiny branded network (tests/themenet.py) built once per session and served
from 127.0.0.1, one origin per site; headless Debian Chromium driven by Playwright.

The build is session-scoped and the browser package-scoped, so that the browser suite pays for each once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: netfactory, themenet

from .kit import need  # noqa: E402
from .siteserver import CHROMIUM_ARGS, CHROMIUM_PATH, SiteServer  # noqa: E402


@pytest.fixture(scope="session")
def branded_site(branded_network) -> Path:
    """The branded network of tests/conftest.py, built once per session (test_theme reads it too)."""
    return branded_network[1]


@pytest.fixture(scope="session")
def server(branded_site):
    with SiteServer(branded_site, "net.example", "fed") as srv:
        yield srv


@pytest.fixture(scope="package")  # closed when tests/browser/ is done: other suites start Playwright of their own
def browser():
    need(Path(CHROMIUM_PATH), "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
