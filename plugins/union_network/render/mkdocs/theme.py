"""The brandbook applied to MkDocs + Material settings (called from the plugin's on_config).

Whatever mkdocs.yml says, every site gets the same self-hosted fonts (Google
Fonts off), the brandbook's palette as Material's custom palette, its logo and
favicon, and the generated and theme stylesheets first in ``extra_css``.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from union_network.core.siteplan import SitePlan
from union_network.read.brandbook import NOT_PUBLISHED, THEME_FOLDER

#: Material features every site has (added to those of mkdocs.yml)
FEATURES = ("navigation.tabs", "navigation.top")
#: post pictures, linked chips, topics (features/images.py, features/topics.py): after the theme's CSS
PICTURES_CSS = "assets/un-pictures.css"


def apply_brand(config: MkDocsConfig, plan: SitePlan) -> None:
    theme = config.theme
    theme["font"] = False  # never a request to Google Fonts, brandbook or not
    brand = plan.brand
    if brand is None:
        return
    theme_dir = str(Path(config.config_file_path).resolve().parent / THEME_FOLDER)
    if theme_dir not in theme.dirs:  # the brandbook's theme/ even when mkdocs.yml names no custom_dir
        theme.dirs.insert(0, theme_dir)
    theme["palette"] = {"scheme": "default", "primary": "custom", "accent": "custom"}
    theme["logo"] = brand.logo
    theme["favicon"] = brand.logo
    features = list(theme.get("features") or [])
    theme["features"] = features + [f for f in FEATURES if f not in features]
    config.extra_css = list(brand.stylesheets) + [c for c in config.extra_css if c not in brand.stylesheets]
    if (Path(theme_dir) / PICTURES_CSS).is_file() and PICTURES_CSS not in config.extra_css:
        config.extra_css.insert(len(brand.stylesheets), PICTURES_CSS)


def drop_unpublished_theme_files(files: Files) -> None:
    """theme/brandbook.yml is configuration, not an asset: it never reaches a site."""
    for file in list(files):
        if file.src_uri in NOT_PUBLISHED and Path(file.abs_src_path or "").parent.name == THEME_FOLDER:
            files.remove(file)


#: Pages of wide tables: no side navigation or table of contents, brandbook or not.
WIDE_TEMPLATES = frozenset({"un-maturity.html", "un-registry.html"})
HIDE = ["navigation", "toc"]


def page_layout(page, plan: SitePlan) -> None:
    """Pages drawn by union-network's templates (home, lists, posts, …) are laid out as cards over
    the full width: Material's navigation and table-of-contents sidebars are hidden there.
    (Set here, not by the templates: a template changing page.meta cannot run on MiniJinja.)"""
    template = str(page.meta.get("template", ""))
    if template in WIDE_TEMPLATES:
        page.meta["hide"] = list(HIDE)
    elif plan.brand is not None and template.startswith("un-"):
        page.meta.setdefault("hide", list(HIDE))


_TOGGLE_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*?) autocomplete="off"')


_EMPTY_TABINDEX = re.compile(r'(<label class="md-nav__link[^"]*"[^>]*?) tabindex=""')


def valid_html(output: str) -> str:
    """Material's drawer and search toggles are checkboxes with ``autocomplete="off"``, which HTML
    allows on text-like inputs only; the Nu Html Checker reports it, so it goes. The labels of navigation
    sections shown as tabs (grouped entries) carry an empty ``tabindex``, which is invalid: it goes."""
    output = _TOGGLE_AUTOCOMPLETE.sub(r"\1", output)
    return _EMPTY_TABINDEX.sub(r"\1", output)


_FIRST_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)


def split_h1(content: str) -> tuple[str | None, str]:
    """A page's HTML as (the inner HTML of its first ``<h1>`` or None, the rest): the home page
    shows its heading above the news and the rest of the welcome text beside or after them."""
    match = _FIRST_H1.search(content or "")
    if match is None:
        return None, content or ""
    return match.group(1), content[: match.start()] + content[match.end() :]
