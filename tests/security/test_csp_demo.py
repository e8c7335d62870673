"""The demo network under its Content-Security-Policy: Chromium reports no violation on any page kind
(home, news list, post, network, upstream, support, member organisations, registry, events,
bulletin, maturity, 404) of the root, a territorial and a primary site; and every page carries the
policy the nginx configuration sends."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import rglob
from themenet import EPOCH

from union_network.render.mkdocs.csp import policy
from union_network.tools.nginx import NginxOptions, nginx_config

from .browse import Browse

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ROOT, TERRITORIAL, PRIMARY = "profsever", "severogorsk", "cbk-severny"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from union_network.cli.commands import main

    out = tmp_path_factory.mktemp("demo") / "site"
    result = CliRunner().invoke(
        main, ["build", "-q", "-f", str(REPO / "mkdocs.yml"), "--out", str(out)], env={"SOURCE_DATE_EPOCH": EPOCH}
    )
    assert result.exit_code == 0, result.output
    return out


def first(site: Path, folder: str) -> str:
    """The first page under ``folder`` (a post, a bulletin issue)."""
    return next(
        f"{folder}{p.name}/"
        for p in sorted((site / folder).iterdir())
        if (p / "index.html").is_file() and p.name != "page"
    )


def pages(out: Path) -> list[tuple[str, str]]:
    root = out / ROOT
    kinds = [
        (ROOT, p)
        for p in [
            "",
            "news/",
            first(root, "news/"),
            "network/",
            "support/",
            "orgs/",
            "registry/",
            "events/",
            "bulletin/",
            first(root, "bulletin/"),
            "maturity/",
            "404.html",
        ]
    ]
    kinds += [
        (TERRITORIAL, p)
        for p in ["", "news/", first(out / TERRITORIAL, "news/"), "network/", "upstream/", "orgs/", "404.html"]
    ]
    kinds += [(PRIMARY, p) for p in ["", "news/", first(out / PRIMARY, "news/"), "upstream/", "404.html"]]
    return kinds


def test_the_demo_runs_under_its_policy_without_a_violation(browser, demo):
    session = Browse(browser, demo, "subdomain", domain="profsever.example", root=ROOT)
    try:
        visits = [session.visit(site, path) for site, path in pages(demo)]
    finally:
        session.close()
    assert len(visits) == 24
    for v in visits:
        assert (v.site, v.path, v.violations) == (v.site, v.path, [])
        # the network's own sites may serve each other's pictures; nothing else is fetched
        foreign = [u for u in v.third_party if not re.match(r"https://([a-z0-9-]+\.)?profsever\.example/", u)]
        assert (v.site, v.path, foreign) == (v.site, v.path, [])
        assert v.style[".md-header"] and "Golos Text" in v.style["body"], (v.site, v.path)


def test_every_page_carries_the_policy_nginx_sends(demo):
    meta = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
    expected = policy(
        ("vk.com", "vkvideo.ru", "rutube.ru", "www.youtube.com", "youtube.com", "www.youtube-nocookie.com"),
        "https://profsever.example",
    )
    header = nginx_config(
        NginxOptions(
            domain="profsever.example",
            root_slug=ROOT,
            video_hosts=(
                "vk.com",
                "vkvideo.ru",
                "rutube.ru",
                "www.youtube.com",
                "youtube.com",
                "www.youtube-nocookie.com",
            ),
        )
    )
    assert f"add_header Content-Security-Policy \"{expected}; frame-ancestors 'self'\" always;" in header
    count = 0
    for page in rglob(demo, "*.html"):
        if page.name == "email.html":  # the bulletin's e-mail version: a standalone document
            continue
        found = meta.findall(page.read_text(encoding="utf-8"))
        assert [html.unescape(f) for f in found] == [expected], page
        count += 1
    assert count > 300
