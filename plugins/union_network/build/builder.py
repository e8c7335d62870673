"""The build pipeline: load -> plan -> fingerprint -> render changed sites -> swap them in.

Each site has a fingerprint (:mod:`fingerprint`); only sites whose fingerprint
changed since the output folder's manifest are rendered, in worker processes
when ``jobs > 1``. Rendered sites go to a staging folder; only when every one
succeeded are they moved into the output, so a failed build leaves the
published output as it was. The renderer is passed in as a factory (the CLI
wires the MkDocs one), so this module knows nothing of MkDocs.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from union_network.build.fingerprint import Fingerprinter, environment_digest
from union_network.core.dates import build_time
from union_network.core.problems import InputError
from union_network.core.siteplan import SitePlan
from union_network.core.urls import UrlScheme
from union_network.features.registry import planner as make_planner
from union_network.read.load import default_cache_dir, load_network

MANIFEST_DIR = ".union-network"  # inside the output folder, beside (never inside) the sites
MANIFEST = "manifest.json"


class Renderer(Protocol):
    def render(self, plan: SitePlan, site_dir: Path) -> list[str]:
        """Render one site into ``site_dir``; return warnings, raise on failure."""


RendererFactory = Callable[[Path], Renderer]


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
    root: str | None = None  # the root org's slug
    sites: int = 0  # sites in the output
    built: list[str] = field(default_factory=list)  # sites rendered this run
    removed: list[str] = field(default_factory=list)
    posts: int = 0
    feeds: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    cache_hits: int = 0
    cache_misses: int = 0


Progress = Callable[[int, int, SitePlan, float], None]


def default_out_dir(config_file: Path) -> Path:
    return Path(config_file).resolve().parent / "site"


# -- manifest ----------------------------------------------------------------------
def read_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST_DIR / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(out_dir: Path, manifest: dict) -> None:
    folder = out_dir / MANIFEST_DIR
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{MANIFEST}.{os.getpid()}"
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(folder / MANIFEST)


# -- the no-change fast path -------------------------------------------------------------
def _state_file(root_dir: Path, out_dir: Path) -> Path:
    """Where the fast path's record of a build into ``out_dir`` lives: the network's cache, not the output."""
    import hashlib

    key = hashlib.blake2b(str(out_dir).encode(), digest_size=8).hexdigest()
    return default_cache_dir(root_dir) / "builds" / f"{key}.json"


def _inputs_digest(root_dir: Path, environment: str, shard, preview_host) -> str:
    """Everything a build reads: the organisations' folders, theme, config, package; and how it was asked."""
    from union_network.build.fingerprint import tree_digest
    from union_network.read.registry import ORGS_FOLDER, ROOT_FOLDER

    digest = tree_digest(root_dir / ROOT_FOLDER, root_dir / ORGS_FOLDER)
    return f"{environment}:{digest}:{shard}:{preview_host}"


def _write_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def _unchanged_output(state_file: Path, out_dir: Path, inputs: str, now) -> BuildResult | None:
    """When no input changed since the last build into ``out_dir`` and no time-dependent output
    (a post falling due, an event passing, a new day) can have changed, the output is current:
    the build is skipped without reading the network."""
    from datetime import datetime

    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    sites = read_manifest(out_dir).get("sites", {})
    if state.get("manifest") != sites:  # the output was replaced or changed since
        return None
    valid_until = state.get("valid_until")
    if state.get("inputs") != inputs or not valid_until or now >= datetime.fromisoformat(valid_until):
        return None
    if not sites or any(not (out_dir / slug).is_dir() for slug in sites):
        return None
    return BuildResult(
        out_dir=out_dir,
        root=state.get("root"),
        sites=state.get("sites", len(sites)),
        posts=state.get("posts", 0),
        feeds=state.get("feeds", 0),
        warnings=list(state.get("warnings", [])),
    )


# -- shards -------------------------------------------------------------------------
def site_weight(plan: SitePlan) -> int:
    """Roughly the number of pages a site renders: what its build time scales with."""
    return 4 + len(plan.pages) + len(plan.own_posts)


def assign_shards(weights: dict[str, int], count: int) -> list[list[str]]:
    """Deterministic balanced split of sites by weight (largest first, each to the lightest shard)."""
    shards: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    for slug, weight in sorted(weights.items(), key=lambda item: (-item[1], item[0])):
        target = min(range(count), key=lambda i: (loads[i], i))
        shards[target].append(slug)
        loads[target] += weight
    return shards


# -- rendering, in this process or in workers ------------------------------------------
_worker_renderer: Renderer | None = None


def _init_worker(factory: RendererFactory, config_file: Path) -> None:
    global _worker_renderer
    _worker_renderer = factory(config_file)


def _render_in_worker(plan: SitePlan, site_dir: Path) -> tuple[list[str], float]:
    started = time.monotonic()
    try:
        warnings = _worker_renderer.render(plan, site_dir)
    except Exception as exc:
        raise _RenderFailed(getattr(exc, "messages", None) or [f"{type(exc).__name__}: {exc}"]) from None
    return warnings, time.monotonic() - started


class _RenderFailed(Exception):
    def __init__(self, messages: list[str]):
        super().__init__(messages)
        self.messages = messages


@contextmanager
def _worker_pool(jobs: int, factory: RendererFactory, config_file: Path) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes, forked now: before the network is read, so that they hold MkDocs and
    Material but not the network (their memory does not grow with it); plans reach them pickled."""
    if jobs <= 1:
        yield None
        return
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(factory, config_file))
    try:
        for future in [pool.submit(_ready) for _ in range(jobs)]:  # start every worker now
            future.result()
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def _ready() -> bool:
    return True


def _render_all(
    plans: Iterator[SitePlan],
    staging: Path,
    factory: RendererFactory,
    config_file: Path,
    pool: ProcessPoolExecutor | None,
    jobs: int,
) -> Iterator[tuple[SitePlan, list[str], float]]:
    """Render plans into ``staging/<slug>`` as the iterator yields them (planning the next sites
    while workers render); yields as sites finish; raises on the first failure."""
    if pool is None:
        renderer = factory(config_file)
        for plan in plans:
            started = time.monotonic()
            try:
                warnings = renderer.render(plan, staging / plan.slug)
            except Exception as exc:
                raise _Failed(plan, getattr(exc, "messages", None) or [f"{type(exc).__name__}: {exc}"]) from None
            yield plan, warnings, time.monotonic() - started
        return
    futures: dict = {}
    pending: set = set()
    source = iter(plans)
    exhausted = False
    while True:
        # Keep every worker busy (plus one queued each), planning more sites as they free up.
        while not exhausted and len(pending) < 2 * jobs:
            plan = next(source, None)
            if plan is None:
                exhausted = True
                break
            future = pool.submit(_render_in_worker, plan, staging / plan.slug)
            futures[future] = plan
            pending.add(future)
        if not pending:
            return
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            plan = futures.pop(future)
            exc = future.exception()
            if exc is not None:
                for other in pending:
                    other.cancel()
                raise _Failed(plan, getattr(exc, "messages", None) or [str(exc)])
            warnings, seconds = future.result()
            yield plan, warnings, seconds


class _Failed(Exception):
    def __init__(self, plan: SitePlan, messages: list[str]):
        super().__init__(messages)
        self.plan = plan
        self.messages = messages


# -- the build ------------------------------------------------------------------------
def build_network(
    config_file: Path,
    renderer_factory: RendererFactory,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    *,
    strict: bool = False,
    jobs: int = 1,
    shard: tuple[int, int] | None = None,
    full: bool = False,
    cache_dir: Path | None = None,
    preview_host: str | None = None,
) -> BuildResult:
    """Build the network (or shard ``(k, n)`` of it) into ``out_dir``.

    Raises :class:`InputError` or :class:`SiteFailure` (with ``strict``, also on
    warnings); the output then stays as it was. ``full`` ignores fingerprints.
    ``preview_host`` (``localhost:8000``) builds for the live preview: every org at
    ``http://<slug>.<preview_host>/``, the root at ``http://<preview_host>/``.
    """
    started = time.monotonic()
    config_file = Path(config_file).resolve()
    root_dir = config_file.parent
    out_dir = Path(out_dir).resolve() if out_dir else default_out_dir(config_file)
    now = build_time()
    environment = environment_digest(root_dir, config_file)
    inputs = _inputs_digest(root_dir, environment, shard, preview_host)
    if not full:
        unchanged = _unchanged_output(_state_file(root_dir, out_dir), out_dir, inputs, now)
        if unchanged is not None:
            unchanged.seconds = time.monotonic() - started
            return unchanged

    with _worker_pool(jobs, renderer_factory, config_file) as pool:
        network, problems = load_network(
            config_file, now, cache_dir=cache_dir or default_cache_dir(root_dir), pool=pool
        )
        if problems or network is None:
            raise InputError(problems)
        result = BuildResult(
            out_dir=out_dir, root=network.registry.root.slug, warnings=[str(p) for p in problems.warnings]
        )
        result.cache_hits, result.cache_misses = network.cache_stats
        urls = UrlScheme(preview_host, network.registry.root.slug, scheme="http") if preview_host else None
        planner = make_planner(network, urls=urls)
        slugs = list(network.registry.orgs)
        if shard is not None:
            weights = {slug: site_weight(planner.plan(slug)) for slug in slugs}
            mine = set(assign_shards(weights, shard[1])[shard[0] - 1])
            slugs = [slug for slug in slugs if slug in mine]

        fingerprinter = Fingerprinter(environment, root_dir)
        previous = {} if full else read_manifest(out_dir).get("sites", {})
        fingerprints: dict[str, str] = {}
        totals = {"posts": 0, "feeds": 0, "changed": 0}
        stale = (
            sorted({d.name for d in out_dir.iterdir() if d.is_dir() and d.name != MANIFEST_DIR} - set(slugs))
            if out_dir.is_dir()
            else []
        )

        def changed_plans() -> Iterator[SitePlan]:
            """Plan the sites one by one (a plan is dropped as soon as it is known unchanged)."""
            for slug in slugs:
                plan = planner.plan(slug)
                fingerprints[slug] = fingerprinter.site(plan)
                totals["posts"] += plan.counts["posts"]
                totals["feeds"] += plan.counts["feeds"]
                if previous.get(slug) != fingerprints[slug] or not (out_dir / slug).is_dir():
                    totals["changed"] += 1
                    yield plan

        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
        trash = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            for index, (plan, warnings, seconds) in enumerate(
                _render_all(changed_plans(), staging, renderer_factory, config_file, pool, jobs), start=1
            ):
                source = plan.source_dir.relative_to(root_dir).as_posix()
                result.warnings.extend(f"{source}: {w}" for w in warnings)
                result.built.append(plan.slug)
                if progress:
                    planned = len(fingerprints) == len(slugs)  # the total is known once every site is planned
                    progress(index, totals["changed"] if planned else None, plan, seconds)
            if strict and result.warnings:
                raise SiteFailure("*", "strict", result.warnings)
            # Every site rendered: move them in, drop the sites that no longer exist, record fingerprints.
            out_dir.mkdir(exist_ok=True)
            trash.mkdir()
            for slug in result.built:
                if (out_dir / slug).exists():
                    (out_dir / slug).rename(trash / slug)
                (staging / slug).rename(out_dir / slug)
            for slug in stale:
                (out_dir / slug).rename(trash / slug)
            manifest = {"format": 1, "sites": fingerprints}
            if shard is not None:
                manifest["shard"] = f"{shard[0]}/{shard[1]}"
            write_manifest(out_dir, manifest)
            next_change = network.next_change()
            _write_state(
                _state_file(root_dir, out_dir),
                {
                    "manifest": fingerprints,
                    "inputs": inputs,
                    "valid_until": next_change.isoformat() if next_change else None,
                    "root": result.root,
                    "sites": len(slugs),
                    "posts": totals["posts"],
                    "feeds": totals["feeds"],
                    "warnings": result.warnings,
                },
            )
        except _Failed as exc:
            source = exc.plan.source_dir.relative_to(root_dir).as_posix()
            raise SiteFailure(exc.plan.slug, source, exc.messages) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(trash, ignore_errors=True)
        result.removed = stale
        result.built.sort()
        result.sites = len(slugs)
        result.posts = totals["posts"]
        result.feeds = totals["feeds"]
        result.seconds = time.monotonic() - started
        return result


def merge_outputs(shard_dirs: list[Path], out_dir: Path) -> BuildResult:
    """Assemble shard outputs into one output folder (replacing it only when all is well)."""
    started = time.monotonic()
    out_dir = Path(out_dir).resolve()
    fingerprints: dict[str, str] = {}
    sources: dict[str, Path] = {}
    for shard_dir in shard_dirs:
        shard_dir = Path(shard_dir)
        manifest = read_manifest(shard_dir)
        if not manifest.get("sites"):
            raise ValueError(f"{shard_dir}: это не результат сборки union-network (нет {MANIFEST_DIR}/{MANIFEST})")
        for slug, fp in manifest["sites"].items():
            if slug in sources:
                raise ValueError(f"{shard_dir}: сайт {slug!r} уже есть в {sources[slug]}")
            if not (shard_dir / slug).is_dir():
                raise ValueError(f"{shard_dir}: нет папки сайта {slug!r}")
            sources[slug] = shard_dir
            fingerprints[slug] = fp
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        for slug, shard_dir in sorted(sources.items()):
            shutil.copytree(shard_dir / slug, staging / slug, copy_function=shutil.copy2)
        write_manifest(staging, {"format": 1, "sites": fingerprints})
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(out_dir=out_dir, sites=len(sources), built=sorted(sources), seconds=time.monotonic() - started)
