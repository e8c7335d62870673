"""The feature registry: one ordered list, every planned file written by a writer its feature declares."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import EPOCH

from union_network.core.siteplan import SitePlan
from union_network.features import registry
from union_network.features.registry import FEATURES, Feature, planner
from union_network.plan.planner import Planner
from union_network.read.load import load_network

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "plugins" / "union_network"


@pytest.fixture(scope="module")
def demo_network():
    network, problems = load_network(REPO / "mkdocs.yml", datetime.fromtimestamp(int(EPOCH), tz=UTC))
    assert not problems, problems
    return network


def test_names_are_unique_and_sections_distinct():
    names = [f.name for f in FEATURES]
    assert len(names) == len(set(names))
    assert len({f.section for f in FEATURES}) == len(FEATURES)


def test_every_planned_file_is_written_by_a_writer_of_its_feature(demo_network):
    """Run the features one at a time: each adds only files whose writer it declares."""
    p = planner(demo_network)
    for slug in demo_network.registry.orgs:
        plan = p.plan(slug)
        assert plan.files, slug
        declared = {w for f in FEATURES for w in f.writers}
        assert {o.write for o in plan.files} <= declared, slug
    # Attribute each file to the feature whose section added it.
    for slug in demo_network.registry.orgs:
        seen = 0
        for i in range(len(FEATURES)):
            partial = Planner(demo_network, registry.sections(FEATURES[: i + 1])).plan(slug)
            new = partial.files[seen:]
            assert {o.write for o in new} <= set(FEATURES[i].writers), (slug, FEATURES[i].name)
            seen = len(partial.files)


def test_a_new_feature_is_one_entry(demo_network):
    def hello_section(planner: Planner, plan: SitePlan) -> None:
        plan.add_file("hello.txt", _hello, plan.org.short_name)

    features = (*FEATURES, Feature("hello", hello_section, (_hello,)))
    plan = planner(demo_network, features=features).plan(demo_network.registry.root.slug)
    assert plan.files[-1].path == "hello.txt"
    assert _hello(plan.files[-1].data) == f"Привет, {plan.org.short_name}".encode()


def _hello(name: str) -> bytes:
    return f"Привет, {name}".encode()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_planner_imports_no_feature():
    """Features import the planner's types; the planner (and flow, layout aside) never imports a feature."""
    for module in ("planner.py", "flow.py"):
        assert not {m for m in _imports(PACKAGE / "plan" / module) if m.startswith("union_network.features")}
    for path in (PACKAGE / "features").glob("*.py"):
        if path.stem != "registry":
            assert "union_network.features.registry" not in _imports(path), path


def test_writers_take_only_their_data_and_the_build_time_stays_out_of_fingerprints(demo_network):
    """Writers get ``data`` alone; the site's build time they may print does not change the fingerprint."""
    import dataclasses
    from datetime import timedelta

    from union_network.build.fingerprint import Fingerprinter

    later = dataclasses.replace(demo_network, build_time=demo_network.build_time + timedelta(seconds=1))
    slug = demo_network.registry.root.slug
    a, b = planner(demo_network).plan(slug), planner(later).plan(slug)
    assert [f.write(f.data) for f in a.files] == [f.write(f.data) for f in b.files]
    fp = Fingerprinter("env", REPO)
    assert fp.site(a) == fp.site(b)
    changed = dataclasses.replace(a, site_url=a.site_url + "x/")
    assert fp.site(changed) != fp.site(a)
