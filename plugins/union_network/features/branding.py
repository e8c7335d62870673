"""The brandbook on each site: the template view, the generated CSS and the sharing card.

A site section (:func:`brand_section`) gives every plan its :class:`BrandView`
and two generated files: ``assets/un-brand.css`` (palette and fonts from the
brandbook) and ``assets/un-card.png``, the default Open Graph / Twitter image
of the organisation (its name in the brand's colours and font, drawn with
Pillow, so reposts to VK and Telegram show a card).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from union_network.core.siteplan import SitePlan
from union_network.plan.planner import Planner
from union_network.read.brandbook import BRAND_CSS, Brandbook, brand_css, brand_view

if TYPE_CHECKING:  # imported where used: checking and planning do not load it
    from PIL import Image, ImageDraw, ImageFont

CARD_IMAGE = "assets/un-card.png"
CARD_SIZE = (1200, 630)


@dataclass(frozen=True)
class CardSpec:
    """Everything the card needs, picklable: colours, font files, texts."""

    background: str
    band: str
    text: str
    muted: str
    regular_font: str  # absolute paths of font files
    bold_font: str
    logo: str | None  # absolute path of the logo raster (PNG) or None
    federation: str
    kind_label: str
    name: str
    host: str


def _face(book: Brandbook, theme: Path, weight: int) -> str:
    face = min(book.typography.faces, key=lambda f: (f.style != "normal", abs(f.weight - weight)))
    return str(theme / face.file)


#: Fallback faces metric-matched to the brand font, so that the text does not move when it arrives.
#: Per family: the local fonts, and their average advance per em over FALLBACK_SAMPLE (measured once
#: with Pillow from Liberation Sans 2 — metric-compatible with Arial and Arimo — and DejaVu Sans 2.37).
FALLBACK_SAMPLE = (
    "Профсоюзные новости сети организаций: собрание трудового коллектива, колдоговор продлён. "
    "Первичная организация 2026"
)
FALLBACK_FACES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], float], ...] = (
    ("Fallback", ("Arial", "Liberation Sans", "Arimo"), ("Arial Bold", "Liberation Sans Bold", "Arimo Bold"), 0.51075),
    ("Fallback DejaVu", ("DejaVu Sans",), ("DejaVu Sans Bold",), 0.58749),
)


@dataclass(frozen=True)
class FaceMetrics:
    ascent: float  # per em
    descent: float
    advance: float  # average advance per em over FALLBACK_SAMPLE


@lru_cache(maxsize=8)
def face_metrics(path: str) -> FaceMetrics:
    """The brand font's vertical metrics and average advance, read from its file (woff2 too) with Pillow."""
    from PIL import ImageFont

    size = 1000
    font = ImageFont.truetype(path, size)
    ascent, descent = font.getmetrics()
    return FaceMetrics(ascent / size, descent / size, font.getlength(FALLBACK_SAMPLE) / len(FALLBACK_SAMPLE) / size)


def fallback_css(family: str, metrics: FaceMetrics, fallbacks: list[str]) -> str:
    """``@font-face`` rules for local fonts scaled to the brand font's width, with its ascent and
    descent (``size-adjust``, ``ascent-override``, ``descent-override``), and the text font stack
    with them between the brand font and the brandbook's fallbacks."""
    rules = []
    names = []
    for suffix, regular, bold, advance in FALLBACK_FACES:
        name = f"{family} {suffix}"
        names.append(name)
        adjust = metrics.advance / advance
        descriptors = (
            f"size-adjust:{adjust * 100:.2f}%;ascent-override:{metrics.ascent / adjust * 100:.2f}%;"
            f"descent-override:{metrics.descent / adjust * 100:.2f}%;line-gap-override:0%"
        )
        for weight, locals_ in ((400, regular), (700, bold)):
            src = ",".join(f'local("{n}")' for n in locals_)
            rules.append(f'@font-face{{font-family:"{name}";font-weight:{weight};src:{src};{descriptors}}}')
    stack = ",".join(f'"{n}"' if " " in n or n[0].isupper() else n for n in [family, *names, *fallbacks])
    rules.append(f":root,[data-md-color-scheme=default]{{--md-text-font-family:{stack}}}")
    return "\n".join(rules) + "\n"


def brand_section(planner: Planner, plan: SitePlan) -> None:
    """Dress the site from the brandbook (no brandbook: plain Material, nothing added)."""
    book: Brandbook | None = getattr(planner.network, "brandbook", None)
    if book is None:
        return
    theme = planner.network.root_dir / "theme"
    org = plan.org
    regular = min(book.typography.faces, key=lambda f: (f.style != "normal", abs(f.weight - 400)))
    plan.brand = replace(
        brand_view(book, org.name, org.short_name),
        card_image=CARD_IMAGE,
        card_size=CARD_SIZE,
        font_preload=regular.file if regular.file.endswith(".woff2") else None,
    )
    plan.add_file(BRAND_CSS, write_brand_css, (book, _face(book, theme, 400)))
    spec = CardSpec(
        background=book.colour("primary"),
        band=book.colour("accent"),
        text=book.colour("on_primary"),
        muted=book.colour("on_primary_muted"),
        regular_font=_face(book, theme, 400),
        bold_font=_face(book, theme, 700),
        logo=str(theme / book.logo.raster) if book.logo.raster else None,
        federation=book.federation,
        kind_label=org.kind_label,
        name=org.name,
        host=plan.site_url.split("://", 1)[-1].rstrip("/"),
    )
    plan.add_file(CARD_IMAGE, write_card, spec)


def write_brand_css(data: tuple[Brandbook, str]) -> bytes:
    book, regular_file = data
    css = brand_css(book)
    try:
        metrics = face_metrics(regular_file)
    except OSError:  # a font Pillow cannot read: the brand font alone, as before
        return css.encode("utf-8")
    return (css + fallback_css(book.typography.family, metrics, list(book.typography.fallback))).encode("utf-8")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


@lru_cache(maxsize=8)
def _sign(path: str) -> Image.Image:
    """The logo, scaled once per process (every org's card carries it)."""
    from PIL import Image

    with Image.open(path) as logo:
        return logo.convert("RGBA").resize((128, 128), Image.Resampling.LANCZOS)


@lru_cache(maxsize=32)
def _font(path, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def render_card(spec: CardSpec) -> bytes:
    """A 1200×630 PNG: the sign, the federation's name, the org's kind and name, its address."""
    from PIL import Image, ImageDraw

    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, spec.background)
    draw = ImageDraw.Draw(image)
    margin = 80
    draw.rectangle((0, height - 18, width, height), fill=spec.band)
    x = margin
    if spec.logo:
        sign = _sign(str(spec.logo))
        image.paste(sign, (margin, 72), sign)
        x = margin + 128 + 32
    draw.text((x, 88), spec.federation, font=_font(spec.bold_font, 44), fill=spec.text)
    draw.text((x, 148), spec.kind_label, font=_font(spec.regular_font, 32), fill=spec.muted)
    # The name: as large as fits in three lines.
    for size in (72, 64, 56, 48, 42):
        font = _font(spec.bold_font, size)
        lines = _wrap(draw, spec.name, font, width - 2 * margin)
        if len(lines) <= 3:
            break
    lines = lines[:3]
    y = 270
    for line in lines:
        draw.text((margin, y), line, font=font, fill=spec.text)
        y += int(size * 1.2)
    draw.text((margin, height - 18 - 72), spec.host, font=_font(spec.regular_font, 30), fill=spec.muted)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def write_card(spec: CardSpec) -> bytes:
    return render_card(spec)
