"""Digital maturity (maturity.py): every indicator, the score formula, thresholds, windows, roll-ups, the SVG
charts, the maturity/ dashboard of a built network and the ``report`` command."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import EPOCH, run_cli
from netfactory import CHAIN, write_network

from union_network.core.models import Moderation, OrgCard
from union_network.core.network import Network, Org, Post, Registry
from union_network.features.dashboard import maturity_csv, report_text
from union_network.features.maturity import (
    POINTS,
    assess,
    posts_per_month,
    rollups,
    silent_orgs,
    site_required,
    social_required,
    status_of,
)
from union_network.read.options import NetworkOptions
from union_network.write.charts import bar_chart, sparkline

NOW = datetime.fromtimestamp(int(EPOCH), tz=UTC)  # 2026-06-01T12:00Z = 15:00 in Moscow
MSK = timezone(timedelta(hours=3))
SVG = "{http://www.w3.org/2000/svg}"

FULL_CARD = dict(
    contacts={
        "phone": "+7 (800) 555-00-00",
        "feedback_url": "https://example.org/feedback",
        "hotline": "8 800 555-00-01",
    },
    info_officer={"name": "Иванова Мария"},
    social={"vk": "https://vk.com/x"},
)


# -- in-memory networks ----------------------------------------------------------------
def make_network(
    tree: dict[str, tuple[str | None, str]],
    posts: list[Post] = (),
    cards: dict | None = None,
    moderation: dict | None = None,
) -> Network:
    """``tree``: slug -> (parent, kind); ``cards``: slug -> extra card fields."""
    orgs = {}
    for slug, (parent, kind) in tree.items():
        card = OrgCard(name=f"Организация {slug}", kind=kind, parent=parent, **(cards or {}).get(slug, {}))
        orgs[slug] = Org(slug, card, Path(slug), Path(slug) / "org.yml")
    root = next(o for o in orgs.values() if o.parent is None)
    registry = Registry(root=root, orgs=orgs)
    return Network(Path("."), NetworkOptions(), registry, list(posts), moderation or {}, NOW)


def post(org: str, stem: str, when: datetime, reach: str = "parent") -> Post:
    return Post(org=org, stem=stem, path=Path(f"{org}/news/{stem}.md"), title=stem, date=when, summary="", reach=reach)


TREE = CHAIN


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# -- thresholds (the concept: "свыше 500 / 1000 / 5000") ---------------------------------------
@pytest.mark.parametrize(
    ("kind", "members", "required"),
    [
        ("primary", 500, False),
        ("primary", 501, True),
        ("primary", None, False),
        ("primary", 0, False),
        ("territorial", 500, False),
        ("territorial", 1000, False),
        ("territorial", 1001, True),
        ("sectoral", 1000, False),
        ("sectoral", 1001, True),
        ("federation", 1001, True),
    ],
)
def test_social_pages_are_required_above_500_for_primaries_and_above_1000_otherwise(kind, members, required):
    assert social_required(kind, members) is required


@pytest.mark.parametrize(("members", "required"), [(5000, False), (5001, True), (None, False)])
def test_own_site_is_required_above_5000_and_always_met_by_the_network_site(members, required):
    assert site_required(members) is required
    network = make_network({"fed": (None, "federation"), "p": ("fed", "primary")}, cards={"p": {"members": members}})
    site = assess(network)["p"].check("site")
    assert site.met and site.required is required and site.max_points == 0
    assert "поддомен" in site.note


@pytest.mark.parametrize(("members", "points", "missing"), [(500, POINTS["social"], False), (501, 0, True)])
def test_missing_social_pages_cost_points_only_where_required(members, points, missing):
    network = make_network(TREE, cards={"prim": {"members": members}})
    a = assess(network)["prim"]
    assert a.check("social").points == points
    assert any("социальных сетях" in m and "больше 500" in m for m in a.missing) is missing


def test_territorial_threshold_is_1000():
    for members, points in [(1000, POINTS["social"]), (1001, 0)]:
        a = assess(make_network(TREE, cards={"terr": {"members": members}}))["terr"]
        assert a.check("social").points == points
    a = assess(make_network(TREE, cards={"terr": {"members": 1001, "social": {"telegram": "https://t.me/x"}}}))["terr"]
    assert a.check("social").points == POINTS["social"] and a.check("social").met


# -- score formula --------------------------------------------------------------------------
def test_the_points_add_up_to_100_and_a_complete_active_org_scores_100():
    assert sum(POINTS.values()) == 100
    # posts in 10 distinct months, the newest 3 within 90 days (one within 30), all rising to the parent
    whens = (
        [days_ago(1), days_ago(40), days_ago(70)]
        + [datetime(2025, m, 15, tzinfo=MSK) for m in range(7, 13)]
        + [datetime(2026, 1, 15, tzinfo=MSK)]
    )
    posts = [post("prim", f"p{i}", w) for i, w in enumerate(whens)]
    network = make_network(TREE, posts, cards={"prim": {**FULL_CARD, "members": 600}})
    a = assess(network)["prim"]
    assert a.activity.active_months == 10
    assert a.score == 100 and a.status == "green" and a.missing == ()
    assert {k: e for k, e, _ in a.parts} == POINTS


def test_an_empty_small_primary_scores_only_the_optional_social_points():
    a = assess(make_network(TREE, cards={"prim": {"members": 40}}))["prim"]
    assert a.score == POINTS["social"] == 10
    assert a.status == "red"
    assert a.missing == (
        "не назначен ответственный за информационную работу",
        "нет контактов: ни телефона, ни электронной почты",
        "нет формы обратной связи",
        "нет горячей линии",
        "нет ни одной новости",
    )
    assert a.activity.silent and a.activity.last_update is None and a.activity.rose_share is None


def test_unknown_membership_is_noted_and_requires_nothing():
    a = assess(make_network(TREE))["prim"]
    assert not a.check("social").required and a.check("social").points == POINTS["social"]
    assert a.notes == ("численность не указана: обязательность страниц в соцсетях и сайта не определить",)
    assert "численность не указана" in a.check("social").note
    assert assess(make_network(TREE, cards={"prim": {"members": 10}}))["prim"].notes == ()


def test_activity_points_follow_the_formula():
    # 2 posts in 90 days (none in 30), in 2 months; one of two rose above
    posts = [post("prim", "a", days_ago(35)), post("prim", "b", days_ago(80), reach="self")]
    network = make_network(TREE, posts, cards={"prim": FULL_CARD})
    a = assess(network)["prim"]
    parts = {k: e for k, e, _ in a.parts}
    assert parts["recent"] == 0
    assert parts["quarter"] == 2 * 5
    assert parts["regularity"] == 2 * 2
    assert parts["rose"] == 3  # 5 x 0.5 = 2.5, rounded half up
    assert a.score == 50 + 0 + 10 + 4 + 3
    assert a.status == "amber"
    assert "за последние 30 дней нет новостей" in a.missing
    assert "за 90 дней 2 новости, нужно не меньше 3" in a.missing
    assert "новости выходили в 2 месяцах из 12, нужно не меньше 10" in a.missing
    assert "в вышестоящую организацию поднялось 1 из 2 новостей за 12 месяцев" in a.missing


def test_quarter_and_regularity_points_are_capped():
    posts = [post("prim", f"p{i}", days_ago(i)) for i in range(1, 9)]  # 8 posts within 90 days, 1–2 months
    a = assess(make_network(TREE, posts))["prim"]
    assert {k: e for k, e, _ in a.parts}["quarter"] == 15
    months = [datetime(2025, m, 10, tzinfo=MSK) for m in range(7, 13)] + [
        datetime(2026, m, 10, tzinfo=MSK) for m in range(1, 6)
    ]
    months.append(datetime(2026, 6, 1, 10, 0, tzinfo=MSK))  # every one of the 12 months, the current one included
    a = assess(make_network(TREE, [post("prim", f"m{i}", w) for i, w in enumerate(months)]))["prim"]
    assert a.activity.active_months == 12
    assert {k: e for k, e, _ in a.parts}["regularity"] == 20


@pytest.mark.parametrize(
    ("score", "status"), [(100, "green"), (75, "green"), (74, "amber"), (50, "amber"), (49, "red"), (0, "red")]
)
def test_status_thresholds(score, status):
    assert status_of(score) == status


def test_the_root_has_nothing_above_it_and_gets_the_rose_points():
    a = assess(make_network(TREE, [post("fed", "x", days_ago(3))]))["fed"]
    assert {k: e for k, e, _ in a.parts}["rose"] == POINTS["rose"]
    assert not any("вышестоящую" in m for m in a.missing)


# -- rose above -------------------------------------------------------------------------------
def test_rose_above_share_uses_the_routing_rules():
    posts = [
        post("prim", "up1", days_ago(5)),
        post("prim", "up2", days_ago(6), reach="federation"),
        post("prim", "self", days_ago(7), reach="self"),
        post("prim", "hidden", days_ago(8)),
    ]
    network = make_network(TREE, posts, moderation={"terr": Moderation(hide=["prim/hidden"])})
    act = assess(network)["prim"].activity
    assert (act.rose, act.posts_12m, act.rose_share) == (2, 4, 0.5)


def test_rose_share_counts_only_the_twelve_months():
    posts = [post("prim", "old", datetime(2025, 5, 20, tzinfo=MSK)), post("prim", "new", days_ago(2), reach="self")]
    act = assess(make_network(TREE, posts))["prim"].activity
    assert (act.rose, act.posts_12m, act.rose_share) == (0, 1, 0.0)


# -- windows, months, silence -------------------------------------------------------------------
def test_30_and_90_day_windows_count_whole_days_in_the_network_zone():
    # NOW is 2026-06-01 15:00 in Moscow; 30 days back is 2026-05-02 (any time of that day counts).
    start_of_day_30 = datetime(2026, 5, 2, 0, 0, tzinfo=MSK)
    posts = [
        post("prim", "d30-morning", start_of_day_30),
        post("prim", "d31-late", start_of_day_30 - timedelta(minutes=1)),
        post("prim", "d90", datetime(2026, 3, 3, 0, 0, tzinfo=MSK)),
        post("prim", "d91", datetime(2026, 3, 2, 23, 59, tzinfo=MSK)),
    ]
    act = assess(make_network(TREE, posts))["prim"].activity
    assert act.posts_30 == 1
    assert act.posts_90 == 3


@pytest.mark.parametrize(
    ("last", "silent", "days"),
    [
        (timedelta(days=90), False, 90),
        (timedelta(days=90, hours=16), True, 91),
        (timedelta(days=91), True, 91),
        (timedelta(hours=1), False, 0),
    ],
)
def test_silent_means_no_own_post_for_more_than_90_days(last, silent, days):
    act = assess(make_network(TREE, [post("prim", "x", NOW - last)]))["prim"].activity
    assert act.silent is silent and act.days_since_update == days
    assert act.last_update == NOW - last


def test_silence_is_said_in_words_once():
    a = assess(make_network(TREE, [post("prim", "x", days_ago(107))]))["prim"]
    assert "молчит больше 90 дней: последняя новость 107 дней назад" in a.missing
    assert "за последние 30 дней нет новостей" not in a.missing


def test_posts_per_month_are_calendar_months_in_the_network_zone():
    tz = NetworkOptions().tz
    posts = [
        post("p", "may-end", datetime(2026, 5, 31, 23, 30, tzinfo=MSK)),  # still May in Moscow
        post("p", "june-first", datetime(2026, 5, 31, 22, 0, tzinfo=UTC)),  # 1 June, 01:00 in Moscow
        post("p", "first-month", datetime(2025, 7, 1, 0, 0, tzinfo=MSK)),
        post("p", "too-old", datetime(2025, 6, 30, 23, 59, tzinfo=MSK)),
        post("p", "future", NOW + timedelta(hours=1)),
    ]
    months = posts_per_month(posts, NOW, tz)
    assert next(m.key for m in months) == "2025-07" and [m.key for m in months][-1] == "2026-06"
    assert len(months) == 12
    counts = {m.key: m.count for m in months}
    assert counts["2026-05"] == 1 and counts["2026-06"] == 1 and counts["2025-07"] == 1
    assert sum(counts.values()) == 3
    assert months[-1].label == "июнь 2026"


def test_posts_per_month_across_a_new_year():
    months = posts_per_month([], datetime(2026, 1, 10, tzinfo=UTC), NetworkOptions().tz)
    assert [m.key for m in months] == [f"2025-{m:02d}" for m in range(2, 13)] + ["2026-01"]


# -- roll-ups and the silent list ------------------------------------------------------------
BIG_TREE = {
    "fed": (None, "federation"),
    "terr": ("fed", "territorial"),
    "sect": ("fed", "sectoral"),
    "p1": ("terr", "primary"),
    "p2": ("terr", "primary"),
    "p3": ("sect", "primary"),
}


def test_rollups_sum_each_subtree():
    posts = [
        post("p1", "a", days_ago(10)),
        post("p1", "b", days_ago(100)),
        post("p3", "c", days_ago(5)),
        post("terr", "d", days_ago(200)),
    ]
    network = make_network(BIG_TREE, posts, cards={"terr": {"members": 3000}})
    assessments = assess(network)
    groups = {r.slug: r for r in rollups("fed", assessments, network.registry)}
    assert list(groups) == ["fed", "sect", "terr"]  # depth first in slug order, only orgs with members
    assert groups["fed"].orgs == 6 and groups["terr"].orgs == 3 and groups["sect"].orgs == 2
    assert groups["terr"].posts_12m == 3 and groups["terr"].posts_90 == 1 and groups["terr"].members == 3000
    assert groups["terr"].silent == 2  # terr (200 days) and p2 (never)
    assert sum(m.count for m in groups["fed"].months) == 4
    scores = [assessments[s].score for s in ("terr", "p1", "p2")]
    assert groups["terr"].average == round(sum(scores) / 3 + 1e-9)
    assert groups["terr"].green + groups["terr"].amber + groups["terr"].red == 3
    assert [r.slug for r in rollups("terr", assessments, network.registry)] == ["terr"]


def test_silent_list_puts_orgs_that_never_posted_first_then_the_longest_silent():
    posts = [post("p1", "a", days_ago(100)), post("p3", "c", days_ago(300)), post("p2", "b", days_ago(3))]
    assessments = assess(make_network(BIG_TREE, posts))
    order = [a.slug for a in silent_orgs(assessments.values())]
    assert order == ["fed", "sect", "terr", "p3", "p1"]


# -- SVG -------------------------------------------------------------------------------------
def test_bar_chart_is_well_formed_accessible_svg():
    svg = bar_chart(
        "c<1>",
        'Новости: «Профком» <b> & "ко"\x01',
        "Описание",
        ["янв.", "февр."],
        [3, 0],
        ["январь 2026", "февраль 2026"],
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert set(root.get("aria-labelledby").split()) == ids and len(ids) == 2
    title = root.find(f"{SVG}title")
    assert title.text == 'Новости: «Профком» <b> & "ко" '  # escaped in the markup, intact as text
    assert "<b>" not in svg and "\x01" not in svg
    assert root.find(f"{SVG}desc").text == "Описание"
    bars = list(root.iter(f"{SVG}rect"))
    assert len(bars) == 2
    assert [t.text for t in root.iter(f"{SVG}title")][1:] == ["январь 2026: 3", "февраль 2026: 0"]


def test_sparkline_is_well_formed_svg_with_its_numbers_as_title():
    svg = sparkline("Новости по месяцам: июль 2025 — 1, август 2025 — 0", [1, 0])
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label").startswith("Новости по месяцам")
    assert root.find(f"{SVG}title").text.endswith("август 2025 — 0")
    assert len(list(root.iter(f"{SVG}rect"))) == 2


# -- report formats ----------------------------------------------------------------------------
def test_report_text_and_csv_of_in_memory_assessments():
    network = make_network(TREE, [post("prim", "x", days_ago(2))], cards={"prim": {"members": 700}})
    rows = list(assess(network).values())
    text = report_text(rows, NOW)
    assert "Организация prim" in text and "красный" in text
    assert "нет страниц в социальных сетях, обязательных при численности больше 500 членов профсоюза" in text
    table = list(csv.reader(io.StringIO(maturity_csv(rows).decode("utf-8-sig")), delimiter=";"))
    header, body = table[0], table[1:]
    assert [r[0] for r in body] == ["fed", "terr", "prim"]
    record = dict(zip(header, body[2]))
    assert record["Соцсети обязательны"] == "да" and record["Страницы в соцсетях"] == "нет"
    assert record["Новостей, 2026-06"] == "0" and record["Новостей, 2026-05"] == "1"
    assert record["Поднялись выше, %"] == "100" and record["Последняя новость"] == "2026-05-30"
    assert record["Собственный сайт"] == "есть (сайт в сети)"


# -- a built network: the dashboard and the report command -------------------------------------------
SITE_TREE = {
    "fed": (None, "federation"),
    "north": ("fed", "territorial"),
    "south": ("fed", "territorial"),
    "zavod": ("north", "primary"),
    "shkola": ("north", "primary"),
    "port": ("south", "primary"),
}
SITE_POSTS = [
    dict(org="zavod", stem="2026-05-20-a", title="A", date="2026-05-20"),
    dict(org="zavod", stem="2026-04-10-b", title="B", date="2026-04-10", reach="self"),
    dict(org="north", stem="2026-05-25-c", title="C", date="2026-05-25"),
    dict(org="port", stem="2025-12-01-d", title="D", date="2025-12-01"),
    dict(org="fed", stem="2026-05-30-e", title="E", date="2026-05-30"),
]
SITE_CARDS = {
    "fed": {**FULL_CARD, "members": 20000},
    "zavod": {**FULL_CARD, "members": 900},
    "north": {"members": 1500, "short_name": "Северная <script>alert(1)</script> организация"},
    "port": {"members": 600},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("maturity")
    cfg = write_network(root, SITE_TREE, SITE_POSTS, cards=SITE_CARDS)
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    return cfg, root / "site"


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_the_dashboard_is_on_the_root_and_on_every_site_with_members(built):
    _, site = built
    for slug in ("fed", "north", "south"):
        assert (site / slug / "maturity" / "index.html").is_file()
        assert (site / slug / "maturity" / "maturity.csv").is_file()
    for slug in ("zavod", "shkola", "port"):
        assert not (site / slug / "maturity").exists()


def test_each_parent_dashboard_shows_its_subtree_only(built):
    _, site = built
    fed = page(site, "fed/maturity/index.html")
    north = page(site, "north/maturity/index.html")

    def rows(html):
        return set(re.findall(r'<tr data-status="\w+" data-kind="\w+">\s*<td data-value="([^"]+)"', html))

    assert rows(fed) == {
        "Организация fed",
        "Северная &lt;script&gt;alert(1)&lt;/script&gt; организация",
        "Организация south",
        "Организация zavod",
        "Организация shkola",
        "Организация port",
    }
    assert rows(north) == {
        "Северная &lt;script&gt;alert(1)&lt;/script&gt; организация",
        "Организация zavod",
        "Организация shkola",
    }
    body = fed.split("<body", 1)[1]
    assert "<script>alert" not in body
    north_csv = list(csv.reader(io.StringIO(page(site, "north/maturity/maturity.csv").lstrip("\ufeff")), delimiter=";"))
    assert [r[0] for r in north_csv[1:]] == ["north", "shkola", "zavod"]


def test_the_dashboard_lists_silent_orgs_and_explains_the_formula(built):
    _, site = built
    html = page(site, "fed/maturity/index.html")
    silent = html.split('id="un-silent"', 1)[1].split('id="un-orgs"', 1)[0]
    assert "Организация shkola" in silent and "Организация port" in silent and "Организация south" in silent
    assert "Организация zavod" not in silent
    formula = html.split('id="un-formula"', 1)[1]
    for label in ("Назначен ответственный за информационную работу", "Страницы в социальных сетях", "Регулярность"):
        assert label in formula
    assert "на поддомене федерации" in formula and "зелёный — от 75 баллов" in formula
    assert "нет страниц в социальных сетях, обязательных при численности больше 500 членов профсоюза" in html  # port


def test_every_inline_svg_is_well_formed_and_has_a_text_alternative(built):
    _, site = built
    html = page(site, "fed/maturity/index.html")
    svgs = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="un-(?:chart|spark)".*?</svg>', html, re.S)
    charts = [s for s in svgs if 'class="un-chart"' in s]
    assert len(charts) == 3  # fed, north, south
    assert len(svgs) == 3 + 6  # and a sparkline per organisation
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img" and root.find(f"{SVG}title") is not None
    # the text alternative: a table of the same numbers, one column per chart
    months = html.split("Новости по месяцам (данные графиков)", 1)[1].split("</table>", 1)[0]
    assert months.count("<tr>") == 13  # header + 12 months
    assert "май 2026" in months


def test_report_command_prints_the_table(built):
    cfg, _ = built
    result = run_cli("report", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Цифровая зрелость и активность на 1 июня 2026: организаций — 6")
    assert re.search(r"Организация zavod\s+первичная\s+900\s+\d+\s+\S+", out)
    assert "Чего не хватает:" in out and "Сайт организации в сети" in out


def test_report_command_restricts_to_a_subtree(built):
    cfg, _ = built
    out = run_cli("report", "--org", "north", "-f", str(cfg)).stdout
    assert "организаций — 3" in out and "Организация port" not in out
    result = run_cli("report", "--org", "nowhere", "-f", str(cfg))
    assert result.exit_code == 2 and "nowhere" in result.output


def test_report_csv_to_stdout_and_to_a_file(built, tmp_path):
    cfg, _ = built
    result = run_cli("report", "--csv", "-f", str(cfg))
    assert result.exit_code == 0
    raw = result.stdout_bytes
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Код (slug)", "Организация"] and len(rows) == 7
    target = tmp_path / "out.csv"
    result = run_cli("report", "--csv", str(target), "-f", str(cfg))
    assert result.exit_code == 0 and "Цифровая зрелость" in result.stdout
    assert target.read_bytes() == raw


def test_report_fail_under_exits_1_and_lists_the_orgs_below(built):
    cfg, _ = built
    scores = {
        r[0]: int(r[5])
        for r in csv.reader(
            io.StringIO(run_cli("report", "--csv", "-f", str(cfg)).stdout_bytes.decode("utf-8-sig")), delimiter=";"
        )
        if r[0] != "Код (slug)"
    }
    threshold = sorted(set(scores.values()))[1]  # between the lowest and the rest
    result = run_cli("report", "--fail-under", str(threshold), "-f", str(cfg))
    assert result.exit_code == 1
    below = {slug for slug, s in scores.items() if s < threshold}
    assert below and all(f"  {slug}: {scores[slug]} — " in result.stderr for slug in below)
    assert all(f"  {slug}: " not in result.stderr for slug in set(scores) - below)
    assert run_cli("report", "--fail-under", str(min(scores.values())), "-f", str(cfg)).exit_code == 0
    assert run_cli("report", "--fail-under", "101", "-f", str(cfg)).exit_code == 2


def test_report_stops_on_bad_input(tmp_path):
    cfg = write_network(tmp_path, cards={"prim": {"members": -1}}, pages=False)
    result = run_cli("report", "-f", str(cfg))
    assert result.exit_code == 1
    assert "orgs/prim/org.yml" in result.stderr and "Отчёт не построен" in result.stderr
