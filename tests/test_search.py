"""The network search (features/search.py): what is indexed, where the indexes go, incremental indexing,
the serve/nginx CORS for the indexes. The browser side is tests/browser/test_search.py."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import run_cli
from searchnet import SECRET_WORDS, XSS_TEXT, write_search_network

from union_network.features import search
from union_network.tools.nginx import NginxOptions, nginx_config
from union_network.tools.serve import search_cors

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("searchnet")
    cfg = write_search_network(root)
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    return root / "site", cfg


def records(site: Path, slug: str) -> list[dict]:
    return json.loads((site / ".union-network" / "search" / f"{slug}.json").read_text(encoding="utf-8"))


def fragments(index: Path) -> list[dict]:
    """Every page Pagefind holds in an index (its fragments, gzip with a ``pagefind_dcd`` signature)."""
    pages = []
    for path in sorted((index / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        pages.append(json.loads(data[len(b"pagefind_dcd") :]))
    return pages


def test_the_root_site_carries_the_one_index_of_the_network(built):
    site, _ = built
    index = site / "fed" / search.NETWORK_INDEX
    assert (index / "pagefind.js").is_file() and (index / "wasm.ru.pagefind").is_file()
    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["ru"]  # one Russian index: Russian stemming
    assert not [name for name in search.UNUSED_FILES if (index / name).exists()]
    for slug in ("fed", "terr", "prim", "other"):
        assert not (site / slug / "search" / "search_index.json").exists()  # Material's lunr search is gone
    assert not [s for s in ("terr", "prim", "other") if (site / s / search.NETWORK_INDEX).exists()]


def test_posts_and_pages_are_indexed_with_canonical_urls_meta_and_filters(built):
    site, _ = built
    prim = {r["url"]: r for r in records(site, "prim")}
    post = prim["https://prim.net.example/news/2026-04-10-zarplata/"]
    assert "зарплату водителям проиндексируют" in post["content"]
    assert post["meta"] == {"title": "Переговоры с работодателем", "org": "Организация prim", "date": "10 апреля 2026"}
    assert post["filters"] == {"org": ["prim"], "year": ["2026"], "category": ["Колдоговорная кампания"]}
    assert post["sort"] == {"date": "2026-04-10T00:00:00+03:00"}
    about = prim["https://prim.net.example/about/"]
    assert about["meta"]["title"] == "О профкоме" and "охрана труда" in about["content"]
    # The post's page chrome (navigation, footer links, hidden search meta) is not its text.
    assert "RSS" not in post["content"] and "Все новости" not in post["content"]
    assert "Организация prim" not in post["content"]


def test_lists_and_other_generated_pages_are_not_indexed(built):
    site, _ = built
    urls = {r["url"] for slug in ("fed", "terr", "prim", "other") for r in records(site, slug)}
    assert urls  # every post and page ...
    generated = ("/news/", "/network/", "/upstream/", "/support/", "/orgs/", "/registry/", "/bulletin/", "/events/")
    assert not [u for u in urls if u.endswith(generated) or "/page/" in u or "/categories/" in u]
    network_pages = {p["url"] for p in fragments(site / "fed" / search.NETWORK_INDEX)}
    assert network_pages == urls


def test_drafts_and_future_posts_are_in_no_index(built):
    site, _ = built
    everything = []
    everything += [json.dumps(p, ensure_ascii=False) for p in fragments(site / "fed" / search.NETWORK_INDEX)]
    assert everything
    for word in SECRET_WORDS:
        assert not [page for page in everything if word in page], word
    for slug in ("fed", "terr", "prim", "other"):
        assert not [r for r in records(site, slug) if any(w in r["content"] for w in SECRET_WORDS)]


def test_text_from_orgs_is_plain_text_in_the_index(built):
    site, _ = built
    (record,) = [r for r in records(site, "other") if "xss" in r["url"]]
    assert record["meta"]["title"] == "Собрание итоги"  # the core reduced the title to text
    assert XSS_TEXT in record["content"]  # text that looks like markup stays text: the search UI shows it as such


def test_network_index_is_updated_from_kept_records_when_one_site_changes(built, tmp_path, monkeypatch):
    import shutil

    stats = tmp_path / "stats.json"
    monkeypatch.setenv(search.STATS_ENV, str(stats))

    site, cfg = built
    root = tmp_path / "net"
    shutil.copytree(cfg.parent, root, ignore=shutil.ignore_patterns("site", ".cache"))
    cfg = root / "mkdocs.yml"
    assert run_cli("build", "-q", "-f", str(cfg)).exit_code == 0
    out = root / "site"
    kept = out / ".union-network" / "search"
    before = {p.name: p.read_bytes() for p in kept.glob("*.json")}
    assert json.loads(stats.read_text())["extracted_sites"] == 4
    untouched = {s: (out / s / "index.html").stat().st_mtime_ns for s in ("fed", "other")}
    post = root / "orgs/prim/news/2026-03-01-sobranie.md"
    post.write_text(post.read_text(encoding="utf-8").replace("охрану труда", "охрану труда и гололёдоустойчивость"))
    result = run_cli("build", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    assert "пересобрано 2" in result.output  # prim's site and its parent's (the post is in its network news) ...
    assert json.loads(stats.read_text())["extracted_sites"] == 2  # ... and only their pages were read again
    after = {p.name: p.read_bytes() for p in kept.glob("*.json")}
    assert after.keys() == before.keys()
    assert [name for name in after if after[name] != before[name]] == ["prim.json"]  # terr's text is the same
    for slug, mtime in untouched.items():  # the other sites were left alone
        assert (out / slug / "index.html").stat().st_mtime_ns == mtime
    network = fragments(out / "fed" / search.NETWORK_INDEX)
    assert [p["url"] for p in network if "гололёдоустойчивость" in p["content"]] == [
        "https://prim.net.example/news/2026-03-01-sobranie/"
    ]
    assert len(network) == len(fragments(site / "fed" / search.NETWORK_INDEX))
    # A site that leaves the network leaves the network index too.
    shutil.rmtree(root / "orgs" / "other")
    assert run_cli("build", "-q", "-f", str(cfg)).exit_code == 0
    assert not (kept / "other.json").exists()
    assert not [p for p in fragments(out / "fed" / search.NETWORK_INDEX) if "other.net.example" in p["url"]]


def test_the_search_box_and_script_on_every_page(built):
    site, _ = built
    page = (site / "prim/news/2026-04-10-zarplata/index.html").read_text(encoding="utf-8")
    assert 'role="search"' in page and 'aria-live="polite"' in page
    assert 'data-index="https://net.example/pagefind/"' in page and 'data-org="prim"' in page
    assert "data-subtree" not in page
    assert "по всей сети" in page and "по нашей организации" not in page  # a primary has no members
    assert 'src="../../assets/union-network/un-search.js" type="module"' in page
    assert (site / "prim/assets/union-network/un-search.js").is_file()
    terr = (site / "terr/index.html").read_text(encoding="utf-8")
    assert "по нашей организации и её членским" in terr and 'data-subtree="terr other prim"' in terr
    fed = (site / "fed/index.html").read_text(encoding="utf-8")
    assert 'data-index="/pagefind/"' in fed and "data-subtree" not in fed  # own origin; its subtree is all
    # No inline script of ours, no handler attributes: the box works under script-src 'self'.
    box = re.search(r'<div class="un-search" data-un-search.*?<ol class="un-search__results"', page, re.S).group(0)
    assert "<script" not in box and not re.search(r"\son[a-z]+=", box)


def test_path_layout_uses_one_origin(tmp_path):
    cfg = write_search_network(tmp_path / "net", url_style="path")
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "net/site/prim/index.html").read_text(encoding="utf-8")
    assert 'data-index="/pagefind/"' in page
    urls = {p["url"] for p in fragments(tmp_path / "net/site/fed" / search.NETWORK_INDEX)}
    assert "https://net.example/prim/news/2026-04-10-zarplata/" in urls


def test_csp_sources():
    view = search.SearchView("https://net.example/pagefind/", "prim", (), False, "https://net.example")
    sources = search.csp_sources(view)
    assert "'wasm-unsafe-eval'" in sources["script-src"] and sources["worker-src"] == ["'self'"]
    assert sources["script-src"] == ["'self'", "'wasm-unsafe-eval'", "https://net.example"]
    assert sources["connect-src"] == ["'self'", "https://net.example"]
    root = search.csp_sources(search.SearchView("/pagefind/", "fed", (), True, "https://net.example"))
    assert root["connect-src"] == ["'self'"] and "https://net.example" not in root["script-src"]
    assert search.CSP_SOURCES["connect-src"] == ["'self'"]  # the constant is not changed by csp_sources


def test_no_lunr_search_plugin_in_the_demo_config():
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert "search" not in names


def test_extract_record_reads_what_pagefind_reads():
    html = (
        '<html><head><link rel="canonical" href="https://a.example/x/?a=1&amp;b=2"></head><body>'
        "<nav>Меню</nav><main><div data-pagefind-body>"
        '<div hidden data-pagefind-ignore><span data-pagefind-meta="title">Заголовок &amp; ко</span>'
        '<span data-pagefind-filter="category">Акции</span><span data-pagefind-filter="category">Молодёжь</span>'
        '<span data-pagefind-sort="date">2026-01-02</span></div>'
        "<h1>Заголовок</h1><p>Первый<br>абзац <b>жирный</b></p><script>var x = 1;</script>"
        '<p data-pagefind-ignore>не индексировать</p><img src="a.png" alt="фото"><p>Второй</p></div>'
        "<footer>Подвал</footer></main></body></html>"
    )
    record = search.extract_record(html)
    assert record == {
        "url": "https://a.example/x/?a=1&b=2",
        "content": "Заголовок\nПервый\nабзац жирный\nВторой",
        "meta": {"title": "Заголовок & ко"},
        "filters": {"category": ["Акции", "Молодёжь"]},
        "sort": {"date": "2026-01-02"},
    }
    assert search.extract_record(html.replace("data-pagefind-body", "")) is None
    assert search.extract_record(html.replace('rel="canonical"', 'rel="x"')) is None


def test_serve_answers_search_index_requests_of_the_networks_sites_only():
    host = "localhost:8000"
    allowed = search_cors("/pagefind/pagefind-entry.json", "http://prim.localhost:8000", host)
    assert allowed == {"Access-Control-Allow-Origin": "http://prim.localhost:8000", "Vary": "Origin"}
    assert search_cors("/pagefind/index/ru_1.pf_index", "http://localhost:8000", host)
    assert search_cors("/pagefind/x", "http://evil.example", host) == {}
    assert search_cors("/pagefind/x", "http://prim.localhost:9999", host) == {}
    assert search_cors("/news/", "http://prim.localhost:8000", host) == {}
    assert search_cors("/pagefind/x", None, host) == {}


def test_nginx_config_sends_cors_for_the_indexes_in_the_subdomain_layout():
    full = nginx_config(NginxOptions("net.example", "fed"))
    conf = "\n".join(line for line in full.splitlines() if not line.startswith("#"))  # HTTPS: commented out
    assert "map $http_origin $un_search_cors_net_example {" in conf
    assert r'"~^https?://([a-z0-9-]{2,40}\.)?net\.example$" $http_origin;' in conf
    assert conf.count("location ^~ /pagefind/") == 2  # the root's server and the members'
    assert conf.count("add_header Access-Control-Allow-Origin $un_search_cors_net_example always;") == 2
    path = nginx_config(NginxOptions("net.example", "fed", url_style="path"))
    assert "Access-Control-Allow-Origin" not in path  # one origin: nothing to allow
