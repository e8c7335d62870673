"""Who may edit what (ownership.py): editors in org.yml, CODEOWNERS, and `check --changed BASE..HEAD --as SLUG`
on a real temporary git repository with commits."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import run_cli
from netfactory import CHAIN, write_network, write_post

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TREE = {**CHAIN, "other": ("terr", "primary")}
CARDS = {
    "fed": {"editors": ["@fed-press"]},
    "terr": {"editors": ["@ivanova", "@terr-org/web"]},
    "prim": {"editors": ["@Petrov"], "contacts": {"phone": "+7 800 000-00-01"}},
}
WEB_TEAM = "@fed-org/web-team"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def make_network(root: Path) -> Path:
    cfg = write_network(root, TREE, cards=CARDS, posts=[dict(org="prim", stem="2026-01-05-old", date="2026-01-05")])
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(
        text.replace("domain: net.example\n", f'domain: net.example\n      web_team: "{WEB_TEAM}"\n'), encoding="utf-8"
    )
    return cfg


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    make_network(root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "tag", "base")
    return root


@pytest.fixture
def branch(repo):
    """A fresh branch from the base commit; yields a function that commits the working tree."""
    git(repo, "checkout", "-q", "-f", "-B", "change", "base")
    git(repo, "clean", "-q", "-fdx")

    def commit(message: str = "change") -> None:
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--allow-empty", "-m", message)

    yield commit
    git(repo, "checkout", "-q", "-f", "main")


def check(repo: Path, who: str, rev_range: str = "base..HEAD"):
    return run_cli("check", "-f", str(repo / "mkdocs.yml"), "--changed", rev_range, "--as", who)


def edit_card(repo: Path, org: str, **changes) -> None:
    path = repo / ("content" if org == "fed" else f"orgs/{org}") / "org.yml"
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            card.pop(key, None)
        else:
            card[key] = value
    path.write_text(yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8")


# -- check --changed -----------------------------------------------------------------
def test_an_editor_may_change_anything_in_the_orgs_own_folder(repo, branch):
    write_post(repo / "orgs/prim", "2026-02-01-novoe", title="Новое")
    (repo / "orgs/prim/about.md").write_text("# О нас\n\nТекст.\n", encoding="utf-8")
    (repo / "orgs/prim/news/2026-01-05-old.md").unlink()
    edit_card(repo, "prim", short_name="Профком", contacts={"phone": "+7 800 000-00-02"})
    branch()
    result = check(repo, "prim")
    assert result.exit_code == 0, result.output
    assert "Проверка пройдена" in result.output


def test_changes_outside_the_folder_fail_naming_each_file(repo, branch):
    write_post(repo / "orgs/prim", "2026-02-01-novoe")
    (repo / "orgs/other/index.md").write_text("# Чужая страница\n", encoding="utf-8")
    (repo / "content/index.md").write_text("# Федерация\n", encoding="utf-8")
    (repo / "mkdocs.yml").write_text((repo / "mkdocs.yml").read_text(encoding="utf-8") + "\n# x\n", encoding="utf-8")
    (repo / "theme").mkdir()
    (repo / "theme/extra.css").write_text("a{}\n", encoding="utf-8")
    branch()
    result = check(repo, "prim")
    assert result.exit_code == 1
    for path in ("orgs/other/index.md", "content/index.md", "mkdocs.yml", "theme/extra.css"):
        assert f"{path}: изменение вне папки orgs/prim/" in result.output
    assert "orgs/prim/news/2026-02-01-novoe.md" not in result.output
    assert "ошибок — 4" in result.output


def test_a_move_out_of_the_folder_is_named_on_both_sides(repo, branch):
    (repo / "orgs/other/news").mkdir(parents=True)
    (repo / "orgs/prim/news/2026-01-05-old.md").rename(repo / "orgs/other/news/2026-01-05-old.md")
    branch()
    result = check(repo, "prim")
    assert result.exit_code == 1
    assert "orgs/other/news/2026-01-05-old.md: изменение вне папки" in result.output
    assert "orgs/prim/news/2026-01-05-old.md" not in result.output  # deleting one's own post is fine


def test_fields_of_the_web_team_in_the_orgs_own_card(repo, branch):
    edit_card(repo, "prim", parent="fed", kind="territorial", moderation="review", editors=["@Petrov", "@friend"])
    branch()
    result = check(repo, "prim")
    assert result.exit_code == 1
    for field in ("parent", "kind", "moderation", "editors"):
        assert f"orgs/prim/org.yml: поле «{field}» меняет только веб-команда федерации" in result.output
    assert "(было: terr; стало: fed)" in result.output
    assert "(было: @Petrov; стало: @Petrov, @friend)" in result.output


def test_spelling_out_a_default_is_not_a_change(repo, branch):
    edit_card(repo, "prim", moderation="auto")
    branch()
    assert check(repo, "prim").exit_code == 0


def test_the_root_org_edits_content_but_not_its_slug(repo, branch):
    write_post(repo / "content", "2026-03-01-fed", title="Федерация")
    edit_card(repo, "fed", slug="federation")
    (repo / "orgs/terr/index.md").write_text("# x\n", encoding="utf-8")
    branch()
    result = check(repo, "fed")
    assert result.exit_code == 1
    assert "content/org.yml: поле «slug» меняет только веб-команда федерации" in result.output
    assert "orgs/terr/index.md: изменение вне папки content/" in result.output
    assert "content/news/2026-03-01-fed.md" not in result.output


def test_broadcast_needs_member_orgs(repo, branch):
    write_post(repo / "orgs/prim", "2026-02-01-vsem", broadcast=True)
    branch()
    result = check(repo, "prim")
    assert result.exit_code == 1
    assert "orgs/prim/news/2026-02-01-vsem.md: «broadcast: true» возможен только у организации" in result.output


def test_broadcast_and_moderation_are_fine_for_an_org_with_members(repo, branch):
    write_post(repo / "orgs/terr", "2026-02-01-vsem", broadcast=True)
    (repo / "orgs/terr/moderation.yml").write_text("hide: [prim/2026-01-05-old]\n", encoding="utf-8")
    branch()
    result = check(repo, "terr")
    assert result.exit_code == 0, result.output


def test_moderation_file_needs_member_orgs(repo, branch):
    (repo / "orgs/prim/moderation.yml").write_text("hide: []\n", encoding="utf-8")
    branch()
    result = check(repo, "prim")
    assert result.exit_code == 1
    assert "orgs/prim/moderation.yml: moderation.yml бывает только у организации" in result.output


def test_new_org_folder_and_deleted_card_are_the_web_teams(repo, branch):
    write_network(repo / "tmp", {"fed": (None, "federation"), "newone": ("fed", "primary")})
    shutil.move(repo / "tmp/orgs/newone", repo / "orgs/newone")
    shutil.rmtree(repo / "tmp")
    branch()
    result = check(repo, "newone")
    assert result.exit_code == 1
    assert "orgs/newone/org.yml: новую организацию заводит веб-команда федерации" in result.output

    git(repo, "checkout", "-q", "-f", "-B", "change", "base")
    (repo / "orgs/prim/org.yml").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "delete")
    result = check(repo, "prim")
    assert result.exit_code == 1
    assert "orgs/prim/org.yml: карточку организации удаляет только веб-команда федерации" in result.output


def test_as_an_editor_login(repo, branch):
    write_post(repo / "orgs/prim", "2026-02-01-novoe")
    branch()
    assert check(repo, "@petrov").exit_code == 0  # logins are case-insensitive
    result = check(repo, "@ivanova")
    assert result.exit_code == 1
    assert "orgs/prim/news/2026-02-01-novoe.md: изменение вне папки orgs/terr/" in result.output
    nobody = check(repo, "@nobody")
    assert nobody.exit_code == 1
    assert "@nobody: не указан(а) в editors ни одной организации" in nobody.output


def test_rights_come_from_the_base_not_from_the_change(repo, branch):
    edit_card(repo, "other", editors=["@intruder"])
    (repo / "orgs/other/index.md").write_text("# x\n", encoding="utf-8")
    branch()
    result = check(repo, "@intruder")
    assert result.exit_code == 1
    assert "не указан(а) в editors" in result.output


def test_triple_dot_range_compares_with_the_merge_base(repo, branch):
    write_post(repo / "orgs/prim", "2026-02-01-novoe")
    branch()
    # Meanwhile main moves on elsewhere: BASE..HEAD would show it (reverted), BASE...HEAD does not.
    git(repo, "checkout", "-q", "-B", "main2", "base")
    (repo / "content/index.md").write_text("# Новая главная\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "main moves")
    git(repo, "checkout", "-q", "change")
    assert check(repo, "prim", "main2...HEAD").exit_code == 0
    two_dot = check(repo, "prim", "main2..HEAD")
    assert two_dot.exit_code == 1 and "content/index.md" in two_dot.output


def test_the_normal_check_runs_too(repo, branch):
    write_post(repo / "orgs/prim", "2026-02-01-bad", categories=["strike"])
    branch()
    result = check(repo, "prim")
    assert result.exit_code == 1
    assert "неизвестная категория 'strike'" in result.output


def test_usage_and_git_errors(repo, branch):
    branch()
    cfg = str(repo / "mkdocs.yml")
    assert run_cli("check", "-f", cfg, "--changed", "base..HEAD").exit_code == 2
    bad = check(repo, "prim", "nosuchref..HEAD")
    assert bad.exit_code == 1 and "Проверка изменений невозможна" in bad.output
    no_range = check(repo, "prim", "HEAD")
    assert no_range.exit_code == 1 and "БАЗА..ВЕРСИЯ" in no_range.output
    unknown = check(repo, "nope")
    assert unknown.exit_code == 1 and "--as nope: такой организации нет в реестре" in unknown.output
    assert check(repo, "prim").exit_code == 0  # an empty change


def test_network_root_in_a_subfolder_of_the_repository(tmp_path):
    repo = tmp_path / "repo"
    make_network(repo / "net")
    (repo / "README.md").write_text("x\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    write_post(repo / "net/orgs/prim", "2026-02-01-novoe")
    (repo / "README.md").write_text("y\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    result = run_cli("check", "-f", str(repo / "net/mkdocs.yml"), "--changed", "HEAD~1..HEAD", "--as", "prim")
    assert result.exit_code == 1
    assert "README.md: изменение вне папки orgs/prim/" in result.output
    assert "novoe" not in result.output
    # CODEOWNERS goes to the top of the repository, with the network's folder in its paths.
    assert run_cli("codeowners", "-f", str(repo / "net/mkdocs.yml")).exit_code == 0
    text = (repo / "CODEOWNERS").read_text(encoding="utf-8")
    assert "/net/orgs/prim/ @Petrov" in text and f"* {WEB_TEAM}" in text


# -- CODEOWNERS ------------------------------------------------------------------------
def rules(text: str) -> list[tuple[str, list[str]]]:
    out = []
    for line in text.splitlines():
        if line and not line.startswith(("#", "[")):
            pattern, *owners = line.split()
            out.append((pattern, owners))
    return out


def owners_of(text: str, path: str) -> list[str]:
    """The rule both GitHub and GitLab (within one section) apply: the last matching pattern wins."""
    found: list[str] = []
    for pattern, owners in rules(text):
        if pattern == "*" or ("/" + path).startswith(pattern):
            found = owners
    return found


def test_codeowners_github(tmp_path):
    cfg = make_network(tmp_path)
    result = run_cli("codeowners", "-f", str(cfg), "--out", "-")
    assert result.exit_code == 0, result.output
    text = result.output
    assert rules(text) == [
        ("*", [WEB_TEAM]),
        ("/content/", ["@fed-press"]),
        ("/orgs/prim/", ["@Petrov"]),
        ("/orgs/terr/", ["@ivanova", "@terr-org/web"]),
    ]
    assert "[" not in "".join(line for line in text.splitlines() if not line.startswith("#"))  # no sections on GitHub
    assert owners_of(text, "orgs/prim/news/2026-01-05-old.md") == ["@Petrov"]
    assert owners_of(text, "orgs/other/index.md") == [WEB_TEAM]  # no editors: the web team's
    assert owners_of(text, "mkdocs.yml") == [WEB_TEAM]
    assert owners_of(text, "content/index.md") == ["@fed-press"]


def test_codeowners_gitlab_keeps_every_rule_in_one_section(tmp_path):
    cfg = make_network(tmp_path)
    out = tmp_path / ".gitlab" / "CODEOWNERS"
    out.parent.mkdir()
    result = run_cli("codeowners", "-f", str(cfg), "--syntax", "gitlab", "--web-team-everywhere", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    sections = [line for line in text.splitlines() if line.startswith("[")]
    assert sections == [f"[union-network] {WEB_TEAM}"]
    assert text.index(sections[0]) < text.index(f"\n* {WEB_TEAM}")
    assert owners_of(text, "orgs/prim/about.md") == ["@Petrov", WEB_TEAM]
    assert owners_of(text, "theme/main.html") == [WEB_TEAM]


def test_codeowners_needs_the_web_team_and_valid_editors(tmp_path):
    cfg = write_network(tmp_path, cards={"prim": {"editors": ["petrov"]}})
    result = run_cli("codeowners", "-f", str(cfg), "--out", "-")
    assert result.exit_code == 1
    assert "orgs/prim/org.yml:" in result.output and "не имя пользователя или группы Git" in result.output
    edit = tmp_path / "orgs/prim/org.yml"
    edit.write_text(edit.read_text(encoding="utf-8").replace("- petrov", "- '@petrov'"), encoding="utf-8")
    result = run_cli("codeowners", "-f", str(cfg), "--out", "-")
    assert result.exit_code == 1
    assert "web_team" in result.output


def test_codeowners_default_path_outside_git_is_the_network_root(tmp_path):
    cfg = make_network(tmp_path)
    result = run_cli("codeowners", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "CODEOWNERS").is_file()


# -- the CI recipes in docs/ci/ ---------------------------------------------------------
CI_DIR = Path(__file__).resolve().parent.parent / "docs" / "ci"


@pytest.mark.parametrize("name", ["github-pages.yml", "github-nginx.yml", "gitlab-ci.yml"])
def test_ci_recipes_check_merge_requests_and_publish_main(name):
    text = (CI_DIR / name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)  # valid YAML
    assert isinstance(data, dict)
    assert 'union-network check --changed "' in text and '--as "@$' in text
    assert "union-network build --strict" in text
    if "pages" in name or name == "gitlab-ci.yml":
        assert "union-network assemble --out public" in text
    if name.startswith("github"):
        triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
        assert {"pull_request", "push", "schedule"} <= set(triggers)
        assert data["jobs"]["ownership"]["steps"][0]["with"]["fetch-depth"] == 0
    else:
        assert data["ownership"]["variables"]["GIT_DEPTH"] == 0
        assert "$CI_MERGE_REQUEST_DIFF_BASE_SHA..HEAD" in text


def test_editors_in_the_org_schema_and_the_schemas_are_up_to_date():
    import json

    from union_network.tools.schemas import SCHEMA_DIR, schema_texts

    for name, text in schema_texts().items():
        assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == text, f"{name}: run make schemas"
    editors = json.loads(schema_texts()["org.schema.json"])["properties"]["editors"]
    assert editors["items"]["pattern"].startswith("^@")
