"""CODEOWNERS for Gitea/Forgejo (``.gitea/CODEOWNERS``): Go regexps over the whole path, every
matching rule adds its owners, ``!`` negates. Checked by applying the rules as Gitea does."""

from __future__ import annotations

import re
import subprocess

from conftest import run_cli
from test_ownership import WEB_TEAM, make_network


def gitea_owners(text: str, path: str) -> list[str]:
    """Owners of ``path`` as Gitea computes them: the file's ``\\`` escapes undone, each rule
    anchored (``^…$``), owners of every matching (or, for ``!``, non-matching) rule."""
    owners: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rule, *who = line.split()
        negative = rule.startswith("!")
        pattern = re.compile("^" + rule.lstrip("!").replace("\\\\", "\\") + "$")
        if bool(pattern.match(path)) != negative:
            owners += [w for w in who if w not in owners]
    return owners


def test_codeowners_gitea(tmp_path):
    cfg = make_network(tmp_path)
    result = run_cli("codeowners", "-f", str(cfg), "--syntax", "gitea", "--out", "-")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "!(content|orgs/prim|orgs/terr)/.* " + WEB_TEAM in text
    assert gitea_owners(text, "orgs/prim/news/2026-01-05-old.md") == ["@Petrov"]
    assert gitea_owners(text, "orgs/prim-2/index.md") == [WEB_TEAM]  # a prefix of a slug is not the folder
    assert gitea_owners(text, "orgs/other/index.md") == [WEB_TEAM]  # no editors: the web team's
    assert gitea_owners(text, "mkdocs.yml") == [WEB_TEAM]
    assert gitea_owners(text, "content/index.md") == ["@fed-press"]
    assert gitea_owners(text, "orgs/terr/org.yml") == ["@ivanova", "@terr-org/web"]

    everywhere = run_cli("codeowners", "-f", str(cfg), "--syntax", "gitea", "--web-team-everywhere", "--out", "-")
    assert gitea_owners(everywhere.output, "orgs/prim/index.md") == [WEB_TEAM, "@Petrov"]


def test_codeowners_gitea_default_file_and_escaped_prefix(tmp_path):
    repo = tmp_path / "repo"
    net = repo / "net.v2"
    cfg = make_network(net)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    result = run_cli("codeowners", "-f", str(cfg), "--syntax", "gitea")
    assert result.exit_code == 0, result.output
    text = (repo / ".gitea" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "net\\\\.v2/orgs/prim/.* @Petrov" in text
    assert gitea_owners(text, "net.v2/orgs/prim/index.md") == ["@Petrov"]
    assert gitea_owners(text, "netxv2/orgs/prim/index.md") == [WEB_TEAM]  # the dot is literal
    assert gitea_owners(text, "net.v2/theme/brandbook.yml") == [WEB_TEAM]
