"""Feeds writer: RSS 2.0 and Atom 1.0 with feedgen (DESIGN §6, §5.6–5.8).

Every entry's id/GUID is the post's canonical URL, so a post carried by several
feeds is one item to a reader. Feed dates come from the items (or the build
time for an empty feed), so an unchanged network gives unchanged feeds.

Items are full: the whole post as sanitized HTML with absolute URLs (RSS
``content:encoded``, Atom ``content type="html"``; :func:`item_content_html`, shared
with the JSON Feed), led by its picture and, for an event, when and where; the
picture is also an RSS ``media:content`` and an Atom ``link rel="enclosure"``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from union_network import __version__
from union_network.core.siteplan import EventView, Feed, Item, SiteRef

if TYPE_CHECKING:  # imported where used: checking and planning do not load it
    from feedgen.feed import FeedGenerator

LANGUAGE = "ru"

#: The date of a feed with no items (Atom requires one): not the build time, so that a site whose
#: content did not change keeps the same bytes from build to build (the fingerprint leaves time out).
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def event_text(event: EventView) -> str:
    """«Когда: 12 декабря 2026, 10:00–13:00 (МСК). Где: Дом профсоюзов.»"""
    text = f"Когда: {event.when_text or event.start_text}."
    if event.place:
        text += f" Где: {event.place.rstrip('.')}."
    return text


def item_summary(item: Item) -> str:
    """The plain-text teaser of a feed item: when and where first for an event."""
    summary = item.summary or item.title
    return f"{event_text(item.event)} {summary}" if item.event else summary


def item_content_html(item: Item) -> str:
    """The full item as HTML: picture, when and where, the post (already sanitized, absolute URLs)."""
    parts = []
    if item.image is not None:
        image = item.image
        parts.append(
            f'<p><img src="{html.escape(image.src)}" alt="{html.escape(image.alt)}" '
            f'width="{image.medium[0]}" height="{image.medium_height}"></p>'
        )
    if item.event is not None:
        parts.append(f"<p><strong>{html.escape(event_text(item.event))}</strong></p>")
    parts.append(item.content_html or f"<p>{html.escape(item.summary or item.title)}</p>")
    return "\n".join(parts)


@dataclass(frozen=True)
class FeedFile:
    """What a feed writer needs: the feed and the site that publishes it."""

    site: SiteRef
    feed: Feed


def _generator(site: SiteRef, feed: Feed, self_href: str, self_type: str) -> FeedGenerator:
    from feedgen.feed import FeedGenerator

    page_url = site.url + feed.page
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.load_extension("media", atom=False, rss=True)
    fg.id(page_url)
    fg.title(feed.title)
    fg.subtitle(f"{site.org.name}: {feed.title.split(': ', 1)[-1]}")
    # feedgen uses the last link added as the RSS <channel><link>: the page, so the self link goes first.
    fg.link(href=self_href, rel="self", type=self_type)
    fg.link(href=page_url, rel="alternate", type="text/html")
    fg.language(LANGUAGE)
    fg.author({"name": site.org.name, "uri": site.url})
    fg.generator("union-network", version=__version__)
    updated: datetime = feed.items[0].date if feed.items else NEVER
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
        entry.summary(item_summary(item))
        entry.content(item_content_html(item), type="html")
        if item.image is not None:
            image = item.image
            entry.link(href=image.src, rel="enclosure", type=image.fallback_type)
            entry.media.content(
                url=image.src,
                type=image.fallback_type,
                medium="image",
                width=str(image.medium[0]),
                height=str(image.medium_height),
            )
        for category in item.categories:
            entry.category(term=category.key, label=category.label)
    return fg


def render_rss(data: FeedFile) -> bytes:
    site, feed = data.site, data.feed
    return _generator(site, feed, site.url + feed.rss, "application/rss+xml").rss_str(pretty=True)


def render_atom(data: FeedFile) -> bytes:
    site, feed = data.site, data.feed
    xml = _generator(site, feed, site.url + feed.atom, "application/atom+xml").atom_str(pretty=True)
    return _entry_link_attributes(xml, feed)


_ATOM = "{http://www.w3.org/2005/Atom}"


def _entry_link_attributes(xml: bytes, feed: Feed) -> bytes:
    """feedgen 1.0 writes an entry's ``<link>`` with its href only (it reads rel and type from the
    new element instead of its data): put them back — the post's page, then its picture's enclosure."""
    from lxml import etree

    root = etree.fromstring(xml)
    for entry, item in zip(root.iterfind(f"{_ATOM}entry"), feed.items, strict=True):
        for link in entry.iterfind(f"{_ATOM}link"):
            if link.get("href") == item.url:
                link.set("rel", "alternate")
                link.set("type", "text/html")
            elif item.image is not None and link.get("href") == item.image.src:
                link.set("rel", "enclosure")
                link.set("type", item.image.fallback_type)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
