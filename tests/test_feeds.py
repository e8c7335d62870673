"""Feeds (DESIGN §5.6–5.7, §6): valid RSS 2.0 and Atom 1.0 as the W3C Feed Validation Service judges them.

We cannot reach the validator, so its rules are encoded here: required elements and their counts,
RFC 822 / RFC 3339 dates, permalink GUIDs, self links equal to the feed's own URL, language, UTF-8.
On top of that the network rules: one GUID per post in every feed, newest first (ties by id),
at most ``feed_size`` items, and feed autodiscovery on every HTML page.

One network is built per module (``SOURCE_DATE_EPOCH`` fixed) and every test reads its output.
"""

from __future__ import annotations

import email.utils
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree as ET
import lxml.html
import pytest
from click.testing import CliRunner
from conftest import rglob
from netfactory import CHAIN, write_network
from PIL import Image

from union_network.cli.commands import main

DOMAIN = "net.example"
ROOT = "fed"
EPOCH = 1772323200  # 2026-03-01T00:00:00Z: the build time
BUILD_TIME = datetime.fromtimestamp(EPOCH, tz=UTC)

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
}
A = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

TREE = {**CHAIN, "prim2": ("terr", "primary")}
SPECIAL_TITLE = 'Собрание "A&B" — итоги <b>года</b>'
SPECIAL_TITLE_TEXT = 'Собрание "A&B" — итоги года'

POSTS = [
    # Three posts with the same date: ties are broken by id (prim/a < prim/b < prim2/a).
    {"org": "prim", "stem": "b", "title": "Пост B", "date": "2026-01-10", "reach": "federation"},
    {
        "org": "prim",
        "stem": "a",
        "title": SPECIAL_TITLE,
        "date": "2026-01-10",
        "reach": "federation",
        "categories": ["meetings", "actions"],
        "summary": "Итоги & планы на **год**",
    },
    {"org": "prim2", "stem": "a", "title": "Пост второй первички", "date": "2026-01-10", "reach": "federation"},
    {
        "org": "prim",
        "stem": "c",
        "title": "Нужна поддержка",
        "date": "2026-01-05",
        "reach": "self",
        "support": True,
        "categories": ["bargaining"],
    },
    {
        "org": "terr",
        "stem": "d",
        "title": "Обращение территориальной",
        "date": "2026-01-20T12:00:00+03:00",
        "broadcast": True,
    },
    {
        "org": "fed",
        "stem": "e",
        "title": "Решение федерации",
        "date": "2026-02-01T09:30:00",
        "broadcast": True,
        "categories": ["bargaining"],
    },
    {"org": "prim", "stem": "future", "title": "Ещё не вышло", "date": "2026-06-01", "reach": "federation"},
    {"org": "prim", "stem": "hidden", "title": "Черновик", "date": "2026-01-15", "draft": True},
]


def url_of_site(slug: str) -> str:
    return f"https://{DOMAIN}/" if slug == ROOT else f"https://{slug}.{DOMAIN}/"


def post_url(post_id: str) -> str:
    slug, stem = post_id.split("/")
    return f"{url_of_site(slug)}news/{stem}/"


# The feeds every site must have (DESIGN §6), and what each carries, newest first.
EXPECTED = {
    ("fed", "news"): ["fed/e"],
    ("fed", "network"): ["fed/e", "terr/d", "prim/a", "prim/b", "prim2/a"],
    ("fed", "support"): ["prim/c"],
    ("terr", "news"): ["terr/d"],
    ("terr", "network"): ["terr/d", "prim/a", "prim/b", "prim2/a"],
    ("terr", "upstream"): ["fed/e"],
    ("prim", "news"): ["prim/a", "prim/b", "prim/c"],
    ("prim", "upstream"): ["fed/e", "terr/d"],
    ("prim2", "news"): ["prim2/a"],
    ("prim2", "upstream"): ["fed/e", "terr/d"],
}
FEEDS = sorted(EXPECTED)
FEED_IDS = [f"{s}/{k}" for s, k in FEEDS]


# ----------------------------------------------------------------------------- building


def build(root: Path, **kwargs) -> Path:
    cfg = write_network(root, TREE if "tree" not in kwargs else kwargs.pop("tree"), **kwargs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        result = CliRunner().invoke(main, ["build", "-q", "-f", str(cfg)])
    assert result.exit_code == 0, result.output
    return cfg.parent / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("feeds") / "net", posts=POSTS)


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    """feed_size=3 and five posts of one primary, all reaching the federation."""
    posts = [
        {"org": "prim", "stem": f"p{n}", "title": f"Новость {n}", "date": f"2026-01-0{n}", "reach": "federation"}
        for n in range(1, 6)
    ]
    return build(tmp_path_factory.mktemp("small") / "net", tree=None, posts=posts, feed_size=3)


# ----------------------------------------------------------------------------- helpers

RFC822 = re.compile(
    r"^(?P<wd>Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?P<d>\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def rfc822(value: str | None) -> datetime:
    assert value is not None, "missing date"
    m = RFC822.match(value.strip())
    assert m, f"not an RFC 822 date with a numeric zone: {value!r}"
    parsed = email.utils.parsedate_to_datetime(value)
    assert parsed.tzinfo is not None
    assert WEEKDAYS[parsed.weekday()] == m.group("wd"), f"wrong day of the week in {value!r}"
    return parsed


def rfc3339(value: str | None) -> datetime:
    assert value is not None, "missing date"
    assert RFC3339.match(value.strip()), f"not an RFC 3339 date-time: {value!r}"
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    assert parsed.tzinfo is not None
    return parsed


def feed_url(slug: str, rel: str) -> str:
    return url_of_site(slug) + rel


def file_of(site: Path, url: str) -> Path:
    """The file in ``site/`` that serves ``url`` (``<slug>.<domain>`` -> site/<slug>/, bare domain -> root)."""
    parts = urlsplit(url)
    assert parts.scheme == "https", url
    host = parts.hostname or ""
    if host == DOMAIN:
        slug = ROOT
    else:
        assert host.endswith("." + DOMAIN), url
        slug = host[: -len(DOMAIN) - 1]
    path = site / slug / parts.path.lstrip("/")
    if parts.path.endswith("/") or parts.path == "":
        path = path / "index.html"
    return path


def post_id_of(url: str) -> str:
    """``https://prim.net.example/news/a/`` -> ``prim/a`` (the canonical URL pattern of §4)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    slug = ROOT if host == DOMAIN else host[: -len(DOMAIN) - 1]
    m = re.fullmatch(r"/news/([^/]+)/", parts.path)
    assert m, f"not a canonical post URL: {url}"
    assert url == post_url(f"{slug}/{m.group(1)}"), url
    return f"{slug}/{m.group(1)}"


def parse(path: Path) -> ET._ElementTree:
    return ET.parse(str(path), ET.XMLParser(resolve_entities=False, no_network=True))


def one(parent: ET._Element, tag: str) -> ET._Element:
    found = parent.findall(tag, NS)
    assert len(found) == 1, f"expected exactly one <{tag}> in <{parent.tag}>, found {len(found)}"
    return found[0]


def text(parent: ET._Element, tag: str) -> str:
    value = (one(parent, tag).text or "").strip()
    assert value, f"<{tag}> is empty"
    return value


def rss_items(site: Path, slug: str, kind: str) -> list[ET._Element]:
    return parse(site / slug / kind / "feed.xml").getroot().findall("channel/item")


def atom_entries(site: Path, slug: str, kind: str) -> list[ET._Element]:
    return parse(site / slug / kind / "atom.xml").getroot().findall(f"{A}entry")


def assert_newest_first(dated: list[tuple[datetime, str]]) -> None:
    keys = [(-d.timestamp(), post_id) for d, post_id in dated]
    assert keys == sorted(keys), f"not newest first / ties by id: {[pid for _, pid in dated]}"


# ----------------------------------------------------------------------------- files


def test_every_expected_feed_exists_and_nothing_else(site):
    # bulletin/feed.xml is the feed of bulletin issues (tests/test_bulletin.py), not a news list;
    # topic feeds (categories/<key>/) are checked in tests/test_topics.py.
    found = sorted(
        p.relative_to(site).as_posix()
        for p in site.glob("*/**/*.xml")
        if p.name in ("feed.xml", "atom.xml") and p.parent.name != "bulletin" and "categories" not in p.parts
    )
    expected = sorted(f"{s}/{k}/{name}" for s, k in FEEDS for name in ("feed.xml", "atom.xml"))
    assert found == expected


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
@pytest.mark.parametrize(("slug", "kind"), FEEDS, ids=FEED_IDS)
def test_feed_is_well_formed_utf8(site, slug, kind, name):
    raw = (site / slug / kind / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "BOM before the XML declaration"
    decl = re.match(
        rb"<\?xml\s+version=(['\"])1\.0\1\s+encoding=(['\"])([A-Za-z0-9._-]+)\2\s*(standalone=\S+\s*)?\?>", raw
    )
    assert decl, f"no XML declaration with an encoding: {raw[:80]!r}"
    assert decl.group(3).decode().upper() == "UTF-8"
    raw.decode("utf-8")  # really UTF-8
    tree = ET.fromstring(raw, ET.XMLParser(resolve_entities=False, no_network=True)).getroottree()
    assert tree.docinfo.encoding.upper() == "UTF-8"
    assert b"<!DOCTYPE" not in raw


# ----------------------------------------------------------------------------- RSS 2.0


@pytest.mark.parametrize(("slug", "kind"), FEEDS, ids=FEED_IDS)
def test_rss_channel(site, slug, kind):
    root = parse(site / slug / kind / "feed.xml").getroot()
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = one(root, "channel")
    assert text(channel, "title")
    assert text(channel, "description")
    assert text(channel, "language") == "ru"

    link = text(channel, "link")
    self_url = feed_url(slug, f"{kind}/feed.xml")
    assert link == feed_url(slug, f"{kind}/"), "channel <link> must be the HTML page the feed mirrors"
    assert link != self_url
    assert file_of(site, link).is_file(), f"channel link {link} has no page"

    selfs = [el for el in channel.findall("atom:link", NS) if el.get("rel") == "self"]
    assert len(selfs) == 1, "one atom:link rel=self"
    assert selfs[0].get("href") == self_url
    assert selfs[0].get("type") == "application/rss+xml"

    last = rfc822(text(channel, "lastBuildDate"))
    for tag in ("pubDate",):
        for el in channel.findall(tag):
            rfc822(el.text)
    dates = [rfc822(item.findtext("pubDate")) for item in channel.findall("item")]
    if dates:
        assert last >= max(dates)
    assert last <= BUILD_TIME


@pytest.mark.parametrize(("slug", "kind"), FEEDS, ids=FEED_IDS)
def test_rss_items(site, slug, kind):
    items = rss_items(site, slug, kind)
    guids = []
    dated = []
    for item in items:
        title = text(item, "title")
        link = text(item, "link")
        guid_el = one(item, "guid")
        assert guid_el.get("isPermaLink") == "true"
        guid = (guid_el.text or "").strip()
        assert guid == link, "permalink GUID must equal the item link"
        assert urlsplit(guid).scheme == "https" and urlsplit(guid).netloc
        assert file_of(site, link).is_file(), f"item link {link} has no page"
        published = rfc822(text(item, "pubDate"))
        assert published <= BUILD_TIME, f"{title}: published after the build time"
        assert text(item, "dc:creator")
        assert text(item, "description")
        for cat in item.findall("category"):
            assert (cat.text or "").strip()
        guids.append(guid)
        dated.append((published, post_id_of(guid)))
    assert len(guids) == len(set(guids)), "duplicate GUIDs in one feed"
    assert_newest_first(dated)
    assert [pid for _, pid in dated] == EXPECTED[(slug, kind)]


# ----------------------------------------------------------------------------- Atom 1.0


@pytest.mark.parametrize(("slug", "kind"), FEEDS, ids=FEED_IDS)
def test_atom_feed(site, slug, kind):
    root = parse(site / slug / kind / "atom.xml").getroot()
    assert root.tag == f"{A}feed"
    assert root.nsmap.get(None) == NS["atom"]
    assert root.get(XML_LANG) == "ru"

    feed_id = text(root, "atom:id")
    assert urlsplit(feed_id).scheme in ("https", "tag", "urn"), feed_id
    assert text(root, "atom:title")
    updated = rfc3339(text(root, "atom:updated"))
    assert updated <= BUILD_TIME
    author = one(root, "atom:author")
    assert text(author, "atom:name")
    for uri in root.iter(f"{A}uri"):
        assert urlsplit((uri.text or "").strip()).scheme in ("http", "https"), "author uri must be a full URI"

    links = root.findall("atom:link", NS)
    selfs = [el for el in links if el.get("rel") == "self"]
    assert len(selfs) == 1
    assert selfs[0].get("href") == feed_url(slug, f"{kind}/atom.xml")
    alternates = [el for el in links if el.get("rel", "alternate") == "alternate"]
    assert alternates, "no rel=alternate link"
    # RFC 4287 §4.1.1: no two alternate links with the same type and hreflang.
    pairs = [(el.get("type"), el.get("hreflang")) for el in alternates]
    assert len(pairs) == len(set(pairs))
    html_alt = [el for el in alternates if el.get("type") in (None, "text/html")]
    assert html_alt and html_alt[0].get("href") == feed_url(slug, f"{kind}/")
    assert file_of(site, html_alt[0].get("href")).is_file()

    entries = root.findall("atom:entry", NS)
    if entries:
        assert updated >= max(rfc3339(e.findtext(f"{A}updated")) for e in entries)


@pytest.mark.parametrize(("slug", "kind"), FEEDS, ids=FEED_IDS)
def test_atom_entries(site, slug, kind):
    root = parse(site / slug / kind / "atom.xml").getroot()
    feed_has_author = bool(root.findall("atom:author/atom:name", NS))
    ids = []
    dated = []
    for entry in root.findall("atom:entry", NS):
        entry_id = text(entry, "atom:id")
        assert text(entry, "atom:title")
        updated = rfc3339(text(entry, "atom:updated"))
        for el in entry.findall("atom:published", NS):
            assert rfc3339(el.text) <= updated
        alternates = [el for el in entry.findall("atom:link", NS) if el.get("rel", "alternate") == "alternate"]
        assert len(alternates) == 1, "one alternate link per entry"
        href = alternates[0].get("href")
        assert href == entry_id, "entry id is the canonical URL, its alternate link"
        assert file_of(site, href).is_file()
        names = [n.text for n in entry.findall("atom:author/atom:name", NS)]
        assert feed_has_author or (names and all(n and n.strip() for n in names))
        summary = one(entry, "atom:summary")
        assert summary.get("type", "text") == "text"
        assert (summary.text or "").strip()
        for cat in entry.findall("atom:category", NS):
            assert cat.get("term")
        ids.append(entry_id)
        dated.append((updated, post_id_of(entry_id)))
    assert len(ids) == len(set(ids)), "duplicate entry ids"
    assert_newest_first(dated)
    assert [pid for _, pid in dated] == EXPECTED[(slug, kind)]


# ----------------------------------------------------------------------------- one item, one GUID


def all_guids(site: Path) -> dict[str, list[tuple[str, dict]]]:
    """guid/id -> [(feed file, {title, date}) ...] over every RSS and Atom feed."""
    seen: dict[str, list[tuple[str, dict]]] = {}
    for slug, kind in FEEDS:
        for item in rss_items(site, slug, kind):
            guid = item.findtext("guid").strip()
            data = {"title": item.findtext("title"), "date": rfc822(item.findtext("pubDate"))}
            seen.setdefault(guid, []).append((f"{slug}/{kind}/feed.xml", data))
        for entry in atom_entries(site, slug, kind):
            guid = entry.findtext(f"{A}id").strip()
            data = {"title": entry.findtext(f"{A}title"), "date": rfc3339(entry.findtext(f"{A}updated"))}
            seen.setdefault(guid, []).append((f"{slug}/{kind}/atom.xml", data))
    return seen


def test_same_post_has_one_guid_everywhere(site):
    seen = all_guids(site)
    canonical = post_url("prim/a")
    assert canonical == "https://prim.net.example/news/a/"
    carriers = sorted(f for f, _ in seen[canonical])
    assert carriers == sorted(
        f"{s}/{k}/{n}"
        for s, k in [("prim", "news"), ("terr", "network"), ("fed", "network")]
        for n in ("feed.xml", "atom.xml")
    )
    # The root's post lives on the bare domain; broadcasts keep it below.
    root_post = post_url("fed/e")
    assert root_post == "https://net.example/news/e/"
    assert sorted(f for f, _ in seen[root_post]) == sorted(
        f"{s}/{k}/{n}"
        for s, k in [
            ("fed", "news"),
            ("fed", "network"),
            ("terr", "upstream"),
            ("prim", "upstream"),
            ("prim2", "upstream"),
        ]
        for n in ("feed.xml", "atom.xml")
    )
    # A support item keeps its own org's URL in the root's support feed.
    assert "fed/support/feed.xml" in [f for f, _ in seen[post_url("prim/c")]]


def test_every_guid_is_a_canonical_url_with_one_title_and_date(site):
    for guid, carriers in all_guids(site).items():
        post_id_of(guid)
        titles = {d["title"] for _, d in carriers}
        dates = {d["date"] for _, d in carriers}
        assert len(titles) == 1, (guid, titles)
        assert len(dates) == 1, (guid, dates)


def test_unpublished_posts_are_in_no_feed(site):
    guids = all_guids(site)
    assert post_url("prim/future") not in guids
    assert post_url("prim/hidden") not in guids


def test_text_is_escaped_not_double_escaped(site):
    item = next(i for i in rss_items(site, "prim", "news") if i.findtext("guid") == post_url("prim/a"))
    assert item.findtext("title") == SPECIAL_TITLE_TEXT
    assert item.findtext("description") == "Итоги & планы на год"
    entry = next(e for e in atom_entries(site, "fed", "network") if e.findtext(f"{A}id") == post_url("prim/a"))
    assert entry.findtext(f"{A}title") == SPECIAL_TITLE_TEXT
    assert entry.findtext(f"{A}summary") == "Итоги & планы на год"
    assert sorted(c.get("term") for c in entry.findall(f"{A}category")) == ["actions", "meetings"]


def test_dates_keep_the_network_zone(site):
    """A bare date is midnight in Europe/Moscow; a zoned date-time keeps its instant."""
    items = {i.findtext("guid"): i.findtext("pubDate") for i in rss_items(site, "fed", "network")}
    assert items[post_url("prim/a")] == "Sat, 10 Jan 2026 00:00:00 +0300"
    assert rfc822(items[post_url("terr/d")]) == datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    assert rfc822(items[post_url("fed/e")]) == datetime(2026, 2, 1, 6, 30, tzinfo=UTC)


def test_an_empty_feed_is_dated_by_its_content_not_the_build_time(small_site):
    """An empty feed has no newest item to be dated by: it carries the epoch, not the build time, so that
    a site nothing changed for keeps its bytes (incremental builds carry it): the root of the small
    network has no own posts."""
    rss = parse(small_site / "fed" / "news" / "feed.xml").getroot()
    assert rss.findall("channel/item") == []
    assert rfc822(rss.findtext("channel/lastBuildDate")) == datetime(1970, 1, 1, tzinfo=UTC) != BUILD_TIME
    atom = parse(small_site / "fed" / "news" / "atom.xml").getroot()
    assert atom.findall(f"{A}entry") == []
    assert rfc3339(atom.findtext(f"{A}updated")) == datetime(1970, 1, 1, tzinfo=UTC)


# ----------------------------------------------------------------------------- feed_size


def test_feed_never_holds_more_than_feed_size(small_site):
    newest = [post_url(f"prim/p{n}") for n in (5, 4, 3)]
    feeds = sorted(small_site.glob("*/**/feed.xml"))
    assert feeds
    for path in feeds:
        items = parse(path).getroot().findall("channel/item")
        assert len(items) <= 3, path
    for path in sorted(small_site.glob("*/**/atom.xml")):
        assert len(parse(path).getroot().findall(f"{A}entry")) <= 3, path
    for slug, kind in [("prim", "news"), ("terr", "network"), ("fed", "network")]:
        assert [i.findtext("guid") for i in rss_items(small_site, slug, kind)] == newest, (slug, kind)
        assert [e.findtext(f"{A}id") for e in atom_entries(small_site, slug, kind)] == newest, (slug, kind)


def test_html_list_is_not_cut_to_feed_size(small_site):
    """feed_size limits feeds only: the news page still lists all five posts (per_page is 10)."""
    page = lxml.html.parse(str(small_site / "prim" / "news" / "index.html")).getroot()
    hrefs = {a.get("href") for a in page.iter("a") if a.get("href")}
    for n in range(1, 6):
        assert any(h.rstrip("/").endswith(f"news/p{n}") for h in hrefs), n


# ----------------------------------------------------------------------------- autodiscovery


def alternate_links(page: Path) -> list[tuple[str, str]]:
    doc = lxml.html.parse(str(page)).getroot()
    return [
        (link.get("type"), link.get("href"))
        for link in doc.iter("link")
        if "alternate" in (link.get("rel") or "").split()
        and link.get("type") in ("application/rss+xml", "application/atom+xml")
    ]


def html_pages(site: Path, include_404: bool) -> list[Path]:
    pages = sorted(rglob(site, "*.html"))
    # bulletin/*/email.html is a standalone e-mail document (no <link> by design), not a site page.
    return [p for p in pages if (include_404 or p.name != "404.html") and p.name != "email.html"]


def test_every_page_links_existing_feeds(site):
    """DESIGN §6: every HTML page (the 404 page included) links its site's feeds."""
    pages = html_pages(site, include_404=True)
    assert any(p.name == "404.html" for p in pages)
    assert len(pages) > 10
    for page in pages:
        slug = page.relative_to(site).parts[0]
        links = alternate_links(page)
        rss = [href for t, href in links if t == "application/rss+xml"]
        atom = [href for t, href in links if t == "application/atom+xml"]
        assert rss, f"{page.relative_to(site)}: no RSS autodiscovery link"
        assert atom, f"{page.relative_to(site)}: no Atom autodiscovery link"
        for href in rss + atom:
            target = file_of(site, href)
            assert target.is_file(), f"{page.relative_to(site)}: {href} does not exist"
            assert target.relative_to(site).parts[0] == slug, (
                f"{page.relative_to(site)} links another site's feed {href}"
            )
        # The page links every feed of its own site; a topic page (categories/<key>/…) its own feeds too.
        kinds = [k for s, k in FEEDS if s == slug]
        parts = page.relative_to(site / slug).parts
        if "categories" in parts[:-2]:
            kinds.append("/".join(parts[: parts.index("categories") + 2]))
        assert sorted(rss) == sorted(feed_url(slug, f"{k}/feed.xml") for k in kinds)
        assert sorted(atom) == sorted(feed_url(slug, f"{k}/atom.xml") for k in kinds)


# ----------------------------------------------------------------------------- characters XML cannot hold


def test_control_characters_never_break_a_feed(tmp_path):
    """A title/summary with a control character (legal in YAML "\\x01", illegal in XML 1.0).

    Either ``check`` reports it as ``path:line: message`` (and ``build`` refuses the same way),
    or it passes and ``build`` then succeeds with well-formed feeds. What must not happen is a
    ``check`` that passes followed by a ``build`` that fails inside the feed writer.
    """
    cfg = write_network(
        tmp_path / "net",
        posts=[
            {
                "org": "prim",
                "stem": "a",
                "title": "Плохой\x01 заголовок\x0b",
                "summary": "итог\x1fи",
                "reach": "federation",
            }
        ],
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        checked = CliRunner().invoke(main, ["check", "-f", str(cfg)])
        built = CliRunner().invoke(main, ["build", "-q", "-f", str(cfg)])
    assert "Traceback" not in checked.output + built.output
    if checked.exit_code != 0:
        assert re.search(r"^orgs/prim/news/a\.md:\d+: ", checked.output, re.M), checked.output
        assert built.exit_code != 0
        assert re.search(r"^orgs/prim/news/a\.md:\d+: ", built.output, re.M), built.output
        return
    assert built.exit_code == 0, f"check passed but build failed:\n{built.output}"
    site = cfg.parent / "site"
    for path in sorted(site.glob("*/**/*.xml")):
        if path.name in ("feed.xml", "atom.xml"):
            parse(path)  # well-formed
    titles = [i.findtext("title") for i in rss_items(site, "prim", "news")]
    assert titles and all(not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", t) for t in titles)


# ----------------------------------------------------------------------------- full content (issue 10, item 4)

FULL_BODY = """Первый абзац с **важным** словом.

Подробнее: [устав](../about.md), [раздел ниже](#details), [сайт](https://example.org/x), [файл](../docs/plan.pdf).

![График](../images/g.png)

<form action="/x"><input name="q"></form>

<iframe src="https://rutube.ru/play/embed/1"></iframe>

Экранированный текст: &lt;script&gt;alert(1)&lt;/script&gt;

## Подробности {#details}

Конец."""
FULL_POSTS = [
    {
        "org": "prim",
        "stem": "full",
        "title": "Полный текст",
        "date": "2026-01-10",
        "reach": "federation",
        "body": FULL_BODY,
    },
    {
        "org": "prim",
        "stem": "event",
        "title": "Собрание актива",
        "date": "2026-01-11",
        "reach": "federation",
        "summary": "Приглашаем всех.",
        "event": {"start": "2026-12-12T10:00:00", "end": "2026-12-12T13:00:00", "place": "Дом профсоюзов, зал 1"},
    },
]
WHEN = "Когда: 12 декабря 2026, 10:00–13:00 (МСК). Где: Дом профсоюзов, зал 1."


@pytest.fixture(scope="module")
def full_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("full") / "net"
    (root / "orgs" / "prim" / "images").mkdir(parents=True)
    Image.new("RGB", (40, 20), (200, 0, 0)).save(root / "orgs" / "prim" / "images" / "g.png")
    (root / "orgs" / "prim" / "docs").mkdir()
    (root / "orgs" / "prim" / "docs" / "plan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (root / "orgs" / "prim" / "about.md").write_text("# О нас\n\nТекст.\n", encoding="utf-8")
    return build(root, tree=None, posts=FULL_POSTS)


def full_contents(site: Path, slug: str = "fed", kind: str = "network") -> dict[str, dict[str, str]]:
    """Per post id: the content of each format."""
    out: dict[str, dict[str, str]] = {}
    for item in rss_items(site, slug, kind):
        out.setdefault(post_id_of(item.findtext("guid")), {})["rss"] = item.findtext(
            "{http://purl.org/rss/1.0/modules/content/}encoded"
        )
        out[post_id_of(item.findtext("guid"))]["rss_summary"] = item.findtext("description")
    for entry in atom_entries(site, slug, kind):
        content = entry.find(f"{A}content")
        assert content.get("type") == "html"
        out[post_id_of(entry.findtext(f"{A}id"))]["atom"] = content.text
        out[post_id_of(entry.findtext(f"{A}id"))]["atom_summary"] = entry.findtext(f"{A}summary")
    for item in json.loads((site / slug / kind / "feed.json").read_text(encoding="utf-8"))["items"]:
        out[post_id_of(item["id"])]["json"] = item["content_html"]
        out[post_id_of(item["id"])]["json_summary"] = item["summary"]
    return out


@pytest.mark.parametrize(("slug", "kind"), [("prim", "news"), ("terr", "network"), ("fed", "network")])
def test_items_carry_the_full_post_with_absolute_urls(full_site, slug, kind):
    contents = full_contents(full_site, slug, kind)["prim/full"]
    assert contents["rss"] == contents["atom"] == contents["json"]
    html = lxml.html.fragment_fromstring(contents["rss"], create_parent="div")
    assert "важным" in html.text_content() and "Конец." in html.text_content()
    assert html.xpath("//strong")[0].text == "важным"
    hrefs = html.xpath("//a/@href")
    base = "https://prim.net.example/"
    assert hrefs == [f"{base}about/", f"{base}news/full/#details", "https://example.org/x", f"{base}docs/plan.pdf"]
    assert html.xpath("//img/@src") == [f"{base}images/g.png"]
    assert (full_site / "prim" / "images" / "g.png").is_file() and (full_site / "prim" / "docs" / "plan.pdf").is_file()
    for url in hrefs + html.xpath("//img/@src"):
        assert urlsplit(url).scheme == "https", url


def test_full_content_is_sanitized(full_site):
    raw = "".join(
        (full_site / "fed" / "network" / name).read_text(encoding="utf-8")
        for name in ("feed.xml", "atom.xml", "feed.json")
    )
    contents = full_contents(full_site)["prim/full"]
    for html in (contents["rss"], contents["atom"], contents["json"]):
        doc = lxml.html.fragment_fromstring(html, create_parent="div")
        assert not doc.xpath("//script | //form | //input | //iframe | //style | //*[@style]")
        assert not [a for el in doc.iter() for a in el.attrib if a.startswith("on")]
        assert "<script>alert(1)</script>" in doc.text_content()  # escaped text stays text
    assert "<script" not in raw.replace("&lt;script", "")


def test_sanitizer_drops_what_the_check_would_have_refused():
    """What ``check`` refuses (tests/test_enforcement.py) is also removed when a body is rendered,
    so a miss in the check still runs nothing in a feed reader."""
    from union_network.read.body import body_html

    vectors = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[клик](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        "[x](data:text/html,alert(1))",
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<svg onload="alert(1)"></svg>',
        '<iframe src="https://evil.example/"></iframe>',
        '<object data="x.swf"></object>',
        "<style>body{display:none}</style>",
        'Текст {onclick="alert(1)"}',
        '<a href="/x" target="_blank" onmouseover="alert(1)">x</a>',
    ]
    for vector in vectors:
        html = body_html(vector)
        doc = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
        assert not doc.xpath("//script | //iframe | //object | //style | //svg | //*[@style]"), (vector, html)
        assert not [a for el in doc.iter() for a in el.attrib if a.startswith("on")], (vector, html)
        assert "javascript:" not in html.lower() and "data:" not in html, (vector, html)


def test_event_items_say_when_and_where(full_site):
    contents = full_contents(full_site)["prim/event"]
    for fmt in ("rss", "atom", "json"):
        html = lxml.html.fragment_fromstring(contents[fmt], create_parent="div")
        assert html.text_content().startswith(WHEN), fmt
    for fmt in ("rss_summary", "atom_summary", "json_summary"):
        assert contents[fmt] == f"{WHEN} Приглашаем всех.", fmt
