"""Events: an ``events/`` page and an ``events.ics`` calendar on every site.

Which events a site shows (the same set on the page and in the calendar):

- its own posts with ``event``;
- for an org with member orgs, the events of its network news: everything that
  reached it from below under the flow rules (DESIGN §5.2–5.3, moderation
  included: a hidden or unpromoted item is not an event here either);
- for an org with a parent, the broadcasts of its ancestors (§5.5): a
  federation's broadcast announcement is on every calendar below it.

A post announces an event only once it is published (its ``date`` is not after
the build time). The page lists upcoming events first (an event is upcoming
until its end, or its start when it has no end), soonest first, then past
events, latest first.

The calendar is RFC 5545 (written with the ``icalendar`` package): a VTIMEZONE
for the network's time zone, DTSTART/DTEND with that TZID, and per event a UID
that depends only on the post (``<file stem>@<host of the post's org>``, the
canonical URL's host), so the same event has the same UID in every build and in
every site's calendar. DTSTAMP is the post's date (not the build time), so two
builds of the same input give identical files.

Each own post with an event also offers its own calendar, ``news/<stem>/event.ics``
(«Добавить в календарь» on the post page): the one event, with the same UID as in
``events.ics``, so a calendar app that has both keeps one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from union_network import __version__
from union_network.core.network import Post
from union_network.core.siteplan import EventView, Item, Page, SitePlan
from union_network.plan.planner import Planner

if TYPE_CHECKING:  # imported where used: checking and planning do not load it
    import icalendar

EVENTS_TITLE = "События"
TEMPLATE_EVENTS = "un-events.html"
ICS_PATH = "events.ics"
POST_ICS = "event.ics"  # beside a post's page: news/<stem>/event.ics
PRODID = f"-//union-network//union-network {__version__}//RU"


@dataclass(frozen=True)
class Calendar:
    """What ``events.ics`` holds: data for :func:`render_ics`."""

    name: str
    timezone: str
    page_url: str  # https://…/events/
    items: tuple[Item, ...]  # every item has an event; ordered by start, then id
    first_year: int
    last_year: int


@dataclass(frozen=True)
class EventsPage:
    upcoming: tuple[Item, ...]
    past: tuple[Item, ...]
    ics_url: str  # https://…/events.ics
    webcal_url: str  # webcal://…/events.ics


def site_event_posts(planner: Planner, slug: str) -> list[Post]:
    """The published posts with an event that ``slug``'s site shows (see the module docstring)."""
    registry = planner.registry
    routes = planner.routes
    candidates = list(routes.network[slug] if registry.has_members(slug) else routes.own[slug])
    if registry[slug].parent is not None:
        candidates += routes.upstream[slug]
    seen: set[str] = set()
    out: list[tuple[float, str, Post]] = []
    for post in candidates:
        if post.event is not None and post.id not in seen:
            seen.add(post.id)
            out.append((post.event.start.timestamp(), post.id, post))
    return [post for _, _, post in sorted(out, key=lambda entry: entry[:2])]


def event_of(item: Item) -> EventView:
    """The event of an item this module selected (every one has an event)."""
    if item.event is None:
        raise ValueError(f"{item.id}: not an event")
    return item.event


def is_upcoming(item: Item, now: datetime) -> bool:
    event = event_of(item)
    return (event.end or event.start) >= now


def uid(item: Item) -> str:
    """``<stem>@<host>``: unique in the network (hosts are per org, stems per org), stable everywhere."""
    stem = item.id.split("/", 1)[1]
    return f"{stem}@{urlsplit(item.url).hostname}"


def events_section(planner: Planner, plan: SitePlan) -> None:
    items = planner.items(site_event_posts(planner, plan.slug))
    now = plan.build_time
    upcoming = tuple(i for i in items if is_upcoming(i, now))
    past = tuple(reversed([i for i in items if not is_upcoming(i, now)]))
    ics_url = plan.site_url + ICS_PATH
    page = EventsPage(
        upcoming=upcoming,
        past=past,
        ics_url=ics_url,
        webcal_url="webcal://" + ics_url.split("://", 1)[1],
    )
    plan.add_page(Page("events/index.md", EVENTS_TITLE, TEMPLATE_EVENTS, page), EVENTS_TITLE)
    years = [event_of(i).start.year for i in items] or [now.year]
    calendar = Calendar(
        name=f"{plan.org.short_name}: {EVENTS_TITLE.lower()}",
        timezone=planner.options.timezone,
        page_url=plan.site_url + "events/",
        items=tuple(items),
        first_year=min(years) - 1,
        last_year=max(years) + 2,
    )
    plan.add_file(ICS_PATH, render_ics, calendar)
    for post in planner.routes.own[plan.slug]:
        if post.event is not None:
            item = planner.item(post)
            year = post.event.start.year
            one = Calendar(
                name=item.title,
                timezone=calendar.timezone,
                page_url=item.url,
                items=(item,),
                first_year=year - 1,
                last_year=year + 2,
            )
            plan.add_file(post_ics_path(post.stem), render_ics, one)


def post_ics_path(stem: str) -> str:
    """Site-relative path of a post's own calendar (the post page links ``event.ics``)."""
    return f"news/{stem}/{POST_ICS}"


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


@lru_cache(maxsize=16)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The zone's VTIMEZONE for those years: the same for every site's calendar, so computed once
    per process (generating it was a twentieth of a small site's build)."""
    import icalendar

    return icalendar.Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))


def render_ics(calendar: Calendar) -> bytes:
    import icalendar

    zone = ZoneInfo(calendar.timezone)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar.name)
    cal.add("name", calendar.name)  # RFC 7986
    cal.add("x-wr-timezone", calendar.timezone)
    cal.add("url", calendar.page_url)
    # The zone's rules, limited to the years the events span (the VTIMEZONE stays small but correct).
    cal.add_component(_vtimezone(calendar.timezone, calendar.first_year, calendar.last_year))
    for item in calendar.items:
        event = event_of(item)
        vevent = icalendar.Event()
        vevent.add("uid", uid(item))
        vevent.add("dtstamp", _utc(item.date))
        vevent.add("dtstart", _local(event.start, zone))
        if event.end is not None:
            vevent.add("dtend", _local(event.end, zone))
        vevent.add("summary", item.title)
        if event.place:
            vevent.add("location", event.place)
        vevent.add("url", item.url)
        if item.summary:
            vevent.add("description", item.summary)
        if item.categories:
            vevent.add("categories", [c.label for c in item.categories])
        cal.add_component(vevent)
    cal.add_missing_timezones()  # a no-op unless an event carries another zone
    return cal.to_ical()
