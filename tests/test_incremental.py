"""Incremental, parallel and sharded builds give exactly what a clean build gives (issue 4)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import rglob, run_cli
from netfactory import write_network, write_post, write_yaml

from union_network.build.builder import build_network, read_manifest
from union_network.render.mkdocs.render import MkDocsRenderer

TREE = {
    "fed": (None, "federation"),
    "terr": ("fed", "territorial"),
    "prim": ("terr", "primary"),
    "terr2": ("fed", "territorial"),
    "prim2": ("terr2", "primary"),
}
POSTS = [
    dict(org="prim", stem="2026-01-05-a", title="Собрание", date="2026-01-05", reach="federation"),
    dict(org="prim2", stem="2026-01-06-b", title="Вторая", date="2026-01-06"),
    dict(org="terr", stem="2026-02-01-c", title="Всем", date="2026-02-01", broadcast=True),
    dict(org="fed", stem="2026-03-01-d", title="Федерация", date="2026-03-01"),
]


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(rglob(folder, "*"))
        if p.is_file()
    }


def build(cfg: Path, out: Path, *extra: str) -> None:
    result = run_cli("build", "-q", "-j", "1", "-f", str(cfg), "--out", str(out), *extra)
    assert result.exit_code == 0, result.output


def rebuilt(cfg: Path, out: Path) -> list[str]:
    return build_network(cfg, MkDocsRenderer, out).built


def edit_post_title(root: Path) -> None:
    path = root / "orgs/prim/news/2026-01-05-a.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("title: Собрание", "title: Общее собрание"), encoding="utf-8"
    )


def edit_post_body(root: Path) -> None:
    path = root / "orgs/prim/news/2026-01-05-a.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nЕщё абзац в конце.\n", encoding="utf-8")


def add_post(root: Path) -> None:
    write_post(root / "orgs/prim2", "2026-04-01-new", title="Новая", date="2026-04-01")


def delete_post(root: Path) -> None:
    (root / "orgs/prim/news/2026-01-05-a.md").unlink()


def rename_org(root: Path) -> None:
    card = yaml.safe_load((root / "orgs/terr/org.yml").read_text(encoding="utf-8"))
    card["short_name"] = "Теркомпрофсоюза"
    write_yaml(root / "orgs/terr/org.yml", card)


def move_org_folder(root: Path) -> None:
    (root / "orgs/prim2").rename(root / "orgs/prim3")


def change_parent(root: Path) -> None:
    card = yaml.safe_load((root / "orgs/prim2/org.yml").read_text(encoding="utf-8"))
    card["parent"] = "terr"
    write_yaml(root / "orgs/prim2/org.yml", card)


def change_moderation(root: Path) -> None:
    write_yaml(root / "orgs/terr/moderation.yml", {"hide": ["prim/2026-01-05-a"]})


def change_theme(root: Path) -> None:
    (root / "theme").mkdir(exist_ok=True)
    (root / "theme/main.html").write_text(
        '{% extends "base.html" %}{% block extrahead %}<meta name="x-theme" content="2">{{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    cfg = root / "mkdocs.yml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n  custom_dir: theme\n"),
        encoding="utf-8",
    )


CHANGES = {
    # change -> the sites that must be rebuilt (None: don't check, only compare with a clean build)
    "edit a post's title": (edit_post_title, {"prim", "terr", "fed"}),
    # feeds carry the full post: the sites whose feeds carry it (network news up to the root) change too
    "edit a post's body only": (edit_post_body, {"prim", "terr", "fed"}),
    "add a post": (add_post, {"prim2", "terr2", "fed"}),  # fed: its maturity dashboard counts posts
    "delete a post": (delete_post, {"prim", "terr", "fed"}),
    "rename an org": (rename_org, None),
    "move an org's folder": (move_org_folder, None),
    "change a parent": (change_parent, {"prim2", "terr", "terr2", "fed"}),
    "change moderation": (change_moderation, {"terr", "fed"}),
    "change the theme": (change_theme, set(TREE)),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path]:
    """(work folder, snapshot): the network and its first build (``net/``, ``inc`` and its generation),
    made once in the work folder and kept as a snapshot that each case copies back to the same place
    (same absolute paths and mtimes: the fingerprints and caches see the build it was)."""
    folder = tmp_path_factory.mktemp("incremental")
    work, snapshot = folder / "work", folder / "snapshot"
    build(write_network(work / "net", TREE, POSTS), work / "inc")
    shutil.copytree(work, snapshot, symlinks=True)
    return work, snapshot


@pytest.mark.parametrize("change", list(CHANGES))
def test_incremental_output_is_identical_to_a_clean_build(base, change):
    apply, expected = CHANGES[change]
    cfg = restored(base)
    work = cfg.parent.parent
    incremental, clean = work / "inc", work / "clean"
    assert rebuilt(cfg, incremental) == []  # the copy is the first build
    apply(work / "net")
    built = rebuilt(cfg, incremental)
    if expected is not None:
        assert set(built) == expected
    build(cfg, clean, "--full")
    assert digest(incremental) == digest(clean)


def restored(base: tuple[Path, Path]) -> Path:
    """The work folder as the snapshot has it; returns its mkdocs.yml."""
    work, snapshot = base
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    return work / "net" / "mkdocs.yml"


def test_no_change_rebuilds_nothing(base):
    cfg = restored(base)
    out = cfg.parent.parent / "inc"
    before = digest(out)
    assert rebuilt(cfg, out) == []
    assert digest(out) == before


def test_a_deleted_site_folder_is_rebuilt(base):
    cfg = restored(base)
    out = cfg.parent.parent / "inc"
    (out / "prim2").unlink()  # the output's link to the site's version (build/publish.py)
    assert rebuilt(cfg, out) == ["prim2"]


def test_the_news_index_cache_reads_only_changed_posts(tmp_path):
    cfg = write_network(tmp_path / "net", TREE, POSTS)
    first = build_network(cfg, MkDocsRenderer, tmp_path / "out")
    assert (first.cache_hits, first.cache_misses) == (0, len(POSTS))
    add_post(tmp_path / "net")
    from union_network.read.cache import IndexCache
    from union_network.read.load import default_cache_dir, load_network

    network, _ = load_network(cfg, cache_dir=default_cache_dir(tmp_path / "net"))
    assert network.cache_stats == (len(POSTS), 1)  # only the new post is parsed
    cache = IndexCache(default_cache_dir(tmp_path / "net") / "news-index.sqlite")
    assert len(cache.stored_paths()) == len(POSTS) + 1
    assert len(network.posts) == len(POSTS) + 1


def test_parallel_output_is_identical_to_one_job(tmp_path):
    cfg = write_network(tmp_path / "net", TREE, POSTS)
    build(cfg, tmp_path / "one", "--full")
    result = run_cli("build", "-q", "-j", "2", "-f", str(cfg), "--out", str(tmp_path / "two"))
    assert result.exit_code == 0, result.output
    assert digest(tmp_path / "one") == digest(tmp_path / "two")


def test_merged_shards_are_byte_identical_to_one_build(tmp_path):
    cfg = write_network(tmp_path / "net", TREE, POSTS)
    build(cfg, tmp_path / "one")
    shards = []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        build(cfg, out, "--shard", f"{k}/3")
        shards.append(out)
    sites = [set(read_manifest(s)["sites"]) for s in shards]
    assert set().union(*sites) == set(TREE) and sum(len(s) for s in sites) == len(TREE)
    result = run_cli("merge", *map(str, shards), "--out", str(tmp_path / "merged"))
    assert result.exit_code == 0, result.output
    assert digest(tmp_path / "merged") == digest(tmp_path / "one")


def test_shards_are_balanced_and_deterministic(tmp_path):
    from union_network.build.builder import assign_shards
    from union_network.core.dates import build_time
    from union_network.features.registry import planner
    from union_network.read.load import load_network

    posts = [dict(org="prim", stem=f"2026-01-{d:02d}-p", date=f"2026-01-{d:02d}") for d in range(1, 29)]
    cfg = write_network(tmp_path / "net", TREE, posts)
    network, _ = load_network(cfg, build_time())
    plans = planner(network).plans()
    from union_network.build.builder import site_weight

    weights = {p.slug: site_weight(p) for p in plans}
    a, b = assign_shards(weights, 2), assign_shards(dict(reversed(list(weights.items()))), 2)
    assert a == b
    assert sorted(a[0] + a[1]) == sorted(TREE)
    assert "prim" in a[0] and len(a[0]) < len(a[1])  # the heavy site gets a shard with fewer sites


# -- the no-change fast path ---------------------------------------------------------------
def test_an_unchanged_network_is_not_even_read_again(tmp_path, monkeypatch):
    cfg = write_network(tmp_path / "net", TREE, POSTS)
    first = build_network(cfg, MkDocsRenderer, tmp_path / "out")
    import union_network.read.load as load

    def must_not_load(*args, **kwargs):
        raise AssertionError("the network was read although nothing changed")

    monkeypatch.setattr(load, "load_network", must_not_load)  # the builder imports it where it reads
    again = build_network(cfg, MkDocsRenderer, tmp_path / "out")
    assert again.built == [] and (again.sites, again.posts, again.root) == (first.sites, first.posts, first.root)


def test_a_post_falling_due_is_published_although_no_file_changed(tmp_path, monkeypatch):
    posts = POSTS + [dict(org="prim", stem="2026-06-01-later", title="Позже", date="2026-06-01T18:00:00+03:00")]
    cfg = write_network(tmp_path / "net", TREE, posts)
    build_network(cfg, MkDocsRenderer, tmp_path / "out")  # 2026-06-01 15:00 in Moscow: not yet due
    assert not (tmp_path / "out/prim/news/2026-06-01-later").exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1780315200 + 4 * 3600))  # 19:00 in Moscow
    result = build_network(cfg, MkDocsRenderer, tmp_path / "out")
    assert "prim" in result.built
    assert (tmp_path / "out/prim/news/2026-06-01-later/index.html").is_file()


def test_next_change_is_the_next_due_post_event_or_midnight():
    from datetime import datetime, timedelta, timezone

    from union_network.core.dates import build_time
    from union_network.read.load import load_network

    posts = POSTS + [
        dict(org="prim", stem="2026-06-03-due", title="Позже", date="2026-06-03"),
        dict(
            org="terr",
            stem="2026-05-30-ev",
            title="Семинар",
            date="2026-05-30",
            event={"start": "2026-06-01T16:00:00+03:00", "end": "2026-06-01T18:00:00+03:00"},
        ),
    ]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cfg = write_network(Path(tmp) / "net", TREE, posts)
        network, _ = load_network(cfg, build_time())  # 2026-06-01 15:00 in Moscow
        msk = timezone(timedelta(hours=3))
        assert network.next_change() == datetime(2026, 6, 1, 16, 0, tzinfo=msk)  # the event starts
        network.build_time = datetime(2026, 6, 1, 18, 30, tzinfo=msk)
        network.__dict__.pop("published", None)
        assert network.next_change() == datetime(2026, 6, 2, 0, 0, tzinfo=msk)  # midnight


def test_posts_parsed_in_worker_processes_are_the_same_as_in_one(tmp_path, monkeypatch):
    from union_network.core.dates import build_time
    from union_network.read import news
    from union_network.read.load import load_network

    posts = POSTS + [
        dict(org="prim2", stem=f"2026-02-{d:02d}-p", title=f"Пост {d}", date=f"2026-02-{d:02d}") for d in range(1, 20)
    ]
    cfg = write_network(tmp_path / "net", TREE, posts)
    (tmp_path / "net/orgs/prim/news/2026-03-03-bad.md").write_text(
        "---\ntitle: X\ndate: вчера\n---\n", encoding="utf-8"
    )
    one, problems_one = load_network(cfg, build_time())
    monkeypatch.setattr(news, "PARALLEL_READ_THRESHOLD", 1)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        two, problems_two = load_network(cfg, build_time(), pool=pool)
    assert [p.id for p in one.posts] == [p.id for p in two.posts] and one.posts == two.posts
    assert list(problems_one) == list(problems_two) and len(problems_two.errors) == 1


def test_a_build_that_reads_some_news_keeps_the_cache_of_the_others(tmp_path):
    """An edit of prim2 (reach parent) reads only the news of prim2 and terr2 (the sites it reaches; no
    other post shows there); the cached posts of the others stay in the news index for the next build."""
    from union_network.read.cache import IndexCache
    from union_network.read.load import INDEX_FILE, default_cache_dir

    cfg = write_network(tmp_path / "net", TREE, POSTS)
    build_network(cfg, MkDocsRenderer, tmp_path / "out")
    path = tmp_path / "net/orgs/prim2/news/2026-01-06-b.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nЕщё абзац.\n", encoding="utf-8")
    result = build_network(cfg, MkDocsRenderer, tmp_path / "out")
    assert result.news_read == ["prim2", "terr2"]
    assert (result.cache_hits, result.cache_misses) == (0, 1)  # prim2's post read again, nothing else
    assert len(IndexCache(default_cache_dir(tmp_path / "net") / INDEX_FILE).stored_paths()) == len(POSTS)
    full = build_network(cfg, MkDocsRenderer, tmp_path / "out", full=True)
    assert full.news_read is None and (full.cache_hits, full.cache_misses) == (len(POSTS), 0)
