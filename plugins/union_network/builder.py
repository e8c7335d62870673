"""The build pipeline: load -> plan -> render each site -> write feeds -> swap output in.

The renderer is passed in (the CLI wires the MkDocs one), so the pipeline
knows nothing of MkDocs. Output goes to a staging folder beside the target and
replaces the previous output only when every site built.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .dates import build_time
from .load import load_network
from .problems import InputError
from .plan import SitePlan
from .sites import Planner


class Renderer(Protocol):
    def render(self, plan: SitePlan, site_dir: Path) -> list[str]:
        """Render one site into ``site_dir``; return warnings, raise on failure."""


@dataclass
class SiteFailure(Exception):
    slug: str
    source: str
    messages: list[str]

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {m}" for m in self.messages)


@dataclass
class BuildResult:
    out_dir: Path
    sites: int = 0
    posts: int = 0
    feeds: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


Progress = Callable[[int, int, SitePlan, float], None]


def default_out_dir(config_file: Path) -> Path:
    return Path(config_file).resolve().parent / "site"


def replace_dir(staging: Path, target: Path) -> None:
    """Put ``staging`` where ``target`` is, removing the old one only after the new one is in place."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)


def build_network(
    config_file: Path,
    renderer: Renderer,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    strict: bool = False,
) -> BuildResult:
    """Build every site. Raises :class:`InputError` or :class:`SiteFailure` (with ``strict``, also on
    warnings); the previous output then stays as it was."""
    started = time.monotonic()
    config_file = Path(config_file).resolve()
    network, problems = load_network(config_file, build_time())
    if problems or network is None:
        raise InputError(problems)
    out_dir = Path(out_dir).resolve() if out_dir else default_out_dir(config_file)
    result = BuildResult(out_dir=out_dir, warnings=[str(p) for p in problems.warnings])
    plans = Planner(network).plans()

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for index, plan in enumerate(plans, start=1):
            site_started = time.monotonic()
            source = plan.source_dir.relative_to(network.root_dir).as_posix()
            try:
                warnings = renderer.render(plan, staging / plan.slug)
            except Exception as exc:  # noqa: BLE001 - reported per site, never as a traceback
                messages = getattr(exc, "messages", None) or [str(exc)]
                raise SiteFailure(plan.slug, source, messages) from None
            result.warnings.extend(f"{source}: {w}" for w in warnings)
            result.sites += 1
            result.posts += plan.counts["posts"]
            result.feeds += plan.counts["feeds"]
            if progress:
                progress(index, len(plans), plan, time.monotonic() - site_started)
        if strict and result.warnings:
            raise SiteFailure("*", "strict", result.warnings)
        replace_dir(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.monotonic() - started
    return result
