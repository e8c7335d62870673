"""The benchmark's generator and measuring tools (issues 4 and 14). The full benchmark is not
run here: a tiny network is, for the warm-serve measurement; the report is checked on given figures."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from random import Random

import pytest
import yaml
from conftest import run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bench import (
    ADDED,
    BENCH_EPOCH,
    COLD,
    EDITED,
    NEW_ORG,
    NEWORG,
    NOCHANGE,
    Run,
    ServeEdit,
    ServeResult,
    SizeResult,
    TreeRSS,
    Writer,
    add_post,
    add_primary,
    baseline_config,
    edit_post,
    generate_network,
    hugo_pages,
    hugo_site,
    newest_post,
    read_categories,
    report_text,
    run_serve,
    target_sizes,
    targets,
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
    # the peak by process: the measured one first, then its descendants by name ("main 9 MB + 2× python3 90 MB")
    parts = sampler.peak_parts.split(" + ")
    assert parts[0].startswith("main ") and len(parts) >= 2
    assert max(int(part.rsplit(" ", 2)[-2]) for part in parts[1:]) > 80
    assert TreeRSS(proc.pid).sample() == 0  # gone


def test_hugo_pages_are_checked_against_the_markdown(nets, tmp_path):
    net = nets["a"]
    out = tmp_path / "hugo-site"
    pages = []
    for slug, org in net.orgs.items():
        pages += [
            f"{slug}/index.html" if p.name == "index.md" else f"{slug}/{p.stem}/index.html"
            for p in org.folder.glob("*.md")
        ]
        pages += [
            f"{slug}/news/{p.stem}/index.html"
            for p in (org.folder / "news").glob("*.md")
            if "\ndraft: true\n" not in p.read_text(encoding="utf-8")
        ]
        pages.append(f"{slug}/news/index.html")
    pages.append("index.html")
    for page in pages:
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        (out / page).write_text("<p>", encoding="utf-8")
    same = hugo_pages(net, out)
    assert same["same_pages"] and same["missing"] == 0 and same["unexpected"] == 0
    assert same["html_pages"] == len(pages) == same["markdown_pages"] + same["section_lists"]
    drafts = sum("\ndraft: true\n" in p.read_text(encoding="utf-8") for p in net.root_dir.rglob("news/*.md"))
    assert same["drafts_left_out"] == drafts
    (out / pages[0]).unlink()
    (out / "stray").mkdir()
    (out / "stray" / "index.html").write_text("<p>", encoding="utf-8")
    differs = hugo_pages(net, out)
    assert not differs["same_pages"] and differs["missing"] == 1 and differs["unexpected"] == 1
    assert differs["missing_examples"] == [pages[0]] and differs["unexpected_examples"] == ["stray/index.html"]


def _size(orgs: int, edited: float, nochange: float, cold: float, rss: float, serve: float | None) -> SizeResult:
    figures = ((COLD, cold), (NOCHANGE, nochange), (EDITED, edited), (ADDED, edited), (NEWORG, edited))
    runs = {key: Run(key, "union-network", seconds, rss, 2) for key, seconds in figures}
    served = None
    if serve is not None:
        served = ServeResult(9.0, [ServeEdit("orgs/x/news/a.md", serve, serve - 0.1)], serve, rss, rss)
    return SizeResult(orgs, {"orgs": orgs}, runs, served)


RSS_1000 = "peak RSS of the process tree at network-1000 ≤ 300 MB: "


def test_report_prints_every_target_with_its_mark():
    small = _size(200, edited=0.8, nochange=0.2, cold=12.0, rss=250, serve=0.25)
    small.runs["hugo"] = Run("cold, all sites (minimal template)", "hugo", 5.0)
    small.runs["baseline"] = Run("cold, all sites (plain mkdocs, one after another)", "baseline", 60.0)
    large = _size(1000, edited=1.5, nochange=0.4, cold=70.0, rss=320, serve=None)
    large.runs[ADDED] = Run(ADDED, "union-network", 3.0, 310, 3, returncode=1)  # a failed build has no figure
    rows = {r.name: r for r in targets({200: small, 1000: large})}
    expected = {
        "one post edited ≤ 1 s at network-200 (CLI, process wall time)": (0.8, True),
        "one post edited ≤ 1 s at network-1000 (CLI, process wall time)": (1.5, False),
        "warm serve edit ≤ 0.3 s at network-200 (median)": (0.25, True),
        "warm serve edit ≤ 0.3 s at network-1000 (median)": (None, None),
        "edit(network-1000) / edit(network-200) ≤ 1.2": (1.875, False),
        "no change ≤ 0.3 s at network-200": (0.2, True),
        "no change ≤ 0.3 s at network-1000": (0.4, False),
        "cold network-200 ≤ 3 × Hugo": (2.4, True),
        "cold network-200 ≤ ¼ of the plain per-org MkDocs loop": (0.2, True),
        RSS_1000 + "cold full build": (320, False),
        RSS_1000 + "no change": (320, False),
        RSS_1000 + "one post edited": (320, False),
        RSS_1000 + "one post added": (None, None),
        RSS_1000 + "new primary org added": (320, False),
        RSS_1000 + "warm serve edits": (None, None),
    }
    assert {name: (r.value, r.met) for name, r in rows.items()} == expected
    assert rows["no change ≤ 0.3 s at network-1000"].of_limit == pytest.approx(0.4 / 0.3, abs=1e-3)

    text = report_text({200: small, 1000: large}, list(rows.values()))
    lines = text.splitlines()
    for name, (_, met) in expected.items():
        mark = "?" if met is None else ("✓" if met else "✗")
        assert any(line.startswith(f"{mark} {name} ") for line in lines), name
    # side by side: one row per scenario, a column group per size
    header = next(line for line in lines if line.startswith("tool"))
    assert "network-200: s" in header and "network-1000: s" in header
    edited_row = next(line for line in lines if line.startswith("union-network") and EDITED in line)
    assert "0.80" in edited_row and "1.50" in edited_row
    assert "network-200  cold / hugo" in text and "network-200  cold / baseline" in text


def test_one_size_only_leaves_the_other_sizes_targets_unmeasured():
    assert target_sizes([10]) == (10, None)
    assert target_sizes([1000]) == (None, 1000)
    assert target_sizes([200, 1000, 50]) == (200, 1000)
    assert target_sizes([20, 40]) == (20, 40)
    rows = {r.name: r for r in targets({1000: _size(1000, edited=0.5, nochange=0.1, cold=50.0, rss=200, serve=0.2)})}
    assert rows["one post edited ≤ 1 s at network-1000 (CLI, process wall time)"].met is True
    assert rows["one post edited ≤ 1 s at network-200 (CLI, process wall time)"].value is None
    assert rows["cold network-200 ≤ 3 × Hugo"].met is None


def test_warm_serve_edit_is_timed_until_the_page_shows_it(tmp_path):
    net = generate_network(tmp_path / "serve" / "network", 2, 3, 3, territorials=2, source=REPO)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(BENCH_EPOCH)}
    result = run_serve(net, env, 1, edits=2, log=tmp_path / "serve.log")
    assert result.returncode == 0, result.note
    assert len(result.edits) == 2 and result.median_seconds is not None and result.median_seconds > 0
    assert result.first_build_seconds > 0 and result.peak_rss_mb_edits and result.peak_rss_mb_edits > 0
    for i, edit in enumerate(result.edits):
        text = (net.root_dir / edit.post).read_text(encoding="utf-8")
        assert f'title: "Правка{i + 1:02d}x' in text  # the marker the served page was checked for
        assert edit.build_seconds is not None  # serve's own "Пересобрано: … (N с)" line
    # serve was stopped
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with suppress(OSError):
            alive.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
    assert not any(f"serve -f {net.config_file}" in cmd for cmd in alive)
