"""Pictures in headless Chromium: the branded test network plus posts with pictures.

- a post page's lead picture loads as WebP (the browser picks the <source>), eagerly, and fits a
  360 px phone without sideways scrolling;
- an aggregated item on the federation's network page shows the picture from the primary's own
  site (its production origin, answered locally), and no page requests anything outside the
  network's sites;
- a text alternative written as markup (``"><img src=x onerror=…>``) is plain text: nothing runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from netfactory import write_post
from PIL import Image
from themenet import build, write_branded_network

from .kit import AXE, need
from .siteserver import SiteServer

pytestmark = pytest.mark.browser

EVIL_ALT = 'Фото"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
SLUGS = ("fed", "terr", "prim")


@pytest.fixture(scope="module")
def picture_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pictures-browser")
    cfg = write_branded_network(root)
    images = root / "orgs" / "prim" / "images"
    images.mkdir()
    Image.linear_gradient("L").resize((1800, 1000)).convert("RGB").save(images / "zal.jpg", quality=80)
    write_post(
        root / "orgs" / "prim",
        "2026-05-25-foto",
        "Текст с фотографией.",
        title="Собрание с фото",
        date="2026-05-25",
        reach="federation",
        categories=["meetings"],
        image="../images/zal.jpg",
        image_alt=EVIL_ALT,
    )
    return build(cfg, root / "site")


@pytest.fixture(scope="module")
def picture_server(picture_site):
    with SiteServer(picture_site, "net.example", "fed") as srv:
        yield srv


def open_page(browser, server: SiteServer, slug: str, path: str, viewport: dict, bypass_csp: bool = False):
    """The page at ``slug``'s local origin; every network site's production origin answered locally.
    The page's Content-Security-Policy applies (pictures from other sites of the network must pass
    it) unless ``bypass_csp``: only for injecting the axe-core harness."""
    context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp)
    for other in SLUGS:
        server.serve_public_origin(context, other)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(server.url(slug, path), wait_until="networkidle")
    assert response is not None and response.ok
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    return context, page, requests


def network_origins(server: SiteServer) -> tuple[str, ...]:
    return tuple(o + "/" for slug in SLUGS for o in (server.origin(slug), server.public_origin(slug)))


def test_post_page_lead_picture_loads_as_webp_and_fits_a_phone(browser, picture_server):
    context, page, requests = open_page(
        browser, picture_server, "prim", "news/2026-05-25-foto/", {"width": 360, "height": 780}
    )
    try:
        img = page.locator("figure.un-post__picture img")
        info = img.evaluate(
            "el => ({complete: el.complete, natural: el.naturalWidth, src: el.currentSrc,"
            " priority: el.getAttribute('fetchpriority'), loading: el.loading,"
            " width: el.getBoundingClientRect().width})"
        )
        assert info["complete"] and info["natural"] > 0
        assert info["src"].startswith("https://prim.net.example/assets/pictures/") and info["src"].endswith(".webp")
        assert info["priority"] == "high" and info["loading"] == "auto"
        assert 0 < info["width"] <= 360
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.evaluate("window.__pwned") is None
        assert page.locator("img[src='x']").count() == 0
        assert img.get_attribute("alt") == 'Фото">'  # the markup is gone; what is left is text
        foreign = [u for u in requests if not u.startswith(network_origins(picture_server))]
        assert not foreign, foreign
    finally:
        context.close()


def test_aggregated_picture_comes_from_the_canonical_site(browser, picture_server):
    context, page, requests = open_page(browser, picture_server, "fed", "network/", {"width": 1280, "height": 900})
    try:
        img = page.locator("article.un-item--picture img").first
        img.scroll_into_view_if_needed()
        page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img.element_handle())
        src = img.evaluate("el => el.currentSrc")
        assert src.startswith("https://prim.net.example/assets/pictures/") and src.endswith(".webp")
        assert src in requests
        assert page.evaluate("window.__pwned") is None
        foreign = [u for u in requests if not u.startswith(network_origins(picture_server))]
        assert not foreign, foreign
    finally:
        context.close()


@pytest.mark.parametrize(
    ("slug", "path"), [("prim", "news/2026-05-25-foto/"), ("prim", "news/"), ("fed", "network/"), ("prim", "events/")]
)
def test_axe_on_pages_with_pictures(browser, picture_server, slug, path):
    need(AXE, "axe-core")
    context, page, _ = open_page(browser, picture_server, slug, path, {"width": 1280, "height": 900}, bypass_csp=True)
    try:
        assert page.locator("picture img").count() >= 1 or path == "events/"
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
        )
    finally:
        context.close()
    bad = [f"{v['impact']}: {v['id']}" for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, bad
