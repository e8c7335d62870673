"""The digital-maturity dashboard (``maturity/``) and the ``report`` formats (terminal table, CSV).

The numbers come from :mod:`maturity`; this module arranges them for the page
of an organisation with members (itself and everything below it), for
``maturity/maturity.csv`` and for the ``report`` command.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from weakref import WeakKeyDictionary

from union_network.core.dates import russian_date
from union_network.core.models import KIND_LABELS
from union_network.core.siteplan import Page, SitePlan
from union_network.features.maturity import (
    AMBER_FROM,
    GREEN_FROM,
    MONTHS,
    POINTS,
    QUARTER_POSTS,
    REGULAR_MONTHS,
    SILENT_DAYS,
    SITE_REQUIRED_ABOVE,
    SOCIAL_REQUIRED_ABOVE,
    STATUS_LABELS,
    Assessment,
    MonthCount,
    Rollup,
    assess,
    rollups,
    scope_of,
    silent_orgs,
    worst_first,
)
from union_network.plan.planner import Planner
from union_network.write.assets import use_asset
from union_network.write.charts import bar_chart, sparkline
from union_network.write.spreadsheet import excel_csv

MATURITY_TITLE = "Цифровая зрелость"
TEMPLATE_MATURITY = "un-maturity.html"
CSV_FILE = "maturity/maturity.csv"

#: The formula as the page and the README state it: (indicator, max points, rule), in Russian.
FORMULA: tuple[tuple[str, int, str], ...] = (
    ("Назначен ответственный за информационную работу", POINTS["info_officer"], "есть в карточке — все баллы"),
    ("Контакты: телефон или электронная почта", POINTS["contacts"], "есть хотя бы одно — все баллы"),
    ("Форма обратной связи", POINTS["feedback"], "есть ссылка — все баллы"),
    ("Горячая линия", POINTS["hotline"], "есть — все баллы"),
    (
        "Страницы в социальных сетях",
        POINTS["social"],
        (
            f"есть — все баллы; обязательны для первичной организации численностью больше "
            f"{SOCIAL_REQUIRED_ABOVE['primary']} членов профсоюза и для территориальной (отраслевой, федерации) — больше "
            f"{SOCIAL_REQUIRED_ABOVE['territorial']}; где не обязательны, баллы засчитываются и без них"
        ),
    ),
    ("Новости за последние 30 дней", POINTS["recent"], "есть хотя бы одна — все баллы"),
    (
        "Новости за последние 90 дней",
        POINTS["quarter"],
        f"{POINTS['quarter'] // QUARTER_POSTS} баллов за каждую, не больше {QUARTER_POSTS} новостей",
    ),
    (
        f"Регулярность: месяцы с новостями из последних {MONTHS}",
        POINTS["regularity"],
        f"{POINTS['regularity'] // REGULAR_MONTHS} балла за каждый месяц, не больше {REGULAR_MONTHS} месяцев",
    ),
    (
        "Доля новостей, поднявшихся в вышестоящую организацию",
        POINTS["rose"],
        (
            f"{POINTS['rose']} × доля новостей за {MONTHS} месяцев, поднявшихся выше (округление до целого); "
            f"у федерации выше никого нет — все баллы"
        ),
    ),
)
SITE_RULE = (
    f"Собственный сайт обязателен при численности больше {SITE_REQUIRED_ABOVE} членов профсоюза. "
    "Сайт организации в сети (на поддомене федерации) засчитывается, поэтому требование выполнено у всех "
    "и в баллах не учитывается."
)
STATUS_RULE = (
    f"Статус: зелёный — от {GREEN_FROM} баллов, жёлтый — от {AMBER_FROM} до {GREEN_FROM - 1}, "
    f"красный — меньше {AMBER_FROM}. Молчащая организация — без собственных новостей больше {SILENT_DAYS} дней."
)


@dataclass(frozen=True)
class OrgRow:
    """One organisation on the dashboard."""

    a: Assessment
    url: str
    spark: str  # an SVG sparkline of posts per month
    rose_text: str
    months_text: str  # the sparkline's numbers as text


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str


@dataclass(frozen=True)
class DashboardData:
    scope: str
    scope_name: str
    generated_text: str
    total: Rollup
    rollups: tuple[Rollup, ...]
    orgs: tuple[OrgRow, ...]  # worst first
    silent: tuple[OrgRow, ...]
    charts: tuple[Chart, ...]
    months: tuple[MonthCount, ...]
    kinds: tuple[tuple[str, str], ...] = ()  # (kind, label) present, for the filter
    formula: tuple[tuple[str, int, str], ...] = FORMULA
    site_rule: str = SITE_RULE
    status_rule: str = STATUS_RULE
    silent_days: int = SILENT_DAYS
    csv_file: str = CSV_FILE


# -- text helpers -------------------------------------------------------------------
def rose_text(a: Assessment) -> str:
    if a.parent is None:
        return "— (выше нет)"
    share = a.activity.rose_share
    return "—" if share is None else f"{round(share * 100)} %"


def months_text(months: Sequence[MonthCount]) -> str:
    return ", ".join(f"{m.label} — {m.count}" for m in months)


def org_row(a: Assessment, url: str) -> OrgRow:
    months = a.activity.months
    text = months_text(months)
    return OrgRow(
        a=a,
        url=url,
        spark=sparkline(f"Новости по месяцам, {a.short_name}: {text}", [m.count for m in months]),
        rose_text=rose_text(a),
        months_text=text,
    )


def rollup_chart(r: Rollup, index: int) -> Chart:
    total = sum(m.count for m in r.months)
    peak = max(r.months, key=lambda m: m.count, default=None)
    period = f" ({r.months[0].label} — {r.months[-1].label})" if r.months else ""
    desc = f"Новостей за {MONTHS} месяцев{period}: {total}."
    if peak is not None and peak.count:
        desc += f" Больше всего — {peak.label}: {peak.count}."
    title = f"Новости по месяцам: {r.short_name}" + (" и организации в её составе" if r.orgs > 1 else "")
    chart_id = f"un-chart-{index}"
    svg = bar_chart(
        chart_id, title, desc, [m.short for m in r.months], [m.count for m in r.months], [m.label for m in r.months]
    )
    return Chart(chart_id, title, svg)


# -- the page --------------------------------------------------------------------------
def dashboard_data(scope: str, assessments: dict[str, Assessment], planner, now: datetime) -> DashboardData:
    registry = planner.registry
    inside = [assessments[s] for s in scope_of(registry, scope)]
    groups = rollups(scope, assessments, registry)
    rows = {a.slug: org_row(a, planner.urls.site(a.slug)) for a in inside}
    return DashboardData(
        scope=scope,
        scope_name=registry[scope].short_name,
        generated_text=russian_date(now.astimezone(planner.options.tz)),
        total=groups[0],
        rollups=groups,
        orgs=tuple(rows[a.slug] for a in worst_first(inside)),
        silent=tuple(rows[a.slug] for a in silent_orgs(inside)),
        charts=tuple(rollup_chart(r, i) for i, r in enumerate(groups, start=1)),
        months=groups[0].months,
        kinds=tuple((k, label) for k, label in KIND_LABELS.items() if any(a.kind == k for a in inside)),
    )


_CACHE: WeakKeyDictionary = WeakKeyDictionary()


#: The per-org figures a build remembers (build/changes.py) so that the next one, reading only the
#: news its changes reach, takes the other orgs' assessments from them (features/registry.py FIGURES).
FIGURES = "maturity"


def network_assessments(planner: Planner) -> dict[str, Assessment]:
    """Every org assessed once per planner (all sites share them): from its posts when they were read,
    else as the last build assessed it (its posts, card and routes unchanged since: build/changes.py)."""
    if planner not in _CACHE:
        network = planner.network
        remembered = network.figures(FIGURES)
        read = [slug for slug in scope_of(network.registry) if network.read_news_of(slug)]
        fresh = assess(network, planner.routes, network.build_time, read)
        _CACHE[planner] = {s: fresh[s] if s in fresh else remembered[s] for s in scope_of(network.registry)}
    return _CACHE[planner]


def maturity_section(planner: Planner, plan: SitePlan) -> None:
    """``maturity/`` and ``maturity/maturity.csv`` on the root site and every site of an org with members.

    The network option ``maturity`` decides how: ``public`` (in the navigation), ``hidden`` (the default:
    built for the web team but not linked, ``noindex``, out of the sitemap, out of search) or ``off``.
    """
    registry = planner.registry
    mode = getattr(planner.options, "maturity", "hidden")
    if mode == "off" or (not registry.has_members(plan.slug) and plan.slug != registry.root.slug):
        return
    assessments = network_assessments(planner)
    data = dashboard_data(plan.slug, assessments, planner, plan.build_time)
    hidden = mode == "hidden"
    page = Page("maturity/index.md", MATURITY_TITLE, TEMPLATE_MATURITY, data, searchable=not hidden, noindex=hidden)
    plan.add_page(page, None if hidden else MATURITY_TITLE)
    plan.add_file(CSV_FILE, maturity_csv, tuple(assessments[s] for s in scope_of(registry, plan.slug)))
    use_asset(plan, "un-table.js")
    use_asset(plan, "un-reports.css")


# -- CSV -------------------------------------------------------------------------------
def _yes(check) -> str:
    if check.met:
        return "да"
    return "нет" if check.required else "нет (не обязательно)"


def maturity_header(months: Sequence[MonthCount]) -> list[str]:
    return [
        "Код (slug)",
        "Организация",
        "Вид",
        "Вышестоящая организация (код)",
        "Численность членов профсоюза",
        "Балл",
        "Статус",
        "Ответственный за информационную работу",
        "Контакты (телефон или эл. почта)",
        "Форма обратной связи",
        "Горячая линия",
        "Страницы в соцсетях",
        "Соцсети обязательны",
        "Собственный сайт",
        "Новостей за 30 дней",
        "Новостей за 90 дней",
        f"Новостей за {MONTHS} месяцев",
        *(f"Новостей, {m.key}" for m in months),
        "Поднялись выше, %",
        "Последняя новость",
        "Дней без новостей",
        f"Молчит больше {SILENT_DAYS} дней",
        "Чего не хватает",
        "Примечания",
    ]


def maturity_row(a: Assessment) -> list[object]:
    act = a.activity
    return [
        a.slug,
        a.name,
        a.kind_label,
        a.parent,
        a.members,
        a.score,
        STATUS_LABELS[a.status],
        _yes(a.check("info_officer")),
        _yes(a.check("contacts")),
        _yes(a.check("feedback")),
        _yes(a.check("hotline")),
        _yes(a.check("social")),
        a.check("social").required,
        "есть (сайт в сети)",
        act.posts_30,
        act.posts_90,
        act.posts_12m,
        *(m.count for m in act.months),
        round(act.rose_share * 100) if act.rose_share is not None and a.parent is not None else None,
        act.last_update.date().isoformat() if act.last_update else None,
        act.days_since_update,
        act.silent,
        "; ".join(a.missing),
        "; ".join(a.notes),
    ]


def maturity_csv(assessments: Iterable[Assessment]) -> bytes:
    """One row per organisation, for Excel/LibreOffice (:mod:`spreadsheet`)."""
    assessments = list(assessments)
    months = assessments[0].activity.months if assessments else ()
    return excel_csv(maturity_header(months), (maturity_row(a) for a in assessments))


# -- terminal table ----------------------------------------------------------------------
KIND_SHORT = {"federation": "федерация", "territorial": "террит.", "sectoral": "отрасл.", "primary": "первичная"}


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Iterable[int] = ()) -> str:
    """A plain-text table with a rule under the header; columns in ``right`` are right-aligned."""
    right = set(right)
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]

    def line(cells: Sequence[str]) -> str:
        out = [str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(out).rstrip()

    return "\n".join([line(header), "  ".join("─" * w for w in widths), *(line(r) for r in rows)])


def report_text(assessments: Sequence[Assessment], now: datetime, name_width: int = 40) -> str:
    """The ``report`` command's output: the table in tree order, then what each organisation lacks."""
    header = [
        "Организация",
        "Вид",
        "Членов",
        "Балл",
        "Статус",
        "30 дн",
        "90 дн",
        f"{MONTHS} мес",
        "Выше",
        "Последняя новость",
    ]
    rows = []
    top = min((a.depth for a in assessments), default=0)
    for a in assessments:
        act = a.activity
        rows.append(
            [
                _fit("  " * (a.depth - top) + a.short_name, name_width),
                KIND_SHORT[a.kind],
                "" if a.members is None else str(a.members),
                str(a.score),
                STATUS_LABELS[a.status],
                str(act.posts_30),
                str(act.posts_90),
                str(act.posts_12m),
                rose_text(a).replace(" (выше нет)", ""),
                act.last_update.date().isoformat() if act.last_update else "—",
            ]
        )
    parts = [
        f"Цифровая зрелость и активность на {russian_date(now)}: организаций — {len(assessments)}",
        "",
        text_table(header, rows, right=(2, 3, 5, 6, 7, 8)),
    ]
    lacking = [a for a in assessments if a.missing]
    if lacking:
        parts += ["", "Чего не хватает:"]
        for a in lacking:
            parts.append(f"- {a.short_name} ({a.score}): " + "; ".join(a.missing))
    counts = {s: sum(1 for a in assessments if a.status == s) for s in STATUS_LABELS}
    silent = sum(1 for a in assessments if a.activity.silent)
    parts += [
        "",
        (
            f"Зелёный: {counts['green']}, жёлтый: {counts['amber']}, красный: {counts['red']}; "
            f"молчат больше {SILENT_DAYS} дней: {silent}."
        ),
        STATUS_RULE.split(". ")[0] + ". Формула — на странице maturity/ («Как считается оценка») и в README.",
        SITE_RULE,
    ]
    return "\n".join(parts) + "\n"
