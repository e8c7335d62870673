"""Site plans (the generators stage): what each organisation's site holds.

A :class:`SitePlan` is renderer-independent: the pages to generate (with the
data their templates need), the feeds to write, the sources to leave out, the
navigation. The MkDocs adapter turns it into pages; :mod:`feeds` writes feeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .dates import russian_date, russian_datetime
from .flow import Routes, feed_window, route
from .models import KIND_LABELS, SOCIAL_LABELS
from .network import Network, Org, Post
from .readers.moderation import MODERATION_FILE
from .readers.news import NEWS_FOLDER
from .readers.registry import CARD
from .urls import UrlScheme

PREFERRED_PAGE_ORDER = ["index.md", "about.md", "contacts.md", "documents.md"]

LIST_TITLES = {
    "news": "Новости",
    "network": "Новости сети",
    "upstream": "Новости вышестоящих организаций",
    "support": "Информационная поддержка",
}
FEED_TITLES = {
    "news": "новости",
    "network": "новости сети",
    "upstream": "новости вышестоящих организаций",
    "support": "нужна информационная поддержка",
}
MEMBERS_TITLE = "Членские организации"


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Category:
    key: str
    label: str


@dataclass(frozen=True)
class EventView:
    start: datetime
    end: datetime | None
    place: str | None
    start_text: str
    end_text: str | None


@dataclass(frozen=True)
class Item:
    """A post as shown in a list or feed: plain text only (templates escape it)."""

    id: str
    title: str
    summary: str
    url: str
    date: datetime
    date_text: str
    org_slug: str
    org_name: str
    org_url: str
    categories: tuple[Category, ...]
    tags: tuple[str, ...]
    support: bool
    broadcast: bool
    event: EventView | None


@dataclass(frozen=True)
class OrgView:
    slug: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    url: str
    members: int | None
    contacts: dict[str, str]
    info_officer: dict[str, str] | None
    social: tuple[Link, ...]
    parent: Link | None


@dataclass(frozen=True)
class OrgNode:
    org: OrgView
    children: tuple["OrgNode", ...]


@dataclass(frozen=True)
class Feed:
    kind: str
    title: str
    page: str  # the HTML page the feed mirrors, e.g. "news/"
    rss: str  # e.g. "news/feed.xml"
    atom: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ListPage:
    kind: str
    src_uri: str  # "news/index.md", "news/page/2/index.md"
    title: str
    items: tuple[Item, ...]
    number: int
    pages: int
    prev_url: str | None  # site-relative, e.g. "news/" or None
    next_url: str | None
    feed: Feed


@dataclass
class SitePlan:
    org: OrgView
    source_dir: Path
    site_url: str
    breadcrumb: tuple[Link, ...]
    feeds: tuple[Feed, ...]
    lists: tuple[ListPage, ...]
    home: dict[str, tuple[Item, ...]]  # block kind -> newest items
    members: tuple[OrgNode, ...]
    nav: list[tuple[str | None, str]]  # (title or None to use the page's own, src_uri)
    exclude: frozenset[str]  # source files (relative to source_dir) that must not be published
    own_posts: dict[str, Item]  # src_uri of each published own post -> its item (post pages show org/date)
    has_home_page: bool
    build_time: datetime
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.org.slug

    @property
    def generated_pages(self) -> list[str]:
        pages = [page.src_uri for page in self.lists]
        if self.members:
            pages.append("orgs/index.md")
        if not self.has_home_page:
            pages.append("index.md")
        return pages


class Planner:
    """Builds every site's plan from a loaded network, routing news once."""

    def __init__(self, network: Network):
        self.network = network
        self.options = network.options
        self.registry = network.registry
        self.urls = UrlScheme(network.options.domain, network.registry.root.slug)
        self.published = network.published
        self.routes: Routes = route(self.registry, self.published, network.moderation)
        self._items: dict[str, Item] = {}
        self._views: dict[str, OrgView] = {}

    # -- view models -------------------------------------------------------
    def org_view(self, slug: str) -> OrgView:
        if slug not in self._views:
            org: Org = self.registry[slug]
            card = org.card
            parent = Link(self.registry[card.parent].short_name, self.urls.site(card.parent)) if card.parent else None
            self._views[slug] = OrgView(
                slug=slug,
                name=card.name,
                short_name=org.short_name,
                kind=card.kind,
                kind_label=KIND_LABELS[card.kind],
                url=self.urls.site(slug),
                members=card.members,
                contacts={k: v for k, v in card.contacts.model_dump().items() if v},
                info_officer={k: v for k, v in card.info_officer.model_dump().items() if v} if card.info_officer else None,
                social=tuple(Link(SOCIAL_LABELS[k], v) for k, v in card.social.model_dump().items() if v),
                parent=parent,
            )
        return self._views[slug]

    def item(self, post: Post) -> Item:
        if post.id not in self._items:
            org = self.registry[post.org]
            event = None
            if post.event is not None:
                e = post.event
                event = EventView(e.start, e.end, e.place, russian_datetime(e.start), russian_datetime(e.end) if e.end else None)
            self._items[post.id] = Item(
                id=post.id,
                title=post.title,
                summary=post.summary,
                url=self.urls.post(post),
                date=post.date,
                date_text=russian_date(post.date),
                org_slug=post.org,
                org_name=org.short_name,
                org_url=self.urls.site(post.org),
                categories=tuple(Category(c, self.options.categories[c]) for c in post.categories),
                tags=post.tags,
                support=post.support,
                broadcast=post.broadcast,
                event=event,
            )
        return self._items[post.id]

    def tree(self, slug: str) -> tuple[OrgNode, ...]:
        return tuple(OrgNode(self.org_view(c), self.tree(c)) for c in self.registry.children[slug])

    # -- plans -------------------------------------------------------------
    def lists_of(self, slug: str) -> dict[str, list[Post]]:
        lists = {"news": self.routes.own[slug]}
        if self.registry.has_members(slug):
            lists["network"] = self.routes.network[slug]
        if self.registry[slug].parent is not None:
            lists["upstream"] = self.routes.upstream[slug]
        if slug == self.registry.root.slug:
            lists["support"] = self.routes.support
        return lists

    def plan(self, slug: str) -> SitePlan:
        org = self.registry[slug]
        view = self.org_view(slug)
        lists = self.lists_of(slug)
        feeds = []
        pages: list[ListPage] = []
        for kind, posts in lists.items():
            feed = Feed(
                kind=kind,
                title=f"{view.short_name}: {FEED_TITLES[kind]}",
                page=f"{kind}/",
                rss=f"{kind}/feed.xml",
                atom=f"{kind}/atom.xml",
                items=tuple(self.item(p) for p in feed_window(posts, self.options.feed_size)),
            )
            feeds.append(feed)
            pages.extend(self._paginate(kind, [self.item(p) for p in posts], feed))

        own_posts = {f"{NEWS_FOLDER}/{p.stem}.md": self.item(p) for p in lists["news"]}
        unpublished = {f"{NEWS_FOLDER}/{p.path.name}" for p in self.network.posts if p.org == slug and not self.network.is_published(p)}
        exclude = frozenset(unpublished | {CARD, MODERATION_FILE})
        home_n = self.options.home_items
        home = {kind: tuple(self.item(p) for p in posts[:home_n]) for kind, posts in lists.items() if kind != "support"}
        breadcrumb = tuple(Link(self.registry[a].short_name, self.urls.site(a)) for a in reversed(self.registry.ancestors(slug)))
        has_home = (org.folder / "index.md").is_file()
        members = self.tree(slug)
        return SitePlan(
            org=view,
            source_dir=org.folder,
            site_url=self.urls.site(slug),
            breadcrumb=breadcrumb + (Link(view.short_name, view.url),),
            feeds=tuple(feeds),
            lists=tuple(pages),
            home=home,
            members=members,
            nav=self._nav(org, lists, bool(members)),
            exclude=exclude,
            own_posts=own_posts,
            has_home_page=has_home,
            build_time=self.network.build_time,
            counts={"posts": len(lists["news"]), "feeds": 2 * len(feeds)},
        )

    def plans(self) -> list[SitePlan]:
        return [self.plan(slug) for slug in self.registry.orgs]

    def _paginate(self, kind: str, items: list[Item], feed: Feed) -> list[ListPage]:
        size = self.options.per_page
        chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
        total = len(chunks)

        def url(n: int) -> str:
            return f"{kind}/" if n == 1 else f"{kind}/page/{n}/"

        return [
            ListPage(
                kind=kind,
                src_uri=f"{kind}/index.md" if n == 1 else f"{kind}/page/{n}/index.md",
                title=LIST_TITLES[kind] if n == 1 else f"{LIST_TITLES[kind]} — страница {n}",
                items=tuple(chunk),
                number=n,
                pages=total,
                prev_url=url(n - 1) if n > 1 else None,
                next_url=url(n + 1) if n < total else None,
                feed=feed,
            )
            for n, chunk in enumerate(chunks, start=1)
        ]

    @staticmethod
    def _nav(org: Org, lists: dict[str, list[Post]], has_members: bool) -> list[tuple[str | None, str]]:
        """Home, the org's own pages, then the generated lists; posts never enter the navigation."""
        folder = org.folder
        pages = sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*.md")
            if p.relative_to(folder).parts[0] != NEWS_FOLDER and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
        order = {name: i for i, name in enumerate(PREFERRED_PAGE_ORDER)}
        pages.sort(key=lambda p: (order.get(p, len(order)), p))
        nav: list[tuple[str | None, str]] = [("Главная", "index.md")]
        nav += [(None, p) for p in pages if p != "index.md"]
        nav += [(LIST_TITLES[kind], f"{kind}/index.md") for kind in lists]
        if has_members:
            nav.append((MEMBERS_TITLE, "orgs/index.md"))
        return nav
