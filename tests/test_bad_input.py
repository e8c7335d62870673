"""DESIGN §8 "Bad input": every problem is reported as ``path:line: message``, all in one run,
the command exits non-zero without a traceback, and nothing already published is lost.

Each test writes a tiny valid network (netfactory.write_network: fed -> terr -> prim), breaks
one file by hand so that line numbers are known exactly, and runs the CLI in-process.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import leftovers, rglob
from netfactory import write_network

from union_network.cli.commands import main

# ----------------------------------------------------------------------------- helpers


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def check(cfg: Path):
    return run("check", "-f", str(cfg))


def network(tmp_path: Path, **kwargs) -> Path:
    """A valid network: fed (root, content/) -> terr (orgs/terr) -> prim (orgs/prim)."""
    return write_network(tmp_path / "net", **kwargs)


def write(cfg: Path, rel: str, text: str) -> Path:
    """Write ``text`` to ``rel`` under the network root (the folder of mkdocs.yml)."""
    path = cfg.parent / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


PRIM_CARD = "name: Первичная организация\nkind: primary\nparent: terr\n"  # lines 1-3


def lines_of(result) -> list[str]:
    return result.output.splitlines()


def assert_failed_cleanly(result) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output, result.output
    # A crash inside the command shows up as an exception other than SystemExit.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def assert_reported(result, path: str, line, *words: str) -> str:
    """One output line starts with ``path:LINE: `` and holds every word; returns that line.

    ``line``: an int (exact), a tuple of acceptable ints, or None for "no line or any line"
    (problems that belong to a file or folder rather than to a line of it).
    """
    assert_failed_cleanly(result)
    if line is None:
        prefix = re.escape(path) + r"(:\d+)?: "
    elif isinstance(line, tuple):
        prefix = re.escape(path) + ":(" + "|".join(str(n) for n in line) + "): "
    else:
        prefix = re.escape(path) + f":{line}: "
    pattern = re.compile("^" + prefix)
    candidates = [ln for ln in lines_of(result) if pattern.match(ln)]
    assert candidates, f"no line starting with {prefix!r} in output:\n{result.output}"
    matching = [ln for ln in candidates if all(w.lower() in ln.lower() for w in words)]
    assert matching, f"no {prefix!r} line with {words!r}; candidates: {candidates}\nfull output:\n{result.output}"
    return matching[0]


# ----------------------------------------------------------------------------- registry cards


def test_unknown_field_in_org_yml(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", PRIM_CARD + "colour: red\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 4, "colour", "неизвестное поле")


def test_unknown_nested_field_in_contacts(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", PRIM_CARD + "contacts:\n  phone: '+7 800 000-00-00'\n  fax: '123'\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 6, "fax", "неизвестное поле")


def test_parent_that_does_not_exist(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", "name: Первичная организация\nkind: primary\nparent: nowhere\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 3, "nowhere", "не найдена")


def test_cycle_of_two_orgs_reports_both(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/aaa/org.yml", "name: Организация A\nkind: territorial\nparent: bbb\n")
    write(cfg, "orgs/bbb/org.yml", "name: Организация B\nkind: territorial\nparent: aaa\n")
    result = check(cfg)
    line_a = assert_reported(result, "orgs/aaa/org.yml", 3, "цикл")
    line_b = assert_reported(result, "orgs/bbb/org.yml", 3, "цикл")
    for line in (line_a, line_b):
        assert "aaa" in line and "bbb" in line


def test_org_that_is_its_own_parent(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", "name: Первичная организация\nkind: primary\nparent: prim\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 3, "цикл", "prim")


def test_cycle_above_an_org_is_reported_for_the_cycle_members(tmp_path):
    """An org hanging below a cycle is not connected to the root; the cycle itself is still named."""
    cfg = network(tmp_path)
    write(cfg, "orgs/aaa/org.yml", "name: Организация A\nkind: territorial\nparent: bbb\n")
    write(cfg, "orgs/bbb/org.yml", "name: Организация B\nkind: territorial\nparent: aaa\n")
    write(cfg, "orgs/ccc/org.yml", "name: Организация C\nkind: primary\nparent: aaa\n")
    result = check(cfg)
    assert_reported(result, "orgs/aaa/org.yml", 3, "цикл")
    assert_reported(result, "orgs/bbb/org.yml", 3, "цикл")
    assert_reported(result, "orgs/ccc/org.yml", 3, "не связана")


def test_duplicate_slug_root_slug_equals_member_folder(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/fed/org.yml", "name: Двойник\nkind: territorial\nparent: fed\n")
    result = check(cfg)
    line = assert_reported(result, "orgs/fed/org.yml", None, "fed", "занят")
    assert "content/org.yml" in line  # names the card that already holds the slug


@pytest.mark.parametrize(
    ("folder", "word"),
    [("Bad_Slug", "недопустимый slug"), ("www", "зарезервирован"), ("x", "недопустимый slug")],
)
def test_bad_slug_folder(tmp_path, folder, word):
    cfg = network(tmp_path)
    write(cfg, f"orgs/{folder}/org.yml", "name: Организация\nkind: primary\nparent: terr\n")
    line = assert_reported(check(cfg), f"orgs/{folder}/org.yml", None, word)
    assert folder in line


def test_bad_root_slug(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "content/org.yml", "slug: Fed_1\nname: Федерация\nkind: federation\n")
    assert_reported(check(cfg), "content/org.yml", 1, "slug", "Fed_1")


def test_missing_org_yml_in_org_folder(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/lost/index.md", "# Потерянная организация\n")
    result = check(cfg)
    assert_failed_cleanly(result)
    pattern = re.compile(r"^orgs/lost(/org\.yml)?(:\d+)?: .*org\.yml")
    assert any(pattern.match(ln) for ln in lines_of(result)), result.output


def test_missing_name_in_org_yml(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", "kind: primary\nparent: terr\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", (1,), "name", "обязательного")


def test_member_without_parent(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", "name: Первичная организация\nkind: primary\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", (1,), "parent")


@pytest.mark.parametrize(
    ("tail", "line", "words"),
    [
        ("contacts:\n  email: not-an-email\n", 5, ("contacts.email", "not-an-email")),
        ("contacts:\n  email: a@b\n", 5, ("contacts.email", "a@b")),
        (
            "info_officer:\n  name: Иван Петров\n  email: ivan.example.org\n",
            6,
            ("info_officer.email", "ivan.example.org"),
        ),
        (
            "contacts:\n  feedback_url: ftp://union.example/form\n",
            5,
            ("contacts.feedback_url", "ftp://union.example/form"),
        ),
        ("social:\n  vk: vk.com/union\n", 5, ("social.vk", "vk.com/union")),
        ("social:\n  telegram: https://\n", 5, ("social.telegram", "https://")),
        ("social:\n  youtube: javascript:alert(1)\n", 5, ("social.youtube", "javascript:alert(1)")),
    ],
    ids=["email", "email-no-dot", "officer-email", "feedback-ftp", "vk-no-scheme", "telegram-empty-host", "youtube-js"],
)
def test_bad_email_and_url(tmp_path, tail, line, words):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", PRIM_CARD + tail)
    assert_reported(check(cfg), "orgs/prim/org.yml", line, *words)


@pytest.mark.parametrize(
    ("value", "word"),
    [("-5", "не меньше 0"), ("many", "целое"), ("12.5", "целое"), ("true", "целое")],
    ids=["negative", "word", "float", "bool"],
)
def test_members_bad(tmp_path, value, word):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", PRIM_CARD + f"members: {value}\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 4, "members", word)


def test_kind_invalid(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", "name: Первичная организация\nkind: union\nparent: terr\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 2, "kind", "union")


def test_kind_federation_on_a_member(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", "name: Первичная организация\nkind: federation\nparent: terr\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 2, "federation")


def test_news_reach_invalid(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", PRIM_CARD + "news_reach: everyone\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 4, "news_reach", "everyone")


def test_moderation_mode_invalid(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/terr/org.yml", "name: Территориальная\nkind: territorial\nparent: fed\nmoderation: manual\n")
    assert_reported(check(cfg), "orgs/terr/org.yml", 4, "moderation", "manual")


def test_duplicate_key_in_org_yml(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", PRIM_CARD + "name: Другое имя\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 4, "name", "дважды")


def test_duplicate_nested_key_in_org_yml(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", PRIM_CARD + "contacts:\n  phone: '1'\n  phone: '2'\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 6, "phone", "дважды")


def test_broken_yaml_in_org_yml(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", "name: Первичная организация\nkind: primary\n  parent: terr\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 3, "YAML")


def test_org_yml_that_is_a_list(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", "- name: Первичная организация\n- kind: primary\n")
    assert_reported(check(cfg), "orgs/prim/org.yml", 1, "ключ: значение")


# ----------------------------------------------------------------------------- front matter


def post(cfg: Path, front: str, body: str = "Текст новости.\n", rel: str = "orgs/prim/news/x.md") -> None:
    """A post whose front matter starts on line 2 (line 1 is ``---``)."""
    write(cfg, rel, f"---\n{front}---\n\n{body}")


def test_unknown_field_in_front_matter(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Новость\ndate: 2026-01-01\nauthor: Иван\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 4, "author", "неизвестное поле")


def test_unknown_field_in_root_news(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Новость\ndate: 2026-01-01\nsticky: true\n", rel="content/news/y.md")
    assert_reported(check(cfg), "content/news/y.md", 4, "sticky")


def test_unknown_category_points_at_the_list_entry(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Новость\ndate: 2026-01-01\ncategories:\n  - meetings\n  - sports\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 6, "sports", "неизвестная категория")


def test_unknown_category_given_as_a_single_string(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Новость\ndate: 2026-01-01\ncategories: sports\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 4, "sports", "неизвестная категория")


@pytest.mark.parametrize("value", ["2026-13-45", "yesterday", "2026-02-30", "01.03.2026", "2026-03-01T25:00:00"])
def test_bad_date(tmp_path, value):
    cfg = network(tmp_path)
    post(cfg, f"title: Новость\ndate: {value}\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 3, "date", value)


def test_bad_event_start(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Анонс\ndate: 2026-01-01\nevent:\n  start: завтра\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 5, "event.start")


def test_missing_title(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "date: 2026-01-01\nsummary: Кратко\n")
    # No line holds the missing field: the start of the front matter (the "---" or the line after it).
    assert_reported(check(cfg), "orgs/prim/news/x.md", (1, 2), "title", "обязательного")


def test_missing_date(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Новость\nsummary: Кратко\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", (1, 2), "date", "обязательного")


def test_empty_title(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: ''\ndate: 2026-01-01\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 2, "title")


def test_no_front_matter_at_all(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/news/x.md", "# Новость без front matter\n\nТекст.\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", (1,), "title")


def test_empty_front_matter(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/news/x.md", "---\n---\n\nТекст.\n")
    result = check(cfg)
    assert_reported(result, "orgs/prim/news/x.md", (1, 2), "title")
    assert_reported(result, "orgs/prim/news/x.md", (1, 2), "date")


def test_broken_yaml_in_front_matter(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Новость\n  date: 2026-01-01\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 3, "YAML")


def test_broken_yaml_in_front_matter_unclosed_quote(tmp_path):
    cfg = network(tmp_path)
    post(cfg, 'title: "Новость\ndate: 2026-01-01\n')
    # PyYAML reports an unclosed quote where the scalar starts or where the stream ends;
    # either way it is a line of the front matter (2-4), never the body or line 0.
    assert_reported(check(cfg), "orgs/prim/news/x.md", (2, 3, 4), "YAML")


def test_duplicate_key_in_front_matter(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Новость\ndate: 2026-01-01\ntitle: Другая\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 4, "title", "дважды")


def test_front_matter_that_is_a_list(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "- title: Новость\n- date: 2026-01-01\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", (1, 2), "ключ: значение")


def test_front_matter_that_is_a_scalar(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "Просто строка\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", (1, 2), "ключ: значение")


def test_broadcast_on_a_primary(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Всем\ndate: 2026-01-01\nbroadcast: true\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 4, "broadcast")


@pytest.mark.parametrize(
    ("field", "value", "word"),
    [
        ("reach", "everyone", "everyone"),
        ("support", "maybe", "support"),
        ("draft", "'yes please'", "draft"),
        ("tags", "{a: 1}", "tags"),
    ],
)
def test_bad_front_matter_values(tmp_path, field, value, word):
    cfg = network(tmp_path)
    post(cfg, f"title: Новость\ndate: 2026-01-01\n{field}: {value}\n")
    assert_reported(check(cfg), "orgs/prim/news/x.md", 4, field, word)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-02-01T10:00:00+03:00", "2026-02-01T09:00:00+03:00"),
        ("2026-02-01T10:00:00", "2026-02-01T09:00:00"),
        # end naive = 09:00 in the network zone (Europe/Moscow), i.e. an hour before the start.
        ("2026-02-01T10:00:00+03:00", "2026-02-01T09:00:00"),
    ],
    ids=["both-zoned", "both-local", "mixed-local-end"],
)
def test_event_end_before_start(tmp_path, start, end):
    cfg = network(tmp_path)
    post(cfg, f"title: Анонс\ndate: 2026-01-01\nevent:\n  start: {start}\n  end: {end}\n  place: Дом профсоюзов\n")
    # Reported on the line of ``end``, the value that is wrong.
    assert_reported(check(cfg), "orgs/prim/news/x.md", 6, "event", "раньше")


def test_event_in_order_across_zones_is_accepted(tmp_path):
    """start 10:00 Moscow (07:00 UTC), end 09:00 UTC (12:00 Moscow): a valid event, no error."""
    cfg = network(tmp_path)
    post(
        cfg, "title: Анонс\ndate: 2026-01-01\nevent:\n  start: 2026-02-01T10:00:00\n  end: 2026-02-01T09:00:00+00:00\n"
    )
    result = check(cfg)
    assert result.exit_code == 0, result.output


def test_reserved_post_name(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Новость\ndate: 2026-01-01\n", rel="orgs/prim/news/index.md")
    assert_reported(check(cfg), "orgs/prim/news/index.md", None, "index.md")


# ----------------------------------------------------------------------------- moderation.yml


def test_broken_yaml_in_moderation(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/terr/moderation.yml", "hide: prim/a\n  promote: prim/b\n")
    assert_reported(check(cfg), "orgs/terr/moderation.yml", 2, "YAML")


def test_unknown_field_in_moderation(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/terr/moderation.yml", "hide: []\nban:\n  - prim/a\n")
    assert_reported(check(cfg), "orgs/terr/moderation.yml", 2, "ban", "неизвестное поле")


def test_moderation_ids_of_missing_posts_are_only_warnings(tmp_path):
    """A primary deleting a post must not break its parent's build (read/moderation.py)."""
    cfg = network(tmp_path)
    write(cfg, "orgs/terr/moderation.yml", "hide:\n  - prim/gone\n")
    result = check(cfg)
    assert result.exit_code == 0, result.output
    assert any(ln.startswith("orgs/terr/moderation.yml:2: ") and "prim/gone" in ln for ln in lines_of(result)), (
        result.output
    )


# ----------------------------------------------------------------------------- all in one run


def test_six_errors_in_six_files_are_all_reported_in_one_run(tmp_path):
    cfg = network(
        tmp_path,
        tree={
            "fed": (None, "federation"),
            "terr": ("fed", "territorial"),
            "prim": ("terr", "primary"),
            "prim2": ("terr", "primary"),
        },
    )
    write(cfg, "content/news/c.md", "---\ndate: 2026-01-01\n---\n\nБез заголовка.\n")
    write(cfg, "orgs/terr/news/a.md", "---\ntitle: А\ndate: 2026-01-01\ncategories:\n  - sports\n---\n\nТекст.\n")
    write(cfg, "orgs/prim/news/b.md", "---\ntitle: Б\ndate: yesterday\n---\n\nТекст.\n")
    write(cfg, "orgs/terr/moderation.yml", "hide: prim/a\n  promote: prim/b\n")
    write(cfg, "orgs/sect/org.yml", "name: Отраслевая\nkind: sectoral\nparent: nowhere\n")
    write(cfg, "orgs/prim2/org.yml", "name: Вторая первичка\nkind: primary\nparent: terr\ncolour: red\n")
    result = check(cfg)
    assert_reported(result, "content/news/c.md", (1, 2), "title")
    assert_reported(result, "orgs/terr/news/a.md", 5, "sports")
    assert_reported(result, "orgs/prim/news/b.md", 3, "yesterday")
    assert_reported(result, "orgs/terr/moderation.yml", 2, "YAML")
    assert_reported(result, "orgs/sect/org.yml", 3, "nowhere")
    assert_reported(result, "orgs/prim2/org.yml", 4, "colour")
    # The summary counts them all.
    assert re.search(r"ошибок\D{0,5}6\b", result.output), result.output


def test_news_errors_are_reported_even_when_the_org_card_is_broken(tmp_path):
    """§8: every problem in one run. A broken org.yml must not hide the problems of that org's posts,
    or the editor fixes the card, runs again and only then learns about the posts."""
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", PRIM_CARD + "colour: red\n")
    post(cfg, "title: Новость\ndate: yesterday\n")
    result = check(cfg)
    assert_reported(result, "orgs/prim/org.yml", 4, "colour")
    assert_reported(result, "orgs/prim/news/x.md", 3, "yesterday")


def test_problems_are_listed_once_each(tmp_path):
    cfg = network(tmp_path)
    post(cfg, "title: Новость\ndate: 2026-13-45\n")
    result = check(cfg)
    hits = [ln for ln in lines_of(result) if ln.startswith("orgs/prim/news/x.md:3: ")]
    assert len(hits) == 1, hits


# ----------------------------------------------------------------------------- nothing is lost / written


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(rglob(folder, "*")) if p.is_file()}


def test_check_on_a_valid_network_exits_zero_and_writes_nothing(tmp_path):
    cfg = network(tmp_path, posts=[{"org": "prim", "stem": "a", "categories": ["meetings"]}])
    root = cfg.parent
    before = snapshot(root)
    dirs_before = sorted(p.relative_to(root).as_posix() for p in rglob(root, "*") if p.is_dir())
    result = check(cfg)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert not (root / "site").exists()
    assert snapshot(root) == before
    assert sorted(p.relative_to(root).as_posix() for p in rglob(root, "*") if p.is_dir()) == dirs_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net"]


def test_build_with_bad_input_leaves_the_published_site_unchanged(tmp_path):
    cfg = network(tmp_path, posts=[{"org": "prim", "stem": "a", "reach": "federation", "categories": ["meetings"]}])
    root = cfg.parent
    first = run("build", "-q", "-f", str(cfg))
    assert first.exit_code == 0, first.output
    site = root / "site"
    assert (site / "prim" / "news" / "a" / "index.html").is_file()
    before = snapshot(site)
    assert before

    # Break one file: a bad date in a published post.
    post(cfg, "title: Новость\ndate: 2026-13-45\n", rel="orgs/prim/news/a.md")
    result = run("build", "-q", "-f", str(cfg))
    assert_reported(result, "orgs/prim/news/a.md", 3, "2026-13-45")

    assert snapshot(site) == before
    # No staging or backup folder left behind beside the output.
    # (only the generation the output links to: DESIGN §7, atomic publishing)
    assert leftovers(site) == []


def test_build_into_out_dir_with_bad_input_writes_nothing(tmp_path):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", PRIM_CARD + "colour: red\n")
    out = tmp_path / "out"
    result = run("build", "-q", "-f", str(cfg), "--out", str(out))
    assert_reported(result, "orgs/prim/org.yml", 4, "colour")
    assert not out.exists()
    assert not (cfg.parent / "site").exists()


def test_missing_config_file(tmp_path):
    result = check(tmp_path / "nothing" / "mkdocs.yml")
    assert_failed_cleanly(result)
    assert "mkdocs.yml" in result.output
