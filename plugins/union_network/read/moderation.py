"""Moderation decisions: orgs/<slug>/moderation.yml (DESIGN §5.3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from union_network.core.models import Moderation
from union_network.core.network import Post, Registry
from union_network.core.problems import Problem, Problems
from union_network.read.yamlfile import read_model
from union_network.read.yamlsrc import YamlDoc

MODERATION_FILE = "moderation.yml"


@dataclass
class ModerationFile:
    """An org's moderation file as read (``decisions`` None when it is not valid), with the problems
    reading it found (reported by :func:`check_moderation`, in the order a single pass gives)."""

    path: Path
    decisions: Moderation | None
    doc: YamlDoc | None
    problems: list[Problem] = field(default_factory=list)


def read_moderation(
    registry: Registry, posts: list[Post], problems: Problems, known: Mapping[str, str] | None = None
) -> dict[str, Moderation]:
    """Decisions per org slug (:func:`parse_moderation`, then :func:`check_moderation`)."""
    files = parse_moderation(registry, problems.root)
    return check_moderation(registry, files, posts, problems, known)


def parse_moderation(registry: Registry, root: Path | None) -> dict[str, ModerationFile]:
    """Every org's moderation file, read and validated on its own (before the news: routing needs
    the decisions), by slug."""
    files: dict[str, ModerationFile] = {}
    for org in registry:
        path = org.folder / MODERATION_FILE
        if not path.is_file():
            continue
        found = Problems(root=root)
        parsed = read_model(Moderation, path, found)
        decisions, doc = parsed if parsed is not None else (None, None)
        files[org.slug] = ModerationFile(path, decisions, doc, found.items)
    return files


def decisions_of(files: Mapping[str, ModerationFile]) -> dict[str, Moderation]:
    return {slug: f.decisions for slug, f in files.items() if f.decisions is not None}


def check_moderation(
    registry: Registry,
    files: Mapping[str, ModerationFile],
    posts: list[Post],
    problems: Problems,
    known: Mapping[str, str] | None = None,
) -> dict[str, Moderation]:
    """Report what reading the files found, and the ids that name no post, or no post from below: these
    are warnings, not errors (a primary deleting a post must not break its parent's build). ``known``:
    post id -> org of posts not in ``posts`` (a build that read only some orgs' news knows the others'
    from its memory: build/changes.py). Returns the decisions by slug."""
    org_of = {p.id: p.org for p in posts}
    remembered = known or {}
    for slug, file in files.items():
        problems.items.extend(file.problems)
        if file.decisions is None or file.doc is None:
            continue
        below = set(registry.descendants(slug))
        for key in ("hide", "promote"):
            for i, post_id in enumerate(getattr(file.decisions, key)):
                org = org_of.get(post_id) or remembered.get(post_id)
                if org is None:
                    problems.warning(
                        file.path,
                        file.doc.line_of((key, i)),
                        f"{key}: новости {post_id!r} нет в сети (id = <slug организации>/<имя файла без .md>)",
                    )
                elif org not in below:
                    problems.warning(
                        file.path,
                        file.doc.line_of((key, i)),
                        f"{key}: новость {post_id!r} пришла не от нижестоящей организации; решение не действует",
                    )
    return decisions_of(files)
