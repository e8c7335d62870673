"""Tiny networks written to a temporary folder, for tests.

``write_network(tmp_path, orgs, posts)`` writes mkdocs.yml, content/org.yml,
orgs/<slug>/org.yml and news posts; it returns the path of mkdocs.yml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MKDOCS_YML = """\
site_name: Test
docs_dir: content
theme:
  name: material
  language: ru
  font: false
plugins:
  - union-network:
      domain: net.example
      timezone: Europe/Moscow
      feed_size: {feed_size}
      per_page: {per_page}
      categories:
        meetings: Собрания
        actions: Акции
        bargaining: Колдоговорная кампания
"""


def org_card(name: str, kind: str = "primary", parent: str | None = None, **extra: Any) -> dict:
    card: dict[str, Any] = {"name": name, "kind": kind}
    if parent:
        card["parent"] = parent
    card.update(extra)
    return card


def write_yaml(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_post(folder: Path, stem: str, body: str = "Текст новости.", **meta: Any) -> Path:
    path = folder / "news" / f"{stem}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    meta.setdefault("title", stem)
    meta.setdefault("date", "2026-01-01")
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    return path


def folder_of(root: Path, slug: str, root_slug: str) -> Path:
    return root / "content" if slug == root_slug else root / "orgs" / slug


#: The smallest network with every kind of org: fed › terr › prim (slug -> (parent, kind)).
CHAIN: dict[str, tuple[str | None, str]] = {
    "fed": (None, "federation"),
    "terr": ("fed", "territorial"),
    "prim": ("terr", "primary"),
}


def write_network(
    root: Path,
    tree: dict[str, tuple[str | None, str]] | None = None,
    posts: list[dict] | None = None,
    *,
    cards: dict[str, dict] | None = None,
    moderation: dict[str, dict] | None = None,
    feed_size: int = 50,
    per_page: int = 10,
    pages: bool = True,
) -> Path:
    """``tree``: slug -> (parent or None for the root, kind). ``posts``: dicts with ``org``, ``stem`` and front matter."""
    tree = tree or CHAIN
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(feed_size=feed_size, per_page=per_page), encoding="utf-8")
    root_slug = next(slug for slug, (parent, _) in tree.items() if parent is None)
    for slug, (parent, kind) in tree.items():
        card = org_card(f"Организация {slug}", kind, parent, **(cards or {}).get(slug, {}))
        if parent is None:
            card = {"slug": slug, **card}
        folder = folder_of(root, slug, root_slug)
        write_yaml(folder / "org.yml", card)
        if pages:
            (folder / "index.md").write_text(f"# {card['name']}\n\nДобро пожаловать.\n", encoding="utf-8")
    for post in posts or []:
        post = dict(post)
        org, stem = post.pop("org"), post.pop("stem")
        body = post.pop("body", "Текст новости.")
        write_post(folder_of(root, org, root_slug), stem, body, **post)
    for slug, decisions in (moderation or {}).items():
        write_yaml(folder_of(root, slug, root_slug) / "moderation.yml", decisions)
    return root / "mkdocs.yml"


#: The small network shared by a session (conftest.small_network): fed › terr › prim, 18 posts
#: (reach, drafts, a future post, a broadcast, support, enough for pagination with per_page=5).
SMALL_POSTS: list[dict[str, Any]] = [
    dict(
        org="prim",
        stem="2026-01-05-sobranie",
        title="Собрание",
        date="2026-01-05",
        categories=["meetings"],
        reach="federation",
    ),
    dict(org="prim", stem="2026-02-01-local", title="Только у нас", date="2026-02-01", reach="self"),
    dict(org="prim", stem="2026-03-01-draft", title="Черновик", date="2026-03-01", draft=True),
    dict(org="prim", stem="2027-01-01-future", title="Будущее", date="2027-01-01"),
    dict(org="terr", stem="2026-02-10-broadcast", title="Всем первичкам", date="2026-02-10T10:00:00", broadcast=True),
    dict(org="fed", stem="2026-04-01-support", title="Поддержим", date="2026-04-01", support=True, broadcast=True),
] + [
    dict(org="terr", stem=f"2026-05-{d:02d}-n{d}", title=f"Новость {d}", date=f"2026-05-{d:02d}") for d in range(1, 13)
]


def write_small_network(root: Path) -> Path:
    cfg = write_network(root, posts=SMALL_POSTS, per_page=5)
    (root / "orgs" / "prim" / "about.md").write_text("# О нас\n\nТекст.\n", encoding="utf-8")
    return cfg


def with_url_style(cfg: Path, style: str) -> Path:
    """Set the network's ``url_style`` (subdomain or path) in its mkdocs.yml."""
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(
        text.replace("domain: net.example\n", f"domain: net.example\n      url_style: {style}\n"), encoding="utf-8"
    )
    return cfg
