"""Where things live on the web: one subdomain per organisation (DESIGN §4, §6)."""

from __future__ import annotations

from dataclasses import dataclass

from .network import Post


@dataclass(frozen=True)
class UrlScheme:
    domain: str
    root_slug: str
    scheme: str = "https"

    def site(self, slug: str) -> str:
        """The site URL of an org, with a trailing slash; the root lives on the bare domain."""
        host = self.domain if slug == self.root_slug else f"{slug}.{self.domain}"
        return f"{self.scheme}://{host}/"

    def page(self, slug: str, path: str = "") -> str:
        """URL of ``path`` (``news/``, ``news/feed.xml``) on an org's site."""
        return self.site(slug) + path.lstrip("/")

    def post(self, post: Post) -> str:
        """The canonical URL of a post: the same wherever the post is shown (§5.7)."""
        return self.page(post.org, f"news/{post.stem}/")
