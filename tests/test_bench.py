"""The benchmark's generator and measuring tools (issue 4). The benchmark itself is not run here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from random import Random

import pytest
import yaml
from conftest import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bench import (
    NEW_ORG,
    TreeRSS,
    Writer,
    add_post,
    add_primary,
    baseline_config,
    edit_post,
    generate_network,
    hugo_site,
    newest_post,
    read_categories,
)

REPO = Path(__file__).resolve().parents[1]
ORGS, POSTS, TERRITORIALS = 6, 12, 2


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def nets(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench")
    return {
        name: generate_network(base / name, ORGS, POSTS, seed, territorials=TERRITORIALS, source=REPO)
        for name, seed in (("a", 7), ("b", 7), ("c", 8))
    }


def test_same_seed_same_network_other_seed_differs(nets):
    a, b, c = (tree(nets[k].root_dir) for k in "abc")
    assert a == b
    assert a != c


def test_counts_are_as_asked(nets):
    net = nets["a"]
    root = net.root_dir
    cards = {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (root / "orgs").glob("*/org.yml")}
    kinds = [c["kind"] for c in cards.values()]
    assert (
        kinds.count("primary") == ORGS
        and kinds.count("territorial") == TERRITORIALS
        and len(cards) == ORGS + TERRITORIALS
    )
    assert yaml.safe_load((root / "content" / "org.yml").read_text(encoding="utf-8"))["kind"] == "federation"
    for slug, card in cards.items():
        posts = list((root / "orgs" / slug / "news").glob("*.md"))
        assert len(posts) == (POSTS if card["kind"] == "primary" else POSTS // 2)
        assert (root / "orgs" / slug / "index.md").is_file()
    # primaries are spread over the territorials, which hang from the root
    territorials = {s for s, c in cards.items() if c["kind"] == "territorial"}
    assert {c["parent"] for c in cards.values() if c["kind"] == "primary"} == territorials
    assert {cards[s]["parent"] for s in territorials} == {net.root}
    assert net.summary()["posts"] == ORGS * POSTS + TERRITORIALS * (POSTS // 2) + POSTS
    # the repository's config and theme are what is measured
    assert (root / "mkdocs.yml").read_bytes() == (REPO / "mkdocs.yml").read_bytes()
    assert (root / "theme").is_dir() == (REPO / "theme").is_dir()


def test_posts_are_varied_russian_news(nets):
    texts = [p.read_text(encoding="utf-8") for p in nets["a"].root_dir.rglob("news/*.md")]
    joined = "\n".join(texts)
    for marker in ("reach: federation", "broadcast: true", "categories: [", "summary: ", "event:"):
        assert marker in joined, marker
    assert any("draft: true" in t or "support: true" in t for t in texts)
    body = texts[0].split("---\n", 2)[2]
    assert body.count("\n\n") + 1 >= 2 and any("а" <= ch <= "я" for ch in body)
    categories = set(read_categories(nets["a"].config_file))
    for text in texts:
        front = yaml.safe_load(text.split("---\n", 2)[1])
        assert set(front["categories"]) <= categories


def test_generated_network_passes_check(nets):
    result = run_cli("check", "-f", str(nets["a"].config_file))
    assert result.exit_code == 0, result.output
    assert "Проверка пройдена" in result.output


def test_bench_changes_keep_the_network_valid(nets):
    net = nets["c"]
    writer = Writer(Random(1), read_categories(net.config_file), 1780315200)
    target = net.orgs[net.primaries[0]]
    post = newest_post(target)
    before = post.read_text(encoding="utf-8")
    edit_post(post, writer, target)
    after = post.read_text(encoding="utf-8")
    assert before != after and "Уточнено: " in after
    added = add_post(writer, target)
    assert added.is_file() and "draft: true" not in added.read_text(encoding="utf-8")
    org = add_primary(writer, net)
    assert org.slug == NEW_ORG and len(list((org.folder / "news").glob("*.md"))) == 3
    result = run_cli("check", "-f", str(net.config_file))
    assert result.exit_code == 0, result.output


def test_baseline_config_and_hugo_site(nets, tmp_path):
    net = nets["a"]
    config = yaml.safe_load(
        baseline_config(net, tmp_path / "base" / "mkdocs.yml", custom_dir=True).read_text(encoding="utf-8")
    )
    assert config["plugins"] in (["search"], [{"search": {"lang": "ru"}}]) or list(config["plugins"][0]) == ["search"]
    assert config["theme"]["name"] == "material"
    if config["theme"].get("custom_dir"):
        assert Path(config["theme"]["custom_dir"]).is_absolute()
    plain = yaml.safe_load(baseline_config(net, tmp_path / "plain.yml", custom_dir=False).read_text(encoding="utf-8"))
    assert "custom_dir" not in plain["theme"]

    site = hugo_site(net, tmp_path / "hugo", "net.example")
    assert (site / "hugo.toml").is_file() and (site / "layouts" / "_default" / "single.html").is_file()
    slug = net.primaries[0]
    assert (site / "content" / slug / "_index.md").is_file() and not (site / "content" / slug / "index.md").exists()
    assert len(list((site / "content" / slug / "news").glob("*.md"))) == POSTS + 1  # + the section's _index.md


def test_tree_rss_counts_the_children():
    # a child that starts a grandchild holding ~80 MB (written, so resident), both alive for a while
    grandchild = "import time; b = bytes([1]) * (80 * 1024 * 1024); time.sleep(1.5)"
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    proc = subprocess.Popen([sys.executable, "-c", code])
    with TreeRSS(proc.pid) as sampler:
        proc.wait()
    assert sampler.peak_mb > 80
    assert sampler.peak_pss_mb > 80
    assert TreeRSS(proc.pid).sample() == 0  # gone
