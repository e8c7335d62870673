"""What an organisation's page may be once rendered: HTML sanitized with an allowlist (nh3).

The source check (``content_rules.py``) tells editors, line by line, what their folder may
not hold; it reads Markdown and must guess how the browser will read the result. This module
is the second layer: every page and post of an org folder is cleaned *after* Markdown has
rendered it, so whatever the check missed (a fenced-code attribute, a raw-text element hiding
an attribute from the scanner, a URL two parsers read differently) meets an allowlist:

* **tags**: what Markdown and the extensions of mkdocs.yml emit (text, lists, tables,
  headings, code, admonitions, figures, images, details), plus ``iframe`` for video;
  everything else is removed (``script``/``style``/``template``… with their content).
* **attributes**: no ``style``, no ``on*``, no ``data-*``/``name``/``form``; ``id`` only when
  it cannot collide with the theme's own (Material's start with ``__``: ``__config``,
  ``__drawer`` …); ``class`` only from :data:`ALLOWED_CLASSES` (admonitions, Material's
  ``md-button``, code highlighting): a class that positions or overlays (``md-overlay``,
  ``md-dialog``, ``un-*``) would let a page restyle the theme.
* **URLs** are parsed as the browser parses them (WHATWG URL, ``ada-url``): backslashes,
  userinfo, tabs and newlines mean what they mean to Chromium. Links may go to ``http``,
  ``https``, ``mailto``, ``tel`` or stay relative; anything that *loads* (``src``,
  every ``srcset`` candidate, ``poster``) must stay inside the site's own folder (no
  request to another server, nor to another org's folder in the path layout); an
  ``iframe`` must be ``https`` from one of the brandbook's ``video_hosts``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

import ada_url
import nh3

from union_network.core.models import FrontMatter
from union_network.core.problems import Problems
from union_network.enforce.content_rules import ContentRules
from union_network.enforce.text import plain_text
from union_network.read.brandbook import load_brandbook

#: Tags kept (their attributes below). Everything else is stripped, keeping its text.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "iframe", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q",
        "s", "samp", "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
#: Removed together with their content (text inside them is not prose).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "xmp",
        "textarea",
        "title",
        "svg",
        "math",
        "object",
        "noembed",
        "noframes",
    }
    - ALLOWED_TAGS
)
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
TAG_ATTRIBUTES = {
    "a": {"href", "hreflang"},
    "abbr": set(),
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "source": {"srcset", "sizes", "media", "type", "width", "height"},
    "iframe": {"src", "width", "height", "allowfullscreen", "loading", "referrerpolicy"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
#: Attributes whose value is a URL the browser fetches (must stay in the site's folder).
LOADS = frozenset({"src", "poster"})
LINKS = frozenset({"href", "cite"})
LINK_SCHEMES = frozenset({"http:", "https:", "mailto:", "tel:"})

#: Material's admonition types, each with its aliases: every one is a class of its own.
ADMONITION_TYPES: dict[str, tuple[str, ...]] = {
    "note": (),
    "abstract": ("summary", "tldr"),
    "info": ("todo",),
    "tip": ("hint", "important"),
    "success": ("check", "done"),
    "question": ("help", "faq"),
    "warning": ("caution", "attention"),
    "failure": ("fail", "missing"),
    "danger": ("error",),
    "bug": (),
    "example": (),
    "quote": ("cite",),
}
#: Classes a page may use, by what writes them.
ALLOWED_CLASSES = frozenset(
    chain(
        ("admonition", "admonition-title", *ADMONITION_TYPES, *chain.from_iterable(ADMONITION_TYPES.values())),
        ("md-button", "md-button--primary"),  # Material's buttons
        ("highlight", "codehilite", "linenos", "linenodiv", "filename"),  # code highlighting
        ("footnote", "footnote-ref", "footnote-backref"),  # footnotes
        ("toc", "headerlink"),  # the table of contents, heading anchors
        ("un-text-left", "un-text-center", "un-text-right"),  # table alignment (_ALIGN, below)
    )
)
#: Pygments' token classes (``k``, ``nf``, ``s2`` …) and ``language-xyz`` on code blocks.
_CODE_CLASS = re.compile(r"^(?:[a-z]{1,2}[0-9]?|language-[a-z0-9_+-]{1,30})$")
#: An id a page may set: not Material's (``__…``), no quotes or spaces, bounded.
_SAFE_ID = re.compile(r"^(?!__)[^\s\"'<>`]{1,100}$")
#: Python-Markdown's table alignment (``style="text-align: center;"``), turned into a class.
_ALIGN = re.compile(r"^\s*text-align:\s*(left|center|right);?\s*$")
_SRCSET_SPLIT = re.compile(r",\s+|,(?=\S)")


@dataclass(frozen=True)
class HtmlPolicy:
    """What one site allows: its own URL (``https://prim.example/`` or ``https://example/prim/``)
    and the video hosts of the brandbook (a host also admits its subdomains)."""

    site_url: str
    video_hosts: tuple[str, ...] = ()

    def allows_frame_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.video_hosts)


def video_hosts(root_dir: Path) -> tuple[str, ...]:
    """The brandbook's ``video_hosts`` (its defaults without a valid brandbook: the brandbook's own
    problems are reported where it is read for the theme)."""
    return ContentRules.of(load_brandbook(Path(root_dir), Problems(root=Path(root_dir)))).video_hosts


def parse_url(value: str, base: str) -> ada_url.URL | None:
    """``value`` resolved against ``base`` as a browser would (WHATWG URL); None if it is not a URL."""
    try:
        return ada_url.URL(value, base)
    except ValueError:
        return None


def _same_site(value: str, page_url: str, policy: HtmlPolicy) -> bool:
    url = parse_url(value, page_url)
    if url is None or url.protocol not in ("http:", "https:"):
        return False
    site = ada_url.URL(policy.site_url)
    prefix = site.pathname if site.pathname.endswith("/") else site.pathname + "/"
    return url.origin == site.origin and url.pathname.startswith(prefix) and ".." not in url.pathname.split("/")


def _link_ok(value: str, page_url: str) -> bool:
    url = parse_url(value, page_url)
    return url is not None and url.protocol in LINK_SCHEMES


def _frame_ok(value: str, page_url: str, policy: HtmlPolicy) -> bool:
    url = parse_url(value, page_url)
    return (
        url is not None
        and url.protocol == "https:"
        and not url.username
        and not url.password
        and policy.allows_frame_host(url.hostname)
    )


def _srcset_ok(value: str, page_url: str, policy: HtmlPolicy) -> bool:
    """Every candidate of a ``srcset`` (``url [descriptor]`` separated by commas) stays on the site."""
    candidates = [c.strip() for c in _SRCSET_SPLIT.split(value.strip()) if c.strip()]
    return bool(candidates) and all(_same_site(c.split()[0], page_url, policy) for c in candidates)


def _classes(tag: str, value: str) -> str | None:
    kept = [
        c
        for c in value.split()
        if c in ALLOWED_CLASSES or (tag in ("code", "span", "pre", "div") and _CODE_CLASS.match(c))
    ]
    return " ".join(kept) or None


def _filter(page_url: str, policy: HtmlPolicy, tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        return _classes(tag, value)
    if attr == "id":
        return value if _SAFE_ID.match(value) else None
    if tag == "iframe" and attr == "src":
        return value if _frame_ok(value, page_url, policy) else None
    if attr in LOADS:
        return value if _same_site(value, page_url, policy) else None
    if attr == "srcset":
        return value if _srcset_ok(value, page_url, policy) else None
    if attr in LINKS:
        return value if _link_ok(value, page_url) else None
    if attr == "referrerpolicy":
        return value if value in ("no-referrer", "strict-origin-when-cross-origin", "origin") else None
    return value


def _attributes() -> dict[str, set[str]]:
    attrs: dict[str, set[str]] = {tag: set(extra) for tag, extra in TAG_ATTRIBUTES.items()}
    attrs["*"] = set(GLOBAL_ATTRIBUTES)
    return attrs


_ALIGNED_CELL = re.compile(r'<(t[hd])((?:\s[^>]*)?)\sstyle="(text-align:\s*(?:left|center|right);?)"')


def _alignment_to_class(fragment: str) -> str:
    """Table cells aligned by Markdown (``style="text-align: …"``) get a class instead: ``style``
    attributes never pass (and the Content-Security-Policy would ignore them)."""

    def repl(m: re.Match[str]) -> str:
        side = _ALIGN.match(m.group(3))
        return f'<{m.group(1)}{m.group(2)} class="un-text-{side.group(1)}"' if side else m.group(0)

    return _ALIGNED_CELL.sub(repl, fragment)


def sanitize_html(fragment: str, page_url: str, policy: HtmlPolicy) -> str:
    """A rendered page body with only the allowlisted tags, attributes, classes and URLs.

    ``page_url`` is the page's absolute URL (relative URLs are resolved against it)."""
    return nh3.clean(
        _alignment_to_class(fragment),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=_attributes(),
        attribute_filter=partial(_filter, page_url, policy),
        url_schemes={s.rstrip(":") for s in LINK_SCHEMES},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def escaped_text(value: object) -> str:
    """Any value an org wrote, as plain text escaped for HTML: for titles that templates print raw."""
    return html.escape(plain_text(str(value)), quote=True)


#: Front matter keys of pages and posts that reach templates: the post's fields (DESIGN §4, from the
#: model) plus a page's description and author.
META_KEYS = frozenset(FrontMatter.model_fields) | {"description", "author"}
#: Front matter strings Material prints without escaping (``<title>``, ``<meta content="…">``, nav).
RAW_IN_THEME = ("title", "description", "author")


def clean_meta(meta: Mapping[str, Any], keys: Iterable[str] = META_KEYS) -> dict[str, Any]:
    """Front matter of an org's page as templates may see it: only known keys; titles, descriptions
    and authors as escaped plain text (Material prints them raw)."""
    allowed = set(keys)
    out = {k: v for k, v in meta.items() if k in allowed}
    for key in RAW_IN_THEME:
        if key in out and out[key] is not None:
            out[key] = escaped_text(out[key])
    return out
