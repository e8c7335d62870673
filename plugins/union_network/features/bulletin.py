"""The electronic bulletin: monthly issues of a parent organisation's network news.

Every site of an org with member orgs gets:

- ``bulletin/YYYY-MM/`` — one issue per calendar month (in the network's time
  zone) that has network news (the items of ``routes.network[slug]``: the org's
  own posts and everything that reached it from below, moderation applied),
  grouped by category; an A4 print stylesheet and a masthead (org name, issue
  number, month in Russian);
- ``bulletin/YYYY-MM/email.html`` — the same issue as a standalone e-mail-ready
  HTML document: table layout, inline styles only, no ``<link>``, ``<script>``
  or images, at most 600 px wide; rendered here by a Jinja2 environment of our
  own with autoescaping (it is not a site page);
- ``bulletin/`` — the index of issues, and ``bulletin/feed.xml`` — an RSS feed
  with one entry per issue (GUID = the issue's URL).

Rules: only months up to the build time's month (published items are never
later anyway); no empty issues; issues are numbered 1, 2, … in month order; an
item is filed under its first category (vocabulary order of the groups,
«Разное» last for items without a category) and items in a group read in date
order, oldest first, like a chronicle of the month. An issue's date (RSS
pubDate) is the date of its newest item, so builds stay reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from union_network import __version__
from union_network.core.dates import russian_month
from union_network.core.siteplan import Item, Page, SitePlan, SiteRef
from union_network.plan.planner import Planner
from union_network.write.feeds import LANGUAGE, NEVER

if TYPE_CHECKING:  # imported where used: checking and planning do not load it
    import jinja2

BULLETIN_TITLE = "Бюллетень"
MASTHEAD = "Электронный бюллетень"
OTHER = "Разное"
TEMPLATE_ISSUE = "un-bulletin.html"
TEMPLATE_INDEX = "un-bulletin-index.html"
EMAIL_TEMPLATE = "un-bulletin-email.html"
EMAIL_TEMPLATES = Path(__file__).resolve().parent / "email"
FEED_PATH = "bulletin/feed.xml"
EMAIL_WIDTH = 600


@dataclass(frozen=True)
class Group:
    label: str
    items: tuple[Item, ...]

    @property
    def summary(self) -> str:
        """Plain text for the feed: «Рубрика: заголовок; заголовок»."""
        return f"{self.label}: " + "; ".join(item.title for item in self.items)


@dataclass(frozen=True)
class Issue:
    key: str  # "2026-11"
    number: int
    month_text: str  # "ноябрь 2026"
    title: str  # "Бюллетень № 3, ноябрь 2026"
    path: str  # site-relative: "bulletin/2026-11/"
    url: str  # absolute
    email_path: str  # "bulletin/2026-11/email.html"
    date: datetime  # newest item's date
    count: int
    groups: tuple[Group, ...]
    site: SiteRef  # the org's site: the e-mail version names it
    prev_path: str | None = None  # the previous (older) issue
    next_path: str | None = None


@dataclass(frozen=True)
class Bulletin:
    """A site's issues, newest first: its index page shows them all, its RSS feed the newest."""

    site: SiteRef
    issues: tuple[Issue, ...]
    feed_size: int

    @property
    def title(self) -> str:
        return MASTHEAD

    @property
    def page_url(self) -> str:
        return self.site.url + "bulletin/"

    @property
    def feed_url(self) -> str:
        return self.site.url + FEED_PATH

    @property
    def feed_issues(self) -> tuple[Issue, ...]:
        return self.issues[: self.feed_size]


# -- pure functions ------------------------------------------------------------
def month_of(value: datetime, zone: tzinfo) -> tuple[int, int]:
    """The (year, month) of an aware date-time in the network's time zone."""
    local = value.astimezone(zone)
    return local.year, local.month


def month_text(year: int, month: int) -> str:
    """«ноябрь 2026» (the nominative, stand-alone month name)."""
    return russian_month(date(year, month, 1))


def by_month(items: Iterable[Item], zone: tzinfo, now: datetime) -> dict[tuple[int, int], list[Item]]:
    """Items per month in ``zone``, months up to ``now``'s month only, months ascending, items oldest first."""
    last = month_of(now, zone)
    months: dict[tuple[int, int], list[Item]] = {}
    for item in items:
        key = month_of(item.date, zone)
        if key <= last:
            months.setdefault(key, []).append(item)
    return {key: sorted(months[key], key=lambda i: (i.date.timestamp(), i.id)) for key in sorted(months)}


def group_by_category(items: Iterable[Item], vocabulary: Mapping[str, str]) -> tuple[Group, ...]:
    """Items under their first category, groups in vocabulary order, «Разное» (no category) last."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        key = item.categories[0].key if item.categories else ""
        groups.setdefault(key, []).append(item)
    order = [key for key in vocabulary if key in groups] + [key for key in groups if key and key not in vocabulary]
    out = [Group(vocabulary.get(key, key), tuple(groups[key])) for key in order]
    if "" in groups:
        out.append(Group(OTHER, tuple(groups[""])))
    return tuple(out)


def make_issues(plan: SitePlan, items: Iterable[Item], zone: tzinfo, vocabulary: Mapping[str, str]) -> list[Issue]:
    """The site's issues, oldest first (numbered from 1)."""
    months = by_month(items, zone, plan.build_time)
    keys = [f"{y:04d}-{m:02d}" for y, m in months]
    issues = []
    for number, ((year, month), month_items) in enumerate(months.items(), start=1):
        key = keys[number - 1]
        text = month_text(year, month)
        path = f"bulletin/{key}/"
        issues.append(
            Issue(
                key=key,
                number=number,
                month_text=text,
                title=f"{BULLETIN_TITLE} №\u00a0{number}, {text}",  # «№» bound to its number
                path=path,
                url=plan.site_url + path,
                email_path=f"{path}email.html",
                date=max(month_items, key=lambda i: (i.date.timestamp(), i.id)).date,
                count=len(month_items),
                groups=group_by_category(month_items, vocabulary),
                site=plan.ref,
                prev_path=f"bulletin/{keys[number - 2]}/" if number > 1 else None,
                next_path=f"bulletin/{keys[number]}/" if number < len(keys) else None,
            )
        )
    return issues


# -- the section -----------------------------------------------------------------
def bulletin_section(planner: Planner, plan: SitePlan) -> None:
    if not planner.registry.has_members(plan.slug):
        return
    options = planner.options
    items = planner.items(planner.routes.network[plan.slug])
    issues = make_issues(plan, items, options.tz, options.categories)
    bulletin = Bulletin(plan.ref, tuple(reversed(issues)), options.feed_size)
    plan.add_page(Page("bulletin/index.md", MASTHEAD, TEMPLATE_INDEX, bulletin), BULLETIN_TITLE)
    for issue in issues:
        plan.add_page(Page(f"{issue.path}index.md", issue.title, TEMPLATE_ISSUE, issue, searchable=False))
        plan.add_file(issue.email_path, render_email, issue)
    plan.add_file(FEED_PATH, render_bulletin_rss, bulletin)
    plan.counts["feeds"] = plan.counts.get("feeds", 0) + 1


# -- writers ---------------------------------------------------------------------
@lru_cache(maxsize=1)
def _email_environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(EMAIL_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_email(issue: Issue) -> bytes:
    template = _email_environment().get_template(EMAIL_TEMPLATE)
    return template.render(
        issue=issue,
        org=issue.site.org,
        masthead=MASTHEAD,
        width=EMAIL_WIDTH,
        index_url=issue.site.url + "bulletin/",
    ).encode("utf-8")


def issue_summary(issue: Issue) -> str:
    """Plain text for the feed: what the issue holds, section by section."""
    return f"Материалов: {issue.count}. " + " · ".join(group.summary for group in issue.groups)


def render_bulletin_rss(bulletin: Bulletin) -> bytes:
    from feedgen.feed import FeedGenerator

    org = bulletin.site.org
    fg = FeedGenerator()
    fg.id(bulletin.page_url)
    fg.title(f"{org.short_name}: {MASTHEAD.lower()}")
    fg.description(f"{org.name}: {MASTHEAD.lower()}, выпуски по месяцам")
    # feedgen uses the last link added as the RSS <channel><link>: the page, so the self link goes first.
    fg.link(href=bulletin.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=bulletin.page_url, rel="alternate", type="text/html")
    fg.language(LANGUAGE)
    fg.generator("union-network", version=__version__)
    issues = bulletin.feed_issues
    fg.lastBuildDate(issues[0].date if issues else NEVER)
    for issue in issues:
        entry = fg.add_entry(order="append")
        entry.id(issue.url)
        entry.guid(issue.url, permalink=True)
        entry.title(f"{org.short_name}: {issue.title}")
        entry.link(href=issue.url)
        entry.published(issue.date)
        entry.description(issue_summary(issue))
    return fg.rss_str(pretty=True)
