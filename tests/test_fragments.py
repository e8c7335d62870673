"""What the renderer does once per site instead of once per page (render/mkdocs/fragments.py, the
Markdown instance in render.py) changes no byte of the output.

Each network is built again with ``UNION_NETWORK_NO_REUSE=1`` (every page rendered whole, a new
Markdown instance per page, as MkDocs does) and the two outputs are compared file by file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EPOCH, rglob
from netfactory import write_small_network

from union_network.render.mkdocs.fragments import BASE, BLOCKS, FRAGMENTS, NO_REUSE

REPO = Path(__file__).resolve().parent.parent


def build_without_reuse(cfg: Path, out: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **{NO_REUSE: "1"})
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "-q", "--full", "-f", str(cfg), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def files(folder: Path) -> dict[str, bytes]:
    """Every output file but the build's own bookkeeping."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in rglob(folder, "*")
        if p.is_file() and ".union-network" not in p.relative_to(folder).parts
    }


@pytest.mark.parametrize("network", ["small_network", "path_network", "branded_network"])
def test_pages_are_the_same_bytes_as_rendered_whole(network, request, tmp_path):
    """The small network (Material's own look), the same with url_style: path (other relative URLs)
    and the branded one (the repository's theme/: its header and footer, card pages without sidebars)."""
    cfg, site = request.getfixturevalue(network)
    build_without_reuse(cfg, tmp_path / "whole")
    reused, whole = files(site), files(tmp_path / "whole")
    assert reused.keys() == whole.keys()
    assert sum(name.endswith(".html") for name in reused) > 20
    different = [name for name in reused if reused[name] != whole[name]]
    assert different == []


def _render_site(cfg: Path, slug: str, out: Path, monkeypatch) -> tuple[list, int]:
    """Render one site in-process; returns (the fragment caches installed, Markdown instances made)."""
    import markdown

    from union_network.build.builder import load_and_check
    from union_network.core.dates import build_time
    from union_network.render.mkdocs import plugin
    from union_network.render.mkdocs.render import MkDocsRenderer

    caches: list = []
    install = plugin.install_fragments

    def recording_install(env, nav):
        caches.append(install(env, nav))
        return caches[-1]

    made = []
    real = markdown.Markdown

    def counting(*args, **kwargs):
        if "extensions" in kwargs:  # a page's (MkDocs' config check makes one without)
            made.append(1)
        return real(*args, **kwargs)

    checked = load_and_check(cfg, build_time())
    assert checked.planner is not None and not checked.problems
    plan = checked.planner.plan(slug)
    monkeypatch.setattr(plugin, "install_fragments", recording_install)
    monkeypatch.setattr(markdown, "Markdown", counting)  # what render.py's pool asks for
    MkDocsRenderer(cfg).render(plan, out)
    return caches, len(made)


@pytest.mark.parametrize(
    ("network", "fragments"),
    [("small_network", {"partials/nav.html"}), ("branded_network", {"partials/nav.html", "partials/tabs.html"})],
)
def test_the_navigation_is_drawn_once_per_depth_and_markdown_built_once(
    network, fragments, request, tmp_path, monkeypatch
):
    """Material's tabs are on with a brandbook (render/mkdocs/theme.py)."""
    cfg, _ = request.getfixturevalue(network)
    caches, markdowns = _render_site(cfg, "prim", tmp_path / "prim", monkeypatch)
    [cache] = caches
    assert cache is not None
    blocks = {f"{BASE}:{block}" for block in BLOCKS}
    assert cache.fragments == FRAGMENTS.keys() | blocks
    pages = rglob(tmp_path / "prim", "index.html")
    in_nav = len(cache.nav_pages)
    assert 0 < in_nav < len(pages)
    depths = {name.count("/") for name in (p.relative_to(tmp_path / "prim").as_posix() for p in pages)}
    # Every page outside the navigation took the fragments from the cache (the navigation's own pages
    # did not), recorded once per depth.
    assert {name for name, _ in cache.entries} == fragments
    assert all(parts is not None for parts in cache.entries.values())
    for name in fragments:
        assert cache.hits[name] + cache.misses[name] == len(pages) - in_nav
        assert 0 < cache.misses[name] <= len(depths) and cache.hits[name] > 0
    # Every page took base.html's config and styles blocks, recorded once per depth and set of URLs.
    for name in blocks:
        assert cache.hits[name] + cache.misses[name] == len(pages)
        assert cache.misses[name] == sum(len(v) for (block, _), v in cache.variants.items() if block == name)
        assert 0 < cache.misses[name] <= len(depths) + 1 and cache.hits[name] > 0
    assert markdowns == 1  # one Markdown instance for the site's pages (MkDocs makes one per page)


def test_a_network_theme_overriding_the_navigation_is_rendered_per_page(tmp_path, monkeypatch):
    """theme/partials/nav-item.html of the network could read anything of the page: nothing is cached,
    and every page shows its own value."""
    import material

    cfg = write_small_network(tmp_path / "net")
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: theme\n"), encoding="utf-8")
    partials = tmp_path / "net" / "theme" / "partials"
    partials.mkdir(parents=True)
    source = (Path(material.__file__).parent / "templates" / "partials" / "nav-item.html").read_text(encoding="utf-8")
    (partials / "nav-item.html").write_text(
        source.replace('<span class="md-ellipsis">', '<span class="md-ellipsis" data-seen-from="{{ page.url }}">'),
        encoding="utf-8",
    )
    caches, _ = _render_site(cfg, "prim", tmp_path / "prim", monkeypatch)
    [cache] = caches
    assert cache is None or "partials/nav.html" not in cache.fragments
    posts = [p for p in rglob(tmp_path / "prim" / "news", "index.html") if p.parent.name.startswith("2026")]
    assert len(posts) >= 2
    for post in posts:
        url = post.parent.relative_to(tmp_path / "prim").as_posix() + "/"
        assert f'data-seen-from="{url}"' in post.read_text(encoding="utf-8")
    shutil.rmtree(tmp_path / "prim")


def test_a_fragment_whose_urls_do_not_reach_the_output_as_written_is_not_cached():
    from union_network.render.mkdocs.fragments import FragmentCache, _record

    cache = FragmentCache(nav=None)

    def renders(write):
        def render(context):
            values = []
            for value in ("a/", "b/"):
                cache.recording.append(value)
                values.append(f"\x00un-url:{len(cache.recording) - 1}\x00")
            yield write(*values)

        return render

    assert _record(cache, renders(lambda a, b: f"<a href='{a}'>{b}</a>"), None) == [
        "<a href='",
        "a/",
        "'>",
        "b/",
        "</a>",
    ]
    assert _record(cache, renders(lambda a, b: f"<a href='{b}'>{a}</a>"), None) == [
        "<a href='",
        "b/",
        "'>",
        "a/",
        "</a>",
    ]
    assert _record(cache, renders(lambda a, b: f"<a href='{a}'></a>"), None) is None  # one URL tested, not written
    assert _record(cache, renders(lambda a, b: a + a + b), None) is None  # one written twice
    assert _record(cache, renders(lambda a, b: a.upper() + b), None) is None  # one changed on its way
    assert cache.recording is None
