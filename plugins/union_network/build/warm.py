"""What a long-lived process (``serve``) keeps warm between builds of one network.

A build started from the command line pays, each time, for importing MkDocs and
Material, compiling the Jinja environments, listing Material's templates and
forking its render workers. ``serve`` rebuilds on every save, so it keeps them:

* :class:`WarmRenderer` is a renderer factory that hands out the same renderer
  for every build while the renderer's inputs (``mkdocs.yml``, ``theme/``, the
  package templates, the engine: :func:`~union_network.build.fingerprint.environment_digest`)
  are unchanged; a new one when they change.
* :class:`WarmWorkers` keeps the render worker processes (each holding its warm
  renderer) from one build to the next, and replaces them when the renderer's
  inputs change. They are forked when first needed, before any network is read,
  so their memory does not grow with the network (plans reach them pickled).

``serve`` also keeps the parsed news index in memory
(:func:`union_network.read.cache.keep_in_memory`).
"""

from __future__ import annotations

import atexit
import threading
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from union_network.build.fingerprint import environment_digest

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from union_network.build.builder import Renderer, RendererFactory


def renderer_key(config_file: Path) -> str:
    """What a renderer is made from: the config file and the environment every site depends on."""
    config_file = Path(config_file).resolve()
    return f"{config_file}:{environment_digest(config_file.parent, config_file)}"


class WarmRenderer:
    """A renderer factory returning one renderer per :func:`renderer_key` (the latest only)."""

    def __init__(self, factory: RendererFactory):
        self.factory = factory
        self.made = 0  # renderers made: for tests and figures
        self._key: str | None = None
        self._renderer: Renderer | None = None
        self._lock = threading.Lock()

    def __call__(self, config_file: Path) -> Renderer:
        key = renderer_key(config_file)
        with self._lock:
            if self._renderer is None or key != self._key:
                self._renderer = self.factory(Path(config_file))
                self._key = key
                self.made += 1
            return self._renderer


class WarmWorkers:
    """Render workers kept between builds (``jobs > 1``), made again when the renderer's inputs change."""

    def __init__(self, factory: RendererFactory, config_file: Path, jobs: int):
        self.factory = factory
        self.config_file = Path(config_file).resolve()
        self.jobs = jobs
        self.started = 0  # pools started: for tests and figures
        self._key: str | None = None
        self._stack: ExitStack | None = None
        self._pool: ProcessPoolExecutor | None = None

    def pool(self) -> ProcessPoolExecutor | None:
        """The workers for the next build (None with one job: it renders in this process)."""
        if self.jobs <= 1:
            return None
        key = renderer_key(self.config_file)
        if self._pool is None or key != self._key or _broken(self._pool):
            self.close()
            from union_network.build.builder import _worker_pool

            stack = ExitStack()
            self._pool = stack.enter_context(_worker_pool(self.jobs, self.factory, self.config_file))
            self._stack, self._key = stack, key
            if not self.started:
                atexit.register(self.close)  # before the interpreter tears multiprocessing down
            self.started += 1
        return self._pool

    def close(self) -> None:
        """Stop the workers (they are started again by the next :meth:`pool`)."""
        stack, self._stack, self._pool = self._stack, None, None
        if stack is not None:
            stack.close()


def _broken(pool: ProcessPoolExecutor) -> bool:
    """A worker died (killed, out of memory), or the pool was shut down: it refuses work; start a new one."""
    return bool(getattr(pool, "_broken", False) or getattr(pool, "_shutdown_thread", False))
