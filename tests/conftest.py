import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser.kit import AXE, VNU, need  # noqa: F401 - tests/browser/ modules may import these from here

from union_network.cli.commands import main

#: 2026-06-01T12:00:00Z — the build time of every test build
EPOCH = "1780315200"

#: Test folders go to RAM (a tmpfs) when the machine has one with room, unless TMPDIR says where: the
#: suite writes, links and removes some hundred thousand small files (a clean build per comparison, a
#: snapshot restored per case), and on a disk that is much of its time.
RAM_TEMP, RAM_TEMP_FREE = Path("/dev/shm"), 4 * 2**30


def _temp_in_ram() -> None:
    if "TMPDIR" in os.environ or not os.access(RAM_TEMP, os.W_OK):
        return
    if shutil.disk_usage(RAM_TEMP).free >= RAM_TEMP_FREE:
        os.environ["TMPDIR"] = str(RAM_TEMP)  # pytest's tmp_path, tempfile, and the processes tests start
        tempfile.tempdir = None  # read TMPDIR again


_temp_in_ram()


@pytest.fixture(autouse=True)
def _fixed_build_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", os.environ.get("UN_TEST_EPOCH", EPOCH))


def rglob(folder: Path, pattern: str = "*") -> list[Path]:
    """``folder.rglob(pattern)``, sorted, but following symlinked folders: a build's output links
    each site to its version folder (build/publish.py), which ``Path.rglob`` does not enter."""
    import fnmatch

    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        top = Path(dirpath)
        found.extend(
            top / name for name in [*dirnames, *filenames] if fnmatch.fnmatchcase(name, pattern.rsplit("/", 1)[-1])
        )
    if "/" in pattern:  # "news/*.md": match the whole tail
        found = [p for p in found if p.relative_to(folder).match(pattern)]
    return sorted(found)


def leftovers(out: Path) -> list[str]:
    """Anything of ours beside the output but the generation it links to and the site versions
    that generation links to (and no lock file)."""
    published = out.readlink().name if out.is_symlink() else None
    versions = out.parent / f".{out.name}.sites"
    linked = {os.readlink(p) for p in out.iterdir() if p.is_symlink()} if out.is_dir() else set()
    found = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.name != published]
    if versions.is_dir() and linked:
        found.remove(versions.name)
        found += [
            f"{versions.name}/{v.name}" for v in versions.iterdir() if f"../{versions.name}/{v.name}" not in linked
        ]
    return sorted(found)


def run_cli(*args: str, epoch: str = EPOCH):
    """Run the CLI in-process; returns click's Result (exit_code, output with stderr)."""
    result = CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": epoch}, catch_exceptions=True)
    return result


@pytest.fixture
def cli():
    return run_cli


# -- networks built once per session (tests read them, never change them) ----------------------
@pytest.fixture(scope="session")
def small_network(tmp_path_factory) -> tuple[Path, Path]:
    """(mkdocs.yml, site/) of netfactory's small network (fed › terr › prim, SMALL_POSTS), built once."""
    from netfactory import write_small_network

    cfg = write_small_network(tmp_path_factory.mktemp("small") / "net")
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    return cfg, cfg.parent / "site"


@pytest.fixture(scope="session")
def path_network(tmp_path_factory) -> tuple[Path, Path]:
    """The small network again, with ``url_style: path`` (member sites under https://net.example/<slug>/)."""
    from netfactory import with_url_style, write_small_network

    cfg = with_url_style(write_small_network(tmp_path_factory.mktemp("path") / "net"), "path")
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    return cfg, cfg.parent / "site"


@pytest.fixture(scope="session")
def branded_network(tmp_path_factory) -> tuple[Path, Path]:
    """(mkdocs.yml, site/) of themenet's branded network (theme/ copied in), built once: test_theme and
    tests/browser/ read it."""
    from themenet import build, write_contested_network

    cfg = write_contested_network(tmp_path_factory.mktemp("branded") / "net")
    return cfg, build(cfg, cfg.parent / "site")


# -- the suite's time, printed last: issue 13 keeps the tests without a browser under 4 minutes on 2 cores --
_SECONDS = {"browser": 0.0, "other": 0.0}


def pytest_runtest_logreport(report):
    _SECONDS["browser" if "browser" in report.keywords else "other"] += report.duration


@pytest.hookimpl(trylast=True)  # after the durations
def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"test time (setup included): {_SECONDS['other']:.0f} s without the browser tests (target: under 240 s "
        f"on 2 cores), {_SECONDS['browser']:.0f} s the browser tests (marked browser)"
    )
