"""Feeds writer: RSS 2.0 and Atom 1.0 with feedgen (DESIGN §6, §5.6–5.8).

Every entry's id/GUID is the post's canonical URL, so a post carried by several
feeds is one item to a reader. Feed dates come from the items (or the build
time for an empty feed), so an unchanged network gives unchanged feeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from union_network import __version__
from union_network.core.siteplan import Feed, SiteRef

LANGUAGE = "ru"


@dataclass(frozen=True)
class FeedFile:
    """What a feed writer needs: the feed and the site that publishes it."""

    site: SiteRef
    feed: Feed


def _generator(site: SiteRef, feed: Feed, self_href: str, self_type: str) -> FeedGenerator:
    page_url = site.url + feed.page
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(page_url)
    fg.title(feed.title)
    fg.subtitle(f"{site.org.name}: {feed.title.split(': ', 1)[-1]}")
    # feedgen uses the last link added as the RSS <channel><link>: the page, so the self link goes first.
    fg.link(href=self_href, rel="self", type=self_type)
    fg.link(href=page_url, rel="alternate", type="text/html")
    fg.language(LANGUAGE)
    fg.author({"name": site.org.name, "uri": site.url})
    fg.generator("union-network", version=__version__)
    updated: datetime = feed.items[0].date if feed.items else site.build_time
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for item in feed.items:
        entry = fg.add_entry(order="append")
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate", type="text/html")
        entry.published(item.date)
        entry.updated(item.date)
        entry.author({"name": item.org_name, "uri": item.org_url})
        entry.dc.dc_creator(item.org_name)
        entry.summary(item.summary or item.title)
        for category in item.categories:
            entry.category(term=category.key, label=category.label)
    return fg


def render_rss(data: FeedFile) -> bytes:
    site, feed = data.site, data.feed
    return _generator(site, feed, site.url + feed.rss, "application/rss+xml").rss_str(pretty=True)


def render_atom(data: FeedFile) -> bytes:
    site, feed = data.site, data.feed
    return _generator(site, feed, site.url + feed.atom, "application/atom+xml").atom_str(pretty=True)
