"""Pictures (issue 10, item 1): a post's ``image`` as responsive derivatives on its page, its cards,
sharing and feeds; front-matter and body images validated as ``path:line`` problems.

One network is built per module (both url styles: ``subdomain`` and ``path``); encodes are counted
through ``features.images.ENCODE_HOOKS`` (a file, so worker processes count too), never by time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.etree as ET
import lxml.html
import pytest
from conftest import run_cli
from netfactory import CHAIN, write_network
from PIL import Image

from union_network.core.pictures import ImageInfo, derivative_widths, picture
from union_network.features import images

DOMAIN = "net.example"
TREE = CHAIN
ALT = "Участники собрания в актовом зале"
POSTS = [
    {
        "org": "prim",
        "stem": "photo",
        "title": "Собрание с фотографией",
        "date": "2026-05-10",
        "reach": "federation",
        "categories": ["meetings"],
        "image": "../images/wide.jpg",
        "image_alt": ALT,
        "body": "Текст.\n\n![Схема](../images/chart.png)\n\nЕщё текст.",
    },
    {
        "org": "prim",
        "stem": "small",
        "title": "Маленькая картинка",
        "date": "2026-05-09",
        "reach": "federation",
        "image": "images/small.png",  # from the top of the org's folder
        "image_alt": "Значок",
    },
    {"org": "prim", "stem": "plain", "title": "Без картинки", "date": "2026-05-08", "reach": "federation"},
    {
        "org": "fed",
        "stem": "fedphoto",
        "title": "Фото федерации",
        "date": "2026-05-11",
        "broadcast": True,
        "image": "../images/tall.webp",
        "image_alt": "Плакат",
    },
]


def make_images(root: Path) -> None:
    prim, fed = root / "orgs" / "prim" / "images", root / "content" / "images"
    prim.mkdir(parents=True, exist_ok=True)
    fed.mkdir(parents=True, exist_ok=True)
    Image.linear_gradient("L").resize((2000, 1000)).convert("RGB").save(prim / "wide.jpg", quality=80)
    small = Image.new("RGBA", (300, 200), (200, 40, 40, 128))
    small.save(prim / "small.png")
    Image.new("RGB", (400, 300), (10, 120, 200)).save(prim / "chart.png")
    Image.linear_gradient("L").resize((1000, 1500)).convert("RGB").save(fed / "tall.webp", quality=80)


def make_network(root: Path, url_style: str | None = None) -> Path:
    cfg = write_network(root, TREE, POSTS)
    if url_style:
        cfg.write_text(
            cfg.read_text(encoding="utf-8").replace(
                f"domain: {DOMAIN}\n", f"domain: {DOMAIN}\n      url_style: {url_style}\n"
            ),
            encoding="utf-8",
        )
    make_images(root)
    return cfg


class Encodes:
    """Counts real encodes (cache misses) in this process and in forked workers, through a file."""

    def __init__(self, path: Path):
        self.path = path
        path.write_text("", encoding="utf-8")

    def __call__(self, derivative: str) -> None:
        with self.path.open("a", encoding="utf-8") as out:
            out.write(derivative + "\n")

    def take(self) -> list[str]:
        lines = self.path.read_text(encoding="utf-8").split()
        self.path.write_text("", encoding="utf-8")
        return lines


@pytest.fixture(scope="module")
def encodes(tmp_path_factory):
    counter = Encodes(tmp_path_factory.mktemp("encodes") / "encodes.txt")
    images.ENCODE_HOOKS.append(counter)
    yield counter
    images.ENCODE_HOOKS.remove(counter)


@pytest.fixture(scope="module")
def net(tmp_path_factory, encodes) -> Path:
    root = tmp_path_factory.mktemp("pictures") / "net"
    cfg = make_network(root)
    result = run_cli("build", "-q", "-f", str(cfg), "--out", str(root / "site"))
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def first_encodes(net, encodes) -> list[str]:
    return encodes.take()


@pytest.fixture(scope="module")
def site(net, first_encodes) -> Path:
    return net / "site"


@pytest.fixture(scope="module")
def path_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pictures-path") / "net"
    cfg = make_network(root, "path")
    result = run_cli("build", "-q", "-f", str(cfg), "--out", str(root / "site"))
    assert result.exit_code == 0, result.output
    return root / "site"


def page(site: Path, rel: str) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / rel)).getroot()


def local(site: Path, url: str) -> Path:
    """The built file of an absolute URL (subdomain style)."""
    host, path = url.split("://", 1)[1].split("/", 1)
    slug = "fed" if host == DOMAIN else host.split(".", 1)[0]
    return site / slug / path


def derivatives(site: Path, slug: str) -> dict[str, Image.Image]:
    return {p.name: Image.open(p) for p in sorted((site / slug / "assets" / "pictures").iterdir())}


# ----------------------------------------------------------------------------- the pure mapping


def test_derivative_widths_never_upscale():
    assert derivative_widths(2000) == (480, 960, 1440)
    assert derivative_widths(1440) == (480, 960, 1440)
    assert derivative_widths(1000) == (480, 960, 1000)
    assert derivative_widths(960) == (480, 960)
    assert derivative_widths(300) == (300,)


def test_picture_maps_an_image_to_its_derivative_urls():
    view = picture("https://prim.net.example/", ImageInfo("abcd", 2000, 1000, "jpg"), "Текст")
    base = "https://prim.net.example/assets/pictures/abcd-"
    assert view.webp == ((480, base + "480.webp"), (960, base + "960.webp"), (1440, base + "1440.webp"))
    assert view.fallback == ((480, base + "480.jpg"), (960, base + "960.jpg"), (1440, base + "1440.jpg"))
    assert (view.width, view.height, view.fallback_type) == (1440, 720, "image/jpeg")
    assert view.src == base + "960.jpg" and view.medium_height == 480
    png = picture("https://x.example/", ImageInfo("ef", 300, 200, "png"), "")
    assert png.fallback == ((300, "https://x.example/assets/pictures/ef-300.png"),)
    assert png.fallback_type == "image/png" and png.src.endswith("-300.png")


# ----------------------------------------------------------------------------- derivatives


def test_derivative_sizes_formats_and_dimensions(site):
    files = derivatives(site, "prim")
    wide = {n: im for n, im in files.items() if im.width in (480, 960, 1440) and im.height * 2 == im.width}
    assert sorted((im.format, im.size) for im in wide.values()) == [
        ("JPEG", (480, 240)),
        ("JPEG", (960, 480)),
        ("JPEG", (1440, 720)),
        ("WEBP", (480, 240)),
        ("WEBP", (960, 480)),
        ("WEBP", (1440, 720)),
    ]
    # A 300 px PNG: not upscaled; its fallback stays PNG (transparency kept).
    small = sorted((im.format, im.size, im.mode) for im in files.values() if im.width == 300)
    assert small == [("PNG", (300, 200), "RGBA"), ("WEBP", (300, 200), "RGBA")]
    # The body's chart (400 px PNG): its own derivatives, for the <picture> in the post's text.
    body = sorted((im.format, im.size) for im in files.values() if im.width == 400)
    assert body == [("PNG", (400, 300)), ("WEBP", (400, 300))]
    assert len(files) == 10
    for path in (site / "prim" / "assets" / "pictures").iterdir():
        assert path.stat().st_size < 150_000
    # The federation's tall WebP: derivatives on the federation's site only.
    fed = derivatives(site, "fed")
    assert sorted((im.format, im.size) for im in fed.values()) == [
        ("JPEG", (480, 720)),
        ("JPEG", (960, 1440)),
        ("JPEG", (1000, 1500)),
        ("WEBP", (480, 720)),
        ("WEBP", (960, 1440)),
        ("WEBP", (1000, 1500)),
    ]
    assert not (site / "terr" / "assets" / "pictures").exists()


def test_cache_reuse_no_reencode(net, first_encodes, encodes, tmp_path):
    assert len(first_encodes) == 16 and len(set(first_encodes)) == 16  # 10 + 6 derivatives, each encoded once
    again = run_cli("build", "-q", "--full", "-f", str(net / "mkdocs.yml"), "--out", str(tmp_path / "again"))
    assert again.exit_code == 0, again.output
    assert encodes.take() == []  # a full rebuild into another folder: every derivative from the cache
    for rel in ("prim/assets/pictures", "fed/assets/pictures"):
        assert sorted(p.name for p in (tmp_path / "again" / rel).iterdir()) == sorted(
            p.name for p in (net / "site" / rel).iterdir()
        )
        for p in (tmp_path / "again" / rel).iterdir():
            assert p.read_bytes() == (net / "site" / rel / p.name).read_bytes()
    # A changed picture: only its derivatives are encoded, under new names.
    copy = tmp_path / "net2"
    shutil.copytree(net, copy, ignore=shutil.ignore_patterns("site"))
    Image.new("RGB", (300, 200), (0, 0, 0)).save(copy / "orgs/prim/images/small.png")
    changed = run_cli("build", "-q", "-f", str(copy / "mkdocs.yml"), "--out", str(tmp_path / "changed"))
    assert changed.exit_code == 0, changed.output
    done = encodes.take()
    assert len(done) == 2 and all(d.endswith(("-300.png", "-300.webp")) for d in done)
    assert not set(done) & set(first_encodes)


# ----------------------------------------------------------------------------- pages


def test_post_page_leads_with_an_eager_picture(site):
    doc = page(site, "prim/news/photo/index.html")
    pictures = doc.xpath('//figure[@class="un-post__picture"]/picture')
    assert len(pictures) == 1
    source = pictures[0].find("source")
    img = pictures[0].find(".//img")  # libxml2's HTML parser nests it in <source>
    assert source.get("type") == "image/webp"
    assert source.get("srcset").count("w,") == 2 and source.get("srcset").endswith(".webp 1440w")
    assert img.get("alt") == ALT
    assert (img.get("width"), img.get("height")) == ("1440", "720")
    assert img.get("fetchpriority") == "high" and img.get("loading") is None
    assert img.get("sizes") == source.get("sizes")
    for candidate in img.get("srcset").split(", ") + source.get("srcset").split(", "):
        url, width = candidate.split(" ")
        assert url.startswith("https://prim.net.example/assets/pictures/")
        assert Image.open(local(site, url)).width == int(width[:-1])
    # The picture leads: before the post's text.
    body = doc.xpath('//div[@class="un-post__body"]')[0]
    assert pictures[0].getparent().getparent().index(pictures[0].getparent()) < body.getparent().index(body)


def test_body_images_become_lazy_pictures(site):
    doc = page(site, "prim/news/photo/index.html")
    body = doc.xpath('//div[@class="un-post__body"]')[0]
    (pic,) = body.xpath(".//picture")
    img = pic.find(".//img")
    assert img.get("alt") == "Схема" and img.get("loading") == "lazy"
    assert (img.get("width"), img.get("height")) == ("400", "300")
    assert img.get("src").endswith("-400.png") and local(site, img.get("src")).is_file()
    assert pic.find("source").get("srcset").endswith("-400.webp 400w")
    assert local(site, pic.find("source").get("srcset").split(" ")[0]).is_file()
    assert (site / "prim" / "images" / "chart.png").is_file()  # the original is published too (feeds link it)


def test_cards_show_pictures_lazily_below_the_first(site):
    doc = page(site, "prim/news/index.html")
    cards = doc.find_class("un-item")
    titles = [c.find_class("un-item__title")[0].text_content() for c in cards]
    assert titles == ["Собрание с фотографией", "Маленькая картинка", "Без картинки"]
    first, second, third = (c.xpath(".//picture//img") for c in cards)
    assert first[0].get("loading") is None and first[0].get("fetchpriority") == "high"  # above the fold
    assert second[0].get("loading") == "lazy" and second[0].get("alt") == "Значок"
    assert (second[0].get("width"), second[0].get("height")) == ("300", "200")
    assert third == []


def test_aggregated_items_show_the_picture_from_the_canonical_site(site):
    doc = page(site, "fed/network/index.html")
    srcs = doc.xpath("//picture//img/@src")
    assert len(srcs) == 3  # the root's own photo and prim's two
    assert sum(s.startswith("https://prim.net.example/assets/pictures/") for s in srcs) == 2
    assert all(local(site, s).is_file() for s in srcs)
    # A broadcast of the root on a primary's upstream list: from the root's bare domain.
    up = page(site, "prim/upstream/index.html")
    src = up.xpath("//picture//img/@src")[0]
    assert src.startswith("https://net.example/assets/pictures/") and local(site, src).is_file()


def test_path_url_style_pictures(path_site):
    doc = page(path_site, "fed/network/index.html")
    srcs = doc.xpath("//picture//img/@src")
    assert any(s.startswith("https://net.example/prim/assets/pictures/") for s in srcs)
    for s in srcs:
        rel = s.split("https://net.example/", 1)[1]
        slug, rest = rel.split("/", 1) if rel.startswith("prim/") else ("fed", rel)
        assert (path_site / slug / rest).is_file(), s


def test_og_image_is_the_posts_picture_else_none(site):
    doc = page(site, "prim/news/photo/index.html")
    meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.iter("meta")}
    assert meta["og:image"].startswith("https://prim.net.example/assets/pictures/") and meta["og:image"].endswith(
        "-960.jpg"
    )
    assert local(site, meta["og:image"]).is_file()
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:type"]) == ("960", "480", "image/jpeg")
    assert meta["og:image:alt"] == ALT and meta["twitter:card"] == "summary_large_image"
    ld = json.loads(doc.xpath('//script[@type="application/ld+json"]')[0].text)
    assert ld["image"] == [meta["og:image"]]
    plain = page(site, "prim/news/plain/index.html")
    assert not plain.xpath('//meta[@property="og:image"]')  # no brandbook card in this network: none


# ----------------------------------------------------------------------------- feeds

MEDIA = "{http://search.yahoo.com/mrss/}"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_feeds_carry_the_picture(site):
    rss = ET.parse(str(site / "fed" / "network" / "feed.xml")).getroot()
    items = {i.findtext("guid"): i for i in rss.iter("item")}
    photo = items["https://prim.net.example/news/photo/"]
    media = photo.find(f".//{MEDIA}content")
    assert media.get("medium") == "image" and media.get("type") == "image/jpeg"
    assert media.get("url").endswith("-960.jpg") and local(site, media.get("url")).is_file()
    assert (media.get("width"), media.get("height")) == ("960", "480")
    enclosure = photo.find("enclosure")
    assert enclosure.get("url") == media.get("url") and enclosure.get("type") == "image/jpeg"
    assert items["https://prim.net.example/news/plain/"].find(f".//{MEDIA}content") is None

    atom = ET.parse(str(site / "fed" / "network" / "atom.xml")).getroot()
    entries = {e.findtext(f"{ATOM}id"): e for e in atom.iter(f"{ATOM}entry")}
    links = entries["https://prim.net.example/news/small/"].findall(f"{ATOM}link[@rel='enclosure']")
    assert len(links) == 1 and links[0].get("type") == "image/png" and links[0].get("href").endswith("-300.png")
    assert local(site, links[0].get("href")).is_file()

    feed = json.loads((site / "fed" / "network" / "feed.json").read_text(encoding="utf-8"))
    by_id = {i["id"]: i for i in feed["items"]}
    assert by_id["https://prim.net.example/news/photo/"]["image"] == media.get("url")
    assert "image" not in by_id["https://prim.net.example/news/plain/"]
    # The full content leads with the picture, and body images are absolute on the canonical site.
    html = by_id["https://prim.net.example/news/photo/"]["content_html"]
    assert html.startswith(f'<p><img src="{media.get("url")}" alt="{ALT}"')
    assert '<img alt="Схема" src="https://prim.net.example/images/chart.png">' in html
    assert (site / "prim" / "images" / "chart.png").is_file()


# ----------------------------------------------------------------------------- bad input


def test_bad_pictures_are_reported_with_lines(tmp_path):
    bad = [
        {"org": "prim", "stem": "missing", "title": "x", "image": "../images/none.jpg", "image_alt": "x"},
        {"org": "prim", "stem": "vector", "title": "x", "image": "../images/logo.svg", "image_alt": "x"},
        {"org": "prim", "stem": "outside", "title": "x", "image": "../../../secret.png", "image_alt": "x"},
        {"org": "prim", "stem": "noalt", "title": "x", "image": "../images/ok.png"},
        {"org": "prim", "stem": "altonly", "title": "x", "image_alt": "Описание"},
        {"org": "prim", "stem": "fake", "title": "x", "image": "../images/fake.jpg", "image_alt": "x"},
        {"org": "prim", "stem": "body", "title": "x", "body": "Текст.\n\n![Нет](../images/gone.png)\n"},
    ]
    cfg = write_network(tmp_path / "net", TREE, bad)
    folder = tmp_path / "net" / "orgs" / "prim" / "images"
    folder.mkdir()
    Image.new("RGB", (10, 10)).save(folder / "ok.png")
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (folder / "fake.jpg").write_bytes(b"not a picture at all")
    result = run_cli("check", "-f", str(cfg))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    out = result.output
    base = "orgs/prim/news/"
    # write_post writes the fields in order from line 2: title, then image (line 3), image_alt, date.
    assert f"{base}missing.md:3: «image»: нет файла '../images/none.jpg'" in out
    assert f"{base}vector.md:3: «image»: '../images/logo.svg' — не растровое изображение" in out
    assert f"{base}outside.md:3: «image»: файл '../../../secret.png' вне папки организации" in out
    assert f"{base}noalt.md:3: у фотографии нет описания: добавьте «image_alt»" in out
    assert f"{base}altonly.md:3: «image_alt» задан, а «image» нет" in out
    assert f"{base}fake.md:3: «image»: файл '../images/fake.jpg' не читается как изображение" in out
    assert f"{base}body.md:8: нет файла изображения '../images/gone.png'" in out


def test_a_removed_picture_is_reported_even_when_the_post_is_cached(tmp_path):
    cfg = make_network(tmp_path / "net")
    assert run_cli("check", "-f", str(cfg)).exit_code == 0  # fills the news-index cache
    (tmp_path / "net" / "orgs" / "prim" / "images" / "wide.jpg").unlink()
    (tmp_path / "net" / "orgs" / "prim" / "images" / "chart.png").unlink()
    result = run_cli("check", "-f", str(cfg))
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "orgs/prim/news/photo.md:7: «image»: нет файла '../images/wide.jpg'" in result.output
    assert "orgs/prim/news/photo.md:13: нет файла изображения '../images/chart.png'" in result.output
