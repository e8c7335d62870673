"""Beyond Material's end of life: the same sites rendered by MkDocs 1.6 and by ProperDocs (docs/renderers.md).

``UNION_NETWORK_RENDERER=properdocs`` must take effect before anything imports ``mkdocs``, so the
ProperDocs build runs in a subprocess; the MkDocs build is the session's small network.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EPOCH, rglob

REPO = Path(__file__).resolve().parent.parent
GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def build_with(engine: str, cfg: Path, out: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, UNION_NETWORK_RENDERER=engine)
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "-q", "--full", "-f", str(cfg), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def files(folder: Path) -> dict[str, bytes]:
    """Every output file but the build's own bookkeeping (.union-network/: fingerprints name the renderer)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(rglob(folder, "*"))
        if p.is_file() and ".union-network" not in p.relative_to(folder).parts
    }


@pytest.fixture(scope="module")
def properdocs_site(small_network, tmp_path_factory) -> Path:
    cfg, _ = small_network
    out = tmp_path_factory.mktemp("properdocs") / "site"
    result = build_with("properdocs", cfg, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return out


def test_properdocs_renders_the_same_sites_as_mkdocs(small_network, properdocs_site):
    _, mkdocs_site = small_network
    a, b = files(mkdocs_site), files(properdocs_site)
    assert a.keys() == b.keys()
    generators = {engine: set() for engine in ("mkdocs", "properdocs")}
    different = []
    for path in a:
        x, y = a[path], b[path]
        if path.endswith(".html"):
            generators["mkdocs"].update(GENERATOR.findall(x))
            generators["properdocs"].update(GENERATOR.findall(y))
            # Material names the engine and its version in <meta name="generator">: the only difference.
            x, y = GENERATOR.sub(b"", x), GENERATOR.sub(b"", y)
        if x != y:
            different.append(path)
    assert different == []
    # Each build really ran on its engine (the switch is not a no-op).
    assert all(g.startswith(b"mkdocs-1.6") for g in generators["mkdocs"]), generators
    assert generators["properdocs"] and all(b"ProperDocs" in g for g in generators["properdocs"]), generators


def test_an_unknown_renderer_is_a_message_not_a_traceback(small_network, tmp_path):
    cfg, _ = small_network
    result = build_with("zensical", cfg, tmp_path / "out")
    assert result.returncode == 2
    assert "UNION_NETWORK_RENDERER='zensical'" in result.stderr and "mkdocs, properdocs" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


TEMPLATE_DIRS = (
    REPO / "plugins" / "union_network" / "render" / "mkdocs" / "templates",
    REPO / "plugins" / "union_network" / "features" / "email",
    REPO / "theme",
)
#: A template that changes a value in place (page.meta.update(...), a_list.append(...)) cannot run on
#: MiniJinja (Zensical's engine): its values are immutable. Such state belongs in Python (theme.page_layout).
MUTATION = re.compile(r"\.(update|append|extend|insert|pop|popitem|setdefault|clear|remove)\(")


def test_templates_change_nothing_in_place():
    found = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()}"
        for folder in TEMPLATE_DIRS
        for path in sorted(rglob(folder, "*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if MUTATION.search(line)
    ]
    assert found == []
