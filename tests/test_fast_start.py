"""Fast start: the no-change build and ``check`` import only what they use (issue 14, item 3).

Each command runs in a fresh interpreter (``python -m union_network``); at exit it writes
the names of the modules it imported. A build with nothing to rebuild must not load the
renderer (MkDocs, Material, Jinja, Markdown), the readers (pydantic, YAML, nh3) or any
writer's library; ``check`` reads and checks the network, but renders and writes nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EPOCH
from netfactory import CHAIN, write_network, write_post

from union_network.build.fingerprint import tree_digest

TREE = CHAIN
POSTS = [
    dict(org="prim", stem="2026-01-05-a", title="Собрание", date="2026-01-05", reach="federation"),
    dict(org="terr", stem="2026-02-01-c", title="Всем", date="2026-02-01", broadcast=True),
    dict(
        org="fed",
        stem="2026-03-01-d",
        title="Федерация",
        date="2026-03-01",
        event={"start": "2026-07-01T10:00:00+03:00"},
    ),
]

#: Libraries of rendering and writing: the no-change build and ``check`` import none of them.
RENDERING = ("mkdocs", "material", "jinja2", "pymdownx", "PIL", "feedgen", "lxml", "icalendar", "babel", "ada_url")
#: ...and the no-change build does not read the network either.
READING = ("pydantic", "yaml", "markdown", "nh3", "sqlite3", "cbor2", "multiprocessing", "concurrent.futures.process")

PROBE = """
import atexit, json, runpy, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["union-network", *sys.argv[2:]]
runpy.run_module("union_network", run_name="__main__")
"""


def run_probed(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run the CLI in a new interpreter; its output and the modules it imported."""
    modules = tmp_path / f"modules-{len(list(tmp_path.glob('modules-*')))}.json"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(modules), *args], capture_output=True, text=True, env=env, timeout=600
    )
    return done, set(json.loads(modules.read_text()))


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in modules or any(m.startswith(n + ".") for m in modules))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A small network built once with the CLI (a fresh process, as a user runs it)."""
    tmp = tmp_path_factory.mktemp("fast")
    cfg = write_network(tmp / "net", TREE, POSTS)
    out = tmp / "out"
    done, modules = run_probed(tmp, "build", "-f", str(cfg), "--out", str(out), "-q", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "mkdocs" in modules and "jinja2" in modules  # a real build renders: the probe sees imports
    return cfg, out


def test_a_build_with_nothing_to_do_imports_neither_renderer_nor_readers(built, tmp_path):
    cfg, out = built
    done, modules = run_probed(tmp_path, "build", "-f", str(cfg), "--out", str(out), "-q")
    assert done.returncode == 0, done.stderr
    assert "пересобрано 0, без изменений 3" in done.stderr
    assert loaded(modules, RENDERING + READING) == []
    assert not any(
        m.startswith(("union_network.features", "union_network.plan", "union_network.render.mkdocs.")) for m in modules
    )


def test_check_imports_no_renderer_or_writer_library(built, tmp_path):
    cfg, _ = built
    done, modules = run_probed(tmp_path, "check", "-f", str(cfg))
    assert done.returncode == 0, done.stderr
    assert "Проверка пройдена: организаций — 3, новостей — 3." in done.stderr
    assert loaded(modules, RENDERING) == []
    assert "pydantic" in modules and "nh3" in modules  # what check does use: the models, the text rules


def test_an_edit_after_the_fast_path_is_rebuilt(built, tmp_path):
    """The fast path must not hide a change: an edit keeping the file's size is seen by its mtime."""
    cfg, out = built
    post = cfg.parent / "orgs" / "prim" / "news" / "2026-01-05-a.md"
    text = post.read_text(encoding="utf-8")
    edited = text.replace("Собрание", "Собранье")  # same length in UTF-8
    assert len(edited.encode()) == len(text.encode()) and edited != text
    stat = post.stat()
    post.write_text(edited, encoding="utf-8")
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    done, modules = run_probed(tmp_path, "build", "-f", str(cfg), "--out", str(out), "-q", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "пересобрано 0" not in done.stderr and "mkdocs" in modules
    assert "Собранье" in (out / "prim" / "news" / "2026-01-05-a" / "index.html").read_text(encoding="utf-8")


def _walk_digest(*folders: Path) -> str:
    """The reference: what tree_digest digests, with os.walk (the digest must not change with the walk)."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    for index, folder in enumerate(folders):
        top = str(folder)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            rel = os.path.relpath(dirpath, top)
            for name in sorted(filenames):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                h.update(f"{index}:{rel}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def test_tree_digest_is_the_walks_and_sees_every_kind_of_change(tmp_path):
    top = tmp_path / "orgs"
    for org in ("a", "b-1", "b", "ё"):
        for i in range(3):
            write_post(top / org, f"2026-01-0{i + 1}-x", title=f"{org} {i}")
        (top / org / "pages").mkdir()
        (top / org / "pages" / "about.md").write_text("О нас", encoding="utf-8")
    (top / "a" / "linked").symlink_to(top / "b", target_is_directory=True)  # not followed, as os.walk
    (top / "b" / "dangling.md").symlink_to(tmp_path / "nowhere")  # cannot be stat'ed: left out
    other = tmp_path / "content"
    write_post(other, "2026-02-02-y")
    before = tree_digest(other, top)
    assert before == _walk_digest(other, top)
    assert tree_digest(top, other) != before  # which folder a file is in counts

    post = top / "b" / "news" / "2026-01-02-x.md"
    st = post.stat()
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns + 1))  # same size, new mtime
    touched = tree_digest(other, top)
    assert touched != before and touched == _walk_digest(other, top)
    post.rename(top / "b" / "news" / "2026-01-09-x.md")  # moved
    assert tree_digest(other, top) not in (before, touched)
    (top / "ё" / "pages" / "new.md").write_text("", encoding="utf-8")  # added, empty
    assert tree_digest(other, top) == _walk_digest(other, top)
