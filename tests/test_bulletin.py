"""The electronic bulletin (issue 6, item 5): monthly issues of a parent's network news.

Month boundaries are taken in the network's time zone (Europe/Moscow): a post at
2026-03-31T23:30+03:00 is in March, one at 2026-03-31T21:30Z (00:30 on 1 April in Moscow) in April.
Issues: no empty ones, none after the build time's month, only on sites with member orgs; items
grouped by their first category in vocabulary order, «Разное» last. The e-mail edition is a
standalone document that loads nothing from anywhere; the RSS feed has one entry per issue.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.etree as ET
import lxml.html
import pytest
import yaml
from conftest import run_cli
from netfactory import CHAIN, write_network, write_yaml

from union_network.core.siteplan import Category, Item
from union_network.features.bulletin import by_month, group_by_category, month_of, month_text

DOMAIN = "net.example"
MSK = ZoneInfo("Europe/Moscow")
TREE = {**CHAIN, "prim2": ("terr", "primary")}
TERR_NAME = "Теркомитет «A&B» <i>Север</i>"
TRICKY_TITLE = 'Итоги: 5 < 7 & "x"'
# Build time (conftest): 2026-06-01T12:00:00Z.
POSTS = [
    {
        "org": "prim",
        "stem": "m1",
        "title": "Акция в последний вечер марта",
        "date": "2026-03-31T23:30:00+03:00",
        "reach": "federation",
        "categories": ["actions"],
    },
    {
        "org": "prim",
        "stem": "a1",
        "title": "Собрание в первую ночь апреля",
        "date": "2026-03-31T21:30:00Z",
        "reach": "federation",
        "categories": ["meetings", "actions"],
    },
    {"org": "prim2", "stem": "m2", "title": "Новость без рубрики", "date": "2026-03-01", "reach": "parent"},
    {
        "org": "terr",
        "stem": "m3",
        "title": TRICKY_TITLE,
        "date": "2026-03-15",
        "reach": "self",
        "categories": ["bargaining"],
        "summary": "Сводка <b>жирно</b> & ясно",
    },
    {"org": "fed", "stem": "j1", "title": "Январское решение", "date": "2026-01-20"},
    {"org": "prim", "stem": "future", "title": "Ещё не вышло", "date": "2026-06-15", "reach": "federation"},
    {"org": "prim", "stem": "draft", "title": "Черновик", "date": "2026-05-15", "reach": "federation", "draft": True},
]
ISSUES = {"fed": ["2026-01", "2026-03", "2026-04"], "terr": ["2026-03", "2026-04"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    cfg = write_network(tmp_path_factory.mktemp("bulletin") / "net", TREE, POSTS)
    card = cfg.parent / "orgs" / "terr" / "org.yml"  # an org name with markup characters (netfactory sets names)
    write_yaml(card, {**yaml.safe_load(card.read_text(encoding="utf-8")), "name": TERR_NAME})
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    return cfg.parent / "site"


def site_url(slug: str) -> str:
    return f"https://{DOMAIN}/" if slug == "fed" else f"https://{slug}.{DOMAIN}/"


def post_url(post_id: str) -> str:
    slug, stem = post_id.split("/")
    return f"{site_url(slug)}news/{stem}/"


def content(path: Path):
    return lxml.html.parse(str(path)).getroot().find_class("md-content")[0]


# ----------------------------------------------------------------------------- pure functions


def item(id_: str, when: datetime, *cats: str) -> Item:
    return Item(
        id=id_,
        title=id_,
        summary="",
        url=id_,
        date=when,
        date_text="",
        org_slug="o",
        org_name="O",
        org_url="u",
        categories=tuple(Category(c, c.upper()) for c in cats),
        tags=(),
        support=False,
        broadcast=False,
        event=None,
    )


def test_month_is_taken_in_the_network_time_zone():
    assert month_of(datetime(2026, 3, 31, 23, 30, tzinfo=MSK), MSK) == (2026, 3)
    assert month_of(datetime(2026, 3, 31, 21, 30, tzinfo=UTC), MSK) == (2026, 4)
    assert month_of(datetime(2026, 2, 28, 21, 0, tzinfo=UTC), MSK) == (2026, 3)
    assert month_of(datetime(2025, 12, 31, 20, 59, tzinfo=UTC), MSK) == (2025, 12)
    assert month_of(datetime(2025, 12, 31, 21, 0, tzinfo=UTC), MSK) == (2026, 1)


def test_month_names_are_russian_nominative():
    assert month_text(2026, 11) == "ноябрь 2026"
    assert month_text(2026, 3) == "март 2026"
    assert month_text(2026, 5) == "май 2026"


def test_by_month_keeps_months_up_to_the_build_time_and_sorts():
    now = datetime(2026, 4, 30, 21, 30, tzinfo=UTC)  # 1 May, 00:30 in Moscow
    items = [
        item("b", datetime(2026, 4, 10, tzinfo=MSK)),
        item("a", datetime(2026, 4, 2, tzinfo=MSK)),
        item("c", datetime(2026, 1, 5, tzinfo=MSK)),
        item("later", datetime(2026, 6, 1, tzinfo=MSK)),  # after the build time's month
    ]
    months = by_month(items, MSK, now)
    assert list(months) == [(2026, 1), (2026, 4)]  # no empty February/March, no June
    assert [i.id for i in months[(2026, 4)]] == ["a", "b"]  # oldest first in an issue
    assert (2026, 5) not in months  # the build month exists only when it has news
    assert list(by_month([item("may", datetime(2026, 5, 1, 0, 10, tzinfo=MSK))], MSK, now)) == [(2026, 5)]


def test_grouping_by_first_category_in_vocabulary_order_other_last():
    when = datetime(2026, 3, 1, tzinfo=MSK)
    vocabulary = {"meetings": "Собрания", "actions": "Акции", "bargaining": "Колдоговорная кампания"}
    items = [
        item("x1", when),
        item("b1", when, "bargaining"),
        item("a1", when, "actions", "meetings"),
        item("m1", when, "meetings"),
        item("a2", when, "actions"),
    ]
    groups = group_by_category(items, vocabulary)
    assert [(g.label, [i.id for i in g.items]) for g in groups] == [
        ("Собрания", ["m1"]),
        ("Акции", ["a1", "a2"]),  # a1 is filed once, under its first category
        ("Колдоговорная кампания", ["b1"]),
        ("Разное", ["x1"]),
    ]
    assert group_by_category([], vocabulary) == ()


# ----------------------------------------------------------------------------- issues on the sites


def test_issues_exist_only_for_months_with_news_and_only_on_parents(site):
    for slug, keys in ISSUES.items():
        found = sorted(p.name for p in (site / slug / "bulletin").iterdir() if p.is_dir())
        assert found == keys, slug
        for key in keys:
            assert (site / slug / "bulletin" / key / "index.html").is_file()
            assert (site / slug / "bulletin" / key / "email.html").is_file()
    for slug in ("prim", "prim2"):
        assert not (site / slug / "bulletin").exists(), f"{slug} has no member orgs: no bulletin"


def test_month_boundary_in_the_network_time_zone(site):
    march = content(site / "terr" / "bulletin" / "2026-03" / "index.html")
    april = content(site / "terr" / "bulletin" / "2026-04" / "index.html")
    march_links = {a.get("href") for a in march.iter("a")}
    april_links = {a.get("href") for a in april.iter("a")}
    assert post_url("prim/m1") in march_links and post_url("prim/m1") not in april_links
    assert post_url("prim/a1") in april_links and post_url("prim/a1") not in march_links
    assert post_url("prim2/m2") in march_links  # 2026-03-01 00:00 Moscow = 28 February in UTC


def test_issue_groups_items_by_category(site):
    march = content(site / "terr" / "bulletin" / "2026-03" / "index.html")
    sections = []
    for section in march.find_class("un-bulletin__section"):
        label = section.find(".//h2").text_content().strip()
        links = [a.get("href") for a in section.iter("a") if "/news/" in (a.get("href") or "")]
        sections.append((label, links))
    assert sections == [
        ("Акции", [post_url("prim/m1")]),
        ("Колдоговорная кампания", [post_url("terr/m3")]),
        ("Разное", [post_url("prim2/m2")]),
    ]
    assert len(march.find_class("un-item")) == 3  # items come from partials/un-item.html


def test_masthead_and_print_stylesheet(site):
    path = site / "terr" / "bulletin" / "2026-03" / "index.html"
    raw = path.read_text(encoding="utf-8")
    masthead = lxml.html.parse(str(path)).getroot().find_class("un-bulletin__masthead")[0]
    text = masthead.text_content()
    assert TERR_NAME in text  # the org's name, as text ...
    assert "<i>" not in lxml.html.tostring(masthead, encoding="unicode")  # ... escaped, not markup
    assert "Выпуск №\u00a01" in text and "март 2026" in text  # «№» bound to its number
    assert "Выпуск №\u00a02" in content(site / "terr" / "bulletin" / "2026-04" / "index.html").text_content()
    assert "апрель 2026" in content(site / "terr" / "bulletin" / "2026-04" / "index.html").text_content()
    style = " ".join(s.text or "" for s in lxml.html.parse(str(path)).getroot().iter("style"))
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", style)
    assert re.search(r"@page\s*\{[^}]*margin:", style)
    assert "@media print" in style
    assert "5 &lt; 7 &amp;" in raw  # org text escaped on the page too


def test_index_lists_issues_newest_first(site):
    for slug, keys in ISSUES.items():
        index = content(site / slug / "bulletin" / "index.html")
        hrefs = [a.get("href") for a in index.iter("a")]
        issue_links = [h for h in hrefs if re.search(r"bulletin/\d{4}-\d{2}/$", h or "")]
        assert [re.search(r"(\d{4}-\d{2})/$", h).group(1) for h in issue_links] == list(reversed(keys))
        assert f"{site_url(slug)}bulletin/feed.xml" in hrefs
        assert sum(1 for h in hrefs if (h or "").endswith("/email.html")) == len(keys)
    nav = lxml.html.parse(str(site / "terr" / "index.html")).getroot()
    assert any(a.text_content().strip() == "Бюллетень" for a in nav.iter("a"))


# ----------------------------------------------------------------------------- e-mail edition

FORBIDDEN_TAGS = {
    "link",
    "script",
    "style",
    "img",
    "picture",
    "source",
    "iframe",
    "frame",
    "object",
    "embed",
    "video",
    "audio",
    "form",
    "input",
    "base",
    "svg",
}


def email_paths(site: Path) -> list[Path]:
    return sorted(site.glob("*/bulletin/*/email.html"))


def test_email_is_a_standalone_document_without_external_assets(site):
    paths = email_paths(site)
    assert len(paths) == sum(len(v) for v in ISSUES.values())
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        assert raw.startswith("<!DOCTYPE html>"), path
        doc = lxml.html.document_fromstring(raw)
        assert doc.tag == "html" and doc.find("head") is not None and doc.find("body") is not None
        assert doc.find("head").find("meta").get("charset") == "utf-8"
        assert doc.findtext(".//title")
        tags = {el.tag for el in doc.iter() if isinstance(el.tag, str)}
        assert not tags & FORBIDDEN_TAGS, (path, tags & FORBIDDEN_TAGS)
        assert "table" in tags  # table layout
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for name, value in el.attrib.items():
                assert not name.startswith("on"), (path, el.tag, name)
                assert name not in ("src", "srcset", "background", "class", "poster", "data"), (path, el.tag, name)
                if name == "href":
                    assert value.startswith(("https://", "mailto:")), value  # links only, never javascript:
                if name == "width":
                    assert value == "100%" or int(value) <= 600, value
            style = el.get("style") or ""
            assert "url(" not in style and "@import" not in style and "expression(" not in style
            for px in re.findall(r"(?<![-\w])(?:max-)?width:\s*(\d+)px", style):
                assert int(px) <= 600, (path, style)
        assert "<script" not in raw.lower() and "<link" not in raw.lower() and "<style" not in raw.lower()
        assert re.search(r"max-width:\s*600px", raw)


def test_email_holds_the_issue_and_escapes_org_text(site):
    raw = (site / "terr" / "bulletin" / "2026-03" / "email.html").read_text(encoding="utf-8")
    assert "Теркомитет «A&amp;B» &lt;i&gt;Север&lt;/i&gt;" in raw
    assert "Итоги: 5 &lt; 7 &amp; &#34;x&#34;" in raw  # Jinja2's autoescape
    assert "<i>" not in raw and "<b>" not in raw
    doc = lxml.html.document_fromstring(raw)
    text = doc.text_content()
    assert "Электронный бюллетень" in text and "Выпуск №\u00a01" in text and "март 2026" in text
    assert [h.text_content() for h in doc.iter("h2")] == ["Акции", "Колдоговорная кампания", "Разное"]
    hrefs = {a.get("href") for a in doc.iter("a")}
    assert {post_url("prim/m1"), post_url("terr/m3"), post_url("prim2/m2")} <= hrefs
    assert f"{site_url('terr')}bulletin/2026-03/" in hrefs


# ----------------------------------------------------------------------------- the feed of issues

RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


@pytest.mark.parametrize("slug", sorted(ISSUES))
def test_bulletin_feed_is_valid_rss_with_one_entry_per_issue(site, slug):
    root = ET.parse(
        str(site / slug / "bulletin" / "feed.xml"), ET.XMLParser(resolve_entities=False, no_network=True)
    ).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    channels = root.findall("channel")
    assert len(channels) == 1
    channel = channels[0]
    for tag in ("title", "link", "description"):
        assert len(channel.findall(tag)) == 1 and (channel.findtext(tag) or "").strip(), tag
    assert channel.findtext("link") == f"{site_url(slug)}bulletin/"
    assert channel.findtext("language") == "ru"
    self_links = channel.findall("{http://www.w3.org/2005/Atom}link")
    assert [(link.get("rel"), link.get("href")) for link in self_links] == [
        ("self", f"{site_url(slug)}bulletin/feed.xml")
    ]
    assert RFC822.match(channel.findtext("lastBuildDate"))
    items = channel.findall("item")
    urls = [f"{site_url(slug)}bulletin/{key}/" for key in reversed(ISSUES[slug])]
    assert [i.findtext("guid") for i in items] == urls  # newest first, GUID = issue URL
    assert [i.findtext("link") for i in items] == urls
    dates = []
    for entry in items:
        assert entry.find("guid").get("isPermaLink") == "true"
        assert entry.findtext("title") and entry.findtext("description")
        assert RFC822.match(entry.findtext("pubDate")), entry.findtext("pubDate")
        dates.append(email.utils.parsedate_to_datetime(entry.findtext("pubDate")))
    assert dates == sorted(dates, reverse=True)


def test_issue_date_is_its_newest_item(site):
    root = ET.parse(str(site / "terr" / "bulletin" / "feed.xml")).getroot()
    dates = {i.findtext("guid"): email.utils.parsedate_to_datetime(i.findtext("pubDate")) for i in root.iter("item")}
    assert dates[f"{site_url('terr')}bulletin/2026-03/"] == datetime(2026, 3, 31, 23, 30, tzinfo=MSK)
    assert dates[f"{site_url('terr')}bulletin/2026-04/"] == datetime(2026, 3, 31, 21, 30, tzinfo=UTC)
