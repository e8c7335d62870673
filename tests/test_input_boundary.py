"""The tenant boundary, input side (issue 9): what an org folder may hold, YAML and text that
cannot hurt the build. Every vector is planted in ONE network (built once per session) and
checked through the real CLI: ``check``, ``build`` (fails, previous output untouched) and
``check --changed … --as prim`` on a git repository; each vector must be reported as
``path[:line]: message`` naming its file, with no traceback.

A second network has the same links and forbidden files but the check switched off, and is
built: the MkDocs adapter must drop them all (defence in depth, render/mkdocs/plugin.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import rglob, run_cli
from netfactory import write_network, write_post

from union_network.enforce.content_rules import ContentRules, markdown_findings
from union_network.enforce.files import classify, is_published, path_refusal
from union_network.read.yamlsrc import YamlError, load_yaml

# ----------------------------------------------------------------------------- the vectors

BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

SVG_NS_SCRIPT = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>\n'
)
SVG_ENTITY = '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY e "&#60;script&#62;">]>\n<svg>&e;</svg>\n'


def post(front: str, body: str = "Текст.\n") -> str:
    return f"---\n{front}---\n\n{body}"


#: (path under the network root, expected line or None, words the message holds). Links and odd
#: files are planted by :func:`plant`; the rest are written as text (str) or bytes.
LINKS = {
    "orgs/prim/env.txt": "/proc/self/environ",
    "orgs/prim/g": "../../.git",
    "orgs/prim/p": "/etc/passwd",
    "orgs/prim/other": "../terr",
    "orgs/prim/t": "../../theme",
    "orgs/prim/news/linked.md": "../index.md",
    "content/up": "../orgs",
    "orgs/prim/.obsidian/passwd": "/etc/passwd",
}
FILES: dict[str, str | bytes] = {
    # other Markdown extensions and types that are not on the allowlist
    "orgs/prim/news/old.markdown": post("title: Старая\ndate: 2026-01-01\n"),
    "orgs/prim/page.mdown": "# Страница\n",
    "orgs/prim/PAGE.MD": "# Страница\n",
    "orgs/prim/ssi.shtml": '<!--#exec cmd="id" -->\n',
    "orgs/prim/feed.xml": '<?xml-stylesheet type="text/xsl" href="x.xsl"?><rss/>\n',
    "orgs/prim/x.xsl": "<xsl:stylesheet/>\n",
    "orgs/prim/x.xslt": "<xsl:stylesheet/>\n",
    "orgs/prim/page.xht": "<html/>\n",
    "orgs/prim/pic.svgz": b"\x1f\x8b\x08\x00",
    "orgs/prim/ns.svg": SVG_NS_SCRIPT,
    "orgs/prim/entity.svg": SVG_ENTITY,
    "orgs/prim/run.sh": "#!/bin/sh\n",
    # files that would replace the theme's own
    "orgs/prim/assets/logo.png": b"\x89PNG\r\n\x1a\n",
    "orgs/prim/assets/logo.svg": "<svg/>\n",
    "orgs/prim/assets/fonts/golos-text-400.woff2": b"wOF2",
    "orgs/prim/assets/images/favicon.png": b"\x89PNG\r\n\x1a\n",
    "orgs/prim/favicon.png": b"\x89PNG\r\n\x1a\n",
    "orgs/prim/events.md": "# События\n",
    "orgs/prim/search/search_index.json.txt": "{}\n",
    "content/robots.txt": "User-agent: *\nDisallow: /\n",
    # YAML that must not reach a constructor
    "orgs/prim/news/tag-int.md": post("title: !!int abc\ndate: 2026-01-01\n"),
    "orgs/prim/news/tag-bool.md": post("title: Новость\ndate: 2026-01-01\ndraft: !!bool maybe\n"),
    "orgs/prim/news/tag-time.md": post("title: Новость\ndate: !!timestamp 2026-13-45\n"),
    "orgs/prim/news/tag-empty.md": post("title: Новость\ndate: 2026-01-01\nsupport: !!int ''\n"),
    "orgs/prim/news/tag-python.md": post("title: !!python/object/apply:os.system ['id']\ndate: 2026-01-01\n"),
    "orgs/prim/news/alias.md": post("title: &t Новость\ndate: 2026-01-01\nsummary: *t\n"),
    "orgs/prim/news/deep.md": post("title: Новость\ndate: 2026-01-01\ntags: " + "[" * 60 + "]" * 60 + "\n"),
    "orgs/prim/news/control.md": post("title: Ново\x07сть\ndate: 2026-01-01\n"),
    "orgs/prim/news/year.md": post("title: Новость\ndate: 9999-12-31\n"),
    "orgs/prim/news/event-year.md": post("title: Новость\ndate: 2026-01-01\nevent:\n  start: 0001-01-01T10:00:00\n"),
    "orgs/prim/news/cp1251.md": post("title: Собрание профкома\ndate: 2026-01-01\n").encode("cp1251"),
    "orgs/prim/news/huge-front.md": post("title: Новость\ndate: 2026-01-01\nsummary: " + "я" * 40_000 + "\n"),
    "orgs/prim/news/huge.md": post("title: Новость\ndate: 2026-01-01\n", "Текст. " * 160_000),
    "orgs/prim/bomb.md": "---\n" + BOMB + "---\n\n# Страница\n",
    "orgs/prim/huge-page.md": "# Страница\n\n" + "Текст. " * 160_000,
    "orgs/prim/brackets.md": "# Страница\n\n" + "[" * 5000 + "\n",
    "orgs/prim/news/links.md": post("title: Новость\ndate: 2026-01-01\n", "[x](" * 500 + "\n"),
    "orgs/prim/news/tags.md": post("title: Новость\ndate: 2026-01-01\n", "<a " * 7000 + "\n"),
    "orgs/prim/tags.md": "# Страница\n\n" + "<a x=" * 7000 + "\n",
    "orgs/terr/moderation.yml": BOMB,
    "orgs/sect/org.yml": "name: Отраслевая\nkind: sectoral\nparent: fed\nmembers: " + "1" * 5000 + "\n",
    # accepted: a UTF-8 BOM is dropped
    "orgs/prim/news/bom.md": b"\xef\xbb\xbf" + post("title: С меткой BOM\ndate: 2026-01-02\n").encode(),
}
CONTROL_NAME = "orgs/prim/bad\x07name.md"
CONTROL_NEWS = "orgs/prim/news/x\x1b[31m.md"
NOT_UTF8_NAME = os.fsdecode(b"orgs/prim/caf\xe9.md")

#: path -> (line or None, words); the path as the output prints it
EXPECTED: dict[str, tuple[int | None, tuple[str, ...]]] = {
    **dict.fromkeys(LINKS, (None, ("ссылка", "symlink"))),
    "orgs/prim/fifo.md": (None, ("не обычный файл",)),
    "orgs/prim/bad\\x07name.md": (None, ("управляющий символ \\x07",)),
    "orgs/prim/news/x\\x1b[31m.md": (None, ("управляющий символ \\x1b",)),
    "orgs/prim/caf\\udce9.md": (None, ("UTF-8",)),
    "orgs/prim/news/old.markdown": (None, (".md", "old.md")),
    "orgs/prim/page.mdown": (None, (".md",)),
    "orgs/prim/PAGE.MD": (None, (".md",)),
    "orgs/prim/ssi.shtml": (None, ("«.shtml»", "не публикуется")),
    "orgs/prim/feed.xml": (None, ("«.xml»",)),
    "orgs/prim/x.xsl": (None, ("«.xsl»",)),
    "orgs/prim/x.xslt": (None, ("«.xslt»",)),
    "orgs/prim/page.xht": (None, ("«.xht»",)),
    "orgs/prim/pic.svgz": (None, ("SVG",)),
    "orgs/prim/ns.svg": (None, ("SVG", "PNG")),
    "orgs/prim/entity.svg": (None, ("SVG",)),
    "orgs/prim/run.sh": (None, ("«.sh»",)),
    "orgs/prim/assets/logo.png": (None, ("assets/", "темы")),
    "orgs/prim/assets/logo.svg": (None, ("SVG",)),
    "orgs/prim/assets/fonts/golos-text-400.woff2": (None, ("«.woff2»",)),
    "orgs/prim/assets/images/favicon.png": (None, ("assets/",)),
    "orgs/prim/favicon.png": (None, ("theme/favicon.png",)),
    "orgs/prim/events.md": (None, ("events", "сборка строит сама")),
    "orgs/prim/search/search_index.json.txt": (None, ("search/",)),
    "content/robots.txt": (None, ("robots.txt",)),
    "orgs/prim/news/tag-int.md": (2, ("тег YAML", "!!int")),
    "orgs/prim/news/tag-bool.md": (4, ("тег YAML", "!!bool")),
    "orgs/prim/news/tag-time.md": (3, ("тег YAML", "!!timestamp")),
    "orgs/prim/news/tag-empty.md": (4, ("тег YAML", "!!int")),
    "orgs/prim/news/tag-python.md": (2, ("тег YAML", "python")),
    "orgs/prim/news/alias.md": (2, ("якорь YAML", "&t")),
    "orgs/prim/news/deep.md": (4, ("вложенность",)),
    "orgs/prim/news/control.md": (2, ("управляющий", "U+0007")),
    "orgs/prim/news/year.md": (3, ("год 9999", "1900–2200")),
    "orgs/prim/news/event-year.md": (5, ("event.start", "год 1")),
    "orgs/prim/news/cp1251.md": (2, ("UTF-8", "Windows-1251")),
    "orgs/prim/news/huge-front.md": (2, ("front matter", "64 КБ")),
    "orgs/prim/news/huge.md": (None, ("1024 КБ",)),
    "orgs/prim/bomb.md": (2, ("front matter", "якорь YAML", "&a")),
    "orgs/prim/huge-page.md": (None, ("1024 КБ",)),
    "orgs/prim/brackets.md": (3, ("скобок «[»", "(5000)")),
    "orgs/prim/news/links.md": (6, ("скобок", "(500)")),
    "orgs/prim/news/tags.md": (6, ("незакрытых тегов", "(7000)")),
    "orgs/prim/tags.md": (3, ("незакрытых тегов", "(7000)")),
    "orgs/terr/moderation.yml": (1, ("якорь YAML", "&a")),
    "orgs/sect/org.yml": (4, ("число из 5000 знаков",)),
}


def plant(cfg: Path, *, fifo: bool = True) -> None:
    """Write every vector into the network of ``cfg``."""
    root = cfg.parent
    (root / "theme").mkdir(exist_ok=True)
    (root / "theme" / "favicon.png").write_bytes(b"\x89PNG\r\n\x1a\nTHEME")
    for rel, data in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    for rel, target in LINKS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(target)
    for rel in (CONTROL_NAME, CONTROL_NEWS, NOT_UTF8_NAME):
        (root / rel).write_text("# Страница\n", encoding="utf-8")
    if fifo:
        os.mkfifo(root / "orgs/prim/fifo.md")


TREE = {
    "fed": (None, "federation"),
    "terr": ("fed", "territorial"),
    "sect": ("fed", "sectoral"),
    "prim": ("terr", "primary"),
}


def clean_network(root: Path) -> Path:
    return write_network(root, TREE, posts=[dict(org="prim", stem="2026-01-05-ok", date="2026-01-05")])


# ----------------------------------------------------------------------------- check and build, once


@pytest.fixture(scope="session")
def planted(tmp_path_factory):
    """(network config, output of a build before planting, check result, build result)."""
    cfg = clean_network(tmp_path_factory.mktemp("boundary") / "net")
    out = cfg.parent / "out"
    first = run_cli("build", "-f", str(cfg), "--out", str(out), "-j", "1", "-q")
    assert first.exit_code == 0, first.output
    before = snapshot(out)
    plant(cfg)
    checked = run_cli("check", "-f", str(cfg))
    built = run_cli("build", "-f", str(cfg), "--out", str(out), "-j", "1", "-q")
    return cfg, out, before, checked, built


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(rglob(folder, "*")) if p.is_file()}


def assert_no_crash(result) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def assert_line(output: str, path: str, line: int | None, words: tuple[str, ...]) -> None:
    where = re.escape(path) + (f":{line}" if line else "")
    candidates = [ln for ln in output.splitlines() if re.match(where + ": ", ln)]
    assert candidates, f"no line for {where!r}:\n{output}"
    assert any(all(w.lower() in ln.lower() for w in words) for ln in candidates), (words, candidates)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_check_reports_each_vector(planted, path):
    _, _, _, checked, _ = planted
    assert_no_crash(checked)
    assert_line(checked.output, path, *EXPECTED[path])


def test_check_names_no_other_file_and_accepts_a_bom(planted):
    _, _, _, checked, _ = planted
    named = {re.split(r":\d*:? ", ln, maxsplit=1)[0] for ln in checked.output.splitlines()[:-1]}
    assert named == set(EXPECTED), named ^ set(EXPECTED)
    assert "bom.md" not in checked.output  # a UTF-8 BOM is accepted


def test_links_show_the_link_not_its_target(planted):
    _, _, _, checked, _ = planted
    assert "/etc/passwd" not in checked.output and "/proc/" not in checked.output
    assert "root:" not in checked.output  # and nothing read through them


def test_build_fails_the_same_way_and_leaves_the_output_as_it_was(planted):
    _, out, before, _, built = planted
    assert_no_crash(built)
    for path, (line, words) in EXPECTED.items():
        assert_line(built.output, path, line, words)
    assert "Опубликованный сайт не изменён" in built.output
    assert snapshot(out) == before


def test_control_characters_in_values_are_escaped_in_messages(planted):
    _, _, _, checked, _ = planted
    assert "\x07" not in checked.output and "\x1b" not in checked.output
    assert "\udce9" not in checked.output


# ----------------------------------------------------------------------------- accepted input


def test_bom_files_are_accepted_and_the_demo_network_passes(tmp_path):
    cfg = clean_network(tmp_path / "net")
    card = cfg.parent / "orgs/prim/org.yml"
    card.write_bytes(b"\xef\xbb\xbf" + card.read_bytes())
    (cfg.parent / "orgs/prim/news/bom.md").write_bytes(FILES["orgs/prim/news/bom.md"])
    (cfg.parent / "orgs/prim/files").mkdir()
    for name in ("ustav.pdf", "report.docx", "table.xlsx", "list.csv", "readme.txt", "photo.JPG", "pic.webp"):
        (cfg.parent / "orgs/prim/files" / name).write_bytes(b"data")
    (cfg.parent / "orgs/prim/files/.gitkeep").write_bytes(b"")
    result = run_cli("check", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    assert "новостей — 2" in result.output
    demo = Path(__file__).resolve().parent.parent / "mkdocs.yml"
    result = run_cli("check", "-f", str(demo))
    assert result.exit_code == 0, result.output


# ----------------------------------------------------------------------------- check --changed


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8", "replace")


@pytest.fixture(scope="session")
def changed(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.fail("git is needed for check --changed")
    cfg = clean_network(tmp_path_factory.mktemp("changed") / "net")
    root = cfg.parent
    (root / "theme").mkdir(exist_ok=True)
    (root / "theme" / "favicon.png").write_bytes(b"\x89PNG\r\n\x1a\nTHEME")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "tag", "base")
    plant(cfg, fifo=False)  # git stores no FIFOs
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "vectors")
    return run_cli("check", "-f", str(cfg), "--changed", "base..HEAD", "--as", "prim")


CHANGED = {
    **{p: ("ссылка",) for p in LINKS if p.startswith("orgs/prim/")},
    "orgs/prim/news/old.markdown": (".md",),
    "orgs/prim/ssi.shtml": ("«.shtml»",),
    "orgs/prim/feed.xml": ("«.xml»",),
    "orgs/prim/x.xslt": ("«.xslt»",),
    "orgs/prim/pic.svgz": ("SVG",),
    "orgs/prim/ns.svg": ("SVG",),
    "orgs/prim/assets/logo.png": ("assets/",),
    "orgs/prim/assets/fonts/golos-text-400.woff2": ("«.woff2»",),
    "orgs/prim/favicon.png": ("theme/favicon.png",),
    "orgs/prim/events.md": ("сборка строит сама",),
    "orgs/prim/bad\\x07name.md": ("управляющий символ",),
    "orgs/prim/caf\\udce9.md": ("UTF-8",),
}


@pytest.mark.parametrize("path", sorted(CHANGED))
def test_check_changed_refuses_links_and_forbidden_types_from_git(changed, path):
    assert_no_crash(changed)
    assert_line(changed.output, path, None, CHANGED[path])


def test_check_changed_reads_link_modes_not_targets(changed):
    assert "content/up" in changed.output  # outside orgs/prim/: the web team's, reported as such
    assert "root:" not in changed.output


# ----------------------------------------------------------------------------- defence in depth


@pytest.fixture(scope="session")
def unchecked_build(tmp_path_factory):
    """A network with links and forbidden files built with the check switched off."""
    cfg = clean_network(tmp_path_factory.mktemp("unchecked") / "net")
    root = cfg.parent
    theme = Path(__file__).resolve().parent.parent / "theme"
    shutil.copytree(theme, root / "theme")
    (root / "orgs/prim/secret").mkdir()
    (root / "orgs/prim/secret/key.txt").write_text("TOP-SECRET\n", encoding="utf-8")
    for rel, target in {
        "orgs/prim/env.txt": "/proc/self/environ",
        "orgs/prim/p.txt": "/etc/passwd",
        "orgs/prim/other": "../terr",
        "orgs/prim/t": "../../theme",
        "orgs/prim/s": "secret",
        "orgs/prim/linked.md": "index.md",
    }.items():
        (root / rel).symlink_to(target)
    for rel, data in {
        "orgs/prim/ssi.shtml": "<!--#exec -->\n",
        "orgs/prim/ns.svg": SVG_NS_SCRIPT,
        "orgs/prim/page.markdown": "# Непроверенная\n",
        "orgs/prim/x.xslt": "<xsl/>\n",
        "orgs/prim/assets/logo.svg": "<svg><script>alert(1)</script></svg>\n",
        "orgs/prim/assets/logo.png": "ORG LOGO",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(data, encoding="utf-8")
    write_post(root / "orgs/prim", "2026-01-06-second", date="2026-01-06")
    mp = pytest.MonkeyPatch()
    mp.setattr("union_network.read.load.check_content_rules", lambda *args, **kwargs: None)
    try:
        result = run_cli("build", "-f", str(cfg), "--out", str(root / "out"), "-j", "1", "-q", "--full")
    finally:
        mp.undo()
    assert result.exit_code == 0, result.output
    return root, root / "out" / "prim"


def test_the_adapter_publishes_no_link_and_no_forbidden_file(unchecked_build):
    root, site = unchecked_build
    published = {p.relative_to(site).as_posix() for p in rglob(site, "*")}
    for name in ("env.txt", "p.txt", "other", "t", "s", "linked", "ssi.shtml", "ns.svg", "page", "x.xslt"):
        assert not any(p == name or p.startswith(name + "/") for p in published), name
    assert "secret/key.txt" in published  # the real file stays, only the link to its folder goes
    texts = [p.read_bytes() for p in rglob(site, "*") if p.is_file()]
    assert not any(b"root:x:0:0" in t for t in texts)
    assert sum(b"TOP-SECRET" in t for t in texts) == 1
    # the theme's logo, not the org's, under the theme's path
    assert (site / "assets/logo.svg").read_bytes() == (root / "theme/assets/logo.svg").read_bytes()
    assert (site / "assets/logo.png").read_bytes() == (root / "theme/assets/logo.png").read_bytes()
    assert (site / "news/2026-01-06-second/index.html").is_file()


# ----------------------------------------------------------------------------- the pieces, directly


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        ("index.md", "page"),
        ("news/a.md", "page"),
        ("files/ustav.PDF", "document"),
        ("img/photo.JPG", "image"),
        ("org.yml", "settings"),
        ("sub/org.yml", "refused"),
        ("a.markdown", "refused"),
        ("a.Md", "refused"),
        ("logo.svg", "refused"),
        ("x.html", "refused"),
        ("assets/x.png", "refused"),
        ("Assets/x.png", "refused"),
        ("orgs/index.md", "refused"),
        ("network.md", "refused"),
        ("a\u202egnp.md", "refused"),
        ("noext", "refused"),
    ],
)
def test_classify(rel, kind):
    from pathlib import PurePosixPath

    assert classify(PurePosixPath(rel)).kind == kind


def test_is_published_and_git_modes():
    assert is_published("files/a.pdf") and not is_published(".hidden/a.pdf") and not is_published("x/.a.md")
    assert not is_published("overrides/a.png") and not is_published("org.yml")
    assert path_refusal("a.md", "120000") and path_refusal("sub", "160000")
    assert path_refusal("a.md", "100644") is None and path_refusal("a.exe", "100755")


@pytest.mark.parametrize(
    "text",
    [
        "title: !!int abc\n",
        "title: !!bool maybe\n",
        "title: !!timestamp 2026-13-45\n",
        "title: !!int ''\n",
        "title: !custom x\n",
        "n: " + "9" * 4301 + "\n",
        "n: " + "1.5e+" + "9" * 200 + "\n",
        "n: 0x" + "f" * 5000 + "\n",
        "n: " + "1:" * 3000 + "1\n",
        BOMB,
        "a: [" * 100 + "]" * 100 + "\n",
        "- " * 100 + "x\n",
    ],
)
def test_content_yaml_refuses_before_constructing(text):
    with pytest.raises(YamlError) as info:
        load_yaml(text)
    assert info.value.line == 1 or info.value.line is not None


PATHOLOGICAL = [
    "<a ",
    "<a x=",
    '<a "',
    "<a '",
    "![a](:",
    "![",
    "[",
    "[x](",
    "{",
    "```x\n<",
    "<iframe src=x ",
    "<!--",
    "` `` <",
]


@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_the_content_scanner_reads_a_megabyte_of_pathological_markdown(unit):
    """Linear by construction (no per-tag rescans, one line index): 1 MB of each pattern is read in
    a moment; the quadratic scanner took minutes for 60 KB (no time is asserted: a regression hangs)."""
    text = (unit * (1_000_000 // len(unit)))[:1_000_000] + ":&"
    findings = markdown_findings(text, ContentRules())
    assert isinstance(findings, list)
