"""Domain objects: the registry of organisations, the news index, the network.

Plain data, no I/O and no MkDocs: the readers build these, the flow rules and
site plans read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from union_network.core.models import Event, Moderation, OrgCard
from union_network.read.options import NetworkOptions


@dataclass(frozen=True)
class Org:
    slug: str
    card: OrgCard
    folder: Path  # the org's docs folder: content/ for the root, orgs/<slug>/ otherwise
    card_path: Path

    @property
    def name(self) -> str:
        return self.card.name

    @property
    def short_name(self) -> str:
        return self.card.short_name or self.card.name

    @property
    def parent(self) -> str | None:
        return self.card.parent

    @property
    def kind(self) -> str:
        return self.card.kind


@dataclass
class Registry:
    root: Org
    orgs: dict[str, Org]  # every org, root included, in a stable order (root first, then by slug)

    @cached_property
    def children(self) -> dict[str, list[str]]:
        kids: dict[str, list[str]] = {slug: [] for slug in self.orgs}
        for org in self.orgs.values():
            if org.parent is not None:
                kids[org.parent].append(org.slug)
        return {slug: sorted(v) for slug, v in kids.items()}

    def ancestors(self, slug: str) -> list[str]:
        """Parent first, root last; empty for the root."""
        chain = []
        parent = self.orgs[slug].parent
        while parent is not None:
            chain.append(parent)
            parent = self.orgs[parent].parent
        return chain

    def descendants(self, slug: str) -> list[str]:
        """Every org below ``slug``, depth first in slug order."""
        out: list[str] = []
        for child in self.children[slug]:
            out.append(child)
            out.extend(self.descendants(child))
        return out

    def has_members(self, slug: str) -> bool:
        return bool(self.children[slug])

    def __getitem__(self, slug: str) -> Org:
        return self.orgs[slug]

    def __iter__(self):
        return iter(self.orgs.values())


@dataclass(frozen=True)
class Post:
    """One news post as the index knows it: front matter and a plain-text summary, no body."""

    org: str
    stem: str
    path: Path
    title: str
    date: datetime  # time-zone aware
    summary: str
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    reach: str = "parent"  # effective reach (post value or the org's news_reach)
    support: bool = False
    broadcast: bool = False
    draft: bool = False
    event: Event | None = None
    image: str | None = None  # the picture, a path in the org's folder (``images/a.jpg``)
    image_alt: str = ""
    content_html: str = ""  # the body as sanitized HTML, URLs as written (read.body)
    body_images: tuple[str, ...] = ()  # raster images of the body, paths in the org's folder

    @property
    def id(self) -> str:
        return f"{self.org}/{self.stem}"


@dataclass
class Network:
    """Everything the readers produced: options, registry, posts, moderation decisions."""

    root_dir: Path
    options: NetworkOptions
    registry: Registry
    posts: list[Post] = field(default_factory=list)  # every valid post, drafts and future ones included
    moderation: dict[str, Moderation] = field(default_factory=dict)
    build_time: datetime | None = None
    brandbook: Any = None  # brandbook.Brandbook of theme/brandbook.yml, None without one
    cache_stats: tuple[int, int] = (0, 0)  # posts found in / read past the news-index cache (hits, misses)
    #: read/load.Selection when only some orgs' news were read (the build's memory vouched for the rest);
    #: None: ``posts`` are every org's.
    selection: Any = None

    def figures(self, name: str) -> Mapping[str, Any]:
        """What the last build computed from the posts not read this time (feature ``name`` -> by org)."""
        return self.selection.figures.get(name, {}) if self.selection is not None else {}

    def read_news_of(self, slug: str) -> bool:
        """Whether ``slug``'s posts were read (all were, unless a selection says otherwise)."""
        return self.selection is None or slug in self.selection.orgs

    def is_published(self, post: Post) -> bool:
        return not post.draft and (self.build_time is None or post.date <= self.build_time)

    @cached_property
    def published(self) -> list[Post]:
        return [p for p in self.posts if self.is_published(p)]

    def next_change(self) -> datetime | None:
        """The first instant after the build time at which the same input would give other output:
        a post falls due, an event starts or ends (upcoming → past), or a new day begins in the
        network's zone (day-counted indicators, "today" in dates). None without a build time."""
        now = self.build_time
        if now is None:
            return None
        local = now.astimezone(self.options.tz)
        midnight = datetime.combine(local.date() + timedelta(days=1), time(0, 0), tzinfo=self.options.tz)
        candidates = [midnight]
        candidates += [p.date for p in self.posts if not p.draft and p.date > now]
        for post in self.published:
            if post.event is not None:
                candidates += [t for t in (post.event.start, post.event.end) if t is not None and t > now]
        return min(candidates)
