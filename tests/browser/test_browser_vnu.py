"""The demo's pages pass the Nu Html Checker (vnu-jar from npm) without errors.

One java invocation checks every kind of page of three demo sites (the federation, a
territorial and a primary organisation): every page but the second and later posts
and list pages, which share their templates with the first.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import rglob
from themenet import REPO, build

from .kit import VNU, need

pytestmark = pytest.mark.browser

SITES = ("profsever", "severogorsk", "cbk-severny")


def sample(site: Path) -> list[Path]:
    pages, posts = [], []
    for path in sorted(rglob(site, "*.html")):
        rel = path.relative_to(site).as_posix()
        if re.search(r"(^|/)page/\d+/", rel):
            continue  # page 2, 3… of a list: the same template as page 1
        if re.match(r"news/[^/]+/index\.html$", rel):
            posts.append(path)
            continue
        pages.append(path)
    return pages + posts[:1]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    return build(REPO / "mkdocs.yml", tmp_path_factory.mktemp("demo") / "site")


def test_demo_pages_are_valid_html(demo_site):
    need(VNU, "vnu-jar")
    java = shutil.which("java")
    assert java, "java is missing: run `make test-deps`"
    files = [p for slug in SITES for p in sample(demo_site / slug)]
    kinds = {p.relative_to(demo_site).parts[1] for p in files}
    assert {"index.html", "news", "network", "orgs", "upstream", "support", "404.html"} <= kinds, kinds
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--skip-non-html", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = (result.stdout + result.stderr).replace(str(demo_site) + "/", "")
    assert result.returncode == 0, f"vnu on {len(files)} pages:\n{report[:6000]}"
