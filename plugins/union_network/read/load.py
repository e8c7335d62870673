"""Read a whole network root: options, registry, news index, moderation (the readers stage)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from union_network.core.files import default_cache_dir
from union_network.core.models import Moderation
from union_network.core.network import Network, Post, Registry
from union_network.core.problems import Problems
from union_network.enforce.content_rules import check_content_rules
from union_network.read.brandbook import load_brandbook
from union_network.read.cache import IndexCache
from union_network.read.moderation import check_moderation, decisions_of, parse_moderation
from union_network.read.news import check_unplaced_news, read_news
from union_network.read.options import read_options
from union_network.read.registry import ORGS_FOLDER, read_registry

INDEX_FILE = "news-index.sqlite"
__all__ = ["INDEX_FILE", "Selection", "default_cache_dir", "load_network"]  # default_cache_dir: core/files.py


@dataclass
class Selection:
    """The news a build read when its memory of the last build vouched for the rest (build/changes.py):
    every post of ``orgs``, and in ``posts`` single posts of other orgs that planned sites show; ``known`` is post id -> org of every other post (moderation files name
    them), ``figures`` what the last build computed from the others' posts (feature -> org -> value),
    ``context`` anything the selector wants back (its change scope)."""

    orgs: set[str]
    posts: list[Post]
    known: Mapping[str, str] = field(default_factory=dict)
    figures: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    context: Any = None


#: Given the registry, the moderation decisions, a reader of some orgs' news and a reader of single posts
#: (org -> paths relative to the network root), a selection, or None to read every org's news.
Selector = Callable[
    [
        Registry,
        Mapping[str, Moderation],
        Callable[[Collection[str]], list[Post]],
        Callable[[Path, Mapping[str, Collection[str]]], list[Post]],
    ],
    Selection | None,
]


def load_network(
    config_file: Path,
    build_time: datetime | None = None,
    *,
    cache_dir: Path | None = None,
    pool: Executor | None = None,
    select: Selector | None = None,
) -> tuple[Network | None, Problems]:
    """Read and validate everything; the network is None only when there is no usable root.

    With ``cache_dir``, parsed posts are cached there (SQLite) between runs. ``select`` may choose to
    read only some orgs' news (:class:`Selection`; the network then says so: ``Network.selection``).
    """
    config_file = Path(config_file).resolve()
    root_dir = config_file.parent
    problems = Problems(root=root_dir)
    if not config_file.is_file():
        problems.error(config_file, None, "нет файла конфигурации сети (mkdocs.yml)")
        return None, problems
    options = read_options(config_file, problems)
    brandbook = load_brandbook(root_dir, problems)  # read once: the theme and the enforcement both use it
    # One brandbook: no CSS, JS, overrides or raw script in org folders; its video hosts and image size.
    check_content_rules(root_dir, problems, cache_dir, book=brandbook)
    registry = read_registry(root_dir, problems)
    if registry is None:
        return None, problems
    placed = {org.folder.resolve() for org in registry}
    orgs_dir = root_dir / ORGS_FOLDER
    unplaced = [p for p in sorted(orgs_dir.glob("*/")) if p.resolve() not in placed] if orgs_dir.is_dir() else []
    check_unplaced_news(unplaced, options, problems)
    moderation_files = parse_moderation(registry, problems.root)  # routing needs the decisions before the news
    cache = IndexCache(cache_dir / INDEX_FILE) if cache_dir is not None else None

    def read(orgs: Collection[str] | None) -> list[Post]:
        return read_news(registry, options, problems, cache, pool, orgs)

    def read_posts(root: Path, paths: Mapping[str, Collection[str]]) -> list[Post]:
        return read_news(
            registry, options, problems, cache, pool, paths, only={o: {root / p for p in ps} for o, ps in paths.items()}
        )

    chosen = select(registry, decisions_of(moderation_files), read, read_posts) if select is not None else None
    posts = read(None) if chosen is None else _in_registry_order(registry, chosen.posts)
    if cache is not None:
        cache.save(complete=chosen is None)
    known = chosen.known if chosen is not None else None
    moderation = check_moderation(registry, moderation_files, posts, problems, known)
    network = Network(root_dir, options, registry, posts, moderation, build_time)
    network.selection = chosen
    network.brandbook = brandbook
    if cache is not None:
        network.cache_stats = (cache.hits, cache.misses)
    return network, problems


def _in_registry_order(registry: Registry, posts: list[Post]) -> list[Post]:
    """Posts read in several passes, in the order one pass gives (by org in registry order, then as read)."""
    rank = {slug: i for i, slug in enumerate(registry.orgs)}
    return sorted(posts, key=lambda p: rank[p.org])  # stable: an org's posts keep their order
