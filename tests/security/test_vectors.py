"""Every vector of tests/security/vectors.py, built into one network with the source check bypassed
and loaded in Chromium: nothing runs, nothing is fetched from another server, the theme keeps its
look, nothing outside the org's folder is published (subdomain and path layouts). Then the same
network with the sanitizer off (the CSP alone blocks every script) and with neither (the control:
the live payloads do fire, so the suite can fail)."""

from __future__ import annotations

import pytest
from conftest import rglob

from .browse import PAGE_KINDS, Browse
from .vectors import BUNDLE, FILES, LINKS, SECRET, STYLESHEET, UNPUBLISHED, VECTORS

pytestmark = pytest.mark.browser

STYLES = ["subdomain", "path"]
ALL_PAGES = sorted({p for v in VECTORS for p in v.pages} | {(s, p) for s, ps in PAGE_KINDS.items() for p in ps})
#: what the sanitizer guards (page bodies and page front matter): visited again without it
BODY_ROUTES = ("body", "url", "restyle", "fence", "attr_list", "rawtext", "link")
BODY_PAGES = sorted({p for v in VECTORS if v.route in BODY_ROUTES for p in v.pages} | {("prim", "clean/")})
REFERENCE = ("prim", "clean/")


def browse_all(browser, out, style, pages):
    session = Browse(browser, out, style)
    try:
        return {page: session.visit(*page) for page in pages}
    finally:
        session.close()


@pytest.fixture(scope="module")
def visits(browser, evil_sites):
    return {style: browse_all(browser, evil_sites[style], style, ALL_PAGES) for style in STYLES}


def describe(found):
    return "\n".join(f"{site}/{path}: {what}" for (site, path), what in found)


def test_at_least_100_vectors_over_every_route():
    assert len(VECTORS) >= 100
    routes = {v.route for v in VECTORS}
    assert routes >= {
        "body",
        "url",
        "restyle",
        "fence",
        "attr_list",
        "rawtext",
        "link",
        "page-meta",
        "post-meta",
        "org",
        "filename",
        "file",
        "symlink",
    }
    assert all(v.pages for v in VECTORS)


@pytest.mark.parametrize("style", STYLES)
def test_no_vector_runs_script(visits, style):
    ran = [(page, v.pwned) for page, v in visits[style].items() if v.pwned]
    assert not ran, "scripts ran:\n" + describe(ran)
    assert len(visits[style]) == len(ALL_PAGES)  # every vector's page was loaded and inspected


@pytest.mark.parametrize("style", STYLES)
def test_no_request_leaves_the_site(visits, style):
    off = [(page, v.third_party) for page, v in visits[style].items() if v.third_party]
    assert not off, "requests off the site's origin:\n" + describe(off)


@pytest.mark.parametrize("style", STYLES)
def test_no_page_navigates_away(visits, style):
    moved = [(page, v.navigations) for page, v in visits[style].items() if v.navigations]
    assert not moved, describe(moved)


@pytest.mark.parametrize("style", STYLES)
def test_no_live_markup_is_left(visits, style):
    """No handler, script URL, style attribute, <base>, refresh, foreign iframe, theme id twice."""
    left = [(page, v.problems) for page, v in visits[style].items() if v.problems]
    assert not left, describe(left)


@pytest.mark.parametrize("style", STYLES)
def test_theme_keeps_its_look(visits, style):
    reference = visits[style][REFERENCE].style
    assert reference["body"] and "Golos Text" in reference["body"] and reference[".md-header"]
    # the unpublished files' URLs answer the test server's bare 404: no theme there to compare
    gone = {
        ("prim", v.pages[0][1])
        for v in VECTORS
        if v.route in ("file", "symlink") and v.pages[0][1] not in ("", "404.html")
    }
    changed = [(page, v.style) for page, v in visits[style].items() if page not in gone and v.style != reference]
    assert not changed, f"reference {reference}\n" + describe(changed)


@pytest.mark.parametrize("style", STYLES)
def test_sanitized_pages_leave_the_csp_nothing_to_block(visits, style):
    blocked = [(page, v.violations) for page, v in visits[style].items() if v.violations]
    assert not blocked, describe(blocked)


@pytest.mark.parametrize("style", STYLES)
def test_nothing_outside_the_folder_nor_of_other_types_is_published(evil_sites, style):
    prim = evil_sites[style] / "prim"
    for rel in UNPUBLISHED:
        target = prim / rel
        if rel in (BUNDLE, STYLESHEET, "sitemap.xml"):  # the theme's (or MkDocs') own file is there, not the org's
            assert target.is_file() and target.read_text(encoding="utf-8") != FILES[rel], rel
        elif rel in LINKS:
            assert not target.exists() and not (prim / rel.removesuffix(".md")).exists(), rel
        elif rel == "404.html":
            assert "Страница не найдена" in target.read_text(encoding="utf-8")
        else:
            assert not target.exists(), rel
    out = evil_sites[style]
    for path in rglob(out, "*"):
        if path.parent == out and path.is_symlink():  # the output's links to its site versions (build/publish.py)
            assert path.readlink().as_posix().startswith(f"../.{out.name}.sites/"), path
            continue
        assert not path.is_symlink(), path
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".png", ".md"):
            assert SECRET not in path.read_text(encoding="utf-8", errors="ignore"), path


def test_csp_alone_blocks_every_script(browser, csp_only_site):
    """The sanitizer switched off: script and foreign loads are still blocked by the page's CSP.
    (Navigation — a meta refresh, a link — is not a CSP matter: that is the sanitizer's.)"""
    results = browse_all(browser, csp_only_site, "subdomain", BODY_PAGES)
    ran = [(page, v.pwned) for page, v in results.items() if v.pwned]
    assert not ran, describe(ran)
    fetched = [
        (page, [u for u in v.third_party if "/refresh" not in u and not any(u.startswith(n) for n in v.navigations)])
        for page, v in results.items()
    ]
    fetched = [(page, urls) for page, urls in fetched if urls]
    assert not fetched, describe(fetched)
    # no stylesheet nor style attribute of theirs applies: the theme's header and body keep their look
    # (markup the sanitizer would have dropped may still break the layout below it: that is its job)
    reference = results[REFERENCE].style
    restyled = [
        (page, v.style)
        for page, v in results.items()
        if not v.navigations
        and (v.style["body"], v.style[".md-header"]) != (reference["body"], reference[".md-header"])
    ]
    assert not restyled, describe(restyled)
    # ... and it did have something to block: the payloads were in the pages
    assert sum(len(v.violations) for v in results.values()) >= 20


def test_control_live_payloads_fire_without_sanitizer_and_csp(browser, unprotected_site):
    results = browse_all(browser, unprotected_site, "subdomain", BODY_PAGES)
    reference = results[REFERENCE].style
    dead = []
    for v in VECTORS:
        if not v.live:
            continue
        page = v.pages[0]
        seen = results[page]
        if v.route == "url":
            fired = any(f"/v{v.n}/" in u for u in seen.third_party + seen.navigations)
        elif v.route == "restyle" or "position:fixed" in v.what:
            fired = bool(seen.problems) or seen.style != reference
        else:
            fired = f"pwned{v.n}" in seen.pwned
        if not fired:
            dead.append((page, f"vector {v.n} ({v.route}): {v.what}"))
    assert not dead, "payloads that do not fire even unprotected:\n" + describe(dead)
