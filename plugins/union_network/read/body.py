"""A post's body as sanitized HTML, for full-content feeds (RSS ``content:encoded``, Atom
``content``, JSON Feed ``content_html``), made while the news index is read.

Feeds are written from plan data, without MkDocs, so the body is rendered here with the
Markdown extensions of the shipped mkdocs.yml and sanitized with nh3 by :func:`sanitize`.
That allowlist is stricter than the pages' (``enforce/html.py``, which keeps video frames
under the site's Content-Security-Policy): a feed is read outside the site, in apps that
apply no CSP, so it carries no frames, no classes or ids, only text markup, links and images. Links and images stay as
the author wrote them (relative to the post file); :func:`absolute_html` resolves them
against the post's canonical URL when a plan is made, so a feed carries absolute URLs.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urljoin, urlsplit

import markdown
import nh3

#: the Markdown extensions of mkdocs.yml that shape a body (toc only adds anchors; not needed in feeds)
EXTENSIONS = ("tables", "admonition", "attr_list", "sane_lists")
#: raster formats a post's picture may have (DESIGN §4, §8)
RASTER = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})
#: bumped when the stored body HTML changes shape: the news index cache then re-reads every post
BODY_FORMAT = 2

_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map"}
_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "img": {"src", "alt", "width", "height", "title"},
    "a": {"href", "hreflang", "title"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
}
_URL_ATTR = re.compile(r'(<(?:a|img)\b[^>]*?\s(?:href|src)=")([^"]*)(")', re.IGNORECASE)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def sanitize(html: str) -> str:
    """Allow-listed HTML: no script, style, event handler, iframe or form survives."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def body_html(body: str) -> str:
    """A post's Markdown body as sanitized HTML, its URLs as written."""
    html = markdown.markdown(body, extensions=list(EXTENSIONS), output_format="html")
    return sanitize(html).strip()


def local_image_refs(body: str) -> list[tuple[int, str]]:
    """Markdown images of the body that name a file (no scheme, no host): (line in the body, target)."""
    found = []
    for number, line in enumerate(body.splitlines(), start=1):
        for match in _MD_IMAGE.finditer(line):
            target = match.group(1)
            parts = urlsplit(target)
            if not parts.scheme and not parts.netloc and parts.path:
                found.append((number, parts.path))
    return found


def resolve_in_folder(post_rel: str, target: str) -> str | None:
    """The folder-relative path a link of the post at ``post_rel`` (``news/a.md``) names:
    ``../images/x.jpg`` -> ``images/x.jpg``; ``/images/x.jpg`` is from the folder's top.
    None when it leaves the folder."""
    if target.startswith("/"):
        joined = posixpath.normpath(target.lstrip("/"))
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(post_rel), target))
    if joined in (".", "") or joined.startswith("../") or joined == "..":
        return None
    return joined


def published_path(folder_rel: str) -> str:
    """Where a folder file is on the site: Markdown pages get directory URLs (``about.md`` -> ``about/``)."""
    if folder_rel.endswith(".md"):
        stem = folder_rel[:-3]
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"
    return folder_rel


def absolute_html(html: str, post_rel: str, post_url: str, site_url: str) -> str:
    """``html`` with every relative link and image made absolute: file references resolve against
    the post's place in its folder (``news/a.md``) onto ``site_url``, anchors onto ``post_url``."""

    def fix(match: re.Match) -> str:
        url = match.group(2)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return match.group(0)
        if url.startswith("#"):
            new = post_url + url
        elif parts.path.startswith("/"):
            new = urljoin(site_url, url)
        else:
            rel = resolve_in_folder(post_rel, parts.path)
            if rel is None:
                new = urljoin(post_url, url)
            else:
                new = site_url + published_path(rel)
                if parts.query:
                    new += "?" + parts.query
                if parts.fragment:
                    new += "#" + parts.fragment
        return match.group(1) + new.replace('"', "%22") + match.group(3)

    return _URL_ATTR.sub(fix, html)
