"""README.md and docs/*.md: every link resolves to a file of the repository, and none leaves it.

Links are Markdown links and images (``[text](target)``, ``![alt](target)``), autolinks
(``<https://…>``) and reference definitions (``[id]: target``), outside fenced code blocks and
code spans. A target with a scheme or ``//`` points outside the repository and is refused; a
relative one must name an existing file or folder (its ``#fragment`` must name a heading there).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
AUTOLINK = re.compile(r"<((?:[a-z][a-z0-9+.-]*:|//)[^>\s]*)>", re.I)
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def links(path: Path) -> list[tuple[int, str]]:
    found = []
    in_fence = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line.lstrip()):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        text = CODE_SPAN.sub("", line)
        for pattern in (INLINE, AUTOLINK, REFERENCE):
            found += [(number, m.group(1)) for m in pattern.finditer(text)]
    return found


def anchors(path: Path) -> set[str]:
    """GitHub-style heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    result = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^#{1,6}\s+(.*?)\s*#*$", line):
            slug = re.sub(r"[^\w\- ]", "", CODE_SPAN.sub(lambda s: s.group(0).strip("`"), m.group(1)).lower())
            result.add(slug.replace(" ", "-"))
    return result


def test_the_docs_exist():
    names = {p.name for p in DOCS}
    assert {"README.md", "editors.md", "web-team.md", "developers.md", "editors-web.md", "design.md"} <= names


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_link_stays_in_the_repository_and_resolves(doc):
    problems = []
    for number, target in links(doc):
        where = f"{doc.relative_to(REPO)}:{number}: {target}"
        if EXTERNAL.match(target):
            problems.append(f"{where}: ссылка ведёт за пределы репозитория")
            continue
        file_part, _, fragment = target.partition("#")
        resolved = (doc.parent / file_part).resolve() if file_part else doc
        if not resolved.exists() or (REPO not in resolved.parents and resolved != REPO):
            problems.append(f"{where}: нет такого файла в репозитории")
        elif fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
            problems.append(f"{where}: нет такого заголовка")
    assert problems == []


def test_the_link_checker_catches_what_it_should(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text(
        "[a](https://example.org/) <http://localhost:8000/> [b](missing.md)\n"
        "`[c](https://in-code.example/)`\n```\n[d](https://in-fence.example/)\n```\n[e]: //cdn.example/x.js\n",
        encoding="utf-8",
    )
    assert sorted(t for _, t in links(doc)) == sorted(
        ["https://example.org/", "http://localhost:8000/", "missing.md", "//cdn.example/x.js"]
    )
