"""For crawlers: ``robots.txt``, each page's ``lastmod`` and the sitemaps beside the feeds.

- ``robots.txt`` on every site names the site's ``sitemap.xml``.
- A page's ``lastmod`` is derived from content, never from the build clock, so
  that two builds of the same input give the same sitemap: a post's date; a list
  (news, network, bulletin, events, …) its newest item's date; the home page the
  newest item it shows; a Markdown page its front matter ``updated`` or ``date``.
  A page with no such date gets no ``lastmod`` (the field is optional).
- Material's script fetches ``sitemap.xml`` *relative to every* ``<link
  rel="alternate">`` of a page (its alternate-language switcher,
  ``integrations/alternate`` in Material's bundle, runs unconditionally), i.e.
  ``news/sitemap.xml`` beside ``news/feed.xml``. Each feed folder therefore gets
  a real sitemap of the pages in that folder (a sitemap may list URLs under its
  own folder), instead of a 404 on every page view.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from union_network.core.siteplan import Item, SitePlan
from union_network.plan.planner import Planner

ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
#: the file names of feeds: a page linking one (``<link rel="alternate">``) makes Material look beside it
FEED_FILES = ("feed.xml", "atom.xml", "feed.json")


def page_url(plan: SitePlan, src_uri: str) -> str:
    """The URL of a page built from ``src_uri`` (directory URLs, as mkdocs.yml sets them)."""
    path = src_uri[: -len(".md")] if src_uri.endswith(".md") else src_uri
    if path == "index" or path.endswith("/index"):
        path = path[: -len("index")]
    else:
        path += "/"
    return plan.site_url + path


def _newest(value: Any, depth: int = 0) -> datetime | None:
    """The newest date of the items found in a page's data (items, groups of items, issues, …)."""
    if isinstance(value, Item):
        return value.date
    found: list[datetime] = []
    if isinstance(value, (tuple, list)):
        found = [d for v in value if (d := _newest(v, depth)) is not None]
    elif dataclasses.is_dataclass(value) and not isinstance(value, type) and depth < 3:
        for f in dataclasses.fields(value):
            d = _newest(getattr(value, f.name), depth + 1)
            if d is not None:
                found.append(d)
    return max(found, default=None)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def page_lastmod(plan: SitePlan, src_uri: str, meta: Mapping[str, Any] | None = None) -> date | None:
    """The date a page last changed, from its content (see the module's docstring)."""
    if src_uri in plan.own_posts:
        return plan.own_posts[src_uri].date.date()
    page = plan.pages.get(src_uri)
    if page is not None:
        newest = _newest(page.data)
        return newest.date() if newest else None
    dates = []
    if src_uri == "index.md":
        newest = _newest(list(plan.home.values()))
        if newest is not None:
            dates.append(newest.date())
    for key in ("updated", "date"):
        day = _day((meta or {}).get(key))
        if day is not None:
            dates.append(day)
            break
    return max(dates, default=None)


def write_urlset(entries: tuple[tuple[str, date | None], ...]) -> bytes:
    """A sitemap (``urlset``) of (URL, lastmod or None) entries."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, day in entries:
        lastmod = f"<lastmod>{day.isoformat()}</lastmod>" if day else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def folder_entries(plan: SitePlan, folder: str) -> tuple[tuple[str, date | None], ...]:
    """The site's pages under ``folder`` (e.g. ``news/``): lists and, for ``news/``, the posts."""
    sources = {s for s, p in plan.pages.items() if s.startswith(folder) and not p.noindex}
    sources |= {s for s in plan.own_posts if s.startswith(folder)}
    return tuple(sorted((page_url(plan, s), page_lastmod(plan, s)) for s in sources))


def write_robots(site_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}{SITEMAP}\n".encode()


def crawl_section(planner: Planner, plan: SitePlan) -> None:
    """``robots.txt`` and a sitemap in every folder that holds a feed (``news/``, ``categories/<key>/``, …).

    Runs last: the folder sitemaps list the pages every other section added."""
    plan.add_file(ROBOTS, write_robots, plan.site_url)
    feeds = [feed.rss for feed in plan.feeds] + [f.path for f in plan.files if f.path.endswith(FEED_FILES)]
    folders = sorted({path.rsplit("/", 1)[0] + "/" for path in feeds if "/" in path})
    for folder in folders:
        plan.add_file(folder + SITEMAP, write_urlset, folder_entries(plan, folder))
