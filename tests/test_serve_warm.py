"""A warm ``serve``: between saves it keeps its renderer and render workers (build/warm.py),
makes them again when what they are made from changes, and shows what a clean build shows."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from netfactory import CHAIN, write_network

from union_network.build.builder import build_network
from union_network.render.mkdocs.render import MkDocsRenderer
from union_network.tools.serve import Preview

TREE = CHAIN
POSTS = [
    dict(org="prim", stem="2026-01-05-a", title="Собрание", date="2026-01-05", reach="federation"),
    dict(org="terr", stem="2026-02-01-c", title="Всем", date="2026-02-01", broadcast=True),
]


def network(tmp_path: Path) -> Path:
    """The tiny network, with a theme/ folder (``custom_dir``) whose copyright partial a test edits."""
    cfg = write_network(tmp_path / "net", TREE, POSTS)
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: theme\n", 1), encoding="utf-8")
    set_copyright(cfg, "Первая")
    return cfg


def set_copyright(cfg: Path, text: str) -> None:
    partial = cfg.parent / "theme" / "partials" / "copyright.html"
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text(f'<div class="md-copyright">{text}</div>\n', encoding="utf-8")


def sites(out: Path) -> dict[str, str]:
    """Every file of every site (the preview's folder, through its generation link)."""
    found = {}
    for slug in TREE:
        top = Path(os.path.realpath(out / slug))
        for p in sorted(top.rglob("*")):
            if p.is_file():
                found[f"{slug}/{p.relative_to(top).as_posix()}"] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


def edit_title(cfg: Path, title: str) -> None:
    post = cfg.parent / "orgs" / "prim" / "news" / "2026-01-05-a.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Собрание", title), encoding="utf-8")


def test_workers_are_kept_between_saves_and_output_is_a_clean_builds(tmp_path):
    cfg = network(tmp_path)
    lines: list[str] = []
    preview = Preview(cfg, MkDocsRenderer, 8901, jobs=2, echo=lines.append, out_dir=tmp_path / "preview")
    try:
        assert preview.rebuild() is not None, lines
        pool = preview.workers.pool()
        edit_title(cfg, "Собрание профкома")
        result = preview.rebuild()
        assert result is not None and "prim" in result.built, lines
        preview.wait_for_search()
        assert lines[-1].startswith("Поиск обновлён"), lines  # after the pages («Пересобрано: …»)
        assert preview.workers.started == 1 and preview.workers.pool() is pool  # the same processes
        assert "Собрание профкома" in (tmp_path / "preview/prim/news/2026-01-05-a/index.html").read_text("utf-8")

        clean = build_network(cfg, MkDocsRenderer, tmp_path / "clean", preview_host=preview.host)  # search and all
        assert clean.built == sorted(TREE)
        assert sites(tmp_path / "preview") == sites(tmp_path / "clean")

        # A template override changes every page: new workers, with a renderer that reads it.
        assert "Первая" in (tmp_path / "preview/fed/index.html").read_text("utf-8")
        set_copyright(cfg, "Тёплая сборка")
        result = preview.rebuild()
        assert result is not None and result.built == sorted(TREE), lines
        assert preview.workers.started == 2 and preview.workers.pool() is not pool
        assert "Тёплая сборка" in (tmp_path / "preview/fed/index.html").read_text("utf-8")
    finally:
        preview.stop()
    assert preview.workers._pool is None  # stopped with the preview


def test_one_renderer_in_process_until_the_theme_changes(tmp_path):
    cfg = network(tmp_path)
    lines: list[str] = []
    preview = Preview(cfg, MkDocsRenderer, 8902, jobs=1, echo=lines.append, out_dir=tmp_path / "preview")
    warm = preview.renderer_factory
    assert preview.rebuild() is not None, lines
    first = warm(cfg)
    edit_title(cfg, "Собранье")
    assert preview.rebuild() is not None, lines
    assert warm.made == 1 and warm(cfg) is first
    assert preview.workers.pool() is None  # one job: no worker processes at all

    set_copyright(cfg, "Объявление")
    result = preview.rebuild()
    assert result is not None and result.built == sorted(TREE), lines
    assert warm.made == 2 and warm(cfg) is not first
    assert "Объявление" in (tmp_path / "preview/prim/index.html").read_text("utf-8")


def test_the_news_index_stays_in_memory_between_builds(tmp_path, monkeypatch):
    import pickle
    import types
    from datetime import UTC, datetime

    from union_network.read import cache
    from union_network.read.load import load_network

    cfg = network(tmp_path)
    cache_dir = tmp_path / "cache"
    now = datetime(2026, 6, 1, tzinfo=UTC)
    monkeypatch.setattr(cache, "_keeping", False)
    monkeypatch.setattr(cache, "_KEPT", {})
    cache.keep_in_memory()
    first, problems = load_network(cfg, now, cache_dir=cache_dir)
    assert first is not None and not problems and first.cache_stats == (0, 2)

    def refuse(data):
        raise AssertionError("a post kept in memory was unpickled again")

    monkeypatch.setattr(cache, "pickle", types.SimpleNamespace(loads=refuse, dumps=pickle.dumps, HIGHEST_PROTOCOL=5))
    again, _ = load_network(cfg, now, cache_dir=cache_dir)
    assert again is not None and again.cache_stats == (2, 0) and again.posts == first.posts

    edit_title(cfg, "Собрание профкома")
    edited, _ = load_network(cfg, now, cache_dir=cache_dir)
    assert edited is not None and edited.cache_stats == (1, 1)
    assert {p.title for p in edited.posts} == {"Собрание профкома", "Всем"}

    # Another process rewrote the cache file: it is read again, not trusted from memory.
    monkeypatch.setattr(cache, "pickle", pickle)
    index = cache_dir / "news-index.sqlite"
    st = index.stat()
    os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    monkeypatch.setattr(cache.IndexCache, "_keep", lambda self: None)  # this build only reads
    reread, _ = load_network(cfg, now, cache_dir=cache_dir)
    assert reread is not None and reread.cache_stats == (2, 0) and reread.posts == edited.posts
    assert all(a is not b for a, b in zip(reread.posts, edited.posts))  # fresh from SQLite


def test_the_next_save_does_not_wait_for_the_search_refresh(tmp_path, monkeypatch):
    """The network search index is refreshed in the background, without the output's lock: a save
    made while it runs is built at once, and the refresh made stale by it is dropped, not installed
    over the newer output; the newer build's own refresh is."""
    import threading

    from union_network.build import builder
    from union_network.features import search
    from union_network.tools import serve

    cfg = network(tmp_path)
    lines: list[str] = []
    preview = Preview(cfg, MkDocsRenderer, 8903, jobs=1, echo=lines.append, out_dir=tmp_path / "preview")
    assert preview.rebuild() is not None, lines
    preview.wait_for_search()
    release, entered = threading.Event(), threading.Event()
    real_prepare, real_refresh = search.prepare_network_index, builder.refresh_search
    outcomes: list[bool] = []

    def slow_prepare(*args):  # Pagefind at work, held: the output's lock is not taken meanwhile
        entered.set()
        release.wait(60)
        return real_prepare(*args)

    def refresh(out_dir, root):
        outcomes.append(real_refresh(out_dir, root))
        return outcomes[-1]

    monkeypatch.setattr(search, "prepare_network_index", slow_prepare)
    monkeypatch.setattr(serve, "refresh_search", refresh)
    try:
        edit_title(cfg, "Первое")
        assert preview.rebuild() is not None, lines
        assert entered.wait(60)  # the first refresh runs (held)
        edit_title(cfg, "Второе")
        result = preview.rebuild()  # not blocked by it
        assert result is not None and "prim" in result.built, lines
        release.set()
        preview.wait_for_search(60)
    finally:
        release.set()
        preview.stop()
    assert outcomes == [False, True]  # the stale refresh dropped, the newer one installed
    clean = build_network(cfg, MkDocsRenderer, tmp_path / "clean", preview_host=preview.host)
    assert clean.built == sorted(TREE)
    assert sites(tmp_path / "preview") == sites(tmp_path / "clean")


def test_the_watcher_sees_what_a_build_reads_and_not_the_preview_output(tmp_path):
    """serve watches the root (mkdocs.yml) and content/, orgs/, theme/ with everything below them, not the
    whole root: its own output and caches are in .cache/ (on network-1000, 88 000 folders whose watches
    kept the watcher from seeing an edit)."""
    cfg = network(tmp_path)
    preview = Preview(cfg, MkDocsRenderer, 8904, jobs=1, echo=lambda _: None)
    watched = dict(preview.watched())
    root = cfg.parent
    assert watched[root] is False and watched[root / "content"] is True and watched[root / "orgs"] is True
    assert not any(recursive and preview.out_dir.is_relative_to(p) for p, recursive in watched.items())
