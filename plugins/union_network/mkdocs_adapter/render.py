"""Build one organisation's site with MkDocs."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ..plan import SitePlan

PLUGIN = "union-network"


class RenderError(Exception):
    """A site failed to build; ``messages`` say why (``path: message`` where known)."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class MkDocsRenderer:
    """Renders a :class:`SitePlan` into a folder with MkDocs + the network's mkdocs.yml."""

    def __init__(self, config_file: Path):
        self.config_file = Path(config_file)
        logging.getLogger("mkdocs").setLevel(logging.WARNING)

    def render(self, plan: SitePlan, site_dir: Path) -> list[str]:
        """Build the site; returns MkDocs' warnings, raises :class:`RenderError` on failure."""
        collect = _Collect()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collect)
        logger.propagate = False
        try:
            config = load_config(str(self.config_file), docs_dir=str(plan.source_dir), site_dir=str(site_dir))
            plugin = config.plugins.get(PLUGIN)
            if plugin is None:
                raise RenderError([f"{self.config_file.name}: в plugins нет «{PLUGIN}»"])
            plugin.plan = plan
            build(config)
        except RenderError:
            raise
        except MkDocsException as exc:
            raise RenderError(collect.messages + [str(exc)]) from None
        except Exception as exc:  # a template or Markdown extension failing on one org's content
            raise RenderError(collect.messages + [f"{type(exc).__name__}: {exc}"]) from None
        finally:
            logger.removeHandler(collect)
        return collect.messages
