"""Only the sites a change can reach are planned (issue 14): the rules of plan/flow.py on tiny trees,
and builds that plan exactly those sites and still give what a clean build gives."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import rglob
from netfactory import org_card, write_network, write_post, write_yaml

from union_network.build.builder import build_network
from union_network.plan.flow import PostTrace, Tree, sites_of_moderation, sites_of_org, sites_of_post
from union_network.render.mkdocs.render import MkDocsRenderer

#       fed
#     /     \
#   terr    terr2
#   /  \      |
# prim prim3 prim2
PARENTS = {"fed": None, "terr": "fed", "terr2": "fed", "prim": "terr", "prim3": "terr", "prim2": "terr2"}
TREES = (Tree(PARENTS), Tree(PARENTS))


def trace(org="prim", *, date="2026-01-05", reach="parent", support=False, broadcast=False, published=True, **kw):
    return PostTrace(
        org, (date, reach, support, broadcast, published), tuple(kw.get("reached", ())), kw.get("digest", "a")
    )


def test_tree_walks_up_and_down():
    tree = Tree(PARENTS)
    assert tree.ancestors("prim") == ["terr", "fed"]
    assert sorted(tree.descendants("terr")) == ["prim", "prim3"]
    assert tree.root() == "fed"


def test_an_edit_that_changes_only_what_a_post_shows_reaches_where_it_went():
    old = trace(reached=("terr",), digest="a")
    new = trace(reached=("terr",), digest="b")
    assert sites_of_post(old, new, TREES) == {"prim", "terr"}
    local = trace(reach="self", digest="b")
    assert sites_of_post(trace(reach="self"), local, TREES) == {"prim"}


def test_support_items_reach_the_root_and_broadcasts_every_descendant():
    old = trace("prim2", reach="self", support=True)
    assert sites_of_post(old, trace("prim2", reach="self", support=True, digest="b"), TREES) == {"prim2", "fed"}
    cast = trace("terr", broadcast=True, reached=("fed",))
    assert sites_of_post(cast, trace("terr", broadcast=True, reached=("fed",), digest="b"), TREES) == {
        "terr",
        "fed",
        "prim",
        "prim3",
    }


def test_a_post_that_comes_goes_or_moves_in_time_reaches_every_ancestor():
    assert sites_of_post(None, trace(reach="self"), TREES) == {"prim", "terr", "fed"}  # dashboards count it
    assert sites_of_post(trace(), None, TREES) == {"prim", "terr", "fed"}
    assert sites_of_post(trace(), trace(date="2026-02-01"), TREES) == {"prim", "terr", "fed"}
    moved = PostTrace("prim2", trace().key, (), "a")
    assert sites_of_post(trace(), moved, TREES) == {"prim", "terr", "fed", "prim2", "terr2"}


def test_unpublished_posts_show_only_on_their_own_site():
    draft = trace(published=False)
    assert sites_of_post(draft, trace(published=False, digest="b"), TREES) == {"prim"}
    assert sites_of_post(None, draft, TREES) == {"prim"}


def test_a_card_reaches_up_and_down_a_moderation_file_up_and_to_the_children():
    assert sites_of_org("terr", TREES) == {"terr", "fed", "prim", "prim3"}
    # the children's dashboards show how many of their posts rose above them
    assert sites_of_moderation("fed", TREES) == {"fed", "terr", "terr2"}
    assert sites_of_moderation("terr", TREES) == {"terr", "fed", "prim", "prim3"}
    moved = Tree({**PARENTS, "prim2": "terr"})
    assert sites_of_org("prim2", (Tree(PARENTS), moved)) == {"prim2", "terr2", "terr", "fed"}


# -- builds ----------------------------------------------------------------------------------
TREE = {
    "fed": (None, "federation"),
    "terr": ("fed", "territorial"),
    "terr2": ("fed", "territorial"),
    "prim": ("terr", "primary"),
    "prim3": ("terr", "primary"),
    "prim2": ("terr2", "primary"),
}
POSTS = [
    dict(org="prim", stem="2026-01-05-a", title="Собрание", date="2026-01-05"),
    dict(org="prim", stem="2026-01-07-self", title="Только у нас", date="2026-01-07", reach="self"),
    dict(org="prim", stem="2026-01-09-draft", title="Черновик", date="2026-01-09", draft=True),
    dict(org="prim2", stem="2026-01-06-b", title="Поддержим", date="2026-01-06", reach="self", support=True),
    dict(org="terr", stem="2026-02-01-c", title="Всем", date="2026-02-01", broadcast=True),
    dict(org="fed", stem="2026-03-01-d", title="Федерация", date="2026-03-01"),
]


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def news(root: Path, org: str, stem: str) -> Path:
    return root / ("content" if org == "fed" else f"orgs/{org}") / "news" / f"{stem}.md"


def edit_card(root: Path, slug: str, **changes) -> None:
    path = root / "orgs" / slug / "org.yml"
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    write_yaml(path, {**card, **changes})


def add_org(root: Path) -> None:
    write_yaml(root / "orgs/prim4/org.yml", org_card("Первичка 4", parent="terr2"))
    write_post(root / "orgs/prim4", "2026-04-02-hello", title="Здравствуйте", date="2026-04-02")


CHANGES = {
    "title of a post to the parent": (
        lambda r: replace_in(news(r, "prim", "2026-01-05-a"), "Собрание", "Общее собрание"),
        {"prim", "terr"},
    ),
    "title of a post for the org only": (
        lambda r: replace_in(news(r, "prim", "2026-01-07-self"), "Только у нас", "Только здесь"),
        {"prim"},
    ),
    "a draft": (lambda r: replace_in(news(r, "prim", "2026-01-09-draft"), "Черновик", "Набросок"), {"prim"}),
    "date of a post": (
        lambda r: replace_in(news(r, "prim", "2026-01-05-a"), "2026-01-05", "2026-01-08"),
        {"prim", "terr", "fed"},
    ),
    "a support item": (
        lambda r: replace_in(news(r, "prim2", "2026-01-06-b"), "Поддержим", "Поддержим коллег"),
        {"prim2", "fed"},
    ),
    "a broadcast": (
        lambda r: replace_in(news(r, "terr", "2026-02-01-c"), "title: Всем", "title: Всем первичкам"),
        {"terr", "fed", "prim", "prim3"},
    ),
    "a new post": (
        lambda r: write_post(r / "orgs/prim3", "2026-04-01-new", title="Новая", date="2026-04-01"),
        {"prim3", "terr", "fed"},
    ),
    "an own page": (
        lambda r: (r / "orgs/prim3/about.md").write_text("# О нас\n\nМы — первичка.\n", encoding="utf-8"),
        {"prim3"},
    ),
    "moderation": (
        lambda r: write_yaml(r / "orgs/terr/moderation.yml", {"hide": ["prim/2026-01-05-a"]}),
        {"terr", "fed", "prim", "prim3"},
    ),
    "a card": (lambda r: edit_card(r, "terr2", short_name="Теркомпрофсоюза-2"), {"terr2", "fed", "prim2"}),
    "a card's default reach": (lambda r: edit_card(r, "prim3", news_reach="federation"), {"prim3", "terr", "fed"}),
    "a new org": (add_org, {"prim4", "terr2", "fed"}),
}


#: The orgs whose news a build reads whole after each change (issue 14: unaffected sites are not
#: loaded): the touched folder's and the planned sites'; the other posts those sites show (from below,
#: ancestors' broadcasts, support items) are read one by one. A moderation file, or a card's parent,
#: moderation mode or default reach, may reroute any post: everything is read.
NEWS_READ: dict[str, set[str] | None] = {
    "title of a post to the parent": {"prim", "terr"},
    "title of a post for the org only": {"prim"},
    "a draft": {"prim"},
    "date of a post": {"prim", "terr", "fed"},
    "a support item": {"prim2", "fed"},
    "a broadcast": {"terr", "fed", "prim", "prim3"},
    "a new post": {"prim3", "terr", "fed"},
    "an own page": {"prim3"},
    "moderation": None,
    "a card": {"terr2", "fed", "prim2"},  # a name: no post moves (a parent or reach would: all)
    "a card's default reach": None,
    "a new org": {"prim4", "terr2", "fed"},  # no other post's route changes
}


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("scope")
    work, snapshot = folder / "work", folder / "snapshot"
    cfg = write_network(work / "net", TREE, POSTS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1780315200")
        build_network(cfg, MkDocsRenderer, work / "inc")
    shutil.copytree(work, snapshot, symlinks=True)
    return work, snapshot


def digest(folder: Path) -> dict[str, str]:
    found = {}
    for path in rglob(folder):
        if path.is_file() and ".union-network" not in path.parts:
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_build_plans_only_the_sites_the_change_reaches(base, change):
    work, snapshot = base
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    cfg = work / "net" / "mkdocs.yml"
    apply, expected = CHANGES[change]
    apply(work / "net")
    result = build_network(cfg, MkDocsRenderer, work / "inc")
    assert set(result.planned) == expected
    assert set(result.built) <= expected
    read = NEWS_READ[change]
    assert result.news_read == (sorted(read) if read is not None else None)
    build_network(cfg, MkDocsRenderer, work / "clean", full=True)
    assert digest(work / "inc") == digest(work / "clean")


def test_without_a_memory_every_site_is_planned(base, tmp_path):
    work, snapshot = base
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    shutil.rmtree(work / "net" / ".cache" / "union-network" / "builds")
    replace_in(news(work / "net", "prim", "2026-01-07-self"), "Только у нас", "Только здесь")
    result = build_network(work / "net" / "mkdocs.yml", MkDocsRenderer, work / "inc")
    assert set(result.planned) == set(TREE) and result.built == ["prim"]


def test_the_preview_publishes_pages_first_and_the_search_index_after(base):
    """``search_now=False`` (serve): the edit is published with the network index as it was; then
    ``refresh_search`` brings the output to exactly what a clean build gives."""
    from union_network.build.builder import refresh_search

    work, snapshot = base
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    cfg = work / "net" / "mkdocs.yml"
    index = "fed/pagefind/0/pagefind-entry.json"  # its one shard (K = 1)
    before = (work / "inc" / index).read_bytes()
    replace_in(news(work / "net", "fed", "2026-03-01-d"), "title: Федерация", "title: Федерация сообщает")
    result = build_network(cfg, MkDocsRenderer, work / "inc", search_now=False)
    assert "fed" in result.built and result.search_stale
    assert (work / "inc" / index).read_bytes() == before  # the published index, carried
    build_network(cfg, MkDocsRenderer, work / "clean", full=True)
    assert digest(work / "inc") != digest(work / "clean")
    refresh_search(work / "inc", "fed")
    assert digest(work / "inc") == digest(work / "clean")


def test_a_re_rendered_site_takes_its_unchanged_pages_from_the_published_one(base):
    """Per-page digests (build/fingerprint.py): an edited post re-renders its page and the pages that
    list it; the site's other pages are hard links to the published ones, and the output is still
    what a clean build gives. A change to what every page shows (a new own page: the navigation)
    renders every page."""
    work, snapshot = base
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    cfg = work / "net" / "mkdocs.yml"
    unchanged = work / "inc" / "prim" / "news" / "2026-01-05-a" / "index.html"
    before = unchanged.stat().st_ino
    replace_in(news(work / "net", "prim", "2026-01-07-self"), "Только у нас", "Только здесь")
    result = build_network(cfg, MkDocsRenderer, work / "inc")
    assert result.built == ["prim"] and result.reused_pages > 0
    assert unchanged.stat().st_ino == before  # the same file, not rendered again
    assert "Только здесь" in (work / "inc" / "prim" / "news" / "2026-01-07-self" / "index.html").read_text("utf-8")
    build_network(cfg, MkDocsRenderer, work / "clean", full=True)
    assert digest(work / "inc") == digest(work / "clean")
    (work / "net" / "orgs" / "prim" / "about.md").write_text("# О нас\n\nПервичка.\n", encoding="utf-8")
    result = build_network(cfg, MkDocsRenderer, work / "inc")
    assert result.built == ["prim"] and result.reused_pages == 0
    assert unchanged.stat().st_ino != before


def test_moderation_ids_are_checked_against_posts_not_read(base):
    """A build that does not read prim's news still knows its posts: terr's moderation
    file naming an existing post of prim gives no warning, naming a missing one does, as in a full build."""
    work, snapshot = base
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    cfg = work / "net" / "mkdocs.yml"
    write_yaml(work / "net/orgs/terr/moderation.yml", {"hide": ["prim/2026-01-05-a", "prim/2026-01-01-nope"]})
    full = build_network(cfg, MkDocsRenderer, work / "inc")
    assert full.news_read is None
    replace_in(news(work / "net", "prim2", "2026-01-06-b"), "Поддержим", "Поддержим коллег")
    partial = build_network(cfg, MkDocsRenderer, work / "inc")
    assert partial.news_read == ["fed", "prim2", "terr"]  # terr had a warning: its folder is read again
    assert partial.warnings == full.warnings
    missing = "hide: новости 'prim/2026-01-01-nope' нет в сети (id = <slug организации>/<имя файла без .md>)"
    assert [w for w in partial.warnings if "moderation.yml" in w] == [
        f"orgs/terr/moderation.yml:3: предупреждение: {missing}"
    ]
