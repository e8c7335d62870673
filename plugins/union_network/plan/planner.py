"""Site plans (the generators stage): what each organisation's site holds.

:class:`Planner` routes the network's news once (:mod:`flow`) and builds a
:class:`~union_network.core.siteplan.SitePlan` per organisation by running its
sections: each section adds pages, files and navigation entries for one
feature. Nothing here renders or writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import islice

from union_network.core.dates import russian_date, russian_datetime, russian_when
from union_network.core.models import KIND_LABELS, SOCIAL_LABELS
from union_network.core.network import Network, Org, Post
from union_network.core.pictures import picture
from union_network.core.siteplan import (
    Category,
    EventView,
    Feed,
    ImageView,
    Item,
    Link,
    ListPage,
    OrgNode,
    OrgView,
    Page,
    SitePlan,
)
from union_network.core.urls import UrlScheme
from union_network.plan.flow import Routes, feed_window, route
from union_network.read.body import absolute_html
from union_network.read.moderation import MODERATION_FILE
from union_network.read.news import NEWS_FOLDER
from union_network.read.pictures import image_info
from union_network.read.registry import CARD
from union_network.write.feeds import FeedFile, render_atom, render_rss

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

TEMPLATE_LIST = "un-list.html"
TEMPLATE_MEMBERS = "un-members.html"
TEMPLATE_HOME = "un-home.html"
TEMPLATE_POST = "un-post.html"

#: A feature's contribution to a site: adds pages, files and navigation entries to the plan.
Section = Callable[["Planner", SitePlan], None]


class Planner:
    """Builds every site's plan from a loaded network, routing news once.

    ``sections`` run in order on every plan; the features' list is
    :func:`union_network.features.registry.sections` (``registry.planner(network)`` builds one).
    This module imports no feature: features import its types.
    """

    def __init__(self, network: Network, sections: Sequence[Section], urls: UrlScheme | None = None):
        if network.build_time is None:
            raise ValueError("plans need the build time: load the network with one")
        self.network = network
        self.build_time: datetime = network.build_time
        self.options = network.options
        self.registry = network.registry
        self.urls = urls or UrlScheme.for_network(network.options, network.registry.root.slug)
        self.published = network.published
        self.routes: Routes = route(self.registry, self.published, network.moderation)
        self.sections = tuple(sections)
        self._items: dict[str, Item] = {}
        self._views: dict[str, OrgView] = {}
        self._unpublished: dict[str, list[Post]] = {}
        for post in network.posts:
            if not network.is_published(post):
                self._unpublished.setdefault(post.org, []).append(post)

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
                contacts=card.contacts.given(),
                info_officer=card.info_officer.given() if card.info_officer else None,
                social=tuple(Link(SOCIAL_LABELS[k], v) for k, v in card.social.given().items()),
                parent=parent,
            )
        return self._views[slug]

    def item(self, post: Post) -> Item:
        if post.id not in self._items:
            org = self.registry[post.org]
            event = None
            if post.event is not None:
                e = post.event
                tz = self.options.tz  # shown in the network's zone, as the calendar gives it
                start, end = e.start.astimezone(tz), e.end.astimezone(tz) if e.end else None
                event = EventView(
                    start,
                    end,
                    e.place,
                    russian_datetime(start),
                    russian_datetime(end) if end else None,
                    russian_when(start, end),
                )
            url = self.urls.post(post)
            self._items[post.id] = Item(
                id=post.id,
                title=post.title,
                summary=post.summary,
                url=url,
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
                image=self.image(post),
                content_html=absolute_html(
                    post.content_html, f"{NEWS_FOLDER}/{post.path.name}", url, self.urls.site(post.org)
                ),
            )
        return self._items[post.id]

    def image(self, post: Post) -> ImageView | None:
        """The post's picture as every site shows it: derivatives on the post's own site (core.pictures)."""
        if post.image is None:
            return None
        info = image_info(self.registry[post.org].folder / post.image)
        return picture(self.urls.site(post.org), info, post.image_alt) if info else None

    def items(self, posts: list[Post]) -> list[Item]:
        return [self.item(p) for p in posts]

    def tree(self, slug: str) -> tuple[OrgNode, ...]:
        return tuple(OrgNode(self.org_view(c), self.tree(c)) for c in self.registry.children[slug])

    def lists_of(self, slug: str) -> dict[str, list[Post]]:
        """The news lists a site has (DESIGN §6), by kind."""
        lists = {"news": self.routes.own[slug]}
        if self.registry.has_members(slug):
            lists["network"] = self.routes.network[slug]
        if self.registry[slug].parent is not None:
            lists["upstream"] = self.routes.upstream[slug]
        if slug == self.registry.root.slug:
            lists["support"] = self.routes.support
        return lists

    # -- plans -------------------------------------------------------------
    def plan(self, slug: str) -> SitePlan:
        org = self.registry[slug]
        view = self.org_view(slug)
        unpublished = {f"{NEWS_FOLDER}/{p.path.name}" for p in self._unpublished.get(slug, ())}
        plan = SitePlan(
            org=view,
            source_dir=org.folder,
            site_url=self.urls.site(slug),
            breadcrumb=tuple(
                Link(self.registry[a].short_name, self.urls.site(a)) for a in reversed(self.registry.ancestors(slug))
            )
            + (Link(view.short_name, view.url),),
            build_time=self.build_time,
            has_home_page=(org.folder / "index.md").is_file(),
            exclude=frozenset(unpublished | {CARD, MODERATION_FILE}),
            own_posts={f"{NEWS_FOLDER}/{p.stem}.md": self.item(p) for p in self.routes.own[slug]},
            members=self.tree(slug),
            counts={"posts": len(self.routes.own[slug]), "feeds": 0},
        )
        for section in self.sections:
            section(self, plan)
        return plan

    def plans(self) -> list[SitePlan]:
        return [self.plan(slug) for slug in self.registry.orgs]


# -- sections ------------------------------------------------------------------
def pages_section(planner: Planner, plan: SitePlan) -> None:
    """Home and the org's own Markdown pages first in the navigation (posts never enter it)."""
    folder = plan.source_dir
    pages = []
    for path in folder.rglob("*.md"):
        rel = path.relative_to(folder)
        if rel.parts[0] != NEWS_FOLDER and not any(part.startswith(".") for part in rel.parts):
            pages.append(rel.as_posix())
    order = {name: i for i, name in enumerate(PREFERRED_PAGE_ORDER)}
    pages.sort(key=lambda p: (order.get(p, len(order)), p))
    plan.nav.append(("Главная", "index.md"))
    plan.nav.extend((None, p) for p in pages if p != "index.md")
    if not plan.has_home_page:
        plan.add_page(Page("index.md", plan.org.short_name, TEMPLATE_HOME))


def news_section(planner: Planner, plan: SitePlan) -> None:
    """Own, network, upstream and support lists: paginated pages, RSS and Atom, home blocks."""
    options = planner.options
    for kind, posts in planner.lists_of(plan.slug).items():
        feed = Feed(
            kind=kind,
            title=f"{plan.org.short_name}: {FEED_TITLES[kind]}",
            page=f"{kind}/",
            rss=f"{kind}/feed.xml",
            atom=f"{kind}/atom.xml",
            items=tuple(planner.items(feed_window(posts, options.feed_size))),
        )
        plan.feeds.append(feed)
        plan.add_file(feed.rss, render_rss, FeedFile(plan.ref, feed))
        plan.add_file(feed.atom, render_atom, FeedFile(plan.ref, feed))
        plan.counts["feeds"] += 2
        for i, page in enumerate(
            paginate(f"{kind}/", kind, LIST_TITLES[kind], planner.items(posts), feed, options.per_page)
        ):
            plan.add_page(
                Page(page.src_uri, page.title, TEMPLATE_LIST, page, searchable=False),
                LIST_TITLES[kind] if i == 0 else None,
            )
        if kind != "support":  # home blocks: no item twice on the page (own, then network, then upstream)
            shown = {item.id for block in plan.home.values() for item in block}
            fresh = (planner.item(p) for p in posts if p.id not in shown)
            plan.home[kind] = tuple(islice(fresh, options.home_items))


def members_section(planner: Planner, plan: SitePlan) -> None:
    if plan.members:
        plan.add_page(Page("orgs/index.md", MEMBERS_TITLE, TEMPLATE_MEMBERS, plan.members), MEMBERS_TITLE)


def paginate(folder: str, kind: str, title: str, items: list[Item], feed: Feed, size: int) -> list[ListPage]:
    """List pages of ``size`` items under ``folder`` (``folder``, ``folder/page/2/`` …); one empty page if none."""
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    total = len(chunks)

    def url(n: int) -> str:
        return folder if n == 1 else f"{folder}page/{n}/"

    return [
        ListPage(
            kind=kind,
            src_uri=f"{url(n)}index.md",
            title=title if n == 1 else f"{title} — страница {n}",
            items=tuple(chunk),
            number=n,
            pages=total,
            prev_url=url(n - 1) if n > 1 else None,
            next_url=url(n + 1) if n < total else None,
            feed=feed,
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


#: Navigation a member understands: at most this many top-level entries (Material's tabs), in one row.
MAX_TABS = 7
NEWS_GROUP = "Новости"
NETWORK_GROUP = "О сети"
OWN_PAGES_GROUP = "Об организации"
MORE_GROUP = "Ещё"
#: generated pages gathered under one tab: the news lists, and the network's service pages
NAV_GROUPS = {
    "news/index.md": NEWS_GROUP,
    "network/index.md": NEWS_GROUP,
    "upstream/index.md": NEWS_GROUP,
    "orgs/index.md": NETWORK_GROUP,
    "registry/index.md": NETWORK_GROUP,
    "bulletin/index.md": NETWORK_GROUP,
    "support/index.md": NETWORK_GROUP,
    "maturity/index.md": NETWORK_GROUP,
}
NavEntry = str | dict


def _entry(title: str | None, src: str) -> NavEntry:
    return {title: src} if title else src


def nav_tree(nav: list[tuple[str | None, str]], limit: int = MAX_TABS) -> list[NavEntry]:
    """A site's flat navigation (``plan.nav``) as MkDocs' nav, at most ``limit`` top-level entries.

    Home first, then the news lists (one «Новости» tab), events, the org's own pages, anything else,
    and the network's service pages (members, registry, bulletin, support) under «О сети». When the
    org's own pages would make too many tabs, they go under «Об организации».
    """
    home = [(t, s) for t, s in nav if s == "index.md"][:1]
    grouped: dict[str, list[tuple[str | None, str]]] = {NEWS_GROUP: [], NETWORK_GROUP: []}
    own: list[tuple[str | None, str]] = []
    events: list[tuple[str | None, str]] = []
    other: list[tuple[str | None, str]] = []
    for title, src in nav:
        if src == "index.md":
            continue
        if src in NAV_GROUPS:
            grouped[NAV_GROUPS[src]].append((title, src))
        elif src.startswith("events/"):
            events.append((title, src))
        elif title is None:
            own.append((title, src))
        else:
            other.append((title, src))

    def group(name: str, entries: list[tuple[str | None, str]]) -> list[NavEntry]:
        if len(entries) <= 1:
            return [_entry(t, s) for t, s in entries]
        return [{name: [_entry(t, s) for t, s in entries]}]

    head = [_entry(t, s) for t, s in home] + group(NEWS_GROUP, grouped[NEWS_GROUP])
    head += [_entry(t, s) for t, s in events]
    tail = [_entry(t, s) for t, s in other] + group(NETWORK_GROUP, grouped[NETWORK_GROUP])
    pages = [_entry(t, s) for t, s in own]
    if len(head) + len(pages) + len(tail) > limit:
        pages = group(OWN_PAGES_GROUP, own)
    tree = head + pages + tail
    if len(tree) > limit:
        tree = tree[: limit - 1] + [{MORE_GROUP: tree[limit - 1 :]}]
    return tree
