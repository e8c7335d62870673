"""The MkDocs + Material renderer: the only part of union-network that imports MkDocs.

Replacing MkDocs means replacing this package: the core hands it a
:class:`~union_network.plan.planner.SitePlan` and a target folder, nothing else.

``UNION_NETWORK_RENDERER=properdocs`` runs the same code on ProperDocs, the
continuation of MkDocs 1.x (``pip install 'union-network[properdocs]'``):
importing ``properdocs.replacement`` before anything imports ``mkdocs`` makes
every ``mkdocs.*`` import in the process (ours and Material's) resolve to
``properdocs.*``. See docs/renderers.md.
"""

from __future__ import annotations

import os
import sys

RENDERER_ENV = "UNION_NETWORK_RENDERER"
ENGINES = ("mkdocs", "properdocs")


def requested_engine() -> str:
    """The renderer ``UNION_NETWORK_RENDERER`` asks for (default mkdocs); ValueError for another name."""
    name = os.environ.get(RENDERER_ENV, "").strip().lower() or "mkdocs"
    if name not in ENGINES:
        raise ValueError(f"{RENDERER_ENV}={name!r}: неизвестный движок; допустимы: {', '.join(ENGINES)}")
    return name


def active_engine() -> str:
    """The package behind ``mkdocs.*`` in this process: "mkdocs" or "properdocs"."""
    module = sys.modules.get("mkdocs")
    return module.__name__ if module is not None else "mkdocs"


def _switch() -> str | None:
    """Make ``mkdocs.*`` imports resolve to ProperDocs when asked; a message (Russian) when that fails."""
    try:
        engine = requested_engine()
    except ValueError as exc:
        return str(exc)
    if engine != "properdocs":
        return None
    if "mkdocs" in sys.modules and sys.modules["mkdocs"].__name__ != "properdocs":
        return f"{RENDERER_ENV}=properdocs: MkDocs уже загружен в этом процессе, переключиться нельзя"
    try:
        import properdocs.replacement  # noqa: F401 - from here on mkdocs.* is properdocs.*
    except ImportError:
        return f"{RENDERER_ENV}=properdocs: ProperDocs не установлен (pip install 'union-network[properdocs]')"
    return None


#: Why the requested renderer could not be set up (None: it is active); the CLI reports it.
ENGINE_PROBLEM = _switch()
