"""Moderation decisions: orgs/<slug>/moderation.yml (DESIGN §5.3)."""

from __future__ import annotations

from union_network.core.models import Moderation
from union_network.core.network import Post, Registry
from union_network.core.problems import Problems
from union_network.read.yamlfile import read_model

MODERATION_FILE = "moderation.yml"


def read_moderation(registry: Registry, posts: list[Post], problems: Problems) -> dict[str, Moderation]:
    """Decisions per org slug. Ids that name no post, or no post from below, are warnings, not errors:
    a primary deleting a post must not break its parent's build."""
    by_id = {p.id: p for p in posts}
    decisions: dict[str, Moderation] = {}
    for org in registry:
        path = org.folder / MODERATION_FILE
        if not path.is_file():
            continue
        parsed = read_model(Moderation, path, problems)
        if parsed is None:
            continue
        moderation, doc = parsed
        below = set(registry.descendants(org.slug))
        for key in ("hide", "promote"):
            for i, post_id in enumerate(getattr(moderation, key)):
                post = by_id.get(post_id)
                if post is None:
                    problems.warning(
                        path,
                        doc.line_of((key, i)),
                        f"{key}: новости {post_id!r} нет в сети (id = <slug организации>/<имя файла без .md>)",
                    )
                elif post.org not in below:
                    problems.warning(
                        path,
                        doc.line_of((key, i)),
                        f"{key}: новость {post_id!r} пришла не от нижестоящей организации; решение не действует",
                    )
        decisions[org.slug] = moderation
    return decisions
