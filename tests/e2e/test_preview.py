"""End to end: `serve` in Chromium (Playwright, Debian's /usr/bin/chromium).

Open the root, follow the member-organisations page to a primary's subdomain,
open a post, follow the breadcrumb back up; edit a post on disk and see the
open page update by itself; break it and see the error on the page.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from netfactory import write_network
from playwright.sync_api import expect
from previewkit import served

from union_network.render.mkdocs.render import MkDocsRenderer
from union_network.tools.serve import Preview

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = tmp_path_factory.mktemp("preview")
    cfg = write_network(
        root, posts=[dict(org="prim", stem="2026-01-10-sobranie", title="Отчётное собрание", date="2026-01-10")]
    )
    port = free_port()
    preview = Preview(cfg, MkDocsRenderer, port, jobs=1, echo=lambda line: None)
    assert preview.rebuild() is not None
    with served(preview, port):
        yield preview, port, root


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (tests/setup/system-deps.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_browse_down_the_network_and_back_up(preview, browser):
    _, port, _ = preview
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a member's phone: the menu is the drawer
    page.goto(f"http://localhost:{port}/")
    page.locator('label[for="__drawer"]:visible').first.click()
    page.locator("label.md-nav__link:visible", has_text="О сети").first.click()
    page.locator('a[href$="orgs/"]:visible').first.click()
    page.wait_for_url(re.compile(r"/orgs/$"))
    page.locator(f'a[href="http://prim.localhost:{port}/"]').first.click()
    page.wait_for_url(f"http://prim.localhost:{port}/")
    page.locator('a[href*="/news/2026-01-10-sobranie/"]').first.click()
    page.wait_for_url(re.compile(r"prim\.localhost:\d+/news/2026-01-10-sobranie/$"))
    assert "Отчётное собрание" in page.content()
    page.locator(f'a[href="http://terr.localhost:{port}/"]').first.click()
    page.wait_for_url(f"http://terr.localhost:{port}/")
    page.close()


def test_an_edit_on_disk_updates_the_open_page_and_errors_show_on_it(preview, browser):
    _, port, root = preview
    post = root / "orgs/prim/news/2026-01-10-sobranie.md"
    page = browser.new_page()
    page.goto(f"http://prim.localhost:{port}/news/2026-01-10-sobranie/")
    page.wait_for_timeout(1000)  # the page's live script takes its first reading
    post.write_text(
        post.read_text(encoding="utf-8").replace("Отчётное собрание", "Отчётно-выборное собрание"), encoding="utf-8"
    )
    expect(page).to_have_title(re.compile("Отчётно-выборное"), timeout=60_000)  # no eval: the page has a CSP

    original = post.read_text(encoding="utf-8")
    post.write_text(
        original.replace("date: '2026-01-10'", "date: '2026-13-45'").replace("date: 2026-01-10", "date: 2026-13-45"),
        encoding="utf-8",
    )
    alert = page.locator("#un-preview-error")
    alert.wait_for(timeout=60_000)
    assert "orgs/prim/news/2026-01-10-sobranie.md" in alert.inner_text()
    assert "Отчётно-выборное" in page.title()  # the last good build is still served

    post.write_text(original, encoding="utf-8")
    alert.wait_for(state="detached", timeout=60_000)
    page.close()
