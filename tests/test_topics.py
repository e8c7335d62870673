"""Topics (issue 10, item 3): ``categories/<key>/`` on every site with posts in that category, and
``network/categories/<key>/`` on sites with members; paginated, each with RSS, Atom and JSON feeds
linked for autodiscovery; category chips link to them; tags are shown on posts.

One network is built per module (``per_page: 2`` so topics paginate) and every test reads its output.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import jsonschema
import lxml.etree as ET
import lxml.html
import pytest
from conftest import rglob, run_cli
from netfactory import CHAIN, write_network

DOMAIN = "net.example"
TREE = CHAIN
SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
ATOM = "{http://www.w3.org/2005/Atom}"
POSTS = [
    *(
        {
            "org": "prim",
            "stem": f"m{i}",
            "title": f"Собрание {i}",
            "date": f"2026-01-{10 + i:02d}",
            "reach": "federation",
            "categories": ["meetings"] + (["actions"] if i == 1 else []),
            "tags": ["профком", "отчёт"] if i == 1 else [],
        }
        for i in range(1, 4)
    ),
    {"org": "terr", "stem": "t1", "title": "Акция территориальной", "date": "2026-02-01", "categories": ["actions"]},
    {"org": "fed", "stem": "f1", "title": "Решение федерации", "date": "2026-02-02", "categories": ["bargaining"]},
    {"org": "fed", "stem": "f2", "title": "Без рубрики", "date": "2026-02-03"},
]
# Own topics and network topics, per site: key -> ids, newest first.
OWN = {
    "fed": {"bargaining": ["fed/f1"]},
    "terr": {"actions": ["terr/t1"]},
    "prim": {"meetings": ["prim/m3", "prim/m2", "prim/m1"], "actions": ["prim/m1"]},
}
NETWORK = {
    "fed": {
        "meetings": ["prim/m3", "prim/m2", "prim/m1"],
        "actions": ["terr/t1", "prim/m1"],
        "bargaining": ["fed/f1"],
    },
    "terr": {"meetings": ["prim/m3", "prim/m2", "prim/m1"], "actions": ["terr/t1", "prim/m1"]},
}


def site_url(slug: str) -> str:
    return f"https://{DOMAIN}/" if slug == "fed" else f"https://{slug}.{DOMAIN}/"


def post_url(post_id: str) -> str:
    slug, stem = post_id.split("/")
    return f"{site_url(slug)}news/{stem}/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("topics") / "net"
    cfg = write_network(root, TREE, POSTS, per_page=2)
    result = run_cli("build", "-q", "-f", str(cfg), "--out", str(root / "site"))
    assert result.exit_code == 0, result.output
    return root / "site"


def page(site: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / rel)).getroot()


def card_links(doc) -> list[str]:
    return [a.get("href") for a in doc.xpath('//*[contains(@class, "un-item__title")]/a')]


def topics_of(site: Path, slug: str, prefix: str) -> set[str]:
    folder = site / slug / prefix / "categories"
    return {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()


def test_topic_pages_exist_only_for_categories_with_posts(site):
    for slug in TREE:
        assert topics_of(site, slug, "") == set(OWN[slug])
        assert topics_of(site, slug, "network") == set(NETWORK.get(slug, {}))
    assert not (site / "prim" / "network").exists()  # no members: no network news, no network topics


@pytest.mark.parametrize(
    ("slug", "prefix", "key", "ids"),
    [(s, "", k, ids) for s, t in OWN.items() for k, ids in t.items()]
    + [(s, "network/", k, ids) for s, t in NETWORK.items() for k, ids in t.items()],
)
def test_topic_lists_and_feeds(site, slug, prefix, key, ids):
    folder = f"{prefix}categories/{key}/"
    # Pages of two, newest first, linked prev/next.
    shown, number = [], 1
    while True:
        rel = folder + ("" if number == 1 else f"page/{number}/") + "index.html"
        doc = page(site / slug, rel)
        shown += card_links(doc)
        nxt = doc.xpath('//a[@rel="next"]/@href')
        if not nxt:
            break
        number += 1
    assert shown == [post_url(i) for i in ids]
    assert number == -(-len(ids) // 2)
    # Feed autodiscovery on the topic page: its own three feeds, besides the site's.
    doc = page(site / slug, folder + "index.html")
    alternates = {
        (link.get("type"), urljoin(site_url(slug) + folder, link.get("href")))
        for link in doc.iter("link")
        if link.get("rel") == "alternate"
    }
    base = site_url(slug) + folder
    assert ("application/rss+xml", base + "feed.xml") in alternates
    assert ("application/atom+xml", base + "atom.xml") in alternates
    assert ("application/feed+json", base + "feed.json") in alternates
    # RSS, Atom and JSON carry the same items, GUID = canonical URL.
    rss = ET.parse(str(site / slug / folder / "feed.xml")).getroot()
    assert rss.findtext("channel/link") == base
    assert [i.findtext("guid") for i in rss.iter("item")] == [post_url(i) for i in ids]
    atom = ET.parse(str(site / slug / folder / "atom.xml")).getroot()
    assert [e.findtext(f"{ATOM}id") for e in atom.iter(f"{ATOM}entry")] == [post_url(i) for i in ids]
    self_link = [lnk.get("href") for lnk in atom.findall(f"{ATOM}link") if lnk.get("rel") == "self"]
    assert self_link == [base + "atom.xml"]
    feed = json.loads((site / slug / folder / "feed.json").read_text(encoding="utf-8"))
    jsonschema.validate(feed, SCHEMA)
    assert feed["feed_url"] == base + "feed.json" and feed["home_page_url"] == base
    assert [i["id"] for i in feed["items"]] == [post_url(i) for i in ids]


def test_topics_index(site):
    doc = page(site, "fed/categories/index.html")
    hrefs = doc.xpath('//ul[@class="un-topics"]/li/a/@href')
    assert [urljoin(site_url("fed") + "categories/", h) for h in hrefs] == [
        site_url("fed") + "categories/bargaining/",
        site_url("fed") + "network/categories/meetings/",
        site_url("fed") + "network/categories/actions/",
        site_url("fed") + "network/categories/bargaining/",
    ]


def test_every_chip_links_to_an_existing_topic_page(site):
    """On every page of every site: each category chip is a link to a topic page that exists and
    lists the item the chip belongs to."""
    checked = 0
    for path in sorted(rglob(site, "*.html")):
        slug = path.relative_to(site).parts[0]
        rel = path.relative_to(site / slug).as_posix()
        here = site_url(slug) + rel.removesuffix("index.html")
        doc = lxml.html.parse(str(path)).getroot()
        for chip in doc.xpath('//li[@class="un-chip"]'):
            links = chip.xpath("a/@href")
            assert len(links) == 1, f"{rel}: chip {chip.text_content()!r} is not a link"
            target = urljoin(here, links[0])
            host_slug = "fed" if target.startswith(f"https://{DOMAIN}/") else target.split("//")[1].split(".")[0]
            file = site / host_slug / target.split("/", 3)[3] / "index.html"
            assert file.is_file(), f"{rel}: {target}"
            checked += 1
    assert checked > 20


def test_chips_on_network_lists_stay_on_the_site(site):
    doc = page(site, "fed/network/page/2/index.html")  # terr/t1 and prim/m3
    chips = doc.xpath('//li[@class="un-chip"]/a/@href')
    assert chips == ["../../../network/categories/actions/", "../../../network/categories/meetings/"]
    own = page(site, "prim/news/m1/index.html")
    assert own.xpath('//li[@class="un-chip"]/a/@href') == ["../../categories/meetings/", "../../categories/actions/"]
    # upstream items (a parent's broadcast) would link to their own site's topic: see the chip test above


def test_tags_are_shown_on_posts_as_plain_chips(site):
    doc = page(site, "prim/news/m1/index.html")
    tags = doc.xpath('//ul[contains(@class, "un-tags")]/li')
    assert [t.text_content() for t in tags] == ["профком", "отчёт"]
    assert not doc.xpath('//ul[contains(@class, "un-tags")]//a')
    assert not page(site, "prim/news/m2/index.html").xpath('//ul[contains(@class, "un-tags")]')
