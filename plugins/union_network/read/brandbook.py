"""The federation's brandbook (``theme/brandbook.yml``): read, check, and turn into CSS.

The brandbook is data: named colours, the roles they play, the text/background
pairs that must meet WCAG 2.1 AA, self-hosted fonts, the logo, footer text,
social icons, the video hosts org pages may embed and the image size limit.
Problems are reported as ``path:line: message`` like every other input. The
MkDocs adapter applies the result to every site; nothing here knows MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from union_network.core.models import SOCIAL_LABELS, matching
from union_network.core.problems import Problems
from union_network.read.yamlfile import read_model

THEME_FOLDER = "theme"
BRANDBOOK_FILE = "brandbook.yml"
#: theme/ files that are configuration, not assets: never published
NOT_PUBLISHED = frozenset({BRANDBOOK_FILE})

#: used when a network has no brandbook (enforce.content_rules applies these two; a host admits its subdomains)
DEFAULT_VIDEO_HOSTS = ("vk.com", "vkvideo.ru", "rutube.ru", "youtube.com", "youtube-nocookie.com")
DEFAULT_MAX_IMAGE_KB = 500

#: WCAG 2.1 AA minimum contrast: normal text, large text (≥ 18.66 px bold or 24 px)
AA_NORMAL = 4.5
AA_LARGE = 3.0

#: the interface roles the theme's CSS uses; each must name a palette colour
ROLES = (
    "primary",
    "primary_dark",
    "on_primary",
    "on_primary_muted",
    "accent",
    "on_accent",
    "text",
    "text_muted",
    "link",
    "background",
    "surface",
    "chip",
    "on_chip",
    "support",
    "on_support",
    "border",
)

_HEX_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
_FAMILY_RE = re.compile(r"^[A-Za-z0-9 _-]+$")
_HOST_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


_hex_form = matching(_HEX_RE, "цвет {value!r}: нужен вид #RRGGBB")


def _hex(value: str) -> str:
    return _hex_form(value).upper()


_family = matching(_FAMILY_RE, "имя шрифта {value!r}: только латинские буквы, цифры, пробел и дефис")


def _asset(value: str) -> str:
    """A path inside theme/: relative, no ``..``; existence is checked against the folder later."""
    if not value or value.startswith(("/", "\\")) or ".." in Path(value).parts or "://" in value:
        raise ValueError(f"{value!r}: нужен путь внутри theme/, например assets/logo.svg")
    return value


_host = matching(_HOST_RE, "{value!r}: нужно имя сайта, например rutube.ru")


Hex = Annotated[str, AfterValidator(_hex)]
Family = Annotated[str, AfterValidator(_family)]
Asset = Annotated[str, AfterValidator(_asset)]
Host = Annotated[str, AfterValidator(_host)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContrastPair(_Strict):
    text: str
    background: str
    large: bool = False  # large text only: 3:1 is enough


class FontFace(_Strict):
    weight: int = Field(ge=100, le=900)
    style: Literal["normal", "italic"] = "normal"
    file: Asset


class Typography(_Strict):
    family: Family
    fallback: list[Family | str] = Field(default_factory=lambda: ["sans-serif"])
    monospace: list[Family | str] = Field(default_factory=lambda: ["monospace"])
    licence: Asset
    faces: list[FontFace] = Field(min_length=1)


class Logo(_Strict):
    file: Asset
    alt: str = Field(min_length=1)
    raster: Asset | None = None  # a PNG of the same sign, for the sharing cards
    org_name: Literal["short_name", "name"] = "short_name"


class Footer(_Strict):
    text: str = ""
    member_of: str = "Входит в"


class Brandbook(_Strict):
    federation: str = Field(min_length=1)
    palette: dict[str, Hex] = Field(min_length=1)
    roles: dict[str, str]
    contrast: list[ContrastPair] = Field(default_factory=list)
    typography: Typography
    logo: Logo
    footer: Footer = Field(default_factory=Footer)
    social_icons: dict[str, str] = Field(default_factory=dict)
    video_hosts: list[Host] = Field(default_factory=lambda: list(DEFAULT_VIDEO_HOSTS))
    max_image_kb: int = Field(DEFAULT_MAX_IMAGE_KB, ge=1)

    def colour(self, role: str) -> str:
        """The hex value of a role (``primary``) or palette name (``navy``)."""
        return self.palette[self.roles.get(role, role)]

    def assets(self) -> list[str]:
        """Every theme/ file the brandbook names (fonts, licence, logo, own icons)."""
        files = [face.file for face in self.typography.faces] + [self.typography.licence, self.logo.file]
        files += [self.logo.raster] if self.logo.raster else []
        files += [path for path in self.social_icons.values() if not path.startswith(".icons/")]
        return files


# -- contrast (WCAG 2.1) -----------------------------------------------------------
def relative_luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# -- reading -------------------------------------------------------------------------
def brandbook_path(root_dir: Path) -> Path:
    return Path(root_dir) / THEME_FOLDER / BRANDBOOK_FILE


def load_brandbook(root_dir: Path, problems: Problems) -> Brandbook | None:
    """Read ``theme/brandbook.yml`` of a network root; None when there is none (plain Material) or it is invalid."""
    path = brandbook_path(root_dir)
    if not path.is_file():
        return None
    parsed = read_model(Brandbook, path, problems)
    if parsed is None:
        return None
    book, doc = parsed
    before = len(problems.errors)
    theme = path.parent

    def where(*loc) -> int:
        return doc.line_of(loc)

    for role in ROLES:
        if role not in book.roles:
            problems.error(path, where("roles"), f"«roles»: не задан цвет для роли «{role}»")
    for role, name in book.roles.items():
        if role not in ROLES:
            problems.error(
                path, where("roles", role), f"«roles.{role}»: неизвестная роль; известны: {', '.join(ROLES)}"
            )
        elif name not in book.palette:
            problems.error(path, where("roles", role), f"«roles.{role}»: в palette нет цвета «{name}»")
    for i, pair in enumerate(book.contrast):
        missing = [n for n in (pair.text, pair.background) if n not in book.palette]
        if missing:
            problems.error(path, where("contrast", i), f"«contrast»: в palette нет цвета «{missing[0]}»")
            continue
        ratio = contrast_ratio(book.palette[pair.text], book.palette[pair.background])
        need = AA_LARGE if pair.large else AA_NORMAL
        if ratio < need:
            problems.error(
                path,
                where("contrast", i),
                f"«{pair.text}» на «{pair.background}»: контраст {ratio:.2f}:1 ниже WCAG AA ({need}:1)",
            )
    for key in book.social_icons:
        if key not in SOCIAL_LABELS:
            problems.error(
                path,
                where("social_icons", key),
                f"«social_icons.{key}»: неизвестная соцсеть; известны: {', '.join(SOCIAL_LABELS)}",
            )
    for loc, file in _asset_locations(book):
        if not (theme / file).is_file():
            problems.error(path, where(*loc), f"нет файла theme/{file}")
    return book if len(problems.errors) == before else None


def _asset_locations(book: Brandbook):
    for i, face in enumerate(book.typography.faces):
        yield ("typography", "faces", i, "file"), face.file
    yield ("typography", "licence"), book.typography.licence
    yield ("logo", "file"), book.logo.file
    if book.logo.raster:
        yield ("logo", "raster"), book.logo.raster
    for key, file in book.social_icons.items():
        if not file.startswith(".icons/"):
            yield ("social_icons", key), file


# -- CSS -------------------------------------------------------------------------------
def _font_list(names: list[str]) -> str:
    generic = {"serif", "sans-serif", "monospace", "system-ui", "ui-monospace", "cursive", "fantasy", "-apple-system"}
    return ", ".join(n if n in generic else f'"{n}"' for n in names)


def brand_css(book: Brandbook) -> str:
    """The brandbook as CSS: @font-face rules, custom properties, Material's palette variables.

    Written to ``assets/un-brand.css`` of every site; font URLs are relative to it.
    """
    lines = ["/* Generated from theme/brandbook.yml by union-network: do not edit. */"]
    family = book.typography.family
    for face in book.typography.faces:
        url = Path(face.file).relative_to("assets").as_posix() if face.file.startswith("assets/") else "../" + face.file
        lines.append(
            f'@font-face{{font-family:"{family}";font-style:{face.style};font-weight:{face.weight};'
            f'font-display:swap;src:url("{url}") format("{"woff2" if face.file.endswith(".woff2") else "truetype"}")}}'
        )
    props = [f"--un-{name.replace('_', '-')}:{value}" for name, value in book.palette.items()]
    props += [f"--un-{role.replace('_', '-')}:var(--un-{book.roles[role].replace('_', '-')})" for role in ROLES]
    text_font = _font_list([family, *book.typography.fallback])
    mono_font = _font_list(book.typography.monospace)
    material = {
        "--md-text-font": f'"{family}"',
        "--md-text-font-family": text_font,
        "--md-code-font-family": mono_font,
        "--md-primary-fg-color": "var(--un-primary)",
        "--md-primary-fg-color--light": "var(--un-primary)",
        "--md-primary-fg-color--dark": "var(--un-primary-dark)",
        "--md-primary-bg-color": "var(--un-on-primary)",
        "--md-primary-bg-color--light": "var(--un-on-primary-muted)",
        "--md-accent-fg-color": "var(--un-accent)",
        "--md-accent-fg-color--transparent": "color-mix(in srgb, var(--un-accent) 10%, transparent)",
        "--md-accent-bg-color": "var(--un-on-accent)",
        "--md-typeset-color": "var(--un-text)",
        "--md-typeset-a-color": "var(--un-link)",
        "--md-default-fg-color": "var(--un-text)",
        "--md-default-fg-color--light": "var(--un-text-muted)",
        "--md-default-bg-color": "var(--un-background)",
        "--md-footer-bg-color": "var(--un-primary-dark)",
        "--md-footer-bg-color--dark": "var(--un-primary-dark)",
        "--md-footer-fg-color": "var(--un-on-primary)",
        "--md-footer-fg-color--light": "var(--un-on-primary-muted)",
        "--md-footer-fg-color--lighter": "var(--un-on-primary-muted)",
    }
    props += [f"{k}:{v}" for k, v in material.items()]
    selector = ":root,[data-md-color-scheme=default],[data-md-color-primary=custom],[data-md-color-accent=custom]"
    lines.append(selector + "{" + ";".join(props) + "}")
    return "\n".join(lines) + "\n"


# -- the view templates read -----------------------------------------------------------
@dataclass(frozen=True)
class BrandView:
    """What templates need of the brandbook for one site (``un.brand``)."""

    federation: str
    logo: str  # site-relative path of the logo, e.g. "assets/logo.svg"
    logo_alt: str
    logo_raster: str | None  # the same sign as PNG (structured data, sharing)
    org_name: str  # this org's name as it stands beside the logo
    footer_text: str
    member_of: str
    icons: dict[str, str]  # social network label (as in OrgView.social) -> template path of its SVG
    stylesheets: tuple[str, ...]  # site-relative CSS files, in order
    card_image: str | None = None  # site-relative path of the sharing card (PNG)
    card_size: tuple[int, int] = (1200, 630)
    font_preload: str | None = None  # site-relative path of the regular text face (preloaded by main.html)


BRAND_CSS = "assets/un-brand.css"
THEME_CSS = "assets/un-theme.css"


def brand_view(book: Brandbook, org_name: str, short_name: str) -> BrandView:
    return BrandView(
        federation=book.federation,
        logo=book.logo.file,
        logo_alt=book.logo.alt,
        logo_raster=book.logo.raster,
        # the root usually is the federation itself: its full name stands beside its own wordmark
        org_name=org_name if book.logo.org_name == "name" or short_name == book.federation else short_name,
        footer_text=book.footer.text,
        member_of=book.footer.member_of,
        icons={SOCIAL_LABELS[k]: v for k, v in book.social_icons.items() if k in SOCIAL_LABELS},
        stylesheets=(BRAND_CSS, THEME_CSS),
    )
