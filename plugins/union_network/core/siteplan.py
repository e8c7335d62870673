"""The site plan: renderer-independent data describing one organisation's site.

Sections (:mod:`sites` and feature modules) fill a :class:`SitePlan` with
generated :class:`Page`s (rendered by a template with ``data``), extra
:class:`OutputFile`s (feeds and other files written by a module-level function)
and navigation entries. A renderer only has to render pages and write files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Category:
    key: str
    label: str


@dataclass(frozen=True)
class EventView:
    start: datetime
    end: datetime | None
    place: str | None
    start_text: str
    end_text: str | None
    when_text: str = ""  # «12 декабря 2026, 10:00–13:00 (МСК)»


@dataclass(frozen=True)
class ImageView:
    """A post's picture as its responsive derivatives (features.images), absolute URLs on the
    post's canonical site: the same wherever the item is shown."""

    alt: str
    width: int  # of the largest derivative (the aspect ratio of every one)
    height: int
    webp: tuple[tuple[int, str], ...]  # (width, URL), narrowest first
    fallback: tuple[tuple[int, str], ...]  # JPEG or PNG, same widths
    fallback_type: str  # image/jpeg or image/png

    @property
    def src(self) -> str:
        """The fallback of about 960 px: ``src`` of ``<img>``, feeds' enclosure, og:image."""
        return self.medium[1]

    @property
    def medium(self) -> tuple[int, str]:
        fitting = [entry for entry in self.fallback if entry[0] <= 1000]
        return fitting[-1] if fitting else self.fallback[0]

    @property
    def medium_height(self) -> int:
        return round(self.height * self.medium[0] / self.width)

    @property
    def webp_srcset(self) -> str:
        return ", ".join(f"{url} {w}w" for w, url in self.webp)

    @property
    def fallback_srcset(self) -> str:
        return ", ".join(f"{url} {w}w" for w, url in self.fallback)


@dataclass(frozen=True)
class Item:
    """A post as shown in a list or feed: plain text only (templates escape it)."""

    id: str
    title: str
    summary: str
    url: str
    date: datetime
    date_text: str
    org_slug: str
    org_name: str
    org_url: str
    categories: tuple[Category, ...]
    tags: tuple[str, ...]
    support: bool
    broadcast: bool
    event: EventView | None
    image: ImageView | None = None
    content_html: str = ""  # the full post, sanitized, absolute URLs (feeds)


@dataclass(frozen=True)
class OrgView:
    slug: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    url: str
    members: int | None
    contacts: dict[str, str]
    info_officer: dict[str, str] | None
    social: tuple[Link, ...]
    parent: Link | None


@dataclass(frozen=True)
class OrgNode:
    org: OrgView
    children: tuple[OrgNode, ...]


@dataclass(frozen=True)
class Feed:
    kind: str
    title: str
    page: str  # the HTML page the feed mirrors, e.g. "news/"
    rss: str  # e.g. "news/feed.xml"
    atom: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class ListPage:
    kind: str
    src_uri: str  # "news/index.md", "news/page/2/index.md"
    title: str
    items: tuple[Item, ...]
    number: int
    pages: int
    prev_url: str | None  # site-relative, e.g. "news/" or None
    next_url: str | None
    feed: Feed


@dataclass(frozen=True)
class Page:
    """A generated page: ``src_uri`` as if it were a Markdown file in the org's folder."""

    src_uri: str
    title: str
    template: str
    data: Any = None  # given to the template as ``un_page``
    searchable: bool = True  # False: lists that repeat posts (the search finds the posts themselves)
    noindex: bool = False  # True: for the web team, not for crawlers (robots noindex, left out of sitemaps)


#: A file writer: ``write(data)`` returns the file's bytes (a module-level function).
Writer = Callable[[Any], bytes]


@dataclass(frozen=True)
class SiteRef:
    """The site a file belongs to, for the writers that name it (feeds): writers never see the plan."""

    org: OrgView
    url: str
    #: Only dates an empty feed; like the plan's, not part of fingerprints (build.fingerprint skips it).
    build_time: datetime = field(compare=False, metadata={"fingerprint": False})


@dataclass(frozen=True)
class OutputFile:
    """A file written beside the rendered pages: ``write(data)`` returns its bytes.

    ``write`` must be a module-level function so that plans can be pickled for worker processes.
    """

    path: str
    write: Writer
    data: Any = None


@dataclass
class SitePlan:
    org: OrgView
    source_dir: Path
    site_url: str
    breadcrumb: tuple[Link, ...]
    build_time: datetime
    has_home_page: bool
    exclude: frozenset[str]  # source files (relative to source_dir) that must not be published
    own_posts: dict[str, Item]  # src_uri of each published own post -> its item
    members: tuple[OrgNode, ...] = ()
    feeds: list[Feed] = field(default_factory=list)  # linked from every page for autodiscovery
    home: dict[str, tuple[Item, ...]] = field(default_factory=dict)  # home block kind -> newest items
    pages: dict[str, Page] = field(default_factory=dict)
    files: list[OutputFile] = field(default_factory=list)
    nav: list[tuple[str | None, str]] = field(default_factory=list)  # (title or None: the page's own, src_uri)
    counts: dict[str, int] = field(default_factory=dict)
    brand: Any = None  # brandbook.BrandView: logo, names, footer, icons, card image; None without a brandbook
    search: Any = None  # features.search.SearchView: where the site's search indexes are
    pictures: dict[str, ImageView] = field(default_factory=dict)  # own posts' body images (folder path) -> derivatives

    @property
    def slug(self) -> str:
        return self.org.slug

    @property
    def ref(self) -> SiteRef:
        return SiteRef(self.org, self.site_url, self.build_time)

    def add_page(self, page: Page, nav_title: str | None = None) -> None:
        self.pages[page.src_uri] = page
        if nav_title:
            self.nav.append((nav_title, page.src_uri))

    def add_file(self, path: str, write: Writer, data: Any = None) -> None:
        self.files.append(OutputFile(path, write, data))


@dataclass(frozen=True)
class Reuse:
    """What a site's render may take from its published version instead of rendering it again: the
    pages (``src_uri``) whose digest did not change, and every static file, from ``previous`` (the
    published site folder). Given only when what every page shows (navigation, header, theme) is
    unchanged (build/fingerprint.py)."""

    previous: Path
    pages: frozenset[str]
