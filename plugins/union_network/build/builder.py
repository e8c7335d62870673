"""The build pipeline: fast path -> load + check -> plan + fingerprint -> render changed -> publish.

Each site has a fingerprint (:mod:`fingerprint`); only sites whose fingerprint
changed since the output folder's manifest are rendered, in worker processes
when ``jobs > 1``. Sites are rendered into a new generation of the output
(:mod:`publish`), unchanged ones hard-linked into it; only when every site
succeeded does the output flip to it, so a failed or killed build leaves the
published output as it was. The renderer is passed in as a factory (the CLI
wires the MkDocs one), so this module knows nothing of MkDocs.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from union_network.build.fingerprint import Fingerprinter, environment_digest, tree_digest
from union_network.build.publish import Output, Stage, checkpoint, die_with_parent, staged
from union_network.core.dates import build_time
from union_network.core.files import default_cache_dir, write_atomic
from union_network.core.problems import InputError, Problems, UnionNetworkError
from union_network.core.siteplan import Reuse, SitePlan
from union_network.read.registry import ORGS_FOLDER, ROOT_FOLDER

# The no-change fast path (_unchanged_output) and `check` import only the above: the readers,
# the planner, the features and the worker pool are imported where they are used (tests/test_fast_start.py).
if TYPE_CHECKING:
    from concurrent.futures import Executor, ProcessPoolExecutor

    from union_network.build.changes import BuildMemory, FolderState, Scope
    from union_network.core.network import Network
    from union_network.plan.planner import Planner
    from union_network.read.load import Selector

MANIFEST_DIR = ".union-network"  # inside the output folder, beside (never inside) the sites
MANIFEST = "manifest.json"
#: Key of a site's page digests (build memory) holding the fingerprint of the site they describe.
PUBLISHED_AS = "@fingerprint"


class Renderer(Protocol):
    def render(self, plan: SitePlan, site_dir: Path, reuse: Reuse | None = None) -> list[str]:
        """Render one site into ``site_dir`` (taking what ``reuse`` allows from its published
        version); return warnings, raise on failure."""


RendererFactory = Callable[[Path], Renderer]


class SiteFailure(UnionNetworkError):
    """A site failed to render (``slug``, its folder ``source``), or ``slug == "*"``: warnings under --strict."""

    def __init__(self, slug: str, source: str, messages: list[str]):
        super().__init__(messages)
        self.args = (slug, source, self.messages)
        self.slug = slug
        self.source = source

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
    planned: list[str] = field(default_factory=list)  # sites planned and fingerprinted: those the changes reach
    reused_pages: int = 0  # pages of re-rendered sites taken from their published version
    news_read: list[str] | None = None  # orgs whose news were read (None: every org's; build/changes.py)
    search_stale: bool = False  # built with search_now=False: the network index waits for refresh_search


Progress = Callable[[int, int | None, SitePlan, float], None]  # done, total (once known), site, seconds


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
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


# -- the no-change fast path -------------------------------------------------------------
def _state_file(root_dir: Path, out_dir: Path) -> Path:
    """Where the fast path's record of a build into ``out_dir`` lives: the network's cache, not the output."""
    key = hashlib.blake2b(str(out_dir).encode(), digest_size=8).hexdigest()
    return default_cache_dir(root_dir) / "builds" / f"{key}.json"


def _inputs_digest(root_dir: Path, environment: str, shard, preview_host) -> str:
    """Everything a build reads: the organisations' folders, theme, config, package; and how it was asked."""
    digest = tree_digest(root_dir / ROOT_FOLDER, root_dir / ORGS_FOLDER)
    return f"{environment}:{digest}:{shard}:{preview_host}"


def _memory(job: _Job) -> BuildMemory:
    """The memory of the last build published into ``out_dir`` (build/changes.py), beside the state."""
    from union_network.build.changes import BuildMemory

    return BuildMemory(job.state_file.with_suffix(".sqlite"))


def _write_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def _unchanged_output(job: _Job) -> BuildResult | None:
    """When no input changed since the last build into ``out_dir`` and no time-dependent output
    (a post falling due, an event passing, a new day) can have changed, the output is current:
    the build is skipped without reading the network."""
    try:
        state = json.loads(job.state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    sites = read_manifest(job.out_dir).get("sites", {})
    if state.get("manifest") != sites:  # the output was replaced or changed since
        return None
    valid_until = state.get("valid_until")
    if state.get("inputs") != job.inputs or not valid_until or job.now >= datetime.fromisoformat(valid_until):
        return None
    if not sites or any(not (job.out_dir / slug).is_dir() for slug in sites):
        return None
    if not Output(job.out_dir).settled():  # another build is publishing, or a killed one left work
        return None
    return BuildResult(
        out_dir=job.out_dir,
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


def _init_worker(factory: RendererFactory, config_file: Path, parent_pid: int) -> None:
    global _worker_renderer
    die_with_parent(parent_pid)
    _worker_renderer = factory(config_file)


def _messages(exc: BaseException) -> list[str]:
    return getattr(exc, "messages", None) or [f"{type(exc).__name__}: {exc}"]


def _render_in_worker(plan: SitePlan, site_dir: Path, reuse: Reuse | None) -> tuple[list[str], float]:
    started = time.monotonic()
    assert _worker_renderer is not None
    try:
        warnings = _worker_renderer.render(plan, site_dir, reuse)
    except Exception as exc:
        raise UnionNetworkError(_messages(exc)) from None  # picklable, unlike what MkDocs raises
    return warnings, time.monotonic() - started


@contextmanager
def _worker_pool(jobs: int, factory: RendererFactory, config_file: Path) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes, forked now: before the network is read, so that they hold MkDocs and
    Material but not the network (their memory does not grow with it); plans reach them pickled.
    They are killed when the build process dies."""
    if jobs <= 1:
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init_worker, initargs=(factory, config_file, os.getpid())
    )
    try:
        for future in [pool.submit(_ready) for _ in range(jobs)]:  # start every worker now
            future.result()
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


def _ready() -> bool:
    return True


def _failure(plan: SitePlan, root_dir: Path, exc: BaseException) -> SiteFailure:
    return SiteFailure(plan.slug, plan.source_dir.relative_to(root_dir).as_posix(), _messages(exc))


def _render_all(
    plans: Iterator[tuple[SitePlan, Reuse | None]],
    site_dir: Callable[[str], Path],
    factory: RendererFactory,
    job: _Job,
    pool: ProcessPoolExecutor | None,
    jobs: int,
) -> Iterator[tuple[SitePlan, list[str], float]]:
    """Render plans into ``site_dir(<slug>)`` as the iterator yields them (planning the next sites
    while workers render); yields as sites finish; raises :class:`SiteFailure` on the first failure."""
    from concurrent.futures import FIRST_COMPLETED, wait

    if pool is None:
        renderer = factory(job.config_file)
        for plan, reuse in plans:
            started = time.monotonic()
            try:
                warnings = renderer.render(plan, site_dir(plan.slug), reuse)
            except Exception as exc:
                raise _failure(plan, job.root_dir, exc) from None
            yield plan, warnings, time.monotonic() - started
        return
    futures: dict = {}
    pending: set = set()
    source = iter(plans)
    exhausted = False
    while True:
        # Keep every worker busy (plus one queued each), planning more sites as they free up.
        while not exhausted and len(pending) < 2 * jobs:
            job_ = next(source, None)
            if job_ is None:
                exhausted = True
                break
            queued, reuse = job_
            future = pool.submit(_render_in_worker, queued, site_dir(queued.slug), reuse)
            futures[future] = queued
            pending.add(future)
        if not pending:
            return
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            finished: SitePlan = futures.pop(future)
            error = future.exception()
            if error is not None:
                for other in pending:
                    other.cancel()
                raise _failure(finished, job.root_dir, error)
            warnings, seconds = future.result()
            yield finished, warnings, seconds


# -- the build ------------------------------------------------------------------------
@dataclass
class _Job:
    """What one build was asked to do, resolved."""

    config_file: Path
    root_dir: Path
    out_dir: Path
    now: datetime
    environment: str
    inputs: str  # digest of everything read, for the fast path
    state_file: Path
    shard: tuple[int, int] | None
    preview_host: str | None

    @classmethod
    def make(cls, config_file: Path, out_dir: Path | None, shard, preview_host) -> _Job:
        config_file = Path(config_file).resolve()
        root_dir = config_file.parent
        out = Output(out_dir or default_out_dir(config_file)).path  # the name, not a symlink's target
        environment = environment_digest(root_dir, config_file)
        return cls(
            config_file=config_file,
            root_dir=root_dir,
            out_dir=out,
            now=build_time(),
            environment=environment,
            inputs=_inputs_digest(root_dir, environment, shard, preview_host),
            state_file=_state_file(root_dir, out),
            shard=shard,
            preview_host=preview_host,
        )


@dataclass
class Checked:
    """A network read and checked: ``problems`` hold errors when the input is not usable."""

    network: Network | None
    problems: Problems
    planner: Planner | None = None
    root_plan: SitePlan | None = None  # planned here when the url_style: path check needs it


def load_and_check(
    config_file: Path,
    now: datetime,
    *,
    cache_dir: Path | None = None,
    pool: Executor | None = None,
    preview_host: str | None = None,
    select: Selector | None = None,
) -> Checked:
    """Read the network (:func:`load_network`; ``select``: only the news a change reaches), then check
    what only a plan shows: with ``url_style: path``, member slugs taken by the root site's top-level
    paths (the root is planned from every post: that layout reads them all)."""
    from union_network.core.urls import PATH, UrlScheme
    from union_network.features.registry import planner as make_planner
    from union_network.plan.layout import check_path_layout
    from union_network.read.load import load_network

    network, problems = load_network(config_file, now, cache_dir=cache_dir, pool=pool, select=select)
    if network is not None and network.selection is not None and network.options.url_style == PATH:
        network, problems = load_network(config_file, now, cache_dir=cache_dir, pool=pool)
    if network is None:
        return Checked(None, problems)
    root = network.registry.root.slug
    urls = UrlScheme(preview_host, root, scheme="http") if preview_host else None
    planner = make_planner(network, urls=urls)
    checked = Checked(network, problems, planner)
    if network.options.url_style == PATH and not problems:  # planning needs a valid network
        checked.root_plan = planner.plan(root)
    check_path_layout(network, problems, checked.root_plan)
    return checked


def _select(checked: Checked, shard: tuple[int, int] | None) -> list[str]:
    """The sites this build makes: all, or shard ``(k, n)`` of them."""
    assert checked.network is not None and checked.planner is not None
    slugs = list(checked.network.registry.orgs)
    if shard is None:
        return slugs
    weights = {slug: site_weight(_plan(checked, slug)) for slug in slugs}
    mine = set(assign_shards(weights, shard[1])[shard[0] - 1])
    return [slug for slug in slugs if slug in mine]


def _plan(checked: Checked, slug: str) -> SitePlan:
    if checked.root_plan is not None and checked.root_plan.slug == slug:
        return checked.root_plan
    assert checked.planner is not None
    return checked.planner.plan(slug)


@dataclass
class _Rendered:
    """Sites planned and rendered into a stage."""

    fingerprints: dict[str, str] = field(default_factory=dict)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # slug -> (posts, feeds)
    pages: dict[str, dict[str, str]] = field(default_factory=dict)  # page digests of the sites rendered
    reused: int = 0  # pages taken from the published output instead of rendered
    planned: list[str] = field(default_factory=list)  # sites planned (the others were out of the change's reach)
    uncarried: list[str] = field(default_factory=list)  # unchanged sites not yet linked into the stage
    changed: int = 0

    def carry(self, stage: Stage) -> None:
        for slug in self.uncarried:
            stage.carry(slug)
        self.uncarried.clear()


def _render_changed(
    job: _Job,
    checked: Checked,
    slugs: list[str],
    stage: Stage,
    previous: dict[str, str],
    result: BuildResult,
    run: tuple[RendererFactory, ProcessPoolExecutor | None, int],
    progress: Progress | None,
    scope: Scope,
) -> _Rendered:
    """Plan the sites in ``scope`` (all when ``scope.sites`` is None), fingerprint them, render into the
    stage those whose fingerprint changed (or whose folder is missing from the published output);
    carry the others as published."""
    from union_network.features import search

    factory, pool, jobs = run
    done = _Rendered()
    fingerprinter = Fingerprinter(job.environment, job.root_dir)
    published = stage.previous
    memory = _memory(job)
    remembered = memory.previous_sites()

    def reuse_for(plan: SitePlan) -> Reuse | None:
        """The pages of a site to render that did not change since its published version."""
        from union_network.build.changes import folder_state

        state = scope.folders.get(plan.slug) or folder_state(plan.source_dir)
        digests = fingerprinter.pages(plan, f"{state.pages}:{state.assets}")
        done.pages[plan.slug] = {**digests, PUBLISHED_AS: done.fingerprints[plan.slug]}
        before = memory.pages(plan.slug)
        if published is None or not (published / plan.slug).is_dir():
            return None
        if not previous.get(plan.slug) or before.get(PUBLISHED_AS) != previous[plan.slug]:
            return None  # the digests remembered are not those of the published site
        if before.get("") != digests[""]:
            return None  # what every page shows changed: render them all
        same = frozenset(src for src, digest in digests.items() if src and before.get(src) == digest)
        if not same:
            return None
        done.reused += len(same)
        return Reuse(published / plan.slug, same)

    def changed_plans() -> Iterator[tuple[SitePlan, Reuse | None]]:
        """Plan the sites one by one (a plan is dropped as soon as it is known unchanged)."""
        for slug in slugs:
            site = remembered.get(slug)
            if site is not None and _out_of_reach(slug, scope, previous, published):  # carried as published
                done.fingerprints[slug] = previous[slug]
                done.counts[slug] = (site.posts, site.feeds)
                done.uncarried.append(slug)
                if done.changed:
                    done.carry(stage)
                continue
            plan = _plan(checked, slug)
            done.planned.append(slug)
            done.fingerprints[slug] = fingerprinter.site(plan)
            done.counts[slug] = (plan.counts["posts"], plan.counts["feeds"])
            if previous.get(slug) == done.fingerprints[slug] and published and (published / slug).is_dir():
                done.uncarried.append(slug)
            else:
                done.changed += 1
                yield plan, reuse_for(plan)
            if done.changed:  # a new generation will be published: hard-link while the workers render
                done.carry(stage)

    renders = _render_all(changed_plans(), stage.site_dir, factory, job, pool, jobs)
    for index, (plan, warnings, seconds) in enumerate(renders, start=1):
        source = plan.source_dir.relative_to(job.root_dir).as_posix()
        result.warnings.extend(f"{source}: {w}" for w in warnings)
        result.built.append(plan.slug)
        search.index_site(plan, stage.folder / plan.slug)  # its search records (features/search.py)
        checkpoint("rendered-one")
        if progress:
            planned = len(done.fingerprints) == len(slugs)  # the total is known once every site is planned
            progress(index, done.changed if planned else None, plan, seconds)
    checkpoint("rendered")
    return done


def _out_of_reach(slug: str, scope: Scope, previous: dict[str, str], published: Path | None) -> bool:
    """A site no change since the last build can reach, published by it: not planned again."""
    if scope.sites is None or slug in scope.sites or not previous.get(slug):
        return False
    return published is not None and (published / slug).is_dir()


def _publish(
    stage: Stage,
    slugs: list[str],
    shard: tuple[int, int] | None,
    done: _Rendered,
    result: BuildResult,
    search_now: bool = True,
) -> None:
    """Every site rendered (and every unchanged one hard-linked from the published generation):
    record the fingerprints and flip the output to the new generation, unless nothing changed."""
    from union_network.features import search

    old = read_manifest(stage.previous) if stage.previous is not None else {}
    if stage.previous is not None:
        result.removed = sorted(
            {d.name for d in stage.previous.iterdir() if d.is_dir() and d.name != MANIFEST_DIR} - set(slugs)
        )
    manifest: dict = {"format": 1, "sites": done.fingerprints}
    if shard is not None:
        manifest["shard"] = f"{shard[0]}/{shard[1]}"
    if result.built or result.removed or old != manifest:
        done.carry(stage)
        checkpoint("carried")
        if result.root and search_now:
            stage.own(result.root, search.NETWORK_INDEX)  # the network's search index is written into it
        search.index_network(stage.folder, stage.previous, result.root, MANIFEST_DIR, now=search_now)  # Pagefind
        write_manifest(stage.folder, manifest)
        checkpoint("manifest")
        stage.publish()
        checkpoint("pruned")


def _context(job: _Job) -> dict[str, str]:
    """What a build's memory is only valid for: the same environment (package, renderer, mkdocs.yml,
    theme) and the same kind of build."""
    return {"environment": job.environment, "preview_host": job.preview_host or "", "shard": str(job.shard)}


def _scope(job: _Job, checked: Checked, folders: dict[str, FolderState] | None, previous: dict[str, str]) -> Scope:
    """The sites this build plans: only those the changes since the last published build can reach
    (found while reading, when only the news they reach were read: :meth:`BuildMemory.selector`)."""
    from union_network.build.changes import Reading, Scope

    if checked.network is not None and checked.network.selection is not None:
        return checked.network.selection.context
    if folders is None or checked.planner is None or checked.network is None:
        return Scope(None, ["полная сборка"])
    reached = checked.planner.routes.reached
    return _memory(job).scope(Reading(checked.network, reached, folders, _context(job)), previous)


def _remember(
    job: _Job,
    checked: Checked,
    slugs: list[str],
    done: _Rendered,
    result: BuildResult,
    folders: dict[str, FolderState] | None,
    scope: Scope,
) -> None:
    """What the fast path needs to skip the next build: what was built from what, valid until when;
    and what the next build needs to plan only what its changes reach (build/changes.py)."""
    from union_network.build.changes import Reading
    from union_network.features.registry import figures

    network = checked.network
    assert network is not None and checked.planner is not None
    memory = _memory(job)
    next_change = network.next_change()
    if network.selection is not None:  # the posts not read may fall due earlier: as the memory says
        next_change = min(filter(None, (next_change, memory.valid_until())), default=None)
    if folders is None or job.shard is not None:
        memory.forget()
    else:
        sites = {slug: (done.fingerprints[slug], *done.counts[slug]) for slug in slugs}
        reached = checked.planner.routes.reached
        problems = _orgs_with_problems(network, checked.problems)
        seen = Reading(network, reached, folders, _context(job))
        memory.save(seen, sites, next_change, scope, done.pages, problems, figures(checked.planner))
    _write_state(
        job.state_file,
        {
            "manifest": done.fingerprints,
            "inputs": job.inputs,
            "valid_until": next_change.isoformat() if next_change else None,
            "root": result.root,
            "sites": len(slugs),
            "posts": sum(posts for posts, _ in done.counts.values()),
            "feeds": sum(feeds for _, feeds in done.counts.values()),
            "warnings": result.warnings,
        },
    )
    checkpoint("state")


def _orgs_with_problems(network: Network, problems: Problems) -> set[str]:
    """The orgs whose folders hold a file with a problem (their news are read again next time)."""
    folders = {org.folder.relative_to(network.root_dir).as_posix() + "/": org.slug for org in network.registry}
    found = set()
    for problem in problems.items:
        for folder, slug in folders.items():
            if problem.path.startswith(folder):
                found.add(slug)
    return found


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
    search_now: bool = True,
    workers: ProcessPoolExecutor | None = None,
) -> BuildResult:
    """Build the network (or shard ``(k, n)`` of it) into ``out_dir``.

    Raises :class:`InputError` or :class:`SiteFailure` (with ``strict``, also on
    warnings); the output then stays as it was. ``full`` ignores fingerprints.
    ``preview_host`` (``localhost:8000``) builds for the live preview: every org at
    ``http://<slug>.<preview_host>/``, the root at ``http://<preview_host>/``. ``search_now`` False
    leaves the network search index as published (the preview refreshes it after the pages:
    :func:`refresh_search`); ``result.search_stale`` then says whether it needs that.
    ``workers``: render workers kept by the caller (build/warm.py) instead of ``jobs`` new ones.
    """
    started = time.monotonic()
    job = _Job.make(config_file, out_dir, shard, preview_host)
    unchanged = None if full else _unchanged_output(job)
    if unchanged is not None:
        unchanged.seconds = time.monotonic() - started
        return unchanged
    from union_network.build.changes import folder_states

    pools = nullcontext(workers) if workers is not None else _worker_pool(jobs, renderer_factory, job.config_file)
    with pools as pool, staged(job.out_dir) as stage:
        cache = cache_dir or default_cache_dir(job.root_dir)
        previous = {} if full or stage.previous is None else read_manifest(stage.previous).get("sites", {})
        select = (
            None if full or shard is not None else _memory(job).selector(job.root_dir, job.now, _context(job), previous)
        )
        checked = load_and_check(
            job.config_file, job.now, cache_dir=cache, pool=pool, preview_host=preview_host, select=select
        )
        if checked.problems or checked.network is None:
            raise InputError(checked.problems)
        network = checked.network
        result = BuildResult(
            out_dir=job.out_dir, root=network.registry.root.slug, warnings=[str(p) for p in checked.problems.warnings]
        )
        result.cache_hits, result.cache_misses = network.cache_stats
        slugs = _select(checked, shard)
        folders: dict[str, FolderState] | None = None
        if network.selection is not None:  # walked while reading (build/changes.py)
            folders = dict(network.selection.context.folders)
        elif shard is None:
            folders = folder_states(network)
        scope = _scope(job, checked, None if full else folders, previous)
        scope.folders = folders or {}  # the org folders' files, walked once for the scope and the page digests
        run = (renderer_factory, pool, jobs)
        done = _render_changed(job, checked, slugs, stage, previous, result, run, progress, scope)
        if pool is not None and workers is None:  # (workers kept by the caller stay: build/warm.py)
            pool.shutdown()  # the workers' memory is not held while Pagefind indexes the network
        if strict and result.warnings:
            raise SiteFailure("*", "strict", result.warnings)
        _publish(stage, slugs, shard, done, result, search_now)
        result.search_stale = not search_now and bool(result.built or result.removed)
        _remember(job, checked, slugs, done, result, folders, scope)
    result.built.sort()
    result.sites = len(slugs)
    result.planned = sorted(done.planned)
    result.news_read = sorted(network.selection.orgs) if network.selection is not None else None
    result.reused_pages = done.reused
    result.posts = sum(posts for posts, _ in done.counts.values())
    result.feeds = sum(feeds for _, feeds in done.counts.values())
    result.seconds = time.monotonic() - started
    return result


def refresh_search(out_dir: Path, root: str) -> bool:
    """Rewrite the network search index of the published output (after ``search_now=False``).

    Pagefind runs without the output's lock (a build may publish meanwhile); the new index is
    swapped in under the lock only if the output is still the one it was made from, else it is
    dropped (the newer build's own refresh follows). Returns whether it was installed."""
    import shutil

    from union_network.features import search

    output = Output(out_dir)
    current = output.current()
    if current is None or not (current / root).is_dir():
        return False
    tmp = output.parent / f".{output.name}.search-{os.getpid()}"
    try:
        search.prepare_network_index(current, MANIFEST_DIR, tmp)
        with output.locked():
            if output.current() != current:
                return False
            search.install_index(tmp, current / root / search.NETWORK_INDEX)
            return True
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def merge_outputs(shard_dirs: list[Path], out_dir: Path) -> BuildResult:
    """Assemble shard outputs into one output folder (replacing it only when all is well)."""
    from union_network.features import search

    started = time.monotonic()
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
    with staged(out_dir) as stage:
        for slug, shard_dir in sorted(sources.items()):
            stage.carry(slug, shard_dir)
        search.merge_network(stage.folder, sources, MANIFEST_DIR)  # every shard's records in one index
        write_manifest(stage.folder, {"format": 1, "sites": fingerprints})
        stage.publish()
    return BuildResult(
        out_dir=stage.output.path, sites=len(sources), built=sorted(sources), seconds=time.monotonic() - started
    )
