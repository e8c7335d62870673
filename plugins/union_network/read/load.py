"""Read a whole network root: options, registry, news index, moderation (the readers stage)."""

from __future__ import annotations

from concurrent.futures import Executor
from datetime import datetime
from pathlib import Path

from union_network.core.files import default_cache_dir
from union_network.core.network import Network
from union_network.core.problems import Problems
from union_network.enforce.content_rules import check_content_rules
from union_network.read.brandbook import load_brandbook
from union_network.read.cache import IndexCache
from union_network.read.moderation import read_moderation
from union_network.read.news import check_unplaced_news, read_news
from union_network.read.options import read_options
from union_network.read.registry import ORGS_FOLDER, read_registry

INDEX_FILE = "news-index.sqlite"
__all__ = ["INDEX_FILE", "default_cache_dir", "load_network"]  # default_cache_dir: core/files.py


def load_network(
    config_file: Path,
    build_time: datetime | None = None,
    *,
    cache_dir: Path | None = None,
    pool: Executor | None = None,
) -> tuple[Network | None, Problems]:
    """Read and validate everything; the network is None only when there is no usable root.

    With ``cache_dir``, parsed posts are cached there (SQLite) between runs.
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
    cache = IndexCache(cache_dir / INDEX_FILE) if cache_dir is not None else None
    posts = read_news(registry, options, problems, cache, pool)
    if cache is not None:
        cache.save()
    moderation = read_moderation(registry, posts, problems)
    network = Network(root_dir, options, registry, posts, moderation, build_time)
    network.brandbook = brandbook
    if cache is not None:
        network.cache_stats = (cache.hits, cache.misses)
    return network, problems
