"""new-org and new-post (scaffold.py): valid output that builds cleanly, argument checks, no overwriting."""

from __future__ import annotations

import pytest
import yaml
from conftest import run_cli
from netfactory import write_network

from union_network.read.news import split_front_matter
from union_network.tools.scaffold import post_stem


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    """A network with a scaffolded org (in the middle of the tree) and scaffolded posts, built once."""
    root = tmp_path_factory.mktemp("net")
    cfg = write_network(root)
    made = run_cli(
        "new-org",
        "zavod",
        "-f",
        str(cfg),
        "--parent",
        "terr",
        "--kind",
        "primary",
        "--name",
        "Первичная профсоюзная организация АО «Завод»",
        "--short-name",
        "Профком завода",
    )
    assert made.exit_code == 0, made.output
    post = run_cli(
        "new-post",
        "zavod",
        "Профком подвёл итоги: ёлка, юбилей и «№ 25»!",
        "-f",
        str(cfg),
        "--date",
        "2026-05-03",
        "--category",
        "meetings",
        "--category",
        "bargaining",
    )
    assert post.exit_code == 0, post.output
    root_post = run_cli("new-post", "fed", "Заседание Совета федерации", "-f", str(cfg), "--date", "2026-04-01")
    assert root_post.exit_code == 0, root_post.output
    built = run_cli("build", "-q", "--strict", "-f", str(cfg))
    return root, cfg, made, post, root_post, built


def test_new_org_writes_a_card_and_russian_starter_pages(net):
    root, _, made, *_ = net
    folder = root / "orgs" / "zavod"
    assert sorted(p.name for p in folder.iterdir()) == [
        "about.md",
        "contacts.md",
        "documents.md",
        "index.md",
        "news",
        "org.yml",
    ]
    card = yaml.safe_load((folder / "org.yml").read_text(encoding="utf-8"))
    assert card == {
        "name": "Первичная профсоюзная организация АО «Завод»",
        "short_name": "Профком завода",
        "kind": "primary",
        "parent": "terr",
    }
    assert (
        (folder / "index.md").read_text(encoding="utf-8").startswith("# Первичная профсоюзная организация АО «Завод»")
    )
    assert "# Контакты" in (folder / "contacts.md").read_text(encoding="utf-8")
    assert "orgs/zavod/org.yml" in made.output


def test_new_post_names_the_file_by_date_and_transliterated_title(net):
    root, _, _, post, root_post, _ = net
    path = root / "orgs/zavod/news/2026-05-03-profkom-podvel-itogi-elka-yubiley-i-no-25.md"
    assert path.is_file(), post.output
    assert "https://zavod.net.example/news/2026-05-03-profkom-podvel-itogi-elka-yubiley-i-no-25/" in post.output
    front, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
    meta = yaml.safe_load(front)
    assert meta["title"] == "Профком подвёл итоги: ёлка, юбилей и «№ 25»!"
    assert str(meta["date"]) == "2026-05-03"
    assert meta["categories"] == ["meetings", "bargaining"]
    assert body.strip()
    # The root's posts go to content/news/.
    assert (root / "content/news/2026-04-01-zasedanie-soveta-federatsii.md").is_file(), root_post.output


def test_scaffolded_org_and_posts_pass_check_and_build_without_warnings(net):
    root, cfg, *_, built = net
    assert built.exit_code == 0, built.output
    assert "предупреждений — 0" in built.output
    assert run_cli("check", "-f", str(cfg)).exit_code == 0
    site = root / "site" / "zavod"
    for page in (
        "index.html",
        "about/index.html",
        "contacts/index.html",
        "documents/index.html",
        "news/2026-05-03-profkom-podvel-itogi-elka-yubiley-i-no-25/index.html",
    ):
        assert (site / page).is_file(), page
    assert "2026-05-03-profkom-podvel-itogi" in (root / "site/terr/network/index.html").read_text(encoding="utf-8")


def test_post_stem_transliteration():
    from datetime import date

    day = date(2026, 11, 21)
    assert post_stem("Коллективный договор подписан", day) == "2026-11-21-kollektivnyy-dogovor-podpisan"
    assert post_stem("Минимальная зарплата в крае", day) == "2026-11-21-minimalnaya-zarplata-v-krae"
    assert post_stem("Съезд: Щука и Юля", day) == "2026-11-21-sezd-shchuka-i-yulya"
    long = post_stem("Очень длинный заголовок " * 10, day)
    assert len(long) <= len("2026-11-21-") + 60 and not long.endswith("-")
    assert post_stem("!!! ???", day) == ""


def test_default_date_is_the_build_day_in_the_network_zone(tmp_path):
    cfg = write_network(tmp_path)
    # SOURCE_DATE_EPOCH of the tests: 2026-06-01T12:00Z
    result = run_cli("new-post", "prim", "Новость", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "orgs/prim/news/2026-06-01-novost.md").is_file()


@pytest.mark.parametrize(
    ("args", "messages"),
    [
        (["Bad_Slug", "--parent", "terr", "--kind", "primary", "--name", "X"], ["недопустимый slug 'Bad_Slug'"]),
        (["www", "--parent", "terr", "--kind", "primary", "--name", "X"], ["зарезервирован"]),
        (["fed", "--parent", "terr", "--kind", "primary", "--name", "X"], ["занят корневой организацией"]),
        (["prim", "--parent", "terr", "--kind", "primary", "--name", "X"], ["orgs/prim/ уже существует"]),
        (
            ["novaya", "--parent", "nope", "--kind", "primary", "--name", "X"],
            ["--parent: организации 'nope' нет в реестре"],
        ),
        (
            ["novaya", "--parent", "terr", "--kind", "federation", "--name", "X"],
            ["--kind: недопустимый вид 'federation'"],
        ),
        (
            ["novaya", "--parent", "terr", "--kind", "zavod", "--name", "  "],
            ["--kind: недопустимый вид 'zavod'", "--name: нужно полное название"],
        ),
    ],
)
def test_new_org_validates_its_arguments(tmp_path, args, messages):
    cfg = write_network(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    before_card = (tmp_path / "orgs/prim/org.yml").read_text(encoding="utf-8")
    result = run_cli("new-org", *args, "-f", str(cfg))
    assert result.exit_code == 1
    for message in messages:
        assert message in result.output
    assert "Организация не создана." in result.output
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "orgs/prim/org.yml").read_text(encoding="utf-8") == before_card


@pytest.mark.parametrize(
    ("args", "messages"),
    [
        (["nope", "Заголовок"], ["организации 'nope' нет в реестре"]),
        (["prim", "Заголовок", "--date", "2026-13-01"], ["--date: неверная дата '2026-13-01'"]),
        (["prim", "Заголовок", "--date", "21.11.2026"], ["--date: неверная дата"]),
        (
            ["prim", "Заголовок", "--category", "strike", "--category", "meetings"],
            ["--category: неизвестная категория 'strike'"],
        ),
        (["prim", "  "], ["нужен заголовок новости"]),
        (["prim", "!!!", "--date", "2026-01-01"], ["не получается имя файла"]),
    ],
)
def test_new_post_validates_its_arguments(tmp_path, args, messages):
    cfg = write_network(tmp_path)
    result = run_cli("new-post", *args, "-f", str(cfg))
    assert result.exit_code == 1
    for message in messages:
        assert message in result.output
    assert not (tmp_path / "orgs/prim/news").exists()


def test_new_post_refuses_to_overwrite(tmp_path):
    cfg = write_network(tmp_path)
    args = ["new-post", "prim", "Собрание", "-f", str(cfg), "--date", "2026-02-02"]
    assert run_cli(*args).exit_code == 0
    path = tmp_path / "orgs/prim/news/2026-02-02-sobranie.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nМой текст.\n", encoding="utf-8")
    again = run_cli(*args)
    assert again.exit_code == 1
    assert "orgs/prim/news/2026-02-02-sobranie.md уже существует" in again.output
    assert path.read_text(encoding="utf-8").endswith("Мой текст.\n")


def test_commands_need_a_network(tmp_path):
    result = run_cli("new-post", "prim", "Заголовок", "-f", str(tmp_path / "mkdocs.yml"))
    assert result.exit_code == 1
    assert "нет файла конфигурации сети" in result.output


def test_new_org_refuses_a_slug_taken_by_the_root_site_in_path_style(tmp_path):
    cfg = write_network(tmp_path)
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            "domain: net.example\n", "domain: net.example\n      url_style: path\n"
        ),
        encoding="utf-8",
    )
    result = run_cli("new-org", "news", "-f", str(cfg), "--parent", "fed", "--kind", "territorial", "--name", "X")
    assert result.exit_code == 1
    assert "при url_style: path адрес https://net.example/news/ занят сайтом корневой организации" in result.output
    assert not (tmp_path / "orgs/news").exists()
