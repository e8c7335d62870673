"""What a reader gets, in the built files: news first and each item once on home pages, at most seven
tabs, the maturity dashboard kept for the web team, Russian titles and numbers, crawler files whose
dates come from the content, a sitemap wherever Material's script looks for one, CSVs that survive
LibreOffice's default import, a fallback font matched to the brand font.

(The same pages in Chromium, at phone and desktop widths: tests/browser/test_browser_reader.py.)
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from conftest import rglob
from netfactory import write_post
from themenet import EPOCH, build, write_branded_network

from union_network.core.typography import NBSP, bind_numero, number, typograph
from union_network.features.branding import FaceMetrics, face_metrics, fallback_css
from union_network.features.registry import planner
from union_network.plan.planner import MAX_TABS, nav_tree
from union_network.read.load import load_network

SITES = ("fed", "terr", "prim")
NUMERO_TITLE = "Собрание в школе № 14"
LATER_EPOCH = str(int(EPOCH) + 86400 * 20)  # a later build of the same content


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reader")
    cfg = write_branded_network(root)
    write_post(root / "orgs" / "prim", "2026-05-05-shkola", title=NUMERO_TITLE, date="2026-05-05", reach="self")
    return cfg


@pytest.fixture(scope="module")
def site(network) -> Path:
    return build(network, network.parent / "site")


def page(site: Path, path: str):
    return lxml.html.parse(str(site / path)).getroot()


def html_pages(site: Path):
    return sorted(rglob(site, "*.html"))


# -- navigation ------------------------------------------------------------------------------
def top_titles(tree) -> list[str]:
    return [next(iter(e)) if isinstance(e, dict) else e for e in tree]


def test_nav_tree_groups_the_lists_and_the_service_pages():
    nav = [
        ("Главная", "index.md"),
        (None, "about.md"),
        (None, "contacts.md"),
        (None, "documents.md"),
        ("Новости", "news/index.md"),
        ("Новости сети", "network/index.md"),
        ("Информационная поддержка", "support/index.md"),
        ("Членские организации", "orgs/index.md"),
        ("Реестр организаций", "registry/index.md"),
        ("Цифровая зрелость", "maturity/index.md"),
        ("События", "events/index.md"),
        ("Бюллетень", "bulletin/index.md"),
    ]
    tree = nav_tree(nav)
    assert len(tree) <= MAX_TABS == 7
    assert top_titles(tree) == ["Главная", "Новости", "События", "about.md", "contacts.md", "documents.md", "О сети"]
    assert tree[1] == {"Новости": [{"Новости": "news/index.md"}, {"Новости сети": "network/index.md"}]}
    network = tree[-1]["О сети"]
    assert [next(iter(e)) for e in network] == [
        "Информационная поддержка",
        "Членские организации",
        "Реестр организаций",
        "Цифровая зрелость",
        "Бюллетень",
    ]


def test_nav_tree_folds_many_own_pages_and_keeps_a_lone_list_plain():
    nav = [("Главная", "index.md"), ("Новости", "news/index.md")] + [(None, f"p{i}.md") for i in range(8)]
    tree = nav_tree(nav)
    assert tree[:2] == [{"Главная": "index.md"}, {"Новости": "news/index.md"}]  # one list: no group
    assert tree[2] == {"Об организации": [f"p{i}.md" for i in range(8)]}
    many = [("Главная", "index.md")] + [(f"Раздел {i}", f"x{i}/index.md") for i in range(12)]
    tree = nav_tree(many)
    assert len(tree) == 7 and "Ещё" in tree[-1] and len(tree[-1]["Ещё"]) == 13 - 6


def test_no_site_has_more_than_seven_tabs(site):
    for slug in SITES:
        for path in html_pages(site / slug):
            tabs = lxml.html.parse(str(path)).getroot().find_class("md-tabs__item")
            assert len(tabs) <= MAX_TABS, path


# -- home pages --------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", SITES)
def test_home_pages_open_with_news_and_show_each_item_once(site, slug):
    doc = page(site, f"{slug}/index.html")
    article = doc.find_class("md-content__inner")[0]
    order = [e.get("class") for e in article.iter() if e.get("class") in ("un-home__lead", "un-home__intro", "un-card")]
    assert order[0] == "un-home__lead", order  # the news before the welcome text and the card
    assert article.find_class("un-home__lead")[0].find_class("un-item"), "the lead block shows news"
    links = article.xpath('.//*[contains(@class, "un-item__title")]/a/@href')
    assert links and len(links) == len(set(links)), links
    h1 = article.xpath(".//h1")
    assert len(h1) == 1 and h1[0].get("class") == "un-home__title"


def test_network_block_leaves_out_what_the_own_block_shows(site):
    doc = page(site, "terr/index.html")
    own = doc.get_element_by_id("un-home-news").getparent().getparent()
    net = doc.get_element_by_id("un-home-network").getparent().getparent()
    own_links = set(own.xpath('.//*[contains(@class, "un-item__title")]/a/@href'))
    net_links = set(net.xpath('.//*[contains(@class, "un-item__title")]/a/@href'))
    assert own_links and net_links and not own_links & net_links
    assert all("terr.net.example" not in link for link in net_links)  # terr's own posts are in its own block


# -- maturity dashboard --------------------------------------------------------------------------
def test_the_maturity_dashboard_is_hidden_by_default(site):
    for slug in ("fed", "terr"):
        doc = page(site, f"{slug}/maturity/index.html")
        assert doc.xpath('//meta[@name="robots"]/@content') == ["noindex"]
        sitemap = (site / slug / "sitemap.xml").read_text(encoding="utf-8")
        assert "maturity" not in sitemap
        for path in html_pages(site / slug):
            hrefs = lxml.html.parse(str(path)).getroot().xpath("//nav//a/@href")
            assert not any("maturity" in h for h in hrefs), path
    assert not page(site, "fed/news/index.html").xpath('//meta[@name="robots"]')


@pytest.mark.parametrize(
    ("mode", "built", "linked"), [("public", True, True), ("hidden", True, False), ("off", False, False)]
)
def test_the_maturity_option(network, tmp_path, mode, built, linked):
    text = network.read_text(encoding="utf-8").replace(
        "  - union-network:\n", f"  - union-network:\n      maturity: {mode}\n"
    )
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text(text, encoding="utf-8")
    for child in network.parent.iterdir():
        if child.name in ("content", "orgs", "theme"):
            shutil.copytree(child, tmp_path / child.name)  # a copy: links in a network root are refused
    net, problems = load_network(cfg, datetime.fromtimestamp(int(EPOCH), UTC))
    assert not problems and net is not None and net.options.maturity == mode
    plan = planner(net).plan("fed")
    assert ("maturity/index.md" in plan.pages) is built
    assert any(src == "maturity/index.md" for _, src in plan.nav) is linked
    assert any(f.path == "maturity/maturity.csv" for f in plan.files) is built
    if built:
        assert plan.pages["maturity/index.md"].noindex is (mode == "hidden")


def test_a_bad_maturity_option_is_reported(network, tmp_path):
    text = network.read_text(encoding="utf-8").replace(
        "  - union-network:\n", "  - union-network:\n      maturity: secret\n"
    )
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text(text, encoding="utf-8")
    _, problems = load_network(cfg, datetime.fromtimestamp(int(EPOCH), UTC))
    messages = [str(p) for p in problems]
    assert any("mkdocs.yml" in m and "maturity" in m for m in messages), messages


# -- titles and numbers ---------------------------------------------------------------------------
def test_titles_join_page_and_site_with_an_em_dash(site):
    assert page(site, "fed/news/index.html").findtext(".//title") == "Новости — Профсевер"
    assert page(site, "fed/index.html").findtext(".//title") == "Профсевер"
    issue = next((site / "fed" / "bulletin").glob("*/index.html"))
    title = lxml.html.parse(str(issue)).getroot().findtext(".//title")
    assert f"№{NBSP}" in title and title.endswith(" — Профсевер"), title
    for slug in SITES:
        for path in html_pages(site / slug):
            title = lxml.html.parse(str(path)).getroot().findtext(".//title")
            assert " - " not in title, (path, title)


def test_numbers_have_non_breaking_digit_groups(site):
    assert f"35{NBSP}700" in page(site, "fed/index.html").find_class("un-card__number")[0].text_content()
    registry = page(site, "fed/registry/index.html").text_content()
    assert f"35{NBSP}700" in registry and f"6{NBSP}100" in registry
    assert "35700" not in page(site, "fed/orgs/index.html").text_content().replace(f"35{NBSP}700", "")


def test_numero_is_bound_to_its_number_on_every_page(site):
    texts = [p.read_text(encoding="utf-8") for slug in SITES for p in html_pages(site / slug)]
    post = (site / "prim" / "news" / "2026-05-05-shkola" / "index.html").read_text(encoding="utf-8")
    assert post.count(f"школе №{NBSP}14") >= 3  # <title>, og:title, the heading, the JSON-LD
    assert not [t for t in texts if re.search(r"№ \d", t)]


def test_typography_helpers():
    assert number(35700) == f"35{NBSP}700" and number(None) == "" and number(7) == "7"
    assert typograph("Лесозавод № 25 - итоги") == f"Лесозавод №{NBSP}25 — итоги"
    assert typograph("№25") == f"№{NBSP}25"
    assert bind_numero('<h1 title="Школа № 14">Школа № 14 и №\n2</h1>') == (
        f'<h1 title="Школа №{NBSP}14">Школа №{NBSP}14 и №\n2</h1>'
    )
    assert typograph("2026-2028 и из-за") == "2026-2028 и из-за"  # hyphens inside words stay


# -- crawlers ---------------------------------------------------------------------------------------
def test_every_site_has_robots_txt_naming_its_sitemap(site):
    for slug in SITES:
        robots = (site / slug / "robots.txt").read_text(encoding="utf-8")
        host = "net.example" if slug == "fed" else f"{slug}.net.example"
        assert f"Sitemap: https://{host}/sitemap.xml" in robots.splitlines()


def sitemap(path: Path) -> dict[str, str | None]:
    text = path.read_text(encoding="utf-8")
    return {
        loc: (lastmod or None)
        for loc, lastmod in re.findall(r"<url><loc>([^<]+)</loc>(?:<lastmod>([^<]+)</lastmod>)?</url>", text)
    }


def test_sitemap_lastmod_comes_from_the_content(site):
    entries = sitemap(site / "prim" / "sitemap.xml")
    assert entries["https://prim.net.example/news/2026-05-20-sobranie/"] == "2026-05-20"
    assert entries["https://prim.net.example/news/"] == "2026-05-20"  # its newest item
    assert entries["https://prim.net.example/upstream/"] == "2026-05-15"
    assert entries["https://prim.net.example/"] == "2026-05-20"  # the newest item the home page shows
    build_day = datetime.fromtimestamp(int(EPOCH), UTC).date().isoformat()
    assert build_day not in entries.values()


def test_sitemaps_do_not_change_with_the_build_time(network, site, tmp_path):
    from click.testing import CliRunner

    from union_network.cli.commands import main

    out = tmp_path / "later"
    result = CliRunner().invoke(
        main, ["build", "-q", "-f", str(network), "--out", str(out)], env={"SOURCE_DATE_EPOCH": LATER_EPOCH}
    )
    assert result.exit_code == 0, result.output
    for slug in SITES:
        for name in ("sitemap.xml", "news/sitemap.xml", "robots.txt"):
            assert (out / slug / name).read_bytes() == (site / slug / name).read_bytes(), (slug, name)


def test_a_sitemap_is_wherever_materials_script_looks_for_one(site):
    """Material fetches ``sitemap.xml`` relative to each ``<link rel="alternate">`` of a page."""
    looked_for = set()
    for slug in SITES:
        for path in html_pages(site / slug):
            doc = lxml.html.parse(str(path)).getroot()
            here = "https://site.example/" + path.relative_to(site / slug).as_posix()
            for href in doc.xpath('//link[@rel="alternate"]/@href'):
                folder = urlsplit(urljoin(here, href)).path.rsplit("/", 1)[0]
                looked_for.add((slug, folder.strip("/")))
    assert ("fed", "news") in looked_for and ("prim", "upstream") in looked_for
    for slug, folder in looked_for:
        target = site / slug / folder / "sitemap.xml"
        assert target.is_file(), target
        locs = sitemap(target)
        assert locs and all(urlsplit(loc).path.startswith(f"/{folder}/".replace("//", "/")) for loc in locs), target


# -- CSV -------------------------------------------------------------------------------------------------
def split_like_calc(line: str, separators: str = ",;") -> list[str]:
    """A line split as LibreOffice Calc's default import does: on ``,`` and ``;`` outside quotes."""
    fields, current, quoted, i = [], "", False, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == '"' and line[i + 1 : i + 2] == '"':
                current += '"'
                i += 1
            elif ch == '"':
                quoted = False
            else:
                current += ch
        elif ch == '"':
            quoted = True
        elif ch in separators:
            fields.append(current)
            current = ""
        else:
            current += ch
        i += 1
    fields.append(current)
    return fields


@pytest.mark.parametrize("name", ["registry/registry.csv", "maturity/maturity.csv"])
def test_csv_fields_are_all_quoted_and_do_not_shift_in_calc(site, name):
    text = (site / "fed" / name).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) >= 4 and any("," in field for row in rows for field in row), "a field with a comma"
    for line, row in zip(text.split("\r\n"), rows):
        assert split_like_calc(line) == row  # the same columns whether «,» splits too or not
        assert line.startswith('"') and line.endswith('"')


# -- fonts ------------------------------------------------------------------------------------------------
def test_fallback_faces_are_matched_to_the_brand_font():
    metrics = face_metrics(str(Path(__file__).resolve().parent.parent / "theme/assets/fonts/golos-text-400.woff2"))
    assert 0.9 < metrics.ascent < 1.1 and 0.15 < metrics.descent < 0.3 and 0.45 < metrics.advance < 0.65
    css = fallback_css("Golos Text", FaceMetrics(0.98, 0.22, 0.5468), ["system-ui", "Arial", "sans-serif"])
    arial = re.search(r'@font-face\{font-family:"Golos Text Fallback";font-weight:400;src:([^;]+);([^}]+)\}', css)
    assert arial and 'local("Arial")' in arial.group(1) and 'local("Liberation Sans")' in arial.group(1)
    descriptors = dict(d.split(":") for d in arial.group(2).split(";"))
    adjust = float(descriptors["size-adjust"].rstrip("%")) / 100
    assert adjust == pytest.approx(0.5468 / 0.51075, abs=0.001)
    assert float(descriptors["ascent-override"].rstrip("%")) / 100 == pytest.approx(0.98 / adjust, abs=0.001)
    assert float(descriptors["descent-override"].rstrip("%")) / 100 == pytest.approx(0.22 / adjust, abs=0.001)
    assert '--md-text-font-family:"Golos Text","Golos Text Fallback","Golos Text Fallback DejaVu",system-ui' in css


def test_pages_preload_the_regular_brand_font_and_use_the_fallback(site):
    doc = page(site, "prim/news/2026-05-20-sobranie/index.html")
    preload = doc.xpath('//link[@rel="preload"][@as="font"]')
    assert len(preload) == 1 and preload[0].get("type") == "font/woff2" and preload[0].get("crossorigin") == ""
    href = preload[0].get("href")
    assert href.endswith("assets/fonts/golos-text-400.woff2")
    assert (site / "prim" / "news" / "2026-05-20-sobranie" / href).resolve().is_file()
    css = (site / "prim" / "assets" / "un-brand.css").read_text(encoding="utf-8")
    assert "size-adjust:" in css and "ascent-override:" in css and "Golos Text Fallback" in css
