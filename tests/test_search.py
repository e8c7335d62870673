"""The network search (features/search.py): what is indexed, where the indexes go, the network index in
shards and its incremental indexing, the serve/nginx CORS for the indexes. The browser side is
tests/browser/test_search.py.

The search network's four sites hold a few records: its builds index with ``SHARD_RECORDS = 1`` (K = 8
shards, each site in its own), so every test sees a network index of several shards."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import rglob, run_cli
from searchnet import SECRET_WORDS, XSS_TEXT, write_search_network

from union_network.features import search
from union_network.tools.nginx import NginxOptions, nginx_config
from union_network.tools.serve import search_cors

REPO = Path(__file__).resolve().parent.parent


#: K of the search network's index with one record a shard: fed, terr, prim and other each in their own.
SHARDS = {"fed": "2", "terr": "6", "prim": "7", "other": "5"}


@pytest.fixture(scope="module", autouse=True)
def small_shards():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "SHARD_RECORDS", 1)
        yield


@pytest.fixture(scope="module")
def built(tmp_path_factory, small_shards):
    root = tmp_path_factory.mktemp("searchnet")
    cfg = write_search_network(root)
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    return root / "site", cfg


def records(site: Path, slug: str) -> list[dict]:
    return json.loads((site / ".union-network" / "search" / f"{slug}.json").read_text(encoding="utf-8"))


def fragments(index: Path) -> list[dict]:
    """Every page Pagefind holds in an index (its fragments, gzip with a ``pagefind_dcd`` signature): the
    network index's shards (``<index>/<n>/fragment/``) or one Pagefind bundle (``<index>/fragment/``)."""
    pages = []
    for path in sorted([*index.glob("fragment/*.pf_fragment"), *index.glob("*/fragment/*.pf_fragment")]):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        pages.append(json.loads(data[len(b"pagefind_dcd") :]))
    return pages


def test_the_root_site_carries_the_network_index_in_shards(built):
    site, _ = built
    index = site / "fed" / search.NETWORK_INDEX
    shards = json.loads((index / search.SHARDS_FILE).read_text(encoding="utf-8"))
    assert shards == {"shards": 8, "indexes": ["2", "5", "6", "7"]}  # 6 records, one a shard: K = 8
    assert {slug: search.shard_of(slug, 8) for slug in SHARDS} == SHARDS
    assert sorted(p.name for p in index.iterdir()) == ["2", "5", "6", "7", "pagefind.js", "shards.json"]
    for name in shards["indexes"]:  # each a Pagefind bundle, less the script (one for all, above)
        shard = index / name
        assert (shard / "wasm.ru.pagefind").is_file() and (shard / "pagefind-worker.js").is_file()
        entry = json.loads((shard / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(entry["languages"]) == ["ru"]  # one Russian index: Russian stemming
        assert not [n for n in (*search.UNUSED_FILES, "pagefind.js") if (shard / n).exists()]
        assert len((shard / search.SHARD_DIGEST).read_text(encoding="utf-8").strip()) == 64
    for slug, name in SHARDS.items():  # a site's pages are in its shard, and only there
        urls = {r["url"] for r in records(site, slug)}
        assert {p["url"] for p in fragments(index / name)} == urls
    for slug in ("fed", "terr", "prim", "other"):
        assert not (site / slug / "search" / "search_index.json").exists()  # Material's lunr search is gone
    assert not [s for s in ("terr", "prim", "other") if (site / s / search.NETWORK_INDEX).exists()]


def test_k_is_the_smallest_power_of_two_with_at_most_shard_records_a_shard(monkeypatch):
    monkeypatch.setattr(search, "SHARD_RECORDS", 1000)
    assert [search.shard_count(n) for n in (0, 1, 1000, 1001, 2000, 2001, 8711, 43391)] == [1, 1, 1, 2, 2, 4, 16, 64]
    monkeypatch.setattr(search, "SHARD_RECORDS", 1)
    assert [search.shard_count(n) for n in (1, 2, 3, 6, 8, 9)] == [1, 2, 4, 8, 8, 16]


def test_a_site_keeps_its_shard_and_shards_are_even():
    slugs = [f"org-{n}" for n in range(4000)]
    assert search.shard_of("prim", 8) == search.shard_of("prim", 8) == "7"
    assert search.slug_hash("prim") == 0x382CA22F  # the same function as un-search.js's shardOf
    for k in (8, 64):  # spread as by chance: every shard within four standard deviations of the mean
        counts = [0] * k
        for slug in slugs:
            counts[int(search.shard_of(slug, k))] += 1
        mean = len(slugs) / k
        assert all(abs(count - mean) < 4 * mean**0.5 for count in counts), counts
    # K doubles: a site goes to shard n or n + K (one shard becomes two)
    assert all(int(search.shard_of(s, 16)) % 8 == int(search.shard_of(s, 8)) for s in slugs)


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


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in rglob(folder) if p.is_file()}


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the sites' links to their versions followed) and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in rglob(folder) if p.is_file()}


def built_copy(built, tmp_path: Path) -> tuple[Path, Path]:
    """The search network copied into ``tmp_path/net`` (its sources only) and built there: (root, mkdocs.yml)."""
    root = tmp_path / "net"
    shutil.copytree(built[1].parent, root, ignore=shutil.ignore_patterns("site", ".cache"))
    cfg = root / "mkdocs.yml"
    assert run_cli("build", "-q", "-f", str(cfg)).exit_code == 0
    return root, cfg


def test_one_edited_post_re_indexes_only_its_shard(built, tmp_path, monkeypatch):
    stats = tmp_path / "stats.json"
    monkeypatch.setenv(search.STATS_ENV, str(stats))
    site, _ = built
    root, cfg = built_copy(built, tmp_path)
    out = root / "site"
    kept = out / ".union-network" / "search"
    before = {p.name: p.read_bytes() for p in kept.glob("*.json")}
    first = json.loads(stats.read_text())
    assert first["extracted_sites"] == 4 and first["shards"] == 4 and first["shards_indexed"] == 4
    assert first["shards_carried"] == 0 and first["indexed_records"] == first["network_records"] == 6
    assert first["pagefind_peak_mb"] > 0
    index = out / "fed" / search.NETWORK_INDEX
    shards_before = {name: inodes(index / name) for name in SHARDS.values()}
    untouched = {s: (out / s / "index.html").stat().st_mtime_ns for s in ("fed", "other")}
    post = root / "orgs/prim/news/2026-03-01-sobranie.md"
    post.write_text(post.read_text(encoding="utf-8").replace("охрану труда", "охрану труда и гололёдоустойчивость"))
    result = run_cli("build", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    assert "пересобрано 2" in result.output  # prim's site and its parent's (the post is in its network news) ...
    edit = json.loads(stats.read_text())
    assert edit["extracted_sites"] == 2  # ... and only their pages were read again
    after = {p.name: p.read_bytes() for p in kept.glob("*.json")}
    assert after.keys() == before.keys()
    assert [name for name in after if after[name] != before[name]] == ["prim.json"]  # terr's text is the same
    # Pagefind indexed prim's shard only (its 3 records); the other shards are the published files, linked.
    assert (edit["shards_indexed"], edit["shards_carried"], edit["indexed_records"]) == (1, 3, 3)
    for slug, name in SHARDS.items():
        assert (inodes(index / name) == shards_before[name]) == (slug != "prim"), slug
    for slug, mtime in untouched.items():  # the other sites were left alone
        assert (out / slug / "index.html").stat().st_mtime_ns == mtime
    network = fragments(index)
    assert [p["url"] for p in network if "гололёдоустойчивость" in p["content"]] == [
        "https://prim.net.example/news/2026-03-01-sobranie/"
    ]
    assert len(network) == len(fragments(site / "fed" / search.NETWORK_INDEX))
    # The index is, byte for byte, what a clean build of the same input writes.
    assert run_cli("build", "-q", "--full", "-f", str(cfg), "--out", str(tmp_path / "clean")).exit_code == 0
    assert contents(index) == contents(tmp_path / "clean" / "fed" / search.NETWORK_INDEX)
    # A site that leaves the network leaves the network index too (its shard is no more: K stays 8).
    shutil.rmtree(root / "orgs" / "other")
    assert run_cli("build", "-q", "-f", str(cfg)).exit_code == 0
    assert not (kept / "other.json").exists()
    assert json.loads((index / search.SHARDS_FILE).read_text()) == {"shards": 8, "indexes": ["2", "6", "7"]}
    assert not [p for p in fragments(index) if "other.net.example" in p["url"]]
    assert json.loads(stats.read_text())["shards_indexed"] == 0  # the others: carried


def test_k_doubles_when_the_records_outgrow_the_shards(built, tmp_path, monkeypatch):
    """More records than K * SHARD_RECORDS: K doubles, every shard is indexed again, a site's pages move to
    its shard of the new K (n or n + K); the index equals a clean build's."""
    stats = tmp_path / "stats.json"
    monkeypatch.setenv(search.STATS_ENV, str(stats))
    root, cfg = built_copy(built, tmp_path)
    monkeypatch.setattr(search, "SHARD_RECORDS", 0.5)  # as if twice the records: K = 16
    (root / "orgs/prim/news/2026-03-01-sobranie.md").touch()
    assert run_cli("build", "-q", "--full", "-f", str(cfg)).exit_code == 0
    index = root / "site" / "fed" / search.NETWORK_INDEX
    shards = json.loads((index / search.SHARDS_FILE).read_text())
    assert shards["shards"] == 16
    assert shards["indexes"] == sorted({search.shard_of(s, 16) for s in SHARDS}, key=int)
    assert json.loads(stats.read_text())["shards_indexed"] == len(shards["indexes"])
    for slug in SHARDS:
        assert {r["url"] for r in records(root / "site", slug)} <= {
            p["url"] for p in fragments(index / search.shard_of(slug, 16))
        }


def test_the_preview_refreshes_only_the_changed_shard_and_merge_indexes_every_shard(built, tmp_path):
    """serve publishes an edit with the published index (``search_now=False``), then ``refresh_search``
    re-indexes the edited site's shard and carries the others: the output is then a clean build's. And
    ``union-network merge`` of build shards writes the network index of them all, as a clean build does."""

    from union_network.build.builder import build_network, refresh_search
    from union_network.render.mkdocs.render import MkDocsRenderer

    _, cfg = built
    root = tmp_path / "net"
    shutil.copytree(cfg.parent, root, ignore=shutil.ignore_patterns("site", ".cache"))
    cfg, out = root / "mkdocs.yml", tmp_path / "preview"
    monkey = pytest.MonkeyPatch()
    monkey.setenv("SOURCE_DATE_EPOCH", "1780315200")
    try:
        build_network(cfg, MkDocsRenderer, out)
        index = out / "fed" / search.NETWORK_INDEX
        published = {name: inodes(index / name) for name in SHARDS.values()}
        post = root / "orgs/other/news/2026-05-20-xss.md"
        post.write_text(post.read_text(encoding="utf-8").replace("Текст про собрание", "Текст про субботник"))
        result = build_network(cfg, MkDocsRenderer, out, search_now=False)
        assert "other" in result.built and result.search_stale
        assert {name: inodes(index / name) for name in SHARDS.values()} == published  # as published
        assert refresh_search(out, "fed")
        for slug, name in SHARDS.items():  # other's shard indexed again, the others carried
            assert (inodes(index / name) == published[name]) == (slug != "other"), slug
        assert "субботник" in json.dumps(fragments(index / SHARDS["other"]), ensure_ascii=False)
        build_network(cfg, MkDocsRenderer, tmp_path / "clean", full=True)
        assert contents(out) == contents(tmp_path / "clean")
        # Built in two build shards, then merged: the same network index.
        for n in (1, 2):
            part = run_cli("build", "-q", "-f", str(cfg), "--shard", f"{n}/2", "--out", str(tmp_path / f"part{n}"))
            assert part.exit_code == 0, part.output
        merged = run_cli("merge", "--out", str(tmp_path / "merged"), str(tmp_path / "part1"), str(tmp_path / "part2"))
        assert merged.exit_code == 0, merged.output
        clean = tmp_path / "clean" / "fed" / search.NETWORK_INDEX
        assert contents(tmp_path / "merged" / "fed" / search.NETWORK_INDEX) == contents(clean)
    finally:
        monkey.undo()


def test_un_search_js_puts_a_site_in_the_same_shard(tmp_path):
    """un-search.js's shardOf (run by Node) and features/search.py's shard_of agree."""
    import shutil
    import subprocess

    node = shutil.which("node")
    assert node, "Node.js is needed (tests/setup/system-deps.sh)"
    script = (REPO / "plugins/union_network/write/static/un-search.js").read_text(encoding="utf-8")
    function = re.search(r"const shardOf = .*?\n  \};\n", script, re.S).group(0)
    slugs = ["fed", "prim", "ao-120", "velsk", "a", "shkola-1", *(f"org-{n}" for n in range(200))]
    program = (
        function
        + f"console.log(JSON.stringify({json.dumps(slugs)}.map((s) => [1, 8, 64, 1024].map((k) => shardOf(s, k)))));"
    )
    (tmp_path / "shard.mjs").write_text(program, encoding="utf-8")
    answer = subprocess.run([node, str(tmp_path / "shard.mjs")], capture_output=True, text=True, check=True).stdout
    assert json.loads(answer) == [[search.shard_of(s, k) for k in (1, 8, 64, 1024)] for s in slugs]


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


def test_an_index_pagefind_left_unfinished_is_written_again(tmp_path, monkeypatch):
    """Pagefind now and then leaves a file it wrote empty (seen under load): the index is written again."""
    records = [
        {"url": f"https://a.example/{n}/", "content": f"собрание номер {n}", "meta": {"title": f"T{n}"}}
        | {"filters": {"org": ["a"]}, "sort": {}}
        for n in range(3)
    ]
    search.prepare_index(records, tmp_path / "whole")
    real, calls = search._write_files, []

    def flaky(records, tmp):
        real(records, tmp)
        calls.append(tmp)
        if len(calls) == 1:  # the first time, a fragment left empty
            next((tmp / "fragment").glob("*.pf_fragment")).write_bytes(b"")

    monkeypatch.setattr(search, "_write_files", flaky)
    search.prepare_index(records, tmp_path / "again")
    assert len(calls) == 2
    assert contents(tmp_path / "again") == contents(tmp_path / "whole")
    broken = tmp_path / "whole" / "pagefind-worker.js"
    broken.write_bytes(broken.read_bytes()[:-100])  # a script cut short
    assert search._unwritten(tmp_path / "whole") == broken
