"""Read a whole network root: options, registry, news index, moderation (the readers stage)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .network import Network
from .options import read_options
from .problems import Problems
from .readers.moderation import read_moderation
from .readers.news import check_unplaced_news, read_news
from .readers.registry import ORGS_FOLDER, read_registry


def load_network(config_file: Path, build_time: datetime | None = None) -> tuple[Network | None, Problems]:
    """Read and validate everything; the network is None only when there is no usable root."""
    config_file = Path(config_file).resolve()
    root_dir = config_file.parent
    problems = Problems(root=root_dir)
    if not config_file.is_file():
        problems.error(config_file, None, "нет файла конфигурации сети (mkdocs.yml)")
        return None, problems
    options = read_options(config_file, problems)
    registry = read_registry(root_dir, problems)
    if registry is None:
        return None, problems
    placed = {org.folder.resolve() for org in registry}
    orgs_dir = root_dir / ORGS_FOLDER
    unplaced = [p for p in sorted(orgs_dir.glob("*/")) if p.resolve() not in placed] if orgs_dir.is_dir() else []
    check_unplaced_news(unplaced, options, problems)
    posts = read_news(registry, options, problems)
    moderation = read_moderation(registry, posts, problems)
    network = Network(root_dir, options, registry, posts, moderation, build_time)
    return network, problems
