"""Digital maturity and activity of each organisation: the indicators of the information-policy concept.

Pure functions over a loaded network, relative to its build time: nothing here
reads files, renders or knows about pages. The dashboard (:mod:`dashboard`)
and the ``report`` command show what :func:`assess` returns.

The indicators come from the federations' information-policy documents (the
concept's section X, "efficiency indicators", and its rules for social pages
and sites; the regional council's "yearly assessment of information work and
digital maturity"):

* an information officer named (``info_officer``);
* contact information: a phone or an e-mail address (``contacts.phone``/``email``);
* a feedback form (``contacts.feedback_url``);
* a hotline (``contacts.hotline``);
* social pages: *required* for a primary organisation with more than 500 members
  and for any other organisation (territorial, sectoral, the federation) with
  more than 1000; optional below that;
* an own site: required above 5000 members; the organisation's site in the
  network (its subdomain) counts, so it is always met and earns no points;
* activity: posts in the last 30 and 90 days, posts per calendar month over
  the last 12 months, the share of those posts that rose above the
  organisation (:meth:`flow.Routes.rose_above`), the date of the last own post.

The score (0–100) is the sum of :data:`POINTS` (see :func:`score_parts`); the
status is green from :data:`GREEN_FROM`, amber from :data:`AMBER_FROM`, red below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from union_network.core.dates import russian_date, russian_month
from union_network.core.models import KIND_LABELS
from union_network.core.network import Network, Org, Post, Registry
from union_network.plan.flow import Routes, route

#: Points of each indicator; they add up to 100.
POINTS: dict[str, int] = {
    "info_officer": 15,  # an information officer is named
    "contacts": 10,  # a phone or an e-mail address
    "feedback": 10,  # a feedback form (contacts.feedback_url)
    "hotline": 5,  # a hotline
    "social": 10,  # social pages, or not required at this size
    "recent": 10,  # at least one post in the last 30 days
    "quarter": 15,  # 5 per post in the last 90 days, up to 3 posts
    "regularity": 20,  # 2 per calendar month with a post, of the last 12, up to 10 months
    "rose": 5,  # 5 x the share of the 12 months' posts that rose above the org
}
assert sum(POINTS.values()) == 100

QUARTER_POSTS = 3  # posts in 90 days that earn the full "quarter" points
REGULAR_MONTHS = 10  # months with posts (of 12) that earn the full "regularity" points
GREEN_FROM = 75
AMBER_FROM = 50
SILENT_DAYS = 90  # silent: no own post for more than this many days (or never)
MONTHS = 12

#: Social pages are required above these numbers of members (the concept: "свыше 500 / 1000").
SOCIAL_REQUIRED_ABOVE = {"primary": 500, "territorial": 1000, "sectoral": 1000, "federation": 1000}
#: An own site is required above this number of members; the network's subdomain site counts.
SITE_REQUIRED_ABOVE = 5000

STATUS_LABELS = {"green": "зелёный", "amber": "жёлтый", "red": "красный"}

CHECK_LABELS = {
    "info_officer": "Ответственный за информационную работу",
    "contacts": "Контакты (телефон или эл. почта)",
    "feedback": "Форма обратной связи",
    "hotline": "Горячая линия",
    "social": "Страницы в социальных сетях",
    "site": "Собственный сайт",
}


# -- small helpers -------------------------------------------------------------
def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian plural form for ``n``: 1 новость, 2 новости, 5 новостей."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def posts_word(n: int) -> str:
    return f"{n} {plural(n, 'новость', 'новости', 'новостей')}"


def half_up(value: float) -> int:
    return math.floor(value + 0.5)


def social_required(kind: str, members: int | None) -> bool:
    """The concept: social pages are mandatory for a primary above 500 members, above 1000 otherwise."""
    return members is not None and members > SOCIAL_REQUIRED_ABOVE[kind]


def site_required(members: int | None) -> bool:
    """An own site is mandatory above 5000 members (always met by the network's subdomain site)."""
    return members is not None and members > SITE_REQUIRED_ABOVE


def status_of(score: int) -> str:
    if score >= GREEN_FROM:
        return "green"
    if score >= AMBER_FROM:
        return "amber"
    return "red"


# -- months ------------------------------------------------------------------
@dataclass(frozen=True)
class MonthCount:
    key: str  # "2026-06"
    label: str  # "июнь 2026"
    short: str  # "июнь"
    count: int


def month_keys(now: datetime, tz: ZoneInfo, months: int = MONTHS) -> list[date]:
    """The first days of the ``months`` calendar months ending with the month of ``now`` (local), oldest first."""
    local = now.astimezone(tz)
    year, month = local.year, local.month
    firsts = []
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(firsts))


def posts_per_month(posts: Iterable[Post], now: datetime, tz: ZoneInfo, months: int = MONTHS) -> tuple[MonthCount, ...]:
    """Posts per calendar month (in the network's time zone) over the ``months`` months ending now."""
    firsts = month_keys(now, tz, months)
    counts = {(d.year, d.month): 0 for d in firsts}
    for post in posts:
        if post.date > now:
            continue
        local = post.date.astimezone(tz)
        key = (local.year, local.month)
        if key in counts:
            counts[key] += 1
    return tuple(
        MonthCount(
            key=f"{d.year:04d}-{d.month:02d}",
            label=russian_month(d),
            short=russian_month(d, short=True),
            count=counts[(d.year, d.month)],
        )
        for d in firsts
    )


def in_window(posts: Iterable[Post], now: datetime, days: int, tz: tzinfo | None = None) -> list[Post]:
    """Posts dated within the last ``days`` calendar days up to ``now``, both ends included.

    Counted in whole days of the network's zone, so the indicators only change at midnight
    (or when a post is published), which lets an unchanged network skip its rebuild all day.
    """
    tz = tz or now.tzinfo
    today = now.astimezone(tz).date()
    since = today - timedelta(days=days)
    return [p for p in posts if p.date <= now and since <= p.date.astimezone(tz).date()]


def in_months(posts: Iterable[Post], now: datetime, tz: ZoneInfo, months: int = MONTHS) -> list[Post]:
    """Posts in the ``months`` calendar months ending with the month of ``now``."""
    first = month_keys(now, tz, months)[0]
    start = datetime(first.year, first.month, 1, tzinfo=tz)
    return [p for p in posts if start <= p.date <= now]


# -- one organisation ------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    """One availability indicator of the card (info officer, contacts, feedback, hotline, social, site)."""

    key: str
    label: str
    met: bool
    required: bool
    points: int
    max_points: int
    note: str  # in Russian: "есть", "нет", "не обязательно (членов 300, не больше 500)"


@dataclass(frozen=True)
class Activity:
    posts_30: int
    posts_90: int
    posts_12m: int
    rose: int  # of posts_12m, those that rose above the org
    rose_share: float | None  # rose / posts_12m; None when nothing was posted or nothing is above (root)
    months: tuple[MonthCount, ...]
    active_months: int
    last_update: datetime | None
    days_since_update: int | None
    silent: bool


@dataclass(frozen=True)
class OrgHead:
    """Who a report row is about: the first columns of the dashboard and of the registry."""

    slug: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    parent: str | None


@dataclass(frozen=True)
class Assessment(OrgHead):
    depth: int
    members: int | None
    checks: tuple[Check, ...]
    activity: Activity
    parts: tuple[tuple[str, int, int], ...]  # (indicator key, points earned, max points)
    score: int
    status: str
    missing: tuple[str, ...]  # what costs points, in Russian
    notes: tuple[str, ...]  # remarks that cost nothing (e.g. the number of members is not given)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def last_update_text(self) -> str:
        a = self.activity
        return russian_date(a.last_update) if a.last_update else "нет новостей"

    def check(self, key: str) -> Check:
        return next(c for c in self.checks if c.key == key)


def card_checks(org: Org) -> tuple[Check, ...]:
    """The availability indicators of an organisation's registry card."""
    card = org.card
    members = card.members
    checks = []

    def add(key: str, met: bool, required: bool = True, note: str | None = None) -> None:
        max_points = POINTS.get(key, 0)
        checks.append(
            Check(
                key,
                CHECK_LABELS[key],
                met,
                required,
                max_points if (met or not required) else 0,
                max_points,
                note or ("есть" if met else "нет"),
            )
        )

    add("info_officer", card.info_officer is not None and bool(card.info_officer.name))
    add("contacts", bool(card.contacts.phone or card.contacts.email))
    add("feedback", bool(card.contacts.feedback_url))
    add("hotline", bool(card.contacts.hotline))
    has_social = bool(card.social.given())
    limit = SOCIAL_REQUIRED_ABOVE[card.kind]
    required = social_required(card.kind, members)
    if has_social:
        note = "есть"
    elif required:
        note = f"нет, а обязательны: членов {members}, больше {limit}"
    elif members is None:
        note = "нет; численность не указана, обязательность не определить"
    else:
        note = f"нет; не обязательны: членов {members}, не больше {limit}"
    add("social", has_social, required, note)
    site_note = "есть: сайт организации в сети (поддомен) засчитывается"
    if site_required(members):
        site_note += f"; обязателен при численности больше {SITE_REQUIRED_ABOVE}"
    add("site", True, site_required(members), site_note)
    return tuple(checks)


def activity_of(own: Sequence[Post], routes: Routes, now: datetime, tz: ZoneInfo) -> Activity:
    """Activity indicators from an org's own published posts."""
    own = [p for p in own if p.date <= now]
    year = in_months(own, now, tz)
    rose = sum(1 for p in year if routes.rose_above(p))
    months = posts_per_month(own, now, tz)
    last = max((p.date for p in own), default=None)
    days = (now.astimezone(tz).date() - last.astimezone(tz).date()).days if last else None
    return Activity(
        posts_30=len(in_window(own, now, 30, tz)),
        posts_90=len(in_window(own, now, SILENT_DAYS, tz)),
        posts_12m=len(year),
        rose=rose,
        rose_share=rose / len(year) if year else None,
        months=months,
        active_months=sum(1 for m in months if m.count),
        last_update=last,
        days_since_update=days,
        silent=days is None or days > SILENT_DAYS,
    )


def score_parts(checks: Sequence[Check], activity: Activity, is_root: bool) -> tuple[tuple[str, int, int], ...]:
    """Points per indicator: (key, earned, max). The score is the sum of the earned points.

    * card indicators: full points when present (social pages: also when not required);
    * ``recent``: 10 if at least one post in the last 30 days;
    * ``quarter``: 5 per post in the last 90 days, up to 3 posts (15);
    * ``regularity``: 2 per calendar month with a post among the last 12, up to 10 months (20);
    * ``rose``: 5 x the share of the 12 months' posts that rose above the org, rounded half up;
      the root has nothing above it and gets the 5 points; no posts: 0.
    """
    parts = [(c.key, c.points, c.max_points) for c in checks if c.max_points]
    a = activity
    parts.append(("recent", POINTS["recent"] if a.posts_30 else 0, POINTS["recent"]))
    per_post = POINTS["quarter"] // QUARTER_POSTS
    parts.append(("quarter", min(a.posts_90, QUARTER_POSTS) * per_post, POINTS["quarter"]))
    per_month = POINTS["regularity"] // REGULAR_MONTHS
    parts.append(("regularity", min(a.active_months, REGULAR_MONTHS) * per_month, POINTS["regularity"]))
    rose = POINTS["rose"] if is_root else half_up(POINTS["rose"] * a.rose_share) if a.rose_share is not None else 0
    parts.append(("rose", rose, POINTS["rose"]))
    return tuple(parts)


def missing_of(checks: Sequence[Check], activity: Activity, kind: str, is_root: bool) -> tuple[str, ...]:
    """What costs an organisation points, in words (Russian), in the order of :data:`POINTS`."""
    out = []
    by_key = {c.key: c for c in checks}
    if not by_key["info_officer"].met:
        out.append("не назначен ответственный за информационную работу")
    if not by_key["contacts"].met:
        out.append("нет контактов: ни телефона, ни электронной почты")
    if not by_key["feedback"].met:
        out.append("нет формы обратной связи")
    if not by_key["hotline"].met:
        out.append("нет горячей линии")
    social = by_key["social"]
    if social.required and not social.met:
        limit = SOCIAL_REQUIRED_ABOVE[kind]
        out.append(f"нет страниц в социальных сетях, обязательных при численности больше {limit} членов профсоюза")
    a = activity
    if a.last_update is None or a.days_since_update is None:
        out.append("нет ни одной новости")
    elif a.posts_90 == 0:
        out.append(
            f"молчит больше {SILENT_DAYS} дней: последняя новость {a.days_since_update} "
            f"{plural(a.days_since_update, 'день', 'дня', 'дней')} назад"
        )
    else:
        if not a.posts_30:
            out.append("за последние 30 дней нет новостей")
        if a.posts_90 < QUARTER_POSTS:
            out.append(f"за 90 дней {posts_word(a.posts_90)}, нужно не меньше {QUARTER_POSTS}")
    if a.last_update is not None and a.active_months < REGULAR_MONTHS:
        out.append(
            f"новости выходили в {a.active_months} {plural(a.active_months, 'месяце', 'месяцах', 'месяцах')} "
            f"из {MONTHS}, нужно не меньше {REGULAR_MONTHS}"
        )
    if not is_root and a.rose_share is not None and half_up(POINTS["rose"] * a.rose_share) < POINTS["rose"]:
        of = plural(a.posts_12m, "новости", "новостей", "новостей")  # genitive after «из»
        out.append(f"в вышестоящую организацию поднялось {a.rose} из {a.posts_12m} {of} за {MONTHS} месяцев")
    return tuple(out)


def assess_org(
    org: Org, own: Sequence[Post], routes: Routes, now: datetime, tz: ZoneInfo, depth: int = 0
) -> Assessment:
    """Every indicator, the score, the status and what is missing, for one organisation."""
    is_root = org.parent is None
    checks = card_checks(org)
    activity = activity_of(own, routes, now, tz)
    parts = score_parts(checks, activity, is_root)
    score = sum(earned for _, earned, _ in parts)
    notes = []
    if org.card.members is None:
        notes.append("численность не указана: обязательность страниц в соцсетях и сайта не определить")
    return Assessment(
        slug=org.slug,
        name=org.name,
        short_name=org.short_name,
        kind=org.kind,
        kind_label=KIND_LABELS[org.kind],
        parent=org.parent,
        depth=depth,
        members=org.card.members,
        checks=checks,
        activity=activity,
        parts=parts,
        score=score,
        status=status_of(score),
        missing=missing_of(checks, activity, org.kind, is_root),
        notes=tuple(notes),
    )


def scope_of(registry: Registry, slug: str | None = None) -> list[str]:
    """``slug`` and every org below it, depth first (the whole network when ``slug`` is None)."""
    slug = slug or registry.root.slug
    return [slug, *registry.descendants(slug)]


def assess(
    network: Network, routes: Routes | None = None, now: datetime | None = None, orgs: Iterable[str] | None = None
) -> dict[str, Assessment]:
    """Assess every organisation of the network (or ``orgs``) relative to its build time; keyed by slug,
    in tree order."""
    from union_network.core.dates import build_time

    now = now or network.build_time or build_time()
    routes = routes or route(network.registry, network.published, network.moderation)
    registry = network.registry
    tz = network.options.tz
    return {
        slug: assess_org(registry[slug], routes.own.get(slug, []), routes, now, tz, len(registry.ancestors(slug)))
        for slug in (scope_of(registry) if orgs is None else orgs)
    }


# -- roll-ups ------------------------------------------------------------------
@dataclass(frozen=True)
class Rollup:
    """An organisation with members and everything below it, summed up."""

    slug: str
    name: str
    short_name: str
    kind_label: str
    orgs: int
    members: int  # known members of the org itself (its card counts its whole membership)
    average: int  # mean score of the orgs in the subtree, rounded half up
    green: int
    amber: int
    red: int
    silent: int
    posts_90: int
    posts_12m: int
    months: tuple[MonthCount, ...]


def rollup(slug: str, assessments: Mapping[str, Assessment], registry: Registry) -> Rollup:
    group = [assessments[s] for s in scope_of(registry, slug) if s in assessments]
    head = assessments[slug]
    first = group[0].activity.months
    months = tuple(
        MonthCount(m.key, m.label, m.short, sum(a.activity.months[i].count for a in group)) for i, m in enumerate(first)
    )
    statuses = [a.status for a in group]
    return Rollup(
        slug=slug,
        name=head.name,
        short_name=head.short_name,
        kind_label=head.kind_label,
        orgs=len(group),
        members=head.members or 0,
        average=half_up(sum(a.score for a in group) / len(group)),
        green=statuses.count("green"),
        amber=statuses.count("amber"),
        red=statuses.count("red"),
        silent=sum(1 for a in group if a.activity.silent),
        posts_90=sum(a.activity.posts_90 for a in group),
        posts_12m=sum(a.activity.posts_12m for a in group),
        months=months,
    )


def rollups(slug: str, assessments: Mapping[str, Assessment], registry: Registry) -> tuple[Rollup, ...]:
    """A roll-up for ``slug`` and for every organisation with members below it (territorial, sectoral)."""
    return tuple(rollup(s, assessments, registry) for s in scope_of(registry, slug) if registry.has_members(s))


def silent_orgs(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Organisations without an own post for more than 90 days, the longest silent first (never: first of all)."""
    silent = [a for a in assessments if a.activity.silent]
    return sorted(
        silent, key=lambda a: (a.activity.last_update is not None, a.activity.last_update or datetime.min, a.slug)
    )


def worst_first(assessments: Iterable[Assessment]) -> list[Assessment]:
    return sorted(assessments, key=lambda a: (a.score, a.slug))
