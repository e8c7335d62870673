"""How news moves through the network (DESIGN §5), as small pure functions.

Every function takes the registry, published posts and moderation decisions
and returns posts; nothing here reads files or knows about pages. ``posts``
are the *published* posts (drafts and future posts are filtered before).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from union_network.core.models import Moderation
from union_network.core.network import Post, Registry

_NO_DECISIONS = Moderation()


def newest_first(posts: Iterable[Post]) -> list[Post]:
    """§5.6: newest first, ties broken by id."""
    return sorted(posts, key=lambda p: (-p.date.timestamp(), p.id))


def feed_window(posts: Iterable[Post], size: int) -> list[Post]:
    """§5.6: the ``size`` newest items."""
    return newest_first(posts)[:size]


def own_items(slug: str, posts: Iterable[Post]) -> list[Post]:
    """§5.1: an org's own published posts."""
    return newest_first(p for p in posts if p.org == slug)


def reached_ancestors(post: Post, registry: Registry, moderation: Mapping[str, Moderation]) -> list[str]:
    """§5.2–5.3: the ancestors of the post's org whose network news show it, nearest first.

    ``reach`` sets how far up the post may go (``self``: nowhere, ``parent``: one
    level, ``federation``: to the root). Walking up, at each ancestor A: a post
    A hides stops there (not shown at A); otherwise A shows it; if A promotes it,
    it goes on to the root as if its reach were ``federation``; if A reviews news
    from below and did not promote it, it stops after A.
    """
    limit = {"self": 0, "parent": 1, "federation": None}[post.reach]
    shown: list[str] = []
    for height, ancestor in enumerate(registry.ancestors(post.org)):
        if limit is not None and height >= limit:
            break
        decisions = moderation.get(ancestor, _NO_DECISIONS)
        if post.id in decisions.hide:
            break
        shown.append(ancestor)
        if post.id in decisions.promote:
            limit = None
        elif registry[ancestor].card.moderation == "review":
            break
    return shown


def network_items(
    slug: str, registry: Registry, posts: Iterable[Post], moderation: Mapping[str, Moderation]
) -> list[Post]:
    """§5.2: an org's own posts plus everything that reached it from below."""
    return newest_first(p for p in posts if p.org == slug or slug in reached_ancestors(p, registry, moderation))


def upstream_items(slug: str, registry: Registry, posts: Iterable[Post]) -> list[Post]:
    """§5.5: broadcasts of every ancestor of ``slug``."""
    ancestors = set(registry.ancestors(slug))
    return newest_first(p for p in posts if p.broadcast and p.org in ancestors)


def support_items(posts: Iterable[Post]) -> list[Post]:
    """§5.4: every ``support: true`` item, whatever its reach or any moderation."""
    return newest_first(p for p in posts if p.support)


@dataclass(frozen=True)
class Routes:
    """The result of routing every published post once: what each org's lists hold."""

    own: Mapping[str, list[Post]]
    network: Mapping[str, list[Post]]
    upstream: Mapping[str, list[Post]]
    support: list[Post]
    reached: Mapping[str, list[str]]  # post id -> ancestors that show it

    def rose_above(self, post: Post) -> bool:
        return bool(self.reached.get(post.id))


def route(registry: Registry, posts: Iterable[Post], moderation: Mapping[str, Moderation]) -> Routes:
    """Apply §5 to the whole network in one pass (same results as the per-org functions above)."""
    posts = newest_first(posts)
    own: dict[str, list[Post]] = {slug: [] for slug in registry.orgs}
    network: dict[str, list[Post]] = {slug: [] for slug in registry.orgs}
    broadcasts: dict[str, list[Post]] = {slug: [] for slug in registry.orgs}
    reached: dict[str, list[str]] = {}
    for post in posts:
        own[post.org].append(post)
        network[post.org].append(post)
        reached[post.id] = reached_ancestors(post, registry, moderation)
        for ancestor in reached[post.id]:
            network[ancestor].append(post)
        if post.broadcast:
            broadcasts[post.org].append(post)
    upstream = {
        slug: newest_first(p for a in registry.ancestors(slug) for p in broadcasts[a]) for slug in registry.orgs
    }
    return Routes(own=own, network=network, upstream=upstream, support=support_items(posts), reached=reached)


# -- what a change can reach (issue 14: plan only the sites a change can affect) ----------------
@dataclass(frozen=True)
class PostTrace:
    """What a build remembers of a post to know, at the next build, which sites showed it.

    ``key`` holds what orders, counts or routes the post (date, reach, support, broadcast,
    published): when it changes, every ancestor's aggregates (dashboards, roll-ups) may change.
    ``reached`` is where its network news went (:func:`reached_ancestors`), ``digest`` everything
    else it shows (title, summary, body, picture, event, categories)."""

    org: str
    key: tuple
    reached: tuple[str, ...]
    digest: str

    @property
    def published(self) -> bool:
        return bool(self.key[-1])

    @property
    def support(self) -> bool:
        return bool(self.key[2])

    @property
    def broadcast(self) -> bool:
        return bool(self.key[3])


def post_key(post: Post, published: bool) -> tuple:
    """The part of a post that routes, orders and counts it (see :class:`PostTrace`)."""
    return (post.date.isoformat(), post.reach, post.support, post.broadcast, published)


class Tree:
    """Parents of a registry, old or new: enough to walk up and down (a build remembers this)."""

    def __init__(self, parents: Mapping[str, str | None]):
        self.parents = dict(parents)
        self.children: dict[str, list[str]] = {slug: [] for slug in self.parents}
        for slug, parent in self.parents.items():
            if parent is not None and parent in self.children:
                self.children[parent].append(slug)

    def ancestors(self, slug: str) -> list[str]:
        chain: list[str] = []
        parent = self.parents.get(slug)
        while parent is not None and parent not in chain:
            chain.append(parent)
            parent = self.parents.get(parent)
        return chain

    def descendants(self, slug: str) -> list[str]:
        out: list[str] = []
        stack = list(self.children.get(slug, ()))
        while stack:
            child = stack.pop()
            if child not in out:
                out.append(child)
                stack.extend(self.children.get(child, ()))
        return out

    def root(self) -> str | None:
        return next((slug for slug, parent in self.parents.items() if parent is None), None)


def sites_of_post(old: PostTrace | None, new: PostTrace | None, trees: tuple[Tree, Tree]) -> set[str]:
    """The sites an added (``old`` None), deleted (``new`` None) or edited post can change.

    Its own site always. A post that was and is unpublished (a draft, a future post) shows nowhere
    else. When only what it shows changed: the ancestors its network news reached before and after
    (§5.2–5.3), the root for a support item (§5.4), the descendants for a broadcast (§5.5). When what
    routes, orders or counts it changed (or it came or went): every ancestor, whose dashboards and
    roll-ups count posts, plus the descendants of a broadcast."""
    old_tree, new_tree = trees
    sites: set[str] = set()
    versions = [v for v in (old, new) if v is not None]
    for version in versions:
        sites.add(version.org)
    if not any(v.published for v in versions):
        return sites
    routed = old is None or new is None or old.key != new.key or old.org != new.org
    for seen, tree in ((old, old_tree), (new, new_tree)):
        if seen is None:
            continue
        if routed:
            sites.update(tree.ancestors(seen.org))
        else:
            sites.update(seen.reached)
            if seen.support and (root := tree.root()) is not None:
                sites.add(root)
        if seen.broadcast:
            sites.update(tree.descendants(seen.org))
    return sites


def sites_of_org(slug: str, trees: tuple[Tree, Tree]) -> set[str]:
    """The sites a change of ``slug``'s card (name, parent, contacts, moderation mode), or of a file
    its posts show (a picture), can change: its own, its ancestors' (lists, members, registry,
    dashboards) and its descendants' (breadcrumbs, parent links, upstream news); in the old tree
    and the new."""
    sites = {slug}
    for tree in trees:
        if slug in tree.parents:
            sites.update(tree.ancestors(slug))
            sites.update(tree.descendants(slug))
    return sites


def sites_of_moderation(slug: str, trees: tuple[Tree, Tree]) -> set[str]:
    """The sites ``slug``'s moderation decisions (§5.3) can change: what ``slug`` and its ancestors
    show, and its children's own dashboards (whether a child's post rose above it is decided at
    ``slug``). Deeper orgs' posts rose above them at their own parents already."""
    sites = {slug}
    for tree in trees:
        if slug in tree.parents:
            sites.update(tree.ancestors(slug))
            sites.update(tree.children.get(slug, ()))
    return sites
