"""DESIGN §5, rule by rule, on tiny in-memory networks (no files, no MkDocs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from union_network.core.models import Moderation, OrgCard
from union_network.core.network import Network, Org, Post, Registry
from union_network.plan.flow import (
    feed_window,
    network_items,
    newest_first,
    own_items,
    reached_ancestors,
    route,
    support_items,
    upstream_items,
)
from union_network.read.options import NetworkOptions

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def registry(parents: dict[str, str | None], review: set[str] = frozenset()) -> Registry:
    """``parents``: slug -> parent slug (None for the root)."""
    orgs = {}
    for slug, parent in parents.items():
        has_kids = any(p == slug for p in parents.values())
        kind = "federation" if parent is None else ("territorial" if has_kids else "primary")
        card = OrgCard(name=slug, kind=kind, parent=parent, moderation="review" if slug in review else "auto")
        orgs[slug] = Org(slug, card, Path(slug), Path(slug) / "org.yml")
    root = next(o for o in orgs.values() if o.parent is None)
    return Registry(root=root, orgs=orgs)


def post(org: str, stem: str, day: int = 0, **fields) -> Post:
    fields.setdefault("reach", "parent")
    return Post(org=org, stem=stem, path=Path(stem), title=stem, date=T0 + timedelta(days=day), summary="", **fields)


# fed ── terr ── prim
#    └── terr2 ── prim2
TREE = {"fed": None, "terr": "fed", "prim": "terr", "terr2": "fed", "prim2": "terr2"}


def ids(posts: list[Post]) -> list[str]:
    return [p.id for p in posts]


# §5.1 -----------------------------------------------------------------------
def test_own_items_are_the_orgs_posts_only():
    posts = [post("prim", "a", 1), post("terr", "b", 2), post("prim", "c", 3)]
    assert ids(own_items("prim", posts)) == ["prim/c", "prim/a"]


# §5.2 -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reach", "expected"),
    [("self", []), ("parent", ["terr"]), ("federation", ["terr", "fed"])],
)
def test_reach_sets_how_far_up_a_post_goes(reach, expected):
    reg = registry(TREE)
    assert reached_ancestors(post("prim", "x", reach=reach), reg, {}) == expected


def test_reach_parent_from_a_territorial_reaches_the_root():
    assert reached_ancestors(post("terr", "x"), registry(TREE), {}) == ["fed"]


def test_network_news_is_own_plus_what_reached_from_below():
    reg = registry(TREE)
    posts = [
        post("prim", "up", 1, reach="federation"),
        post("prim", "local", 2, reach="self"),
        post("prim2", "sibling", 3, reach="parent"),
        post("terr", "own", 4),
    ]
    assert ids(network_items("terr", reg, posts, {})) == ["terr/own", "prim/up"]
    assert ids(network_items("fed", reg, posts, {})) == ["terr/own", "prim/up"]
    assert ids(network_items("terr2", reg, posts, {})) == ["prim2/sibling"]


# §5.3 hide --------------------------------------------------------------------
def test_hidden_item_stops_at_the_hiding_ancestor_and_is_not_shown_there():
    reg = registry(TREE)
    p = post("prim", "x", reach="federation")
    assert reached_ancestors(p, reg, {"terr": Moderation(hide=["prim/x"])}) == []
    assert reached_ancestors(p, reg, {"fed": Moderation(hide=["prim/x"])}) == ["terr"]


def test_hide_only_applies_to_the_named_post():
    reg = registry(TREE)
    mod = {"terr": Moderation(hide=["prim/x"])}
    assert reached_ancestors(post("prim", "y", reach="federation"), reg, mod) == ["terr", "fed"]


# §5.3 review + promote ----------------------------------------------------------
def test_review_org_keeps_news_from_below_unless_promoted():
    reg = registry(TREE, review={"terr"})
    p = post("prim", "x", reach="federation")
    assert reached_ancestors(p, reg, {}) == ["terr"]
    assert reached_ancestors(p, reg, {"terr": Moderation(promote=["prim/x"])}) == ["terr", "fed"]


def test_promotion_lifts_a_parent_reach_post_to_the_root():
    deep = {"fed": None, "terr": "fed", "sub": "terr", "prim": "sub"}
    reg = registry(deep)
    p = post("prim", "x", reach="parent")
    assert reached_ancestors(p, reg, {}) == ["sub"]
    assert reached_ancestors(p, reg, {"sub": Moderation(promote=["prim/x"])}) == ["sub", "terr", "fed"]


def test_promotion_cannot_reach_a_post_that_never_arrived():
    reg = registry(TREE)
    p = post("prim", "x", reach="self")
    assert reached_ancestors(p, reg, {"terr": Moderation(promote=["prim/x"])}) == []


def test_hide_above_a_promotion_still_stops_the_post():
    deep = {"fed": None, "terr": "fed", "sub": "terr", "prim": "sub"}
    reg = registry(deep, review={"sub"})
    mod = {"sub": Moderation(promote=["prim/x"]), "terr": Moderation(hide=["prim/x"])}
    assert reached_ancestors(post("prim", "x"), reg, mod) == ["sub"]


def test_review_does_not_hold_back_the_reviewing_orgs_own_posts():
    reg = registry(TREE, review={"terr"})
    assert reached_ancestors(post("terr", "own"), reg, {}) == ["fed"]


# §5.4 support ---------------------------------------------------------------------
def test_support_items_reach_the_root_whatever_reach_or_moderation():
    reg = registry(TREE, review={"terr"})
    posts = [
        post("prim", "strike", 1, reach="self", support=True),
        post("prim2", "hidden", 2, support=True),
        post("prim", "plain", 3),
    ]
    mod = {"terr2": Moderation(hide=["prim2/hidden"])}
    assert ids(support_items(posts)) == ["prim2/hidden", "prim/strike"]
    routes = route(reg, posts, mod)
    assert ids(routes.support) == ["prim2/hidden", "prim/strike"]
    assert "prim2/hidden" not in ids(routes.network["terr2"])


# §5.5 broadcast -------------------------------------------------------------------
def test_broadcasts_appear_on_every_descendant_in_upstream_news():
    reg = registry(TREE)
    posts = [post("fed", "all", 1, broadcast=True), post("terr", "mine", 2, broadcast=True), post("terr", "quiet", 3)]
    assert ids(upstream_items("prim", reg, posts)) == ["terr/mine", "fed/all"]
    assert ids(upstream_items("prim2", reg, posts)) == ["fed/all"]
    assert ids(upstream_items("terr", reg, posts)) == ["fed/all"]
    assert upstream_items("fed", reg, posts) == []


# §5.6 ordering and feed size ------------------------------------------------------
def test_newest_first_with_ties_broken_by_id():
    posts = [post("b", "z", 1), post("a", "z", 1), post("c", "old", 0), post("c", "new", 5)]
    assert ids(newest_first(posts)) == ["c/new", "a/z", "b/z", "c/old"]


def test_feed_window_keeps_the_newest_n():
    posts = [post("prim", f"p{i}", i) for i in range(7)]
    assert ids(feed_window(posts, 3)) == ["prim/p6", "prim/p5", "prim/p4"]


def test_ordering_compares_instants_not_local_times():
    moscow = timezone(timedelta(hours=3))
    a = Post("prim", "a", Path("a"), "a", datetime(2026, 1, 1, 10, 0, tzinfo=moscow), "")  # 07:00 UTC
    b = Post("prim", "b", Path("b"), "b", datetime(2026, 1, 1, 8, 0, tzinfo=UTC), "")  # 08:00 UTC
    assert ids(newest_first([a, b])) == ["prim/b", "prim/a"]


# route(): one pass gives the same answers as the per-org functions ----------------
def test_route_agrees_with_the_per_org_rules():
    reg = registry(TREE, review={"terr2"})
    posts = [
        post("prim", "a", 1, reach="federation"),
        post("prim2", "b", 2, reach="federation"),
        post("prim2", "c", 3, reach="federation"),
        post("terr", "d", 4, broadcast=True),
        post("fed", "e", 5, broadcast=True, support=True),
    ]
    mod = {"terr2": Moderation(promote=["prim2/c"])}
    routes = route(reg, posts, mod)
    for slug in TREE:
        assert routes.network[slug] == network_items(slug, reg, posts, mod)
        assert routes.upstream[slug] == upstream_items(slug, reg, posts)
        assert routes.own[slug] == own_items(slug, posts)
    assert ids(routes.network["fed"]) == ["fed/e", "terr/d", "prim2/c", "prim/a"]
    assert routes.rose_above(posts[0]) and not routes.rose_above(posts[4])


# drafts and future posts ----------------------------------------------------------------
def test_drafts_and_future_posts_are_not_published():
    reg = registry(TREE)
    posts = [post("prim", "draft", 0, draft=True), post("prim", "future", 10), post("prim", "now", 5)]
    net = Network(Path("."), NetworkOptions(), reg, posts, {}, build_time=T0 + timedelta(days=5))
    assert ids(net.published) == ["prim/now"]
