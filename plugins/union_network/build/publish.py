"""Atomic publishing: the output folder is a symlink flipped to a complete new generation.

A build fills a new *generation* folder beside the output, ``.<out>.gen-<n>/``
(``.site.gen-7/`` for ``site``). A generation is small: the manifest folder and, per
site, a relative symlink to an immutable *site version* in ``.<out>.sites/``
(``prim -> ../.site.sites/prim.7``). A changed site is rendered into a new version
(numbered as the generation that made it); an unchanged one keeps the published
generation's link, so a build costs what changed, not the whole output. Only when
all of it is written does one ``rename(2)`` of a symlink replace ``<out>``
(``site -> .site.gen-7``), so a web server or a reader of ``site/<slug>/`` sees the
old output or the new one, never a mix, and a build killed at any moment leaves the
previous output. Then the previous generation (links) and the site versions no
longer linked (the replaced ones) are removed. Published files are never written in
place: a version is written once, before it is first published.

An output folder from an older version (a real directory) is replaced by the
symlink the same way, atomically where the file system can swap two names
(``renameat2(RENAME_EXCHANGE)``). Leftovers of killed builds (other generations,
temporary links) are removed by the next build into the same output, under a
lock file beside it (``.<out>.lock``, ``flock``), so two builds into the same
output wait for each other instead of deleting each other's work.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

from union_network.core.problems import UnionNetworkError

#: Test hook: ``<step>:kill`` makes the build kill itself (SIGKILL) at that step of the
#: publish sequence, ``<step>:pause`` makes it say so on stderr and wait to be killed.
STOP_AT_ENV = "UNION_NETWORK_TEST_STOP_AT"


def checkpoint(step: str) -> None:
    """A named step of the build; see :data:`STOP_AT_ENV`."""
    wanted = os.environ.get(STOP_AT_ENV)
    if not wanted or wanted.rsplit(":", 1)[0] != step:
        return
    if wanted.endswith(":pause"):
        os.write(2, f"union-network: paused at {step}\n".encode())
        signal.pause()
    os.kill(os.getpid(), signal.SIGKILL)


class PublishError(UnionNetworkError):
    """The output could not be replaced; the previous output is as it was."""


def link_tree(src: Path, dst: Path) -> None:
    """``dst`` (new or empty) becomes a copy of ``src`` made of hard links where possible, copies
    otherwise (safe: published files are never written in place, a new generation writes new
    files). A plain walk: twice as fast as ``shutil.copytree``, which also copies folder metadata."""
    top = os.fspath(src)
    for dirpath, dirnames, filenames in os.walk(top):
        target = os.path.join(dst, os.path.relpath(dirpath, top))
        os.makedirs(target, exist_ok=True)
        for name in [*filenames, *(d for d in dirnames if os.path.islink(os.path.join(dirpath, d)))]:
            _link(os.path.join(dirpath, name), os.path.join(target, name))


def _link(source: str, copy: str) -> None:
    if os.path.islink(source):
        os.symlink(os.readlink(source), copy)
        return
    try:
        os.link(source, copy)
    except OSError:  # another file system, or too many links
        shutil.copy2(source, copy)


def _remove(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two names atomically (Linux ``renameat2``); False where not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


class Output:
    """The published output ``<out>`` and its generations beside it."""

    def __init__(self, path: Path):
        path = Path(path)
        # Not resolve(): once published, <out> is a symlink that must stay the name we flip.
        self.path = Path(os.path.abspath(path.parent)).resolve() / path.name
        self.parent = self.path.parent
        self.name = self.path.name
        self._ours = re.compile(rf"\.{re.escape(self.name)}\.(gen|new|old|link)-(\d+)")
        #: Where the immutable site versions live, ``<slug>.<n>`` (n: the generation that made it).
        self.sites = self.parent / f".{self.name}.sites"
        self._version = re.compile(r"[a-z0-9-]+\.(\d+)")

    def generation(self, n: int) -> Path:
        return self.parent / f".{self.name}.gen-{n}"

    def version_of(self, link: Path) -> str | None:
        """The site version a generation's entry links to (its name in :attr:`sites`), or None
        (a real folder: an output of an older version, or a stage of ``real=True``)."""
        try:
            target = os.readlink(link)
        except OSError:
            return None
        head, _, name = target.rpartition("/")
        return name if head == f"../{self.sites.name}" and self._version.fullmatch(name) else None

    def linked_versions(self, generation: Path | None) -> set[str]:
        """The site versions ``generation`` links to (one ``readlink`` per site)."""
        if generation is None or not generation.is_dir():
            return set()
        with os.scandir(generation) as entries:
            return {v for e in entries if e.is_symlink() and (v := self.version_of(Path(e.path)))}

    def unlinked_versions(self, live: set[str] | None = None) -> list[Path]:
        """Site versions the published generation does not link to (``live``: those it does, when
        known): replaced ones, or a killed build's."""
        if not self.sites.is_dir():
            return []
        if live is None:
            live = self.linked_versions(self.current())
        return sorted(p for p in self.sites.iterdir() if p.name not in live)

    def current(self) -> Path | None:
        """The folder now published (the symlink's target, or a real folder of an older version)."""
        if self.path.is_dir():
            return Path(os.path.realpath(self.path))
        return None

    def leftovers(self) -> list[Path]:
        """Our folders and links beside the output other than the published generation, and the
        site versions it does not link to (the versions' folder itself when it links to none)."""
        if not self.parent.is_dir():
            return []
        current = self.current()
        found = [
            entry
            for entry in self.parent.iterdir()
            if self._ours.fullmatch(entry.name) and (current is None or entry != current)
        ]
        live = self.linked_versions(current)
        if self.sites.is_dir() and not live:
            found.append(self.sites)  # nothing published links into it: all of it goes
        else:
            found.extend(self.unlinked_versions(live))
        return sorted(found)

    def prune(self) -> None:
        """Remove the site versions the published generation does not link to (after a flip:
        the replaced ones; a listing of one entry per site, then only what is removed)."""
        for entry in self.unlinked_versions():
            _remove(entry)
        with contextlib.suppress(OSError):
            self.sites.rmdir()  # only when empty (an output migrated to a real folder)

    @property
    def lock_file(self) -> Path:
        return self.parent / f".{self.name}.lock"

    def settled(self) -> bool:
        """No build into this output is running or was killed (no lock file, no leftovers)."""
        return not self.lock_file.exists() and not self.leftovers()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold ``.<out>.lock`` (the file is removed when released; a waiter that got the
        lock on a removed file tries again)."""
        self.parent.mkdir(parents=True, exist_ok=True)
        lock = self.lock_file
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)
            os.close(fd)

    def recover(self) -> None:
        """Under the lock: undo a migration killed between its two renames (see :meth:`publish`),
        then remove what killed builds left."""
        if not self.path.exists() and not self.path.is_symlink():
            olds = [p for p in self.leftovers() if p.name.startswith(f".{self.name}.old-") and p.is_dir()]
            if olds:
                olds[-1].rename(self.path)
        for entry in self.leftovers():
            _remove(entry)

    def remove(self) -> None:
        """Delete the output: the link, the generation it points to, and any leftovers."""
        current = self.current()
        _remove(self.path)
        if current is not None and current.parent == self.parent and self._ours.fullmatch(current.name):
            _remove(current)
        for entry in self.leftovers():
            _remove(entry)
        _remove(self.sites)

    def new_generation(self) -> Path:
        numbers = [int(m.group(2)) for e in self.parent.iterdir() if (m := self._ours.fullmatch(e.name))]
        if self.sites.is_dir():  # a version's number is never reused either
            numbers += [int(m.group(1)) for e in self.sites.iterdir() if (m := self._version.fullmatch(e.name))]
        folder = self.generation(max(numbers, default=0) + 1)
        folder.mkdir()
        return folder

    def publish(self, folder: Path) -> None:
        """Make ``folder`` (a generation) the output in one rename; remove the previous one."""
        previous = self.current()
        link = self.parent / f".{self.name}.link-{os.getpid()}"
        _remove(link)
        os.symlink(folder.name, link)  # relative: the output can be moved or mounted elsewhere
        checkpoint("linked")
        if self.path.is_dir() and not self.path.is_symlink():
            # An output of an older version (a real folder): swap it with the link at once.
            if not _exchange(link, self.path):
                old = self.parent / f".{self.name}.old-{os.getpid()}"
                self.path.rename(old)  # a build killed here is undone by the next one (recover)
                checkpoint("migrating")
                link.rename(self.path)
                link = old
            checkpoint("published")
            _remove(link)  # now the old folder
            self.prune()
            return
        os.replace(link, self.path)
        checkpoint("published")
        if previous is not None and previous.parent == self.parent and self._ours.fullmatch(previous.name):
            _remove(previous)  # links and the manifest: a few hundred entries
        self.prune()

    def replace(self, folder: Path) -> None:
        """Make ``folder`` the output itself (a real folder, for uploads that do not follow
        symlinks: CI artifacts), swapped in atomically where the file system can."""
        previous = self.current()
        if not self.path.exists() and not self.path.is_symlink():
            folder.rename(self.path)
            return
        if _exchange(folder, self.path):
            checkpoint("published")
            _remove(folder)  # now the previous output
        else:
            old = self.parent / f".{self.name}.old-{os.getpid()}"
            self.path.rename(old)  # a build killed here is undone by the next one (recover)
            folder.rename(self.path)
            checkpoint("published")
            _remove(old)
        if previous is not None and previous.parent == self.parent and self._ours.fullmatch(previous.name):
            _remove(previous)
        self.prune()


class Stage:
    """A new generation being filled; published only by :meth:`publish`."""

    def __init__(self, output: Output, real: bool = False):
        self.output = output
        self.previous = output.current()
        self.folder = output.new_generation()
        self.number = int(self.folder.name.rsplit("-", 1)[1])
        self.real = real
        self.published = False
        self._made: set[str] = set()  # sites given a new version by this stage

    def site_dir(self, slug: str) -> Path:
        """The empty folder to render site ``slug`` into: a new site version, linked from the
        generation as ``<slug>`` (with ``real``: the generation's own ``<slug>/``)."""
        link = self.folder / slug
        if self.real:
            return link
        version = self.output.sites / f"{slug}.{self.number}"
        if slug in self._made:
            shutil.rmtree(version)
        else:
            link.unlink(missing_ok=True)
            os.symlink(f"../{self.output.sites.name}/{version.name}", link)  # relative, as <out> is
            self._made.add(slug)
        version.mkdir(parents=True)
        return version

    def carry(self, slug: str, source: Path | None = None) -> None:
        """Take site ``slug`` unchanged from ``source`` (default: the published output): the
        published generation's link to its version (O(1)); hard links into a new version when
        the site is a real folder (an older output, a shard's output being merged)."""
        origin = (source or self.previous or self.output.path) / slug
        if not self.real and source is None and self.output.version_of(origin):
            os.symlink(os.readlink(origin), self.folder / slug)
            return
        link_tree(origin, self.site_dir(slug))

    def own(self, slug: str, leave_out: str | None = None) -> Path | None:
        """Site ``slug``'s folder in this stage, made writable: a carried (shared, published)
        version is first copied to a new one of hard links, whose files are replaced, never
        written in place (``leave_out``: a top-level entry not to copy, about to be rewritten
        whole). None when the stage has no such site."""
        link = self.folder / slug
        if not link.is_dir():
            return None
        if self.real or slug in self._made:
            return Path(os.path.realpath(link))
        shared = Path(os.path.realpath(link))
        version = self.site_dir(slug)
        for entry in os.scandir(shared):
            if entry.name == leave_out:
                continue
            if entry.is_dir(follow_symlinks=False):
                link_tree(Path(entry.path), version / entry.name)
            else:
                _link(entry.path, os.fspath(version / entry.name))
        return version

    def publish(self) -> None:
        with _reported(self.output.path, "вывод не заменён, остался прежним"):
            if self.real:
                self.output.replace(self.folder)
            else:
                self.output.publish(self.folder)
        self.published = True


@contextlib.contextmanager
def staged(out_dir: Path, *, real: bool = False) -> Iterator[Stage]:
    """Lock the output, clear killed builds' leftovers, and give a new generation to fill;
    it is removed unless :meth:`Stage.publish` was called. ``real``: the output becomes
    that folder itself (:meth:`Output.replace`) rather than a symlink to it."""
    output = Output(out_dir)
    with contextlib.ExitStack() as held:
        with _reported(output.path, "папку для сборки не подготовить"):
            held.enter_context(output.locked())
            output.recover()
            checkpoint("locked")
            stage = Stage(output, real)
        try:
            yield stage
        finally:
            if not stage.published:
                shutil.rmtree(stage.folder, ignore_errors=True)
                for slug in stage._made:  # its new site versions, linked from nowhere else
                    shutil.rmtree(output.sites / f"{slug}.{stage.number}", ignore_errors=True)
                with contextlib.suppress(OSError):
                    output.sites.rmdir()


@contextlib.contextmanager
def _reported(path: Path, what: str) -> Iterator[None]:
    """An OSError of the file system (permissions, a file where a folder should be, a full
    disk) becomes a :class:`PublishError`: one line, no traceback."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or path
        raise PublishError([f"{where}: {what}: {exc.strerror or exc}"]) from None


# -- worker processes die with the build --------------------------------------------------
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """In a worker process: be killed when the build process dies (``PR_SET_PDEATHSIG`` on
    Linux), so a killed build leaves no orphan workers."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
