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

from .kit import chromium  # noqa: E402
from .siteserver import SiteServer  # noqa: E402


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
    with chromium() as launched:
        yield launched
