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
