"""Build one organisation's site with MkDocs.

One renderer builds many sites in a process. What MkDocs would redo for every
site but is the same for all of them is done once and reused: the Jinja
environment (so Material's templates are compiled once, not once per site:
profiling showed template compilation was about half of a small site's build)
and the listing of the theme's static files. What MkDocs redoes for every page is
cut where the bytes stay the same: one Markdown instance per site (reset between
pages, see :func:`reuse_markdown`) and Material's navigation drawn once per site
for the pages outside it (fragments.py).
"""

from __future__ import annotations

import logging
import os
import shutil
import types
from pathlib import Path

import jinja2
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.theme import Theme

from union_network.core.problems import UnionNetworkError
from union_network.core.siteplan import Reuse, SitePlan
from union_network.read.load import default_cache_dir
from union_network.render.mkdocs.fragments import NO_REUSE

PLUGIN = "union-network"
LOGGERS = ("mkdocs", "properdocs")


class RenderError(UnionNetworkError):
    """A site failed to build; ``messages`` say why (``path: message`` where known)."""


#: What MkDocs says of every build with ``dirty=True`` (how a site takes unchanged pages along).
DIRTY_WARNING = "A 'dirty' build is being performed"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(DIRTY_WARNING):
            self.messages.append(message)


class _SharedEnvironments:
    """Jinja environments shared by every site built with the same theme folders and locale.

    Compiled templates are also kept on disk (Jinja's bytecode cache, checked against each
    template's source), so a worker process or the next build does not compile them again.
    """

    def __init__(self, bytecode_dir: Path | None = None) -> None:
        self._envs: dict[tuple, jinja2.Environment] = {}
        self._bytecode = None
        if bytecode_dir is not None:
            try:
                bytecode_dir.mkdir(parents=True, exist_ok=True)
                self._bytecode = jinja2.FileSystemBytecodeCache(str(bytecode_dir))
            except OSError:
                self._bytecode = None

    def get(self, theme: Theme) -> jinja2.Environment:
        key = (tuple(theme.dirs), str(theme.locale))
        env = self._envs.get(key)
        if env is None:
            env = Theme.get_env(theme)
            env.cache = {}  # unbounded: Material has more templates than Jinja's default 400-entry cache
            env.bytecode_cache = self._bytecode
            # The theme's files do not change during a build: list them (thousands: Material's icons) once.
            setattr(env, "list_templates", _memoized_listing(env.list_templates))  # noqa: B010 - patches a method
            self._envs[key] = env
        return env


def _memoized_listing(list_templates):
    """``Environment.list_templates`` remembering its answer per filter function (by its code)."""
    answers: dict[tuple, list[str]] = {}

    def listing(extensions=None, filter_func=None):
        key = (tuple(extensions or ()), getattr(filter_func, "__code__", filter_func))
        if key not in answers:
            answers[key] = list_templates(extensions=extensions, filter_func=filter_func)
        return answers[key]

    return listing


#: Python-Markdown's own extensions: each resets its state in ``reset()`` (Markdown's contract for
#: reusing an instance). A site whose mkdocs.yml names any other gets a new instance per page.
RESETTABLE_EXTENSIONS = frozenset(
    (
        *("abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code", "footnotes"),
        *("legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc"),
        "wikilinks",
    )
)


def _resettable(extensions) -> bool:
    for ext in extensions:
        if not isinstance(ext, str):
            return False
        name = ext.split(":")[0].removeprefix("markdown.extensions.")
        if name not in RESETTABLE_EXTENSIONS:
            return False
    return True


class _PooledMarkdown(types.ModuleType):
    """Stands for the ``markdown`` module inside ``mkdocs.structure.pages``: ``Page.render`` builds a
    ``markdown.Markdown`` per page (0.19 ms: its parser and extensions), registers four per-page
    processors by name (they replace the previous page's) and converts. Here the same instance is
    handed out again, reset, while the extensions and their configuration are the same objects (one
    build's config); everything else is the real module."""

    def __init__(self, real: types.ModuleType) -> None:
        super().__init__(real.__name__)
        self._real = real
        self._last: tuple | None = None  # (extensions, configs, instance)

    def __getattr__(self, name: str):
        return getattr(self._real, name)

    def Markdown(self, *, extensions=(), extension_configs=None, **kwargs):
        configs = extension_configs or {}
        last = self._last
        if os.environ.get(NO_REUSE):  # tests render without, to compare bytes
            return self._real.Markdown(extensions=extensions, extension_configs=configs, **kwargs)
        if (
            last is not None
            and not kwargs
            and last[0] is extensions
            and (last[1] is configs or (not last[1] and not configs))
        ):
            return last[2].reset()
        md = self._real.Markdown(extensions=extensions, extension_configs=configs, **kwargs)
        self._last = (extensions, configs, md) if not kwargs and _resettable(extensions) else None
        return md


def reuse_markdown() -> None:
    """Make MkDocs' ``Page.render`` reuse one Markdown instance while the build's extensions stay the same."""
    import mkdocs.structure.pages as pages

    current = getattr(pages, "markdown", None)
    if current is None or isinstance(current, _PooledMarkdown) or not hasattr(current, "Markdown"):
        return
    setattr(pages, "markdown", _PooledMarkdown(current))  # noqa: B010 - replaces a module's import


class MkDocsRenderer:
    """Renders a :class:`SitePlan` into a folder with MkDocs + the network's mkdocs.yml."""

    def __init__(self, config_file: Path):
        self.config_file = Path(config_file)
        self._envs = _SharedEnvironments(default_cache_dir(self.config_file.resolve().parent) / "jinja")
        for name in LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        reuse_markdown()

    def render(self, plan: SitePlan, site_dir: Path, reuse: Reuse | None = None) -> list[str]:
        """Build the site; returns MkDocs' warnings, raises :class:`RenderError` on failure.

        With ``reuse``, the pages it names and every static file are not rendered or copied but
        hard-linked from the published site (MkDocs' ``dirty`` build, our plugin deciding what is
        modified; every page is still read, so that navigation and links see all of them)."""
        if reuse is not None:
            try:
                return self._render(plan, site_dir, reuse)
            except _Incomplete:
                shutil.rmtree(site_dir, ignore_errors=True)  # the published site lacks a file: render it all
        return self._render(plan, site_dir, None)

    def _render(self, plan: SitePlan, site_dir: Path, reuse: Reuse | None) -> list[str]:
        collect = _Collect()
        # MkDocs logs as "mkdocs", ProperDocs as "properdocs"; Material always as "mkdocs.*".
        loggers = [logging.getLogger(name) for name in LOGGERS]
        for logger in loggers:
            logger.addHandler(collect)
            logger.propagate = False
        try:
            config = load_config(str(self.config_file), docs_dir=str(plan.source_dir), site_dir=str(site_dir))
            plugin = config.plugins.get(PLUGIN)
            if plugin is None:
                raise RenderError([f"{self.config_file.name}: в plugins нет «{PLUGIN}»"])
            plugin.plan = plan
            plugin.reuse = reuse
            theme = config.theme
            setattr(theme, "get_env", lambda: self._envs.get(theme))  # noqa: B010 - patches a method
            build(config, dirty=reuse is not None)
            if reuse is not None:
                _link_reused(reuse.previous, site_dir, plugin.reused)
        except (RenderError, _Incomplete):
            raise
        except MkDocsException as exc:
            raise RenderError(collect.messages + [str(exc)]) from None
        except Exception as exc:  # a template or Markdown extension failing on one org's content
            raise RenderError(collect.messages + [f"{type(exc).__name__}: {exc}"]) from None
        finally:
            for logger in loggers:
                logger.removeHandler(collect)
        return collect.messages


class _Incomplete(Exception):
    """A file to take from the published site is not there."""


def _link_reused(previous: Path, site_dir: Path, dests: list[str]) -> None:
    """Hard-link the pages and static files a reusing render did not write from the published site
    (published files are never written in place, so sharing them is safe)."""
    for dest in dests:
        source, target = previous / dest, site_dir / dest
        if target.exists():
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)
        except FileNotFoundError:
            raise _Incomplete(dest) from None
        except OSError:
            shutil.copy2(source, target)
