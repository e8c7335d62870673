"""Atomic publishing (DESIGN §7): a build killed at any moment leaves the previous output or the new one.

Real builds run as subprocesses and kill themselves with SIGKILL at each step of
the publish sequence (the ``UNION_NETWORK_TEST_STOP_AT`` hook); after each kill
the output is byte-identical to one of the two complete builds, and the next
build leaves nothing of the killed one behind. Worker processes die with a
killed build; two builds into one output take turns (a lock file).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import EPOCH, leftovers, rglob
from netfactory import CHAIN, write_network

from union_network.build.builder import build_network, read_manifest
from union_network.build.publish import STOP_AT_ENV, Output
from union_network.render.mkdocs.render import MkDocsRenderer

TREE = {**CHAIN, "prim2": ("terr", "primary")}
POSTS = [
    dict(org="prim", stem="2026-01-05-a", title="Собрание", date="2026-01-05", reach="federation"),
    dict(org="prim2", stem="2026-01-06-b", title="Вторая", date="2026-01-06"),
]
POST = "orgs/prim2/news/2026-01-06-b.md"
TITLES = {"A": "title: Вторая", "B": "title: Вторая, исправленная"}

#: The publish sequence, in order (``build.publish.checkpoint`` names).
STEPS = ["locked", "rendered-one", "rendered", "carried", "manifest", "linked", "published", "pruned", "state"]

CLI = "from union_network.cli import main; main()"
NO_EXCHANGE = "import union_network.build.publish as p; p._exchange = lambda a, b: False; " + CLI


def digest(folder: Path) -> dict[str, str]:
    """Every published file's digest. The manifest (``.union-network/``, never served) holds
    fingerprints of source mtimes, so it is only checked to list exactly the sites present."""
    sites = {p.name for p in folder.iterdir() if p.is_dir() and p.name != ".union-network"}
    assert set(read_manifest(folder)["sites"]) == sites
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in rglob(folder)
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(".union-network/")
    }


def set_version(root: Path, version: str) -> None:
    path = root / POST
    text = path.read_text(encoding="utf-8")
    for title in TITLES.values():
        text = text.replace(title + "\n", TITLES[version] + "\n")
    path.write_text(text, encoding="utf-8")


def cli(cfg: Path, out: Path, *extra: str, stop_at: str | None = None, code: str = CLI, **popen):
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(Path(__file__).parents[1] / "plugins")}
    env.pop(STOP_AT_ENV, None)
    if stop_at:
        env[STOP_AT_ENV] = stop_at
    args = [sys.executable, "-c", code, "build", "-q", "-f", str(cfg), "--out", str(out), *extra]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def run(cfg: Path, out: Path, *extra: str, **kw) -> subprocess.CompletedProcess:
    proc = cli(cfg, out, *extra, **kw)
    stdout, stderr = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    """The network, and the digests of clean builds of its two versions A and B."""
    root = tmp_path_factory.mktemp("publish") / "net"
    cfg = write_network(root, TREE, POSTS)
    digests = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for version in "BA":  # leaves the sources at A
            set_version(root, version)
            out = root.parent / f"clean-{version}"
            build_network(cfg, MkDocsRenderer, out, full=True)
            digests[version] = digest(out)
    assert digests["A"] != digests["B"]
    # What the edit changes, and what it does not: both kinds of site are in every step.
    changed = {p.split("/")[0] for p in digests["A"] if digests["A"][p] != digests["B"].get(p)}
    assert "prim2" in changed and "prim" not in changed
    return cfg, digests


@pytest.fixture(scope="module")
def published(net):
    """An output holding version A; tests flip it to the other version and back."""
    cfg, digests = net
    out = cfg.parent / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build_network(cfg, MkDocsRenderer, out)
    assert digest(out) == digests["A"]
    return {"out": out, "live": "A"}


@pytest.mark.parametrize("step", STEPS)
def test_a_build_killed_at_any_step_leaves_the_old_or_the_new_output(net, published, step, monkeypatch):
    cfg, digests = net
    out, old = published["out"], published["live"]
    new = "B" if old == "A" else "A"
    set_version(cfg.parent, new)

    killed = run(cfg, out, "-j", "1", stop_at=f"{step}:kill")
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # the step was reached
    assert digest(out) in (digests[old], digests[new])
    if STEPS.index(step) < STEPS.index("published"):
        assert digest(out) == digests[old]
    else:
        assert digest(out) == digests[new]

    # The next build finishes the job and clears what the killed one left.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build_network(cfg, MkDocsRenderer, out)
    assert digest(out) == digests[new]
    assert out.is_symlink() and leftovers(out) == []
    published["live"] = new


def test_unchanged_sites_are_hard_links_into_the_previous_generation(net, published, monkeypatch):
    cfg, digests = net
    out, old = published["out"], published["live"]
    new = "B" if old == "A" else "A"
    before = {p: (out / p).stat().st_ino for p in digests[old]}
    generation = out.readlink().name
    set_version(cfg.parent, new)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = build_network(cfg, MkDocsRenderer, out)
    published["live"] = new
    assert "prim" not in result.built and "prim2" in result.built
    assert out.readlink().name != generation and not (out.parent / generation).exists()
    assert (out / "prim/index.html").stat().st_ino == before["prim/index.html"]
    assert (out / "prim2/index.html").stat().st_ino != before["prim2/index.html"]
    assert digest(out) == digests[new]
    # A build with nothing to do makes no new generation.
    generation = out.readlink().name
    assert build_network(cfg, MkDocsRenderer, out, full=False).built == []
    assert out.readlink().name == generation


def _links(out: Path) -> dict[str, str]:
    return {p.name: os.readlink(p) for p in out.iterdir() if p.is_symlink()}


def test_an_edit_writes_and_removes_only_the_versions_of_the_sites_it_changed(net, published, monkeypatch):
    """A generation is one link per site (plus the manifest); a one-post edit makes new versions of
    the sites it changed (and of the root, whose search index it changes), keeps every other link,
    and removes exactly the versions it replaced: counted on the file system, not timed."""
    cfg, digests = net
    out, old = published["out"], published["live"]
    new = "B" if old == "A" else "A"
    versions = out.parent / f".{out.name}.sites"
    links, before = _links(out), set(os.listdir(versions))
    assert set(links) == set(TREE) and before == {Path(t).name for t in links.values()}
    inodes = {name: (versions / name / "index.html").stat().st_ino for name in before}
    set_version(cfg.parent, new)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = build_network(cfg, MkDocsRenderer, out)
    published["live"] = new
    after = _links(out)
    generation = out.resolve()
    assert sorted(os.listdir(generation)) == sorted([".union-network", *TREE])  # nothing else
    assert all(t.startswith(f"../{versions.name}/") for t in after.values())
    changed = {slug for slug in TREE if after[slug] != links[slug]}
    assert "prim2" in changed and "prim" not in changed
    assert changed <= {*result.built, "fed"}  # fed: the root, holding the network's search index
    now = set(os.listdir(versions))
    assert now - before == {Path(after[slug]).name for slug in changed}  # O(changed) new versions
    assert before - now == {Path(links[slug]).name for slug in changed}  # only the replaced ones removed
    for slug in set(TREE) - changed:  # the very same files, not copies
        assert (out / slug / "index.html").stat().st_ino == inodes[Path(links[slug]).name]
    assert digest(out) == digests[new] and leftovers(out) == []


def test_a_reader_of_a_site_during_builds_sees_the_old_or_the_new_file(net, published):
    """Reading ``site/prim2/index.html`` (and a post page) in a loop while builds flip the output
    back and forth: every read is the whole old file or the whole new one, never missing."""
    cfg, _ = net
    out = published["out"]
    clean = {v: cfg.parent.parent / f"clean-{v}" for v in "AB"}
    pages = ["prim2/index.html", "prim2/news/index.html"]
    known = {page: {(clean[v] / page).read_bytes() for v in "AB"} for page in pages}
    assert all(len(k) == 2 for k in known.values())  # the edit changes both
    seen: dict[str, set[bytes]] = {page: set() for page in pages}
    errors: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            for page in pages:
                try:
                    data = (out / page).read_bytes()
                except OSError as exc:
                    errors.append(f"{page}: {exc}")
                    continue
                if data not in known[page]:
                    errors.append(f"{page}: a mix of two versions")
                seen[page].add(data)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(2):
            new = "B" if published["live"] == "A" else "A"
            set_version(cfg.parent, new)
            built = run(cfg, out, "-j", "1")
            assert built.returncode == 0, built.stderr
            published["live"] = new
    finally:
        done.set()
        reader.join()
    assert errors == []
    assert all(seen[page] == known[page] for page in pages)  # both versions were read
    assert leftovers(out) == []


def test_generations_of_whole_sites_are_turned_into_versions(net, tmp_path, monkeypatch):
    """An output of the previous layout (``site -> .site.gen-<n>/`` holding real site folders):
    the first build hard-links its unchanged sites into versions and removes the old generation."""
    cfg, digests = net
    set_version(cfg.parent, "A")
    out = tmp_path / "site"
    shutil.copytree(cfg.parent.parent / "clean-B", tmp_path / ".site.gen-4")
    out.symlink_to(".site.gen-4")
    prim = (out / "prim/index.html").stat().st_ino
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build_network(cfg, MkDocsRenderer, out)
    assert digest(out) == digests["A"] and leftovers(out) == []
    assert set(_links(out)) == set(TREE) and not (tmp_path / ".site.gen-4").exists()
    assert (out / "prim/index.html").stat().st_ino == prim  # linked, not copied


DOCS = Path(__file__).parents[1] / "docs"


def _rsync_recipes() -> list[list[str]]:
    """Every ``rsync`` command of the deploy recipes (docs/ci/*.yml, docs/publishing.md), as options."""
    found = []
    for path in [*sorted((DOCS / "ci").glob("*.yml")), DOCS / "publishing.md"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "rsync -a" in line and "site/" in line:
                words = line.split("rsync", 1)[1].split("`")[0].replace('-e "ssh -i ~/.ssh/id_deploy"', "").split()
                found.append([w for w in words if w.startswith("-")])
    return found


def test_the_deploy_recipes_copy_the_sites_not_their_links(net, published, tmp_path):
    """``rsync site/ host:/srv/site/`` as the recipes write it: the site links point outside
    ``site/``, so the copy must carry the sites' files (``--copy-unsafe-links``), not dangling links;
    and a second run after an edit brings the copy to the new output."""
    cfg, digests = net
    out = published["out"]
    recipes = _rsync_recipes()
    assert len(recipes) >= 3 and all("--copy-unsafe-links" in options for options in recipes), recipes
    for n, options in enumerate({tuple(o) for o in recipes}):
        host = tmp_path / f"srv{n}"
        for _ in range(2):
            copied = subprocess.run(["rsync", *options, f"{out}/", f"{host}/"], capture_output=True, text=True)
            assert copied.returncode == 0, copied.stderr
            assert not [p for p in rglob(host) if p.is_symlink()]
            assert digest(host) == digests[published["live"]]
            new = "B" if published["live"] == "A" else "A"
            set_version(cfg.parent, new)
            built = run(cfg, out, "-j", "1")
            assert built.returncode == 0, built.stderr
            published["live"] = new


@pytest.mark.parametrize("code", [CLI, NO_EXCHANGE], ids=["exchange", "two-renames"])
def test_an_output_folder_of_an_older_version_is_migrated_atomically(net, tmp_path, code):
    """``site/`` as a real folder (older versions): replaced by the symlink at the publish step,
    with renameat2(RENAME_EXCHANGE) or, where a file system lacks it, two renames undone if killed."""
    cfg, digests = net
    set_version(cfg.parent, "A")
    out = tmp_path / "www"
    shutil.copytree(cfg.parent.parent / "clean-B", out)  # as an older version left it
    steps = ["linked", "published"] if code == CLI else ["linked", "migrating", "published"]
    for step in steps:
        killed = run(cfg, out, "-j", "1", stop_at=f"{step}:kill", code=code)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        if step == "published":
            assert out.is_symlink() and digest(out) == digests["A"]
            break
        if step == "linked":
            assert not out.is_symlink() and digest(out) == digests["B"]
        # (killed between the two renames: no output at all until the next build puts it back)
        done = run(cfg, out, "-j", "1", code=code)  # undoes the kill, then builds A
        assert done.returncode == 0, done.stderr
        assert digest(out) == digests["A"] and leftovers(out) == []
        shutil.rmtree(Output(out).current())
        out.unlink()
        shutil.copytree(cfg.parent.parent / "clean-B", out)
    done = run(cfg, out, "-j", "1", code=code)
    assert done.returncode == 0, done.stderr
    assert digest(out) == digests["A"] and leftovers(out) == []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _paused(proc: subprocess.Popen, step: str) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if f"paused at {step}" in line:
            return
    raise AssertionError(f"the build did not pause at {step}: exit {proc.wait()}")


def test_workers_die_with_a_killed_build_and_the_next_build_takes_over(net, tmp_path, monkeypatch):
    cfg, digests = net
    set_version(cfg.parent, "A")
    out = tmp_path / "site"
    proc = cli(cfg, out, "-j", "2", "--full", stop_at="rendered-one:pause")
    try:
        _paused(proc, "rendered-one")
        workers = _children(proc.pid)
        assert len(workers) >= 2, workers
        # The paused build holds the output's lock: another build would wait, not clear its work.
        lock = os.open(out.parent / f".{out.name}.lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(lock)
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.gen-")]  # its work in progress
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 60
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "orphan worker processes"
    assert not out.exists()  # never published
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build_network(cfg, MkDocsRenderer, out, jobs=2)
    assert digest(out) == digests["A"] and leftovers(out) == []


def test_merge_publishes_the_same_way(net, tmp_path, monkeypatch):
    cfg, digests = net
    set_version(cfg.parent, "A")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    shards = [tmp_path / f"shard{k}" for k in (1, 2)]
    for k, shard in enumerate(shards, start=1):
        build_network(cfg, MkDocsRenderer, shard, shard=(k, 2))
    from conftest import run_cli

    merged = tmp_path / "merged"
    for _ in range(2):  # the second merge replaces the first one's generation
        result = run_cli("merge", *map(str, shards), "--out", str(merged))
        assert result.exit_code == 0, result.output
        assert merged.is_symlink() and leftovers(merged) == []
    assert digest(merged) == digests["A"]
    assert set(read_manifest(merged)["sites"]) == set(TREE)


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_real_output_folder_is_replaced_in_one_step(tmp_path, monkeypatch, exchange):
    """What `assemble` publishes (public/, uploaded by CI, which may not follow symlinks)."""
    from union_network.build import publish

    if not exchange:
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    out = tmp_path / "public"
    for n in range(3):
        with publish.staged(out, real=True) as stage:
            (stage.folder / "index.html").write_text(str(n), encoding="utf-8")
            stage.publish()
        assert out.is_dir() and not out.is_symlink() and (out / "index.html").read_text(encoding="utf-8") == str(n)
        assert leftovers(out) == []

    def failed_assembly() -> None:
        with publish.staged(out, real=True) as stage:
            (stage.folder / "index.html").write_text("half", encoding="utf-8")
            raise RuntimeError("a failed assembly")

    with pytest.raises(RuntimeError):
        failed_assembly()
    assert (out / "index.html").read_text(encoding="utf-8") == "2" and leftovers(out) == []


def test_an_output_that_cannot_be_written_is_one_line_not_a_traceback(net, tmp_path):
    from conftest import run_cli

    cfg, _ = net
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    for command in (
        ["build", "-q", "-f", str(cfg), "--out", str(blocker / "site")],
        ["merge", str(cfg.parent.parent / "clean-A"), "--out", str(blocker / "merged")],
    ):
        result = run_cli(*command)
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
        assert f"{blocker}: папку для сборки не подготовить" in result.output, result.output
