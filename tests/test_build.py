"""A whole build of a small network: output paths (§6), publishing rules, navigation, reproducibility."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import lxml.html
import pytest
from conftest import leftovers, rglob, run_cli
from netfactory import SMALL_POSTS, write_network, write_post

POSTS = SMALL_POSTS


@pytest.fixture(scope="module")
def built(small_network):
    return small_network[1]


def html(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_every_org_gets_its_site_with_the_pages_of_section_6(built):
    expected = {
        "fed": [
            "index.html",
            "news/index.html",
            "news/feed.xml",
            "news/atom.xml",
            "network/index.html",
            "network/feed.xml",
            "network/atom.xml",
            "support/index.html",
            "support/feed.xml",
            "orgs/index.html",
        ],
        "terr": [
            "index.html",
            "news/index.html",
            "network/index.html",
            "network/feed.xml",
            "upstream/index.html",
            "upstream/feed.xml",
            "orgs/index.html",
            "news/2026-02-10-broadcast/index.html",
        ],
        "prim": [
            "index.html",
            "news/index.html",
            "news/feed.xml",
            "upstream/index.html",
            "upstream/feed.xml",
            "news/2026-01-05-sobranie/index.html",
            "about/index.html",
        ],
    }
    for slug, paths in expected.items():
        for path in paths:
            assert (built / slug / path).is_file(), f"{slug}/{path}"
    # Pages that only orgs with members (or only the root) have:
    assert not (built / "prim" / "network").exists()
    assert not (built / "prim" / "orgs").exists()
    assert not (built / "terr" / "support").exists()
    assert not (built / "fed" / "upstream").exists()


def test_drafts_and_future_posts_are_not_published_anywhere(built):
    for path in rglob(built, "*"):
        if path.suffix in {".html", ".xml", ".json"}:
            text = path.read_text(encoding="utf-8")
            assert "Черновик" not in text and "2026-03-01-draft" not in text, path
            assert "2027-01-01-future" not in text, path
    assert not (built / "prim" / "news" / "2026-03-01-draft").exists()
    assert not (built / "prim" / "news" / "2027-01-01-future").exists()


def test_site_urls_are_per_subdomain_and_the_root_on_the_bare_domain(built):
    assert '<link rel="canonical" href="https://net.example/">' in html(built, "fed/index.html")
    assert '<link rel="canonical" href="https://prim.net.example/news/2026-01-05-sobranie/">' in html(
        built, "prim/news/2026-01-05-sobranie/index.html"
    )


def all_pages(site: Path, slug: str, kind: str) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(rglob((site / slug / kind), "index.html")))


def test_network_news_holds_what_reached_the_org(built):
    terr = all_pages(built, "terr", "network")
    assert "https://prim.net.example/news/2026-01-05-sobranie/" in terr
    assert "Только у нас" not in terr
    assert "https://prim.net.example/news/2026-01-05-sobranie/" in all_pages(built, "fed", "network")
    assert "https://net.example/news/2026-04-01-support/" in all_pages(built, "fed", "network")
    support = html(built, "fed/support/index.html")
    assert "Поддержим" in support and "Собрание" not in support


def test_upstream_news_holds_broadcasts_of_every_ancestor(built):
    page = html(built, "prim/upstream/index.html")
    assert "Всем первичкам" in page and "Поддержим" in page
    assert "Всем первичкам" not in html(built, "terr/upstream/index.html")


def test_lists_are_paginated(built):
    # terr has 13 own posts, 5 per page -> 3 pages
    assert (built / "terr/news/page/2/index.html").is_file()
    assert (built / "terr/news/page/3/index.html").is_file()
    assert not (built / "terr/news/page/4").exists()
    first = html(built, "terr/news/index.html")
    assert first.count('<article class="un-item') == 5
    pager = re.search(r'<nav class="un-pagination".*?</nav>', first, re.S).group(0)
    assert 'rel="next"' in pager and 'rel="prev"' not in pager
    assert 'href="../../news/page/2/"' in pager or 'href="../news/page/2/"' in pager


def test_posts_stay_out_of_the_navigation(built):
    doc = lxml.html.fromstring(html(built, "terr/index.html"))
    nav = " ".join(doc.xpath('//nav[contains(@class, "md-nav--primary")]//a/@href'))
    assert "2026-05-01-n1" not in nav
    assert "news/" in nav and "network/" in nav and "orgs/" in nav


def test_home_page_has_the_card_and_the_news_blocks(built):
    page = html(built, "terr/index.html")
    assert "Организация terr" in page
    for block in ("un-home-news", "un-home-network", "un-home-upstream"):
        assert f'id="{block}"' in page
    assert 'id="un-home-network"' not in html(built, "prim/index.html")
    assert 'id="un-home-upstream"' not in html(built, "fed/index.html")


def test_member_organisations_page_links_their_sites(built):
    page = html(built, "fed/orgs/index.html")
    assert 'href="https://terr.net.example/"' in page and 'href="https://prim.net.example/"' in page


def test_every_page_links_its_feeds(built):
    for page in rglob(built, "*.html"):
        if page.name == "email.html":  # the bulletin's standalone e-mail document, not a site page
            continue
        text = page.read_text(encoding="utf-8")
        assert 'rel="alternate" type="application/rss+xml"' in text, page
        assert 'rel="alternate" type="application/atom+xml"' in text, page


def test_org_files_are_not_published(built):
    assert not list(rglob(built, "org.yml"))
    assert not list(rglob(built, "moderation.yml"))


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(rglob(folder, "*"))
        if p.is_file()
    }


def test_two_builds_with_the_same_source_date_epoch_are_identical(small_network, tmp_path):
    """The session's build of the small network and a second, full one into another folder."""
    cfg, site = small_network
    assert run_cli("build", "-q", "--full", "-f", str(cfg), "--out", str(tmp_path / "b")).exit_code == 0
    a, b = tree_digest(site), tree_digest(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_build_time_decides_what_is_published(small_network):
    """A plan, not a build: which posts a site publishes is decided before rendering."""
    from datetime import UTC, datetime

    from union_network.features.registry import planner
    from union_network.read.load import load_network

    cfg, _ = small_network
    future = "news/2027-01-01-future.md"
    for epoch, published in ((1780315200, False), (1800000000, True)):  # 2026-06-01, 2027-01-15
        network, problems = load_network(cfg, datetime.fromtimestamp(epoch, tz=UTC))
        assert not problems
        plan = planner(network).plan("prim")
        assert (future in plan.own_posts) is published
        assert (future in plan.exclude) is not published
        assert "news/2026-03-01-draft.md" in plan.exclude


def test_a_site_that_fails_to_render_keeps_the_previous_output(tmp_path):
    cfg = write_network(tmp_path / "net", posts=POSTS[:2])
    assert run_cli("build", "-q", "-f", str(cfg)).exit_code == 0
    before = tree_digest(tmp_path / "net/site")
    # A page whose template does not exist makes MkDocs fail on that site only.
    (tmp_path / "net/orgs/prim/broken.md").write_text("---\ntemplate: missing.html\n---\n# X\n", encoding="utf-8")
    write_post(tmp_path / "net/orgs/terr", "2026-05-05-new", title="Новая", date="2026-05-05")
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "orgs/prim" in result.output
    assert tree_digest(tmp_path / "net/site") == before
    # Nothing beside the output but the generation it links to and its site versions (DESIGN §7).
    assert leftovers(tmp_path / "net/site") == []


def test_search_finds_posts_and_pages_not_the_lists_that_repeat_them(built):
    import json

    records = json.loads((built / ".union-network/search/terr.json").read_text(encoding="utf-8"))
    locations = {r["url"].removeprefix("https://terr.net.example/") for r in records}  # features/search.py
    assert "news/2026-02-10-broadcast/" in locations
    assert not {loc for loc in locations if loc.startswith(("news/page/", "network/"))}
    assert "news/" not in locations
