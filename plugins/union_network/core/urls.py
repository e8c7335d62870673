"""Where things live on the web (DESIGN §4, §6): the one place that makes URLs.

Two layouts (network option ``url_style``):

- ``subdomain`` (default): a member org at ``https://<slug>.<domain>/``, the
  root on the bare domain ``https://<domain>/``;
- ``path``: for hosting without wildcard DNS (GitHub Pages, one virtual host):
  a member org at ``https://<domain>/<slug>/``, the root at ``https://<domain>/``.

Everything else (canonical URLs, feed GUIDs, links between sites, breadcrumbs)
is derived from :meth:`UrlScheme.site`, so both layouts stay consistent.
"""

from __future__ import annotations

from dataclasses import dataclass

from union_network.core.network import Post

SUBDOMAIN = "subdomain"
PATH = "path"
URL_STYLES = (SUBDOMAIN, PATH)


@dataclass(frozen=True)
class UrlScheme:
    domain: str
    root_slug: str
    scheme: str = "https"
    style: str = SUBDOMAIN

    def __post_init__(self) -> None:
        if self.style not in URL_STYLES:
            raise ValueError(f"unknown url_style {self.style!r}")

    @classmethod
    def for_network(cls, options, root_slug: str, scheme: str = "https") -> UrlScheme:
        """The scheme a network's options ask for (``domain``, ``url_style``)."""
        return cls(options.domain, root_slug, scheme, getattr(options, "url_style", SUBDOMAIN))

    def host(self, slug: str) -> str:
        """The host name an org's site is served on."""
        if self.style == PATH or slug == self.root_slug:
            return self.domain
        return f"{slug}.{self.domain}"

    def prefix(self, slug: str) -> str:
        """The path of an org's site on its host: ``/`` or ``/<slug>/``."""
        if self.style == PATH and slug != self.root_slug:
            return f"/{slug}/"
        return "/"

    def site(self, slug: str) -> str:
        """The site URL of an org, with a trailing slash; the root lives on the bare domain."""
        return f"{self.scheme}://{self.host(slug)}{self.prefix(slug)}"

    def page(self, slug: str, path: str = "") -> str:
        """URL of ``path`` (``news/``, ``news/feed.xml``) on an org's site."""
        return self.site(slug) + path.lstrip("/")

    def post(self, post: Post) -> str:
        """The canonical URL of a post: the same wherever the post is shown (§5.7)."""
        return self.page(post.org, f"news/{post.stem}/")
