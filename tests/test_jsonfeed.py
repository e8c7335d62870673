"""JSON Feed 1.1 beside every RSS/Atom feed (issue 6, item 4).

Every ``<list>/feed.xml`` (news, network, upstream, support) has a ``<list>/feed.json`` that is valid
against a JSON Schema of JSON Feed 1.1 (tests/jsonfeed-1.1.schema.json, written from the spec) and
carries the same items as the RSS feed: item ``id`` == ``url`` == the RSS GUID (the canonical URL),
same order, same dates. Every HTML page links the JSON feeds for autodiscovery.
"""

from __future__ import annotations

import email.utils
import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

import jsonschema
import lxml.etree as ET
import lxml.html
import pytest
from conftest import rglob, run_cli
from netfactory import CHAIN, write_network

from union_network.features.jsonfeed import VERSION

SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
DOMAIN = "net.example"
TREE = CHAIN
POSTS = [
    {
        "org": "prim",
        "stem": "a",
        "title": 'Собрание "A&B" <b>итоги</b>',
        "date": "2026-01-10",
        "reach": "federation",
        "categories": ["meetings", "actions"],
        "summary": "Итоги & планы на **год**",
    },
    {
        "org": "prim",
        "stem": "b",
        "title": "Без сводки",
        "date": "2026-01-10T18:30:00+03:00",
        "reach": "federation",
        "body": "",
    },
    {"org": "prim", "stem": "c", "title": "Нужна поддержка", "date": "2026-01-05", "reach": "self", "support": True},
    {"org": "terr", "stem": "d", "title": "Обращение", "date": "2026-01-20T12:00:00Z", "broadcast": True},
    {
        "org": "fed",
        "stem": "e",
        "title": "Решение федерации",
        "date": "2026-02-01T09:30:00",
        "broadcast": True,
        "categories": ["bargaining"],
    },
]
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    cfg = write_network(tmp_path_factory.mktemp("jsonfeed") / "net", TREE, POSTS)
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    return cfg.parent / "site"


def site_url(slug: str) -> str:
    return f"https://{DOMAIN}/" if slug == "fed" else f"https://{slug}.{DOMAIN}/"


def rss_feeds(site: Path) -> list[Path]:
    """Every news-list RSS feed (the bulletin's feed of issues is not a news list)."""
    return sorted(p for p in site.glob("*/*/feed.xml") if p.parent.name in ("news", "network", "upstream", "support"))


def load(path: Path) -> dict:
    return json.loads(path.read_bytes().decode("utf-8"))


def test_every_rss_feed_has_a_json_feed_beside_it(site):
    feeds = rss_feeds(site)
    kinds = {(p.parent.parent.name, p.parent.name) for p in feeds}
    assert kinds == {
        ("fed", "news"),
        ("fed", "network"),
        ("fed", "support"),
        ("terr", "news"),
        ("terr", "network"),
        ("terr", "upstream"),
        ("prim", "news"),
        ("prim", "upstream"),
    }
    for rss in feeds:
        assert (rss.parent / "feed.json").is_file(), rss
        assert (rss.parent / "atom.xml").is_file(), rss
    # besides: the topic feeds (categories/<key>/feed.json, tests/test_topics.py)
    assert len([p for p in rglob(site, "feed.json") if "categories" not in p.parts]) == len(feeds)


def test_every_json_feed_is_valid_json_feed_1_1(site):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    validator.check_schema(SCHEMA)
    for path in sorted(rglob(site, "feed.json")):
        doc = load(path)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, f"{path}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors)
        slug = path.relative_to(site).parts[0]
        kind = path.parent.relative_to(site / slug).as_posix()  # news, network/categories/meetings...
        assert doc["version"] == VERSION
        assert doc["language"] == "ru"
        assert doc["feed_url"] == f"{site_url(slug)}{kind}/feed.json"
        assert doc["home_page_url"] == f"{site_url(slug)}{kind}/"
        assert doc["authors"] and doc["authors"][0]["url"] == site_url(slug)
        for item in doc["items"]:
            assert RFC3339.match(item["date_published"]), item["date_published"]
            assert item["authors"] and item["authors"][0]["name"]


def test_items_are_the_rss_items_with_the_guid_as_id(site):
    for rss in rss_feeds(site):
        channel = ET.parse(str(rss)).getroot().find("channel")
        rss_items = channel.findall("item")
        items = load(rss.parent / "feed.json")["items"]
        assert [i["id"] for i in items] == [r.findtext("guid") for r in rss_items], rss
        assert [i["url"] for i in items] == [i["id"] for i in items]
        assert [i["title"] for i in items] == [r.findtext("title") for r in rss_items]
        entries = ET.parse(str(rss.parent / "atom.xml")).getroot().findall(f"{ATOM}entry")
        for item, r, entry in zip(items, rss_items, entries, strict=True):
            assert datetime.fromisoformat(item["date_published"]) == email.utils.parsedate_to_datetime(
                r.findtext("pubDate")
            )
            # tags are the category labels, as in the Atom feed's <category label="…">
            assert item.get("tags", []) == [c.get("label") for c in entry.findall(f"{ATOM}category")]


def test_item_fields(site):
    items = {i["id"]: i for i in load(site / "fed" / "network" / "feed.json")["items"]}
    a = items[f"https://prim.{DOMAIN}/news/a/"]
    assert a["title"] == 'Собрание "A&B" итоги'  # markup stripped by the core, plain text in JSON
    assert a["summary"] == "Итоги & планы на год"
    assert a["content_html"] == "<p>Текст новости.</p>"  # the full post, as sanitized HTML
    assert a["tags"] == ["Собрания", "Акции"]  # category labels
    assert a["authors"] == [{"name": "Организация prim", "url": f"https://prim.{DOMAIN}/"}]
    assert a["date_published"] == "2026-01-10T00:00:00+03:00"  # a date without a zone is local to the network
    b = items[f"https://prim.{DOMAIN}/news/b/"]
    assert "summary" not in b and b["content_html"] == "<p>Без сводки</p>"  # an empty body: the title stands in
    assert "tags" not in b
    # Newest first, ties by id (DESIGN §5.6), like the RSS feed.
    assert list(items) == [
        f"{site_url(s)}news/{x}/" for s, x in [("fed", "e"), ("terr", "d"), ("prim", "b"), ("prim", "a")]
    ]


def test_support_and_upstream_json_feeds(site):
    support = load(site / "fed" / "support" / "feed.json")
    assert [i["id"] for i in support["items"]] == [f"https://prim.{DOMAIN}/news/c/"]
    upstream = load(site / "prim" / "upstream" / "feed.json")
    assert [i["id"] for i in upstream["items"]] == [f"https://{DOMAIN}/news/e/", f"https://terr.{DOMAIN}/news/d/"]


def test_json_feed_bytes_are_utf8_without_escapes(site):
    raw = (site / "fed" / "network" / "feed.json").read_bytes()
    assert "Собрание".encode() in raw  # readable UTF-8, not \\u escapes
    assert raw.endswith(b"\n")


def test_every_page_links_its_json_feeds(site):
    pages = sorted(rglob(site, "*.html"))
    assert len(pages) > 10
    for page in pages:
        if page.name == "email.html":  # the bulletin's e-mail edition is not a site page
            continue
        slug = page.relative_to(site).parts[0]
        doc = lxml.html.parse(str(page)).getroot()
        hrefs = sorted(
            link.get("href")
            for link in doc.iter("link")
            if link.get("rel") == "alternate" and link.get("type") == "application/feed+json"
        )
        # Links may be relative (same origin): resolve them against the page's own URL.
        rel = page.relative_to(site / slug).as_posix()
        base = site_url(slug) + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        resolved = sorted(urljoin(base, href) for href in hrefs)
        own = list((site / slug).glob("*/feed.json"))
        parts = page.relative_to(site / slug).parts
        if "categories" in parts[:-2]:  # a topic page (categories/<key>/…) links its own feed too
            own.append((site / slug).joinpath(*parts[: parts.index("categories") + 2], "feed.json"))
        expected = sorted(site_url(slug) + p.relative_to(site / slug).as_posix() for p in own)
        assert resolved == expected, page
