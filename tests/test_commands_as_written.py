"""The editors' commands work as the docs write them: ``python3 build.py …`` from a Python without
the dependencies (re-executed in .venv), ``make new-post ORG=… TITLE=…`` and friends."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_build_py_from_a_python_without_the_dependencies_runs_in_the_virtualenv():
    # -S: no site-packages, so none of the dependencies can be imported, as with Debian's python3
    assert (REPO / ".venv" / "bin" / "python").is_file(), "make install creates .venv"
    result = subprocess.run(
        [sys.executable, "-S", str(REPO / "build.py"), "check"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "Проверка пройдена" in result.stderr + result.stdout


def test_build_py_without_a_virtualenv_says_what_to_do(tmp_path):
    shutil.copy(REPO / "build.py", tmp_path / "build.py")
    result = subprocess.run(
        [sys.executable, "-S", str(tmp_path / "build.py"), "check"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "make install" in result.stderr and "Traceback" not in result.stderr


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "-s", "-C", str(REPO), *args], capture_output=True, text=True, timeout=60)


def test_make_new_post_passes_org_title_date_and_categories():
    result = make(
        "-n",
        "new-post",
        "ORG=lesozavod-25",
        "TITLE=Профком подвёл итоги",
        "DATE=2026-11-21",
        "CATEGORY=bargaining wages",
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    assert line == (
        '.venv/bin/python build.py new-post "lesozavod-25" "Профком подвёл итоги" --date "2026-11-21"'
        ' --category "bargaining" --category "wages"'
    )


def test_make_new_post_without_org_says_what_is_missing():
    result = make("new-post")
    assert result.returncode != 0
    assert "ORG=" in result.stderr and "TITLE=" in result.stderr


def test_make_new_post_creates_the_file(tmp_path):
    # the target as written, on a copy of the network root (so the demo stays untouched)
    for name in ("mkdocs.yml", "build.py", "Makefile", "pyproject.toml"):
        shutil.copy(REPO / name, tmp_path / name)
    for folder in ("content", "orgs", "theme"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    (tmp_path / "plugins").symlink_to(REPO / "plugins")
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    result = subprocess.run(
        [
            "make",
            "-s",
            "-o",
            ".venv/.installed",
            "new-post",
            "ORG=lesozavod-25",
            "TITLE=Субботник у проходной",
            "DATE=2026-11-21",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    post = tmp_path / "orgs" / "lesozavod-25" / "news" / "2026-11-21-subbotnik-u-prokhodnoy.md"
    assert post.is_file(), sorted(p.name for p in post.parent.iterdir())
    assert 'title: "Субботник у проходной"' in post.read_text(encoding="utf-8")
