"""The brandbook (theme/brandbook.yml) and the theme on built sites: settings derived from the
brandbook that mkdocs.yml cannot override, AA contrast from the data, self-hosted fonts, the
header, breadcrumb and footer, sharing meta, the default card image and NewsArticle JSON-LD."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import rglob, run_cli
from PIL import Image
from themenet import EVIL_TITLE, REPO, build, write_branded_network

from union_network.core.problems import Problems
from union_network.read.brandbook import AA_LARGE, AA_NORMAL, contrast_ratio, load_brandbook


def wcag_contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio, written out again here so that the test does not trust the module."""

    def lum(hex_colour: str) -> float:
        out = []
        for i in (1, 3, 5):
            c = int(hex_colour[i : i + 2], 16) / 255
            out.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# -- the brandbook as data --------------------------------------------------------------------
def test_the_contrast_formula_is_wcags():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)  # the lightest AA grey on white
    assert contrast_ratio("#777777", "#FFFFFF") < AA_NORMAL


def test_every_declared_text_background_pair_meets_aa():
    data = yaml.safe_load((REPO / "theme" / "brandbook.yml").read_text(encoding="utf-8"))
    palette, pairs = data["palette"], data["contrast"]
    assert len(pairs) >= 10
    for pair in pairs:
        ratio = wcag_contrast(palette[pair["text"]], palette[pair["background"]])
        need = AA_LARGE if pair.get("large") else AA_NORMAL
        assert ratio >= need, f"{pair}: {ratio:.2f}"
    # Every colour a role gives to text is declared against the backgrounds it is used on.
    declared = {(p["text"], p["background"]) for p in pairs}
    roles = data["roles"]
    for text, background in [
        ("text", "background"),
        ("text_muted", "background"),
        ("link", "background"),
        ("on_primary", "primary"),
        ("on_primary_muted", "primary"),
        ("on_primary", "primary_dark"),
        ("on_primary_muted", "primary_dark"),
        ("on_chip", "chip"),
        ("on_support", "support"),
        ("on_accent", "accent"),
    ]:
        assert (roles[text], roles[background]) in declared, (text, background)


def test_the_repositorys_brandbook_is_valid_and_complete():
    problems = Problems(root=REPO)
    book = load_brandbook(REPO, problems)
    assert not list(problems), [str(p) for p in problems]
    assert book.typography.family == "Golos Text"
    assert all((REPO / "theme" / f).is_file() for f in book.assets())
    assert {"rutube.ru", "vk.com", "www.youtube.com"} <= set(book.video_hosts)
    assert book.max_image_kb > 0


def test_font_files_cover_russian():
    from PIL import ImageFont

    for weight in (400, 700):
        font = ImageFont.truetype(str(REPO / f"theme/assets/fonts/golos-text-{weight}.woff2"), 40)
        notdef = font.getmask("\uffff").getbbox()
        for char in "ЁЖЩЪЫЮЯёжщъыюя№«»":
            assert font.getmask(char).getbbox() != notdef, char


BAD_BRANDBOOK = """\
federation: Профсевер
palette:
  navy: "#17325C"
  white: "#FFFFFF"
  pale: "#EEEEEE"
  bad: "синий"
roles: {primary: navy, primary_dark: navy, on_primary: white, on_primary_muted: white, accent: navy,
  on_accent: white, text: navy, text_muted: navy, link: navy, background: white, surface: white,
  chip: white, on_chip: navy, support: white, on_support: navy, border: nowhere}
contrast:
  - {text: navy, background: white}
  - {text: pale, background: white}
typography:
  family: Golos Text
  licence: assets/fonts/OFL.txt
  faces:
    - {weight: 400, file: assets/fonts/missing.woff2}
logo:
  file: assets/logo.svg
  alt: Знак
social_icons:
  myspace: assets/icons/dzen.svg
video_hosts: [rutube.ru, "http://evil"]
colour: red
"""


def test_a_bad_brandbook_is_reported_with_lines(tmp_path):
    cfg = write_branded_network(tmp_path)
    (tmp_path / "theme" / "brandbook.yml").write_text(BAD_BRANDBOOK, encoding="utf-8")
    result = run_cli("check", "-f", str(cfg))
    assert result.exit_code == 1
    out = result.output
    assert re.search(r"theme/brandbook.yml:6: .*синий", out)
    assert re.search(r"theme/brandbook.yml:23: .*http://evil", out)
    assert re.search(r"theme/brandbook.yml:24: неизвестное поле «colour»", out)
    # The model is fixed, the cross-checks next:
    (tmp_path / "theme" / "brandbook.yml").write_text(
        BAD_BRANDBOOK.replace('  bad: "синий"\n', "").replace(
            'video_hosts: [rutube.ru, "http://evil"]\ncolour: red\n', ""
        ),
        encoding="utf-8",
    )
    out = run_cli("check", "-f", str(cfg)).output
    assert re.search(r"theme/brandbook.yml:8: «roles.border»: в palette нет цвета «nowhere»", out), out
    assert re.search(r"theme/brandbook.yml:11: «pale» на «white»: контраст 1\.\d\d:1 ниже WCAG AA", out), out
    assert re.search(r"theme/brandbook.yml:16: нет файла theme/assets/fonts/missing.woff2", out), out
    assert re.search(r"theme/brandbook.yml:21: «social_icons.myspace»: неизвестная соцсеть", out), out
    assert "theme/brandbook.yml:10" not in out  # navy on white is fine


# -- built sites -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(branded_network) -> Path:
    """The session's branded network; its mkdocs.yml tries Google Fonts and its own palette: the brandbook wins."""
    return branded_network[1]


def page(site: Path, path: str):
    return lxml.html.parse(str(site / path)).getroot()


def meta(doc, key: str) -> str | None:
    found = doc.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    return found[0] if found else None


def test_settings_come_from_the_brandbook_not_mkdocs_yml(site):
    for path in rglob(site, "*.html"):
        text = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
    doc = page(site, "prim/index.html")
    assert doc.body.get("data-md-color-primary") == "custom"
    css = (site / "prim/assets/un-brand.css").read_text(encoding="utf-8")
    assert "--un-navy:#17325C" in css and "--md-primary-fg-color:var(--un-primary)" in css
    assert css.count('@font-face{font-family:"Golos Text";') == 3 and 'url("fonts/golos-text-400.woff2")' in css
    sheets = doc.xpath('//link[@rel="stylesheet"]/@href')
    brand_sheets = [s for s in sheets if "un-" in s and "union-network/" not in s]  # not the package's own
    assert brand_sheets == ["assets/un-brand.css", "assets/un-theme.css", "assets/un-pictures.css"]
    assert all(not s.startswith(("http:", "https:", "//")) for s in sheets + doc.xpath("//script/@src"))


def test_theme_files_are_published_but_not_the_brandbook(site):
    for slug in ("fed", "terr", "prim"):
        assert not list(rglob((site / slug), "brandbook.yml"))
        for asset in (
            "assets/fonts/golos-text-400.woff2",
            "assets/fonts/OFL.txt",
            "assets/logo.svg",
            "assets/un-theme.css",
        ):
            assert (site / slug / asset).is_file(), f"{slug}/{asset}"


def test_header_names_the_federation_and_the_org(site):
    doc = page(site, "prim/index.html")
    lockup = doc.find_class("un-lockup")[0]
    assert lockup.find_class("un-lockup__federation")[0].text_content().strip() == "Профсевер"
    assert lockup.find_class("un-lockup__org")[0].text_content().strip() == "Профком ЦБК"
    assert lockup.xpath(".//svg")  # the sign is inline: nothing to fetch
    # The root is the federation: its full name stands beside its own sign.
    root = page(site, "fed/index.html").find_class("un-lockup__org")[0].text_content().strip()
    assert root == "Организация fed"


def test_breadcrumb_links_the_parent_sites(site):
    doc = page(site, "prim/news/index.html")
    crumbs = doc.find_class("un-crumbs")[0]
    links = [(a.text_content(), a.get("href")) for a in crumbs.iter("a")]
    assert links == [
        ("Профсевер", "https://net.example/"),
        ("Профсовет Северогорска", "https://terr.net.example/"),
        ("Профком ЦБК", "https://prim.net.example/"),
    ]
    assert crumbs.xpath(".//*[@aria-current='page']")[0].text_content() == "Новости"
    assert not page(site, "fed/index.html").find_class("un-crumbs")  # the root's home: nothing above it


def test_home_page_cards(site):
    doc = page(site, "prim/index.html")
    card = doc.find_class("un-card")[0]
    text = card.text_content()
    assert "2\u00a0900" in text and "членов профсоюза" in text  # digit groups: a non-breaking space
    assert card.xpath(".//a[@href='tel:+78005554242']")  # the hotline dials
    assert card.xpath(".//a[@href='https://prim.net.example/contacts/']")  # feedback
    assert len(card.find_class("un-social")[0].xpath("./li")) == 7
    assert card.xpath(".//a[@href='https://terr.net.example/']")  # member of
    block = doc.get_element_by_id("un-home-upstream").getparent().getparent()
    titles = [t.text_content() for t in block.find_class("un-item__title")]
    assert titles == ["Молодёжный форум", "Первомайская акция"]  # broadcasts from above, as cards
    assert "15 мая 2026" in block.text_content()


def test_news_cards_have_russian_dates_and_category_chips(site):
    doc = page(site, "prim/news/index.html")
    first = doc.find_class("un-item")[0]
    assert first.xpath(".//time")[0].text == "20 мая 2026"
    assert first.xpath(".//time/@datetime")[0].startswith("2026-05-20")
    assert [c.text_content() for c in first.find_class("un-chip")] == ["Собрания", "Колдоговорная кампания"]
    support = doc.find_class("un-item--support")[0]
    assert "Нужна поддержка" in support.text_content()


def test_post_page_shows_org_date_categories_and_feeds(site):
    doc = page(site, "prim/news/2026-05-20-sobranie/index.html")
    head = doc.find_class("un-post__head")[0]
    assert "Профком ЦБК" in head.text_content() and "20 мая 2026" in head.text_content()
    assert len(head.find_class("un-chip")) == 2
    feeds = doc.find_class("un-post__foot")[0].xpath(".//a/@href")
    assert "https://prim.net.example/news/feed.xml" in feeds and "https://prim.net.example/news/atom.xml" in feeds


def test_footer_has_contacts_social_links_and_member_of(site):
    footer = page(site, "prim/about/index.html").find_class("un-footer")[0]
    text = footer.text_content()
    assert "Входит в" in text and "Профсовет Северогорска" in text
    assert footer.xpath(".//a[@href='mailto:profkom-tsellyulozno-bumazhnogo-kombinata@profsever.example']")
    assert footer.find_class("un-social")
    assert "Сеть сайтов Федерации профсоюзов Северного края" in text


def test_404_page_is_russian_and_branded(site):
    doc = page(site, "terr/404.html")
    assert doc.xpath("//h1")[0].text == "Страница не найдена"
    assert doc.find_class("un-lockup")


@pytest.mark.parametrize("slug", ["fed", "terr", "prim"])
def test_every_page_has_sharing_meta(site, slug):
    pages = [p for p in rglob((site / slug), "*.html") if p.name != "email.html"]  # the bulletin by e-mail
    assert len(pages) > 5
    for path in pages:
        doc = lxml.html.parse(str(path)).getroot()
        rel = path.relative_to(site).as_posix()
        for key in (
            "og:title",
            "og:description",
            "og:url",
            "og:image",
            "og:type",
            "twitter:card",
            "twitter:title",
            "twitter:image",
            "description",
        ):
            assert meta(doc, key), f"{rel}: {key}"
        assert meta(doc, "og:image") == f"https://{'' if slug == 'fed' else slug + '.'}net.example/assets/un-card.png"
        assert meta(doc, "twitter:card") == "summary_large_image"
        canonical = doc.xpath('//link[@rel="canonical"]/@href')
        if canonical:
            assert meta(doc, "og:url") == canonical[0], rel


def test_post_sharing_meta_and_news_article_json_ld(site):
    path = site / "prim/news/2026-05-20-sobranie/index.html"
    raw = path.read_text(encoding="utf-8")
    doc = lxml.html.fromstring(raw)
    assert meta(doc, "og:type") == "article"
    assert meta(doc, "og:url") == "https://prim.net.example/news/2026-05-20-sobranie/"
    assert meta(doc, "og:description") == "Собрание трудового коллектива."
    assert meta(doc, "article:published_time").startswith("2026-05-20")
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', raw, re.S)
    assert len(scripts) == 1
    assert "<" not in scripts[0] and ">" not in scripts[0]  # org text cannot close the script element
    data = json.loads(scripts[0])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == meta(doc, "og:title")  # the title, as plain text
    assert "<script>alert" not in raw
    assert data["datePublished"].startswith("2026-05-20")
    assert data["url"] == data["mainEntityOfPage"] == "https://prim.net.example/news/2026-05-20-sobranie/"
    assert data["author"] == {"@type": "Organization", "name": "Организация prim", "url": "https://prim.net.example/"}
    assert data["publisher"]["name"] == "Профсевер"
    assert data["image"] == ["https://prim.net.example/assets/un-card.png"]
    assert data["articleSection"] == ["Собрания", "Колдоговорная кампания"]


def test_a_title_that_closes_the_script_element_stays_text(tmp_path):
    """The core strips markup from titles; even text with < and & is escaped in the JSON-LD."""
    from jinja2 import Environment

    dumped = Environment().from_string("{{ {'headline': t} | tojson }}").render(t=EVIL_TITLE)
    assert "</script>" not in dumped and json.loads(dumped)["headline"] == EVIL_TITLE


@pytest.mark.parametrize("slug", ["fed", "terr", "prim"])
def test_the_default_card_image_is_a_png_per_org(site, slug):
    card = site / slug / "assets/un-card.png"
    with Image.open(card) as image:
        assert image.format == "PNG" and image.size == (1200, 630)
        assert image.getpixel((5, 5)) == (0x17, 0x32, 0x5C)  # the brandbook's primary colour
        assert image.getpixel((5, 625)) == (0xB4, 0x23, 0x23)  # the accent band


def test_cards_differ_per_org_and_are_reproducible(site, tmp_path):
    assert (site / "fed/assets/un-card.png").read_bytes() != (site / "prim/assets/un-card.png").read_bytes()
    again = build(write_branded_network(tmp_path / "net"), tmp_path / "out")
    assert (again / "prim/assets/un-card.png").read_bytes() == (site / "prim/assets/un-card.png").read_bytes()


def test_a_network_without_brandbook_builds_plain_and_offline(tmp_path):
    from netfactory import write_network

    cfg = write_network(tmp_path, posts=[dict(org="prim", stem="2026-01-05-a", title="А", date="2026-01-05")])
    out = build(cfg, tmp_path / "site")
    text = (out / "prim/index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in text and "un-brand.css" not in text
    assert 'property="og:title"' in text
