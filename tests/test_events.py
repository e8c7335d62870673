"""Events (issue 6, item 3): ``events/`` page and ``events.ics`` (RFC 5545) on every site.

The calendars are parsed back with icalendar: VCALENDAR properties, a VTIMEZONE for the network's
zone, DTSTART/DTEND with its TZID, UIDs stable across builds and across sites, DTSTAMP from the
post (reproducible), the texts; the raw bytes are checked for CRLF and line folding (≤ 75 octets).
Which events each site shows follows the flow rules: own, network (for parents), upstream broadcasts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import icalendar
import lxml.html
import pytest
from conftest import EPOCH, run_cli
from netfactory import CHAIN, write_network

DOMAIN = "net.example"
MSK = ZoneInfo("Europe/Moscow")
TREE = {**CHAIN, "prim2": ("terr", "primary")}
LONG_TITLE = "Семинар уполномоченных по охране труда: " + "очень длинное название события " * 4
PLACE = "г. Северогорск, Дом профсоюзов; зал № 1, «Большой»"
# Build time (conftest): 2026-06-01T12:00:00Z.
POSTS = [
    # Upcoming, reaches the root; a long title (folding) and a place with , ; (TEXT escaping).
    {
        "org": "prim",
        "stem": "ev1",
        "title": LONG_TITLE,
        "date": "2026-05-10",
        "reach": "federation",
        "summary": "Приглашаем всех уполномоченных.",
        "categories": ["meetings"],
        "event": {"start": "2026-06-20T10:00:00+03:00", "end": "2026-06-20T12:30:00+03:00", "place": PLACE},
    },
    # Past, broadcast from the root: on every site below.
    {
        "org": "fed",
        "stem": "ev2",
        "title": "Пленум федерации",
        "date": "2026-03-20T09:00:00+03:00",
        "broadcast": True,
        "event": {"start": "2026-04-01T10:00:00", "end": "2026-04-01T18:00:00", "place": "Северогорск"},
    },
    # Territorial, reach self; the start is given in UTC: the calendar shows it in Moscow time.
    {
        "org": "terr",
        "stem": "ev3",
        "title": "Совет территориальной",
        "date": "2026-05-01",
        "reach": "self",
        "event": {"start": "2026-07-01T07:00:00Z"},
    },
    # prim2's own event that its parent hides: only on prim2's calendar.
    {
        "org": "prim2",
        "stem": "ev4",
        "title": "Собрание первички",
        "date": "2026-05-02",
        "reach": "federation",
        "event": {"start": "2026-05-30T15:00:00+03:00", "end": "2026-06-01T16:00:00+03:00"},
    },
    # Published later than the build time: on no calendar yet.
    {
        "org": "prim",
        "stem": "ev5",
        "title": "Ещё не опубликовано",
        "date": "2026-06-10",
        "reach": "federation",
        "event": {"start": "2026-07-10T10:00:00+03:00"},
    },
    # An ordinary post: not an event.
    {"org": "prim", "stem": "news", "title": "Обычная новость", "date": "2026-05-05", "reach": "federation"},
]
MODERATION = {"terr": {"hide": ["prim2/ev4"]}}

EXPECTED = {
    "fed": ["fed/ev2", "prim/ev1"],
    "terr": ["fed/ev2", "prim/ev1", "terr/ev3"],
    "prim": ["fed/ev2", "prim/ev1"],
    "prim2": ["fed/ev2", "prim2/ev4"],
}


def host(slug: str) -> str:
    return DOMAIN if slug == "fed" else f"{slug}.{DOMAIN}"


def uid_of(post_id: str) -> str:
    slug, stem = post_id.split("/")
    return f"{stem}@{host(slug)}"


def build(root: Path, out: Path, epoch: str = EPOCH) -> Path:
    cfg = write_network(root, TREE, POSTS, moderation=MODERATION)
    result = run_cli("build", "-q", "-f", str(cfg), "--out", str(out), epoch=epoch)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def net(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("events") / "net"


@pytest.fixture(scope="module")
def site(net) -> Path:
    return build(net, net / "site")


def calendar(site: Path, slug: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site / slug / "events.ics").read_bytes())


def events(cal: icalendar.Calendar) -> list[icalendar.Event]:
    return list(cal.walk("VEVENT"))


# ----------------------------------------------------------------------------- RFC 5545


@pytest.mark.parametrize("slug", sorted(TREE))
def test_calendar_properties_and_timezone(site, slug):
    cal = calendar(site, slug)
    assert cal.name == "VCALENDAR"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//union-network//")
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["X-WR-CALNAME"]) == f"Организация {slug}: события"
    zones = list(cal.walk("VTIMEZONE"))
    assert [str(z["TZID"]) for z in zones] == ["Europe/Moscow"]
    assert zones[0].walk("STANDARD"), "a VTIMEZONE needs a STANDARD or DAYLIGHT rule"
    assert cal.get_missing_tzids() == set()
    for event in events(cal):
        for prop in ("DTSTART", "DTEND"):
            if prop in event:
                assert event[prop].params["TZID"] == "Europe/Moscow"
                assert event[prop].dt.utcoffset() == timedelta(hours=3)
        assert event["DTSTAMP"].dt.tzinfo is not None and event["DTSTAMP"].dt.utcoffset() == timedelta(0)
        for prop in ("UID", "SUMMARY", "URL", "DTSTART"):
            assert prop in event, prop


@pytest.mark.parametrize("slug", sorted(TREE))
def test_each_site_has_its_events(site, slug):
    uids = [str(e["UID"]) for e in events(calendar(site, slug))]
    assert sorted(uids) == sorted(uid_of(p) for p in EXPECTED[slug])


def test_event_values(site):
    by_uid = {str(e["UID"]): e for e in events(calendar(site, "terr"))}
    ev1 = by_uid[uid_of("prim/ev1")]
    assert ev1["DTSTART"].dt == datetime(2026, 6, 20, 10, 0, tzinfo=MSK)
    assert ev1["DTEND"].dt == datetime(2026, 6, 20, 12, 30, tzinfo=MSK)
    assert str(ev1["SUMMARY"]) == LONG_TITLE.strip()
    assert str(ev1["LOCATION"]) == PLACE
    assert str(ev1["URL"]) == f"https://prim.{DOMAIN}/news/ev1/"
    assert str(ev1["DESCRIPTION"]) == "Приглашаем всех уполномоченных."
    assert ev1["DTSTAMP"].dt == datetime(2026, 5, 9, 21, 0, tzinfo=UTC)  # the post's date, in UTC
    # A start given in UTC is written in the network's zone, same instant; no end: no DTEND.
    ev3 = by_uid[uid_of("terr/ev3")]
    assert ev3["DTSTART"].dt == datetime(2026, 7, 1, 10, 0, tzinfo=MSK)
    assert ev3["DTSTART"].dt == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    assert "DTEND" not in ev3
    # A date-time without a zone in front matter is local to the network.
    ev2 = by_uid[uid_of("fed/ev2")]
    assert ev2["DTSTART"].dt == datetime(2026, 4, 1, 10, 0, tzinfo=MSK)


def test_the_same_event_is_the_same_vevent_on_every_site(site):
    """UIDs do not depend on the site: the same VEVENT text in every calendar that carries it."""
    blocks: dict[str, set[bytes]] = {}
    for slug in TREE:
        raw = (site / slug / "events.ics").read_bytes().replace(b"\r\n ", b"")  # unfolded
        for block in raw.split(b"BEGIN:VEVENT\r\n")[1:]:
            block = block.split(b"END:VEVENT")[0]
            uid = next(line[4:] for line in block.split(b"\r\n") if line.startswith(b"UID:"))
            blocks.setdefault(uid.decode(), set()).add(block)
    assert set(blocks) == {uid_of(p) for ids in EXPECTED.values() for p in ids}
    assert all(len(v) == 1 for v in blocks.values()), {k: len(v) for k, v in blocks.items()}


def planned_ics(net: Path, epoch: str, slug: str) -> bytes:
    """``events.ics`` of a site as its plan writes it (no rendering: the calendar is plan data)."""
    from datetime import UTC, datetime

    from union_network.features.registry import planner
    from union_network.read.load import load_network

    network, problems = load_network(net / "mkdocs.yml", datetime.fromtimestamp(int(epoch), tz=UTC))
    assert not problems.errors
    (ics,) = [f for f in planner(network).plan(slug).files if f.path == "events.ics"]
    return ics.write(ics.data)


def test_uids_and_files_are_stable_across_builds(net, site):
    for slug in TREE:
        assert planned_ics(net, EPOCH, slug) == (site / slug / "events.ics").read_bytes(), slug
    # A later build (other build time): the same events keep their UIDs and DTSTAMPs.
    later = icalendar.Calendar.from_ical(planned_ics(net, "1782907200", "fed"))  # 2026-07-01T12:00Z: ev5 is due
    before = {str(e["UID"]): e["DTSTAMP"].dt for e in events(calendar(site, "fed"))}
    after = {str(e["UID"]): e["DTSTAMP"].dt for e in events(later)}
    assert set(after) == set(before) | {uid_of("prim/ev5")}
    assert all(after[u] == before[u] for u in before)


def test_line_folding_and_crlf(site):
    for slug in TREE:
        raw = (site / slug / "events.ics").read_bytes()
        assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
        assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
        lines = raw.split(b"\r\n")[:-1]
        for line in lines:
            assert len(line) <= 75, f"{slug}: line of {len(line)} octets: {line!r}"
            line.decode("utf-8")  # folding never splits a UTF-8 sequence
        unfolded = raw.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
        if slug != "prim2":
            # The long title had to be folded; unfolded (RFC 5545 §3.1) it is intact.
            assert any(line.startswith(b" ") for line in lines)
            assert f"SUMMARY:{LONG_TITLE.strip()}".encode() in unfolded
            assert "LOCATION:г. Северогорск\\, Дом профсоюзов\\; зал № 1\\, «Большой»".encode() in unfolded


# ----------------------------------------------------------------------------- the page


def page(site: Path, slug: str):
    return lxml.html.parse(str(site / slug / "events" / "index.html")).getroot()


def test_page_lists_upcoming_first_then_past(site):
    doc = page(site, "terr")
    content = doc.find_class("md-content")[0]
    headings = [h.text_content().strip() for h in content.iter("h2")]
    assert headings == ["Предстоящие", "Прошедшие"]
    links = [a.get("href") for a in content.iter("a") if "/news/" in (a.get("href") or "")]
    order = [h for i, h in enumerate(links) if h not in links[:i]]
    # Upcoming soonest first (ev1 on 20 June, ev3 on 1 July), then past (ev2).
    assert order == [
        f"https://prim.{DOMAIN}/news/ev1/",
        f"https://terr.{DOMAIN}/news/ev3/",
        f"https://{DOMAIN}/news/ev2/",
    ]


def test_an_event_in_progress_is_upcoming(site):
    """prim2/ev4 started before the build time and ends after it: still upcoming."""
    text = page(site, "prim2").find_class("md-content")[0].text_content()
    assert text.index("Собрание первички") < text.index("Прошедшие") < text.index("Пленум федерации")


def test_page_links_the_calendar(site):
    for slug in TREE:
        doc = page(site, slug)
        hrefs = [a.get("href") for a in doc.iter("a")]
        assert f"webcal://{host(slug)}/events.ics" in hrefs
        assert f"https://{host(slug)}/events.ics" in hrefs
        alternates = [el.get("href") for el in doc.iter("link") if el.get("type") == "text/calendar"]
        # Relative (same origin, like the feed links): resolved against the page's URL.
        assert [urljoin(f"https://{host(slug)}/events/", h) for h in alternates] == [f"https://{host(slug)}/events.ics"]
    nav = lxml.html.parse(str(site / "prim" / "index.html")).getroot()
    assert any(a.text_content().strip() == "События" for a in nav.iter("a"))


def test_event_page_escapes_the_place(tmp_path):
    posts = [
        {
            "org": "prim",
            "stem": "x",
            "title": "Событие",
            "date": "2026-05-01",
            "reach": "federation",
            "event": {"start": "2026-06-10T10:00:00+03:00", "place": 'Зал <script>alert(1)</script> & "Б"'},
        }
    ]
    cfg = write_network(tmp_path / "net", posts=posts)
    assert run_cli("build", "-q", "-f", str(cfg)).exit_code == 0
    for slug in ("prim", "terr"):
        text = (tmp_path / "net" / "site" / slug / "events" / "index.html").read_text(encoding="utf-8")
        assert "Событие" in text and "<script>alert" not in text


# ----------------------------------------------------------------------------- per-post calendars (issue 10)


@pytest.mark.parametrize("post_id", ["prim/ev1", "fed/ev2", "terr/ev3", "prim2/ev4"])
def test_each_event_post_offers_its_own_calendar(site, post_id):
    slug, stem = post_id.split("/")
    ics = site / slug / "news" / stem / "event.ics"
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    assert str(cal["VERSION"]) == "2.0" and [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Moscow"]
    (event,) = events(cal)
    assert str(event["UID"]) == uid_of(post_id)
    # The same VEVENT as in the site's events.ics (same UID, so calendar apps keep one entry).
    (same,) = [e for e in events(calendar(site, slug)) if str(e["UID"]) == uid_of(post_id)]
    assert event.to_ical() == same.to_ical()
    # The post page offers it: «Добавить в календарь» -> event.ics beside the page.
    doc = lxml.html.parse(str(site / slug / "news" / stem / "index.html")).getroot()
    links = [a for a in doc.iter("a") if a.text_content().strip() == "Добавить в календарь"]
    assert len(links) == 1 and (site / slug / "news" / stem / links[0].get("href")).resolve() == ics.resolve()


def test_posts_without_event_or_unpublished_have_no_calendar(site):
    assert not (site / "prim" / "news" / "news" / "event.ics").exists()
    assert not (site / "prim" / "news" / "ev5").exists()
    doc = lxml.html.parse(str(site / "prim" / "news" / "news" / "index.html")).getroot()
    assert not [a for a in doc.iter("a") if a.text_content().strip() == "Добавить в календарь"]


def test_event_cards_lead_with_the_event_date_and_place(site):
    doc = page(site, "terr")
    cards = doc.find_class("un-item")
    first = cards[0]  # prim/ev1: published 10 May, held 20 June
    when = first.find_class("un-item__meta")[0].xpath(".//time")[0]
    assert when.text == "20 июня 2026, 10:00–12:30 (МСК)"
    assert when.get("datetime") == "2026-06-20T10:00:00+03:00"
    assert "10 мая" not in first.text_content()
    shown = PLACE.replace("№ ", "№\u00a0")  # on pages «№» is bound to its number (the calendar keeps the text)
    assert first.find_class("un-item__event")[0].text_content() == f"Где: {shown}"
    # The post page itself says when and where the same way.
    post = lxml.html.parse(str(site / "prim" / "news" / "ev1" / "index.html")).getroot()
    assert (
        f"Когда: 20 июня 2026, 10:00–12:30 (МСК). Где: {shown}" in post.find_class("un-item__event")[0].text_content()
    )
