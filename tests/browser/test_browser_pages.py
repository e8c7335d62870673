"""In headless Chromium, on every kind of page of the three kinds of site:

- nothing is requested outside the site's own origin (fonts, scripts, images: all self-hosted);
- axe-core finds serious violations when there are some (the harness; every page kind is checked
  with all of axe's rules at two viewports in test_browser_reader.py);
- at a 360 px wide viewport the page does not scroll sideways.
"""

from __future__ import annotations

import pytest

from .kit import AXE, PAGES, need

pytestmark = pytest.mark.browser

IDS = [f"{site}/{path}" for site, path in PAGES]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def desktop(browser):
    # bypass_csp: axe goes in as an inline script, which the pages' CSP refuses (tests/security tests it)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context
    context.close()


@pytest.fixture(scope="module")
def phone(browser):
    # bypass_csp: axe goes in as an inline script, which the pages' CSP refuses (tests/security tests it)
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True, bypass_csp=True
    )
    yield context
    context.close()


def visit(context, url: str, wait_until: str = "load"):
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(url, wait_until=wait_until)
    return page, response, requests


@pytest.mark.parametrize(("site", "path"), PAGES, ids=IDS)
def test_nothing_is_requested_outside_the_sites_own_origin(browser, server, site, path):
    """The site is served from 127.0.0.1 and, for absolute links to itself, from its production origin
    (answered locally); any other origin is a third party."""
    own = (server.origin(site) + "/", server.public_origin(site) + "/")
    # bypass_csp: axe goes in as an inline script, which the pages' CSP refuses (tests/security tests it)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    server.serve_public_origin(context, site)
    page, response, requests = visit(context, server.url(site, path), "networkidle")
    try:
        assert response is not None and (response.ok or path == "404.html")
        # Scroll to the end so that anything loaded lazily is loaded too.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        foreign = [url for url in requests if not url.startswith(own) and not url.startswith(("data:", "blob:"))]
        assert not foreign, f"third-party requests: {foreign}"
        # The brand's fonts are the ones in use, loaded from the site itself.
        assert any(url.endswith(".woff2") for url in requests), requests
        assert page.evaluate("document.fonts.check('16px \"Golos Text\"', 'Профсоюз')")
    finally:
        context.close()


@pytest.mark.parametrize(("site", "path"), PAGES, ids=IDS)
def test_no_horizontal_scroll_on_a_360px_phone(phone, server, site, path):
    page, _, _ = visit(phone, server.url(site, path))
    try:
        sizes = page.evaluate(
            "({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,"
            " inner: window.innerWidth})"
        )
    finally:
        page.close()
    assert sizes["client"] == 360
    assert sizes["scroll"] <= sizes["client"], sizes


def test_axe_does_see_a_serious_violation_when_there_is_one(desktop):
    """The harness itself: the same call flags light grey text and an unlabelled image link."""
    need(AXE, "axe-core")
    page = desktop.new_page()
    try:
        page.set_content(
            '<!doctype html><html lang="ru"><head><title>т</title></head><body><main>'
            '<p style="color:#bbb;background:#fff">Бледный текст</p><a href="/"><img src="data:,"></a></main></body></html>'
        )
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
        )
    finally:
        page.close()
    found = {v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")}
    assert {"color-contrast", "image-alt"} <= found, found


def test_print_shows_the_content_without_the_site_chrome(desktop, server):
    page, _, _ = visit(desktop, server.url("prim", "news/2026-05-20-sobranie/"))
    try:
        page.emulate_media(media="print")
        shown = page.evaluate(
            "sel => sel.map(s => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== 'none' })",
            [".un-header", ".un-crumbs", ".un-post__body", ".un-footer__name", ".un-footer .un-social"],
        )
    finally:
        page.close()
    assert shown == [False, False, True, True, False]
