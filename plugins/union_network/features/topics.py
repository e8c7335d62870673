"""Topics: a page per news category, with its own RSS, Atom and JSON feeds (DESIGN §6).

On every site, for each category (in the vocabulary's order) that the site's own
news has posts in: ``categories/<key>/`` (paginated like the other lists:
``categories/<key>/page/2/``) and ``categories/<key>/feed.xml``, ``atom.xml``,
``feed.json``. On a site with member organisations the same for its network
news (own posts plus everything that reached it from below, DESIGN §5):
``network/categories/<key>/``. ``categories/`` lists the site's topics.

Category chips link to these pages (``partials/un-chips.html``): an own post's chip
to ``categories/<key>/``, a chip on the network list to ``network/categories/<key>/``,
any other item's chip to the topic page of the item's own site (which always has it).
Topic feeds are linked for autodiscovery from their own pages only (not from every page
like the main lists' feeds), so ``plan.feeds`` is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from union_network.core.network import Post
from union_network.core.siteplan import Feed, Page, SitePlan
from union_network.features.jsonfeed import json_path, render_json_feed
from union_network.plan.flow import feed_window
from union_network.plan.planner import Planner, paginate
from union_network.write.feeds import FeedFile, render_atom, render_rss

TEMPLATE_LIST = "un-list.html"
TEMPLATE_TOPICS = "un-topics.html"
TOPICS_TITLE = "Рубрики"
OWN = "topic"  # ListPage/Feed kind of an own-news topic
NETWORK = "network-topic"  # of a network-news topic


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    url: str  # site-relative: "categories/safety/"
    count: int


@dataclass(frozen=True)
class TopicsPage:
    own: tuple[Topic, ...]
    network: tuple[Topic, ...]


def topic_path(key: str, network: bool = False) -> str:
    """Site-relative folder of a topic: ``categories/<key>/`` or ``network/categories/<key>/``."""
    return f"{'network/' if network else ''}categories/{key}/"


def by_category(posts: list[Post], keys: list[str]) -> dict[str, list[Post]]:
    """Posts per category key, in the vocabulary's order; categories without posts left out."""
    out: dict[str, list[Post]] = {}
    for key in keys:
        chosen = [p for p in posts if key in p.categories]
        if chosen:
            out[key] = chosen
    return out


def _topics(planner: Planner, plan: SitePlan, posts: list[Post], network: bool) -> tuple[Topic, ...]:
    options = planner.options
    topics = []
    for key, chosen in by_category(posts, list(options.categories)).items():
        label = options.categories[key]
        folder = topic_path(key, network)
        title = f"{label}: новости сети" if network else label
        feed = Feed(
            kind=NETWORK if network else OWN,
            title=f"{plan.org.short_name}: {title[0].lower() + title[1:]}",
            page=folder,
            rss=f"{folder}feed.xml",
            atom=f"{folder}atom.xml",
            items=tuple(planner.items(feed_window(chosen, options.feed_size))),
        )
        data = FeedFile(plan.ref, feed)
        plan.add_file(feed.rss, render_rss, data)
        plan.add_file(feed.atom, render_atom, data)
        plan.add_file(json_path(feed), render_json_feed, data)
        plan.counts["feeds"] = plan.counts.get("feeds", 0) + 3
        for page in paginate(folder, feed.kind, title, planner.items(chosen), feed, options.per_page):
            plan.add_page(Page(page.src_uri, page.title, TEMPLATE_LIST, page, searchable=False))
        topics.append(Topic(key, label, folder, len(chosen)))
    return tuple(topics)


def topics_section(planner: Planner, plan: SitePlan) -> None:
    own = _topics(planner, plan, planner.routes.own[plan.slug], network=False)
    network: tuple[Topic, ...] = ()
    if planner.registry.has_members(plan.slug):
        network = _topics(planner, plan, planner.routes.network[plan.slug], network=True)
    if own or network:
        plan.add_page(Page("categories/index.md", TOPICS_TITLE, TEMPLATE_TOPICS, TopicsPage(own, network)))
