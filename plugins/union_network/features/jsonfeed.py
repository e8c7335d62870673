"""JSON Feed 1.1 beside every RSS/Atom feed (``<list>/feed.json`` next to ``<list>/feed.xml``).

Apps that prefer JSON get the same items as the RSS and Atom feeds of a list:
the item ``id`` is the post's canonical URL, exactly like the RSS GUID and the
Atom id, so a post carried by several feeds (or formats) is one item to a
reader. Titles and summaries are plain text (reduced in the core); ``content_html``
is the full post, sanitized, with absolute URLs (the same HTML as the RSS and Atom
content), and ``image`` the post's picture; dates are RFC 3339, and nothing
depends on the wall clock, so builds stay reproducible.

Spec: https://www.jsonfeed.org/version/1.1/
"""

from __future__ import annotations

import json
from typing import Any

from union_network.core.siteplan import Feed, Item, SitePlan
from union_network.plan.planner import Planner
from union_network.write.feeds import LANGUAGE, FeedFile, item_content_html, item_summary

VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json"
FILE_NAME = "feed.json"


def json_path(feed: Feed) -> str:
    """Site-relative path of a list's JSON Feed: ``news/feed.json``.

    templates/main.html builds the same path (``feed.page ~ "feed.json"``) for autodiscovery.
    """
    return f"{feed.page}{FILE_NAME}"


def _date(value) -> str:
    return value.replace(microsecond=0).isoformat()


def _item(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item.url,
        "url": item.url,
        "title": item.title,
        "content_html": item_content_html(item),
    }
    if item.summary or item.event:
        out["summary"] = item_summary(item)
    if item.image is not None:
        out["image"] = item.image.src
    out["date_published"] = _date(item.date)
    out["authors"] = [{"name": item.org_name, "url": item.org_url}]
    if item.categories:
        out["tags"] = [category.label for category in item.categories]
    return out


def feed_document(data: FeedFile) -> dict[str, Any]:
    """The JSON Feed 1.1 object of one list (a plain dict, for tests and writers)."""
    site, feed = data.site, data.feed
    return {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": site.url + feed.page,
        "feed_url": site.url + json_path(feed),
        "description": f"{site.org.name}: {feed.title.split(': ', 1)[-1]}",
        "language": LANGUAGE,
        "authors": [{"name": site.org.name, "url": site.url}],
        "items": [_item(item) for item in feed.items],
    }


def render_json_feed(data: FeedFile) -> bytes:
    text = json.dumps(feed_document(data), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def jsonfeed_section(planner: Planner, plan: SitePlan) -> None:
    """A ``feed.json`` for every feed the earlier sections (news_section) put in ``plan.feeds``."""
    for feed in plan.feeds:
        plan.add_file(json_path(feed), render_json_feed, FeedFile(plan.ref, feed))
        plan.counts["feeds"] = plan.counts.get("feeds", 0) + 1
