"""Messages for people (issue 12.4): YAML mistakes told in Russian at the line where they are, with
what to do; unknown categories listed with their Russian labels; «может быть, …?» for misspelt
field names and category keys. One network holds every case; ``check`` runs once."""

from __future__ import annotations

import re

import pytest
from conftest import run_cli
from netfactory import write_network

# file -> text; front matter starts on line 2 of a post
CASES = {
    "orgs/prim/news/quote.md": '---\ntitle: "Собрание профкома\ndate: 2026-01-01\nsummary: Итоги\n---\n\nТекст.\n',
    "orgs/prim/news/colon.md": "---\ntitle: Повестка: зарплата\ndate: 2026-01-01\n---\n\nТекст.\n",
    "orgs/prim/news/nocolon.md": "---\ntitle Собрание\ndate: 2026-01-01\n---\n\nТекст.\n",
    "orgs/prim/news/tab.md": "---\ntitle: Собрание\nevent:\n\tstart: 2026-01-01\ndate: 2026-01-01\n---\n",
    "orgs/prim/news/bracket.md": "---\ntitle: Собрание\ndate: 2026-01-01\ntags: [зарплата, премия\n---\n",
    "orgs/prim/news/at.md": "---\ntitle: @профком\ndate: 2026-01-01\n---\n",
    "orgs/prim/news/misspelt.md": "---\ntitle: Собрание\ndate: 2026-01-01\ncategores: [meetings]\n---\n",
    "orgs/prim/news/nested.md": "---\ntitle: Собрание\ndate: 2026-01-01\nevent:\n  start: 2026-01-05\n  plase: Клуб\n---\n",
    "orgs/prim/news/category.md": (
        "---\ntitle: Собрание\ndate: 2026-01-01\ncategories:\n  - meetngs\n  - Колдоговорная кампания\n  - спорт\n---\n"
    ),
    "orgs/terr/org.yml": "name: Территориальная\nkind: territorial\nparent: fed\nshort_nme: Терр\n",
}


@pytest.fixture(scope="session")
def output(tmp_path_factory):
    cfg = write_network(tmp_path_factory.mktemp("messages") / "net")
    for rel, text in CASES.items():
        path = cfg.parent / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = run_cli("check", "-f", str(cfg))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def line_for(output: str, path: str, line: int) -> str:
    found = [ln for ln in output.splitlines() if ln.startswith(f"{path}:{line}: ")]
    assert found, f"nothing at {path}:{line}:\n{output}"
    return "\n".join(found)


def test_unclosed_quote_is_reported_where_the_quote_opens(output):
    message = line_for(output, "orgs/prim/news/quote.md", 2)
    assert "незакрытая кавычка в строке 2" in message
    assert 'title: "Собрание профкома' in message
    assert "заключите значение в кавычки целиком" in message
    assert not re.search(r"orgs/prim/news/quote\.md:[3-9]", output)  # not where PyYAML gave up


def test_colon_inside_a_value(output):
    assert "заключите его в кавычки целиком" in line_for(output, "orgs/prim/news/colon.md", 2)


def test_missing_colon_points_at_the_line_without_it(output):
    message = line_for(output, "orgs/prim/news/nocolon.md", 2)
    assert "нет двоеточия" in message and "title Собрание" in message


def test_tab_indent(output):
    assert "табуляц" in line_for(output, "orgs/prim/news/tab.md", 4)


def test_unclosed_bracket(output):
    message = line_for(output, "orgs/prim/news/bracket.md", 4)
    assert "не закрыт" in message and "«]»" in message


def test_value_starting_with_a_reserved_character(output):
    assert "«@»" in line_for(output, "orgs/prim/news/at.md", 2)


def test_no_english_from_pyyaml_in_these_messages(output):
    for line in output.splitlines():
        if any(
            line.startswith(f"orgs/prim/news/{n}.md") for n in ("quote", "colon", "nocolon", "tab", "bracket", "at")
        ):
            assert not re.search(r"\b(found|expected|while|scanning|mapping)\b", line), line


def test_misspelt_field_gets_a_suggestion(output):
    assert "«categores»; может быть, categories?" in line_for(output, "orgs/prim/news/misspelt.md", 4)
    assert "«event.plase»; может быть, place?" in line_for(output, "orgs/prim/news/nested.md", 6)
    assert "«short_nme»; может быть, short_name?" in line_for(output, "orgs/terr/org.yml", 4)


def test_unknown_category_lists_keys_with_russian_labels_and_suggests(output):
    lines = line_for(output, "orgs/prim/news/category.md", 5)
    assert "'meetngs'; может быть, meetings?" in lines
    assert "meetings — Собрания, actions — Акции, bargaining — Колдоговорная кампания" in lines
    label = line_for(output, "orgs/prim/news/category.md", 6)
    assert "'Колдоговорная кампания'; может быть, bargaining?" in label
    unknown = line_for(output, "orgs/prim/news/category.md", 7)
    assert "'спорт'" in unknown and "может быть" not in unknown and "bargaining — Колдоговорная кампания" in unknown
