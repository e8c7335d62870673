"""The registry and maturity pages in headless Chromium: the self-hosted table script (search, filters,
sorting), nothing requested from elsewhere, axe-core, and no sideways scroll on a phone."""

from __future__ import annotations

import pytest
from conftest import AXE, need

pytestmark = pytest.mark.browser

PAGES = [("fed", "registry/"), ("fed", "maturity/"), ("terr", "registry/"), ("terr", "maturity/")]


@pytest.fixture(scope="module")
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context
    context.close()


def open_page(context, url: str):
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="networkidle")
    return page, requests, errors


def count(page, table: str) -> str:
    return page.inner_text(f'form[data-un-filter="{table}"] [data-un-count]')


def visible_rows(page, table: str) -> int:
    return page.evaluate(f"Array.from(document.querySelectorAll('#{table} tbody tr')).filter(r => !r.hidden).length")


def test_registry_search_filters_and_sorting(desktop, server):
    server.serve_public_origin(desktop, "fed")  # Material may fetch the site's sitemap from its production URL
    page, requests, errors = open_page(desktop, server.url("fed", "registry/"))
    try:
        assert page.is_visible('form[data-un-filter="un-registry"]')  # shown by the script
        assert count(page, "un-registry") == "Показано: 3 из 3"
        page.fill('form[data-un-filter="un-registry"] input[type=search]', "ЦБК")
        assert visible_rows(page, "un-registry") == 1 and count(page, "un-registry") == "Показано: 1 из 3"
        page.fill('form[data-un-filter="un-registry"] input[type=search]', "")
        page.select_option('form[data-un-filter="un-registry"] select[name=kind]', "territorial")
        assert visible_rows(page, "un-registry") == 1
        page.select_option('form[data-un-filter="un-registry"] select[name=kind]', "")
        page.select_option('form[data-un-filter="un-registry"] select[name=parent]', "fed")
        assert visible_rows(page, "un-registry") == 1
        page.click('form[data-un-filter="un-registry"] button[type=reset]')
        page.wait_for_function("document.querySelectorAll('#un-registry tbody tr[hidden]').length === 0")
        header = "#un-registry thead th:nth-child(2)"
        page.click(f"{header} button")
        assert page.get_attribute(header, "aria-sort") == "ascending"
        members = page.eval_on_selector_all(
            "#un-registry tbody td:nth-child(2)", "cells => cells.map(c => c.textContent.trim())"
        )
        assert members == ["2\u00a0900", "6\u00a0100", "35\u00a0700"]  # sorted as numbers, shown in groups
        page.click(f"{header} button")
        assert page.get_attribute(header, "aria-sort") == "descending"
        members = page.eval_on_selector_all(
            "#un-registry tbody td:nth-child(2)", "cells => cells.map(c => c.textContent.trim())"
        )
        assert members == ["35\u00a0700", "6\u00a0100", "2\u00a0900"]
        assert not errors
        own = (server.origin("fed") + "/", server.public_origin("fed") + "/")
        assert not [u for u in requests if not u.startswith(own) and not u.startswith(("data:", "blob:"))]
        assert any(u.endswith("/assets/union-network/un-table.js") for u in requests)
    finally:
        page.close()


def test_maturity_filter_by_status(desktop, server):
    page, _, errors = open_page(desktop, server.url("fed", "maturity/"))
    try:
        total = visible_rows(page, "un-maturity")
        assert total == 3 and count(page, "un-maturity") == "Показано: 3 из 3"
        statuses = page.eval_on_selector_all("#un-maturity tbody tr", "rows => rows.map(r => r.dataset.status)")
        page.select_option('form[data-un-filter="un-maturity"] select[name=status]', statuses[0])
        assert visible_rows(page, "un-maturity") == statuses.count(statuses[0])
        assert not errors
    finally:
        page.close()


@pytest.mark.parametrize(("site", "path"), PAGES, ids=[f"{s}/{p}" for s, p in PAGES])
def test_axe_and_phone_width(desktop, browser, server, site, path):
    need(AXE, "axe-core")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE))  # not a script tag: the page's CSP would refuse it
    page, _, _ = open_page(context, server.url(site, path))
    try:
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
        )
    finally:
        context.close()
    bad = [
        f"{v['impact']}: {v['id']} ({v['help']})"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)
    phone = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True, bypass_csp=True)
    try:
        page = phone.new_page()
        page.goto(server.url(site, path))
        sizes = page.evaluate(
            "({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
        )
    finally:
        phone.close()
    assert sizes["scroll"] <= sizes["client"], sizes
