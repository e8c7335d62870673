"""The network search in Chromium, served by `serve` (each org on its own http://<slug>.localhost:<port>/,
so the network index on the root's origin is a real cross-origin fetch, allowed by CORS).

The network (tests/searchnet.py) is built once for the module, its index in shards of one record
(``SHARD_RECORDS = 1``: K = 8, each of the four sites in its own shard); every test searches it through the UI.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from previewkit import served
from searchnet import XSS_TEXT, write_search_network

from union_network.features import search
from union_network.render.mkdocs.render import MkDocsRenderer
from union_network.tools.serve import Preview

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The shard of each site's pages in the search network's index (K = 8).
SHARDS = {"fed": "2", "terr": "6", "prim": "7", "other": "5"}


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-preview")
    cfg = write_search_network(root)
    port = free_port()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "SHARD_RECORDS", 1)  # shards of one record: the four sites in four shards
        preview = Preview(cfg, MkDocsRenderer, port, jobs=1, echo=lambda line: None)
        assert preview.rebuild() is not None
        preview.wait_for_search(120)
        with served(preview, port):
            yield preview, port, root


def site(port: int, slug: str, path: str = "") -> str:
    host = "localhost" if slug == "fed" else f"{slug}.localhost"
    return f"http://{host}:{port}/{path}"


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.index_requests = []  # (url, status) of every request for the search index; status 0: failed
    requests = page.index_requests
    page.on("requestfinished", lambda r: "/pagefind/" in r.url and requests.append((r.url, r.response().status)))
    page.on("requestfailed", lambda r: "/pagefind/" in r.url and requests.append((r.url, 0)))
    yield page
    context.close()


def shards_loaded(page, port: int) -> set[str]:
    """The shards of the network index the page fetched files of (``pagefind/<n>/...``); every request
    for the index succeeded and went to the root's origin."""
    base = site(port, "fed", "pagefind/")
    assert page.index_requests and all(u.startswith(base) for u, _ in page.index_requests), page.index_requests
    assert all(status == 200 for _, status in page.index_requests), page.index_requests
    return {u[len(base) :].split("/")[0] for u, _ in page.index_requests if "/" in u[len(base) :]}


def search_for(page, query: str, scope: str | None = None) -> list[dict]:
    """Open the search, pick a scope, type the query; returns the results as shown (title, url, meta, marks)."""
    panel = page.locator(".un-search__panel")
    if panel.is_hidden():
        page.click(".un-search__open")
    if scope:
        page.check(f'.un-search__scopes input[value="{scope}"]')
    page.fill("#un-search-q", "")
    page.fill("#un-search-q", query)
    page.wait_for_function(
        "q => { const s = document.querySelector('.un-search__status').textContent;"
        " return document.querySelector('#un-search-q').value === q && /Найдено|Ничего не найдено|недоступен/.test(s); }",
        arg=query,
    )
    return page.eval_on_selector_all(
        ".un-search__result",
        """items => items.map(li => ({
            title: li.querySelector('.un-search__title').textContent,
            url: li.querySelector('.un-search__title').href,
            meta: li.querySelector('.un-search__meta').textContent,
            excerpt: li.querySelector('.un-search__excerpt').textContent,
            marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent),
        }))""",
    )


def status(page) -> str:
    return page.inner_text(".un-search__status")


def test_patp_on_the_federations_site_finds_the_territorial_story_and_opens_it_on_its_subdomain(preview, page):
    _, port, _ = preview
    page.goto(site(port, "fed"))
    results = search_for(page, "ПАТП")
    assert status(page).startswith("На этом сайте ничего не найдено. Найдено по всей сети: 1 результат")
    (result,) = results
    assert result["title"] == "Пикет в защиту работников ПАТП"
    assert result["meta"] == "Организация terr · 3 мая 2026"
    assert "ПАТП" in result["marks"]
    page.click(".un-search__title")
    page.wait_for_url(site(port, "terr", "news/2026-05-03-piket-patp/"))
    assert page.locator("h1").first.inner_text() == "Пикет в защиту работников ПАТП"
    assert page.errors == []


def test_russian_stemming_one_word_in_two_cases_finds_the_same_posts(preview, page):
    _, port, _ = preview
    page.goto(site(port, "fed"))
    nominative = search_for(page, "зарплата", "network")
    accusative = search_for(page, "зарплату", "network")
    urls = {r["url"] for r in nominative}
    assert urls == {r["url"] for r in accusative}
    assert {
        site(port, "prim", "news/2026-04-10-zarplata/"),  # «зарплату водителям проиндексируют»
        site(port, "fed", "news/2026-02-20-zarplata-federatsiya/"),  # «Зарплата работников ...»
        site(port, "prim", "about/"),  # a page, not a post: «охрана труда, зарплата, отдых»
    } == urls


def test_a_primary_finds_its_own_posts_first_and_the_federations_across_the_network(preview, page):
    _, port, _ = preview
    page.goto(site(port, "prim"))
    own = search_for(page, "собрание")
    assert status(page).startswith("Найдено на этом сайте:")
    assert [r["url"] for r in own] == [site(port, "prim", "news/2026-03-01-sobranie/")]
    # Its own site's search loaded its own shard only (cross-origin from the root, allowed by serve's CORS).
    assert shards_loaded(page, port) == {SHARDS["prim"]}
    network = search_for(page, "собрание", "network")
    urls = [r["url"] for r in network]
    assert site(port, "fed", "news/2026-02-20-zarplata-federatsiya/") in urls  # «Собрание совета»
    assert site(port, "other", "news/2026-05-20-xss/") in urls
    assert shards_loaded(page, port) == set(SHARDS.values())  # then every shard
    assert page.errors == []


def test_results_come_from_several_shards_once_each(preview, page):
    """«собрание» is in three sites' pages, in three shards: one list, no page twice, the count is theirs."""
    _, port, _ = preview
    page.goto(site(port, "other"))
    results = search_for(page, "собрание", "network")
    urls = [r["url"] for r in results]
    assert sorted(urls) == sorted(
        [
            site(port, "prim", "news/2026-03-01-sobranie/"),
            site(port, "fed", "news/2026-02-20-zarplata-federatsiya/"),
            site(port, "other", "news/2026-05-20-xss/"),
        ]
    )
    assert status(page) == "Найдено по всей сети: 3 результата."
    assert {SHARDS["prim"], SHARDS["fed"], SHARDS["other"]} <= shards_loaded(page, port)
    assert page.errors == []


def test_a_territorial_searches_its_own_subtree(preview, page):
    _, port, _ = preview
    page.goto(site(port, "terr"))
    tree = search_for(page, "собрание", "tree")
    hosts = {re.match(r"http://([a-z]+)\.localhost", r["url"]).group(1) for r in tree}
    assert hosts == {"prim", "other"}  # members' posts; not the federation's «Собрание совета»
    assert status(page).startswith("Найдено в нашей организации и её членских: 2")
    # The shards of its subtree (terr, prim, other), not the federation's.
    assert shards_loaded(page, port) == {SHARDS["terr"], SHARDS["prim"], SHARDS["other"]}
    assert page.errors == []


def test_results_show_other_orgs_text_as_text(preview, page):
    _, port, _ = preview
    page.goto(site(port, "prim"))
    (result,) = search_for(page, "доске", "network")
    assert XSS_TEXT in result["excerpt"]
    assert page.evaluate("window.__unXss") is None
    assert page.locator(".un-search__panel img").count() == 0


def test_keyboard_and_screen_reader(preview, page):
    _, port, _ = preview
    page.goto(site(port, "prim"))
    form = page.locator('form[role="search"]')
    assert form.get_attribute("aria-label") == "Поиск по сайтам сети"
    assert page.locator(".un-search__status").get_attribute("aria-live") == "polite"
    assert page.locator("label[for=un-search-q]").inner_text() == "Что искать"
    page.keyboard.press("/")  # opens the search from anywhere
    assert page.evaluate("document.activeElement.id") == "un-search-q"
    assert page.get_attribute(".un-search__open", "aria-expanded") == "true"
    results = search_for(page, "собрание", "network")
    assert len(results) >= 3
    page.focus("#un-search-q")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "un-search-r0"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "un-search-r1"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "un-search-q"
    page.keyboard.press("Escape")
    assert page.locator(".un-search__panel").is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('un-search__open')")
    assert page.get_attribute(".un-search__open", "aria-expanded") == "false"


def csp_header(port: int, *, wasm: bool) -> str:
    """A policy with only the sources features/search.py asks for (``CSP_SOURCES`` + the root's origin)."""
    view = search.SearchView(site(port, "fed", "pagefind/"), "prim", (), False, site(port, "fed").rstrip("/"))
    sources = search.csp_sources(view)
    if not wasm:
        sources["script-src"] = [s for s in sources["script-src"] if s != "'wasm-unsafe-eval'"]
    return "; ".join(
        [
            "default-src 'self'",
            *(f"{k} {' '.join(v)}" for k, v in sources.items()),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
        ]
    )


@pytest.mark.parametrize("wasm", [True, False])
def test_search_under_a_strict_content_security_policy(preview, browser, wasm):
    """serve sends the sites' own policy (render/mkdocs/csp.py); on top of it every response here gets
    one made of features/search.py's sources only: with them the search works, and without
    ``'wasm-unsafe-eval'`` it cannot (and says so)."""
    _, port, _ = preview
    context = browser.new_context()
    violations = []
    own_policies = []

    def with_csp(route):
        """Fetch from serve (by Host header: Playwright's own client does not resolve *.localhost) and add the CSP."""
        request = route.request
        parts = urlsplit(request.url)
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("origin", "accept")}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Host": parts.netloc, **headers}
        )
        response = connection.getresponse()
        body = response.read()
        connection.close()
        answer = {k.lower(): v for k, v in response.getheaders() if k.lower() not in ("content-length", "connection")}
        if "content-security-policy" in answer:
            own_policies.append(answer["content-security-policy"])
            answer["content-security-policy"] += ", " + csp_header(port, wasm=wasm)  # both policies apply
        else:
            answer["content-security-policy"] = csp_header(port, wasm=wasm)
        route.fulfill(status=response.status, headers=answer, body=body)

    context.route(re.compile(rf"http://([a-z]+\.)?localhost:{port}/.*"), with_csp)
    page = context.new_page()
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.errors = []
    page.goto(site(port, "prim"))
    assert own_policies and "'wasm-unsafe-eval'" in own_policies[0]  # the sites' own policy allows the search
    results = search_for(page, "ПАТП", "network")
    if wasm:  # everything search needs is in csp_sources: its script, WebAssembly and the index's fetches
        assert [r["title"] for r in results] == ["Пикет в защиту работников ПАТП"]
        # (the theme's inline scripts are allowed by hashes in the site's own policy, not in this one)
        assert not [v for v in violations if "Executing inline script" not in v], violations
    else:  # without 'wasm-unsafe-eval' Pagefind cannot compile its WebAssembly: the search says so
        assert results == [] and status(page) == "Поиск сейчас недоступен."
    context.close()


def test_an_edited_post_is_findable_after_serve_rebuilds_it(preview, page):
    prev, port, root = preview
    build = prev.state.build
    post = root / "orgs/prim/news/2026-03-01-sobranie.md"
    post.write_text(post.read_text(encoding="utf-8").replace("охрану труда", "охрану труда и снегоуборку"), "utf-8")
    deadline = time.monotonic() + 120
    while prev.state.build == build and time.monotonic() < deadline:
        time.sleep(0.2)
    assert prev.state.build > build, prev.state.error
    prev.wait_for_search(120)  # the network index follows the pages (in the background)
    page.goto(site(port, "prim"))
    assert [r["url"] for r in search_for(page, "снегоуборка")] == [site(port, "prim", "news/2026-03-01-sobranie/")]
    page.goto(site(port, "fed"))  # and across the network: the network index was updated too
    assert [r["url"] for r in search_for(page, "снегоуборку", "network")] == [
        site(port, "prim", "news/2026-03-01-sobranie/")
    ]


def test_module_uses_a_real_build(preview):
    prev, _, _ = preview
    index = Path(prev.out_dir, "fed", search.NETWORK_INDEX)
    assert sorted(json.loads((index / search.SHARDS_FILE).read_text())["indexes"]) == sorted(SHARDS.values())
    assert all((index / name / "pagefind-entry.json").is_file() for name in SHARDS.values())
