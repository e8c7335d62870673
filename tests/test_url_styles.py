"""url_style: subdomain and path — the same tiny network built in each style (urls.UrlScheme, layout.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import EPOCH, rglob, run_cli
from lxml import etree
from netfactory import with_url_style, write_network

from union_network.core.urls import UrlScheme
from union_network.features.registry import planner
from union_network.read.load import load_network

SITE = {  # expected site URL of each org, per style
    "subdomain": {
        "fed": "https://net.example/",
        "terr": "https://terr.net.example/",
        "prim": "https://prim.net.example/",
    },
    "path": {"fed": "https://net.example/", "terr": "https://net.example/terr/", "prim": "https://net.example/prim/"},
}
STYLES = list(SITE)


with_style = with_url_style


@pytest.fixture(scope="module")
def nets(small_network, path_network):
    """style -> (network root, site folder): the session's small network in both styles."""
    return {style: (cfg.parent, site) for style, (cfg, site) in (("subdomain", small_network), ("path", path_network))}


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def canonical(html: str) -> str:
    return etree.HTML(html.encode()).xpath('//link[@rel="canonical"]/@href')[0]


def hrefs(html: str) -> set[str]:
    return set(etree.HTML(html.encode()).xpath("//a/@href"))


def test_url_scheme_makes_both_layouts():
    sub = UrlScheme("net.example", "fed")
    path = UrlScheme("net.example", "fed", style="path")
    assert sub.site("fed") == path.site("fed") == "https://net.example/"
    assert sub.site("prim") == "https://prim.net.example/" and sub.host("prim") == "prim.net.example"
    assert path.site("prim") == "https://net.example/prim/" and path.host("prim") == "net.example"
    assert path.page("prim", "/news/feed.xml") == "https://net.example/prim/news/feed.xml"
    assert path.prefix("fed") == "/" and path.prefix("prim") == "/prim/"
    with pytest.raises(ValueError, match="unknown url_style"):
        UrlScheme("net.example", "fed", style="query")


@pytest.mark.parametrize("style", STYLES)
def test_canonical_links(nets, style):
    _, site = nets[style]
    urls = SITE[style]
    for slug in ("fed", "terr", "prim"):
        assert canonical(read(site, f"{slug}/index.html")) == urls[slug]
    assert (
        canonical(read(site, "prim/news/2026-01-05-sobranie/index.html")) == urls["prim"] + "news/2026-01-05-sobranie/"
    )
    assert canonical(read(site, "fed/news/2026-04-01-support/index.html")) == urls["fed"] + "news/2026-04-01-support/"


def guids(xml: bytes) -> list[str]:
    return [g.text for g in etree.fromstring(xml).iter("guid")]


def atom_ids(xml: bytes) -> list[str]:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    return etree.fromstring(xml).xpath("//a:entry/a:id/text()", namespaces=ns)


@pytest.mark.parametrize("style", STYLES)
def test_feed_guids_are_the_canonical_url_in_every_feed(nets, style):
    _, site = nets[style]
    urls = SITE[style]
    post = urls["prim"] + "news/2026-01-05-sobranie/"
    local = urls["prim"] + "news/2026-02-01-local/"  # reach: self
    broadcast = urls["terr"] + "news/2026-02-10-broadcast/"
    fed_broadcast = urls["fed"] + "news/2026-04-01-support/"
    assert guids((site / "prim/news/feed.xml").read_bytes()) == [local, post]
    assert atom_ids((site / "prim/news/atom.xml").read_bytes()) == [local, post]
    assert local not in guids((site / "terr/network/feed.xml").read_bytes())
    assert post in guids((site / "terr/network/feed.xml").read_bytes())
    assert post in guids((site / "fed/network/feed.xml").read_bytes())
    assert post in atom_ids((site / "fed/network/atom.xml").read_bytes())
    assert guids((site / "prim/upstream/feed.xml").read_bytes()) == [fed_broadcast, broadcast]
    # The feed's own links: self and the page it mirrors.
    channel = etree.fromstring((site / "prim/news/feed.xml").read_bytes()).find("channel")
    assert channel.findtext("link") == urls["prim"] + "news/"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert self_link.get("href") == urls["prim"] + "news/feed.xml"


@pytest.mark.parametrize("style", STYLES)
def test_member_links_and_links_between_sites(nets, style):
    _, site = nets[style]
    urls = SITE[style]
    assert urls["terr"] in hrefs(read(site, "fed/orgs/index.html"))
    assert urls["prim"] in hrefs(read(site, "terr/orgs/index.html"))
    # Aggregated items link to their canonical URL and their org's site.
    fed_network = set().union(*(hrefs(p.read_text(encoding="utf-8")) for p in rglob((site / "fed/network"), "*.html")))
    assert {urls["prim"] + "news/2026-01-05-sobranie/", urls["prim"]} <= fed_network
    # Upward: the card's parent link.
    assert urls["terr"] in hrefs(read(site, "prim/index.html"))


@pytest.mark.parametrize("style", STYLES)
def test_rendered_breadcrumbs_link_up_to_the_root(nets, style):
    _, site = nets[style]
    urls = SITE[style]
    html = etree.HTML(read(site, "prim/news/2026-01-05-sobranie/index.html").encode())
    crumbs = html.xpath('//nav[@class="un-crumbs"]//a/@href')
    assert crumbs[:3] == [urls["fed"], urls["terr"], urls["prim"]]


@pytest.mark.parametrize("style", STYLES)
def test_no_url_of_the_other_style_anywhere(nets, style):
    _, site = nets[style]
    wrong = "https://net.example/prim/" if style == "subdomain" else "prim.net.example"
    for path in rglob(site, "*"):
        if path.suffix in {".html", ".xml", ".json"}:
            assert wrong not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("style", STYLES)
def test_breadcrumbs_lead_up_to_the_root(nets, style):
    root, _ = nets[style]
    network, problems = load_network(root / "mkdocs.yml", datetime.fromtimestamp(int(EPOCH), tz=UTC))
    assert not problems
    plan = planner(network).plan("prim")
    urls = SITE[style]
    assert [link.url for link in plan.breadcrumb] == [urls["fed"], urls["terr"], urls["prim"]]
    assert plan.site_url == urls["prim"]


def test_output_stays_one_folder_per_org_in_both_styles(nets):
    for style in STYLES:
        _, site = nets[style]
        assert {p.name for p in site.iterdir() if not p.name.startswith(".")} == {"fed", "terr", "prim"}


def test_assemble_lays_out_one_tree_for_path_style(nets, tmp_path):
    root, _site = nets["path"]
    out = tmp_path / "public"
    result = run_cli("assemble", "-f", str(root / "mkdocs.yml"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert canonical((out / "index.html").read_text(encoding="utf-8")) == "https://net.example/"
    assert canonical((out / "prim" / "index.html").read_text(encoding="utf-8")) == "https://net.example/prim/"
    assert (out / "terr" / "network" / "feed.xml").is_file()
    assert (out / "news" / "2026-04-01-support" / "index.html").is_file()
    assert not (out / "fed").exists()
    # Again: the tree is replaced, not merged into.
    (out / "stale.html").write_text("old", encoding="utf-8")
    assert run_cli("assemble", "-f", str(root / "mkdocs.yml"), "--out", str(out)).exit_code == 0
    assert not (out / "stale.html").exists()


def test_assemble_refuses_the_subdomain_style(nets, tmp_path):
    root, _ = nets["subdomain"]
    result = run_cli("assemble", "-f", str(root / "mkdocs.yml"), "--out", str(tmp_path / "public"))
    assert result.exit_code == 1
    assert "url_style: path" in result.output
    assert not (tmp_path / "public").exists()


@pytest.mark.parametrize("slug", ["news", "orgs", "about"])
def test_a_member_slug_taken_by_a_root_path_is_an_error_in_path_style(tmp_path, slug):
    tree = {"fed": (None, "federation"), slug: ("fed", "primary")}
    cfg = with_style(write_network(tmp_path, tree), "path")
    (tmp_path / "content" / "about.md").write_text("# О федерации\n", encoding="utf-8")
    result = run_cli("check", "-f", str(cfg))
    assert result.exit_code == 1
    assert f"orgs/{slug}/org.yml: при url_style: path" in result.output
    assert f"https://net.example/{slug}/" in result.output
    # The same network is fine with subdomains.
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("url_style: path", "url_style: subdomain"), encoding="utf-8")
    assert run_cli("check", "-f", str(cfg)).exit_code == 0


def test_a_slug_taken_by_any_generated_root_section_is_an_error(tmp_path):
    """Sections other modules add (whatever the root's plan holds at the top) count too."""
    root = tmp_path / "probe"
    cfg = with_style(write_network(root), "path")
    network, _problems = load_network(cfg, datetime.fromtimestamp(int(EPOCH), tz=UTC))
    plan = planner(network).plan("fed")
    tops = {src.split("/", 1)[0] for src in plan.pages if "/" in src} - {"news", "orgs", "network", "support"}
    assert {"events", "registry", "bulletin", "maturity"} <= tops  # the features' sections
    slug = sorted(tops)[0]
    tree = {"fed": (None, "federation"), slug: ("fed", "primary")}
    cfg = with_style(write_network(tmp_path / "net", tree), "path")
    result = run_cli("check", "-f", str(cfg))
    assert result.exit_code == 1 and f"orgs/{slug}/org.yml" in result.output


def test_assemble_reports_a_collision_found_only_in_the_output(nets, tmp_path):
    """Belt and braces: a name that only the rendered root site has (e.g. a theme file)."""
    root, site = nets["path"]
    copy = tmp_path / "site"
    import shutil

    shutil.copytree(site, copy)
    (copy / "fed" / "prim").mkdir()
    result = run_cli("assemble", "-f", str(root / "mkdocs.yml"), "--site", str(copy), "--out", str(tmp_path / "public"))
    assert result.exit_code == 1
    assert "адрес /prim/ занят сайтом корневой организации" in result.output
    assert not (tmp_path / "public").exists()


def test_options_and_the_mkdocs_plugin_config_accept_the_same_keys():
    from union_network.read.options import NetworkOptions
    from union_network.render.mkdocs.config import UnionNetworkConfig

    assert set(NetworkOptions.model_fields) == {name for name, _ in UnionNetworkConfig._schema}
    config = UnionNetworkConfig()
    config.load_dict({"url_style": "path", "web_team": "@fed/web-team"})
    failed, _ = config.validate()
    assert not failed
    assert NetworkOptions(url_style="path", web_team="@fed/web-team").url_style == "path"
