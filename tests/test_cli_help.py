"""The command line speaks Russian: --help of every command, click's headings and its usage errors."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from union_network.cli.commands import main

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
#: click's English texts that must not reach a user
ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "No such command", "Missing argument", "Error:")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_main_help_is_russian():
    result = run("--help")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Использование: main [ПАРАМЕТРЫ] КОМАНДА [АРГУМЕНТЫ]...")
    assert "Параметры:" in out and "Команды:" in out and "Показать эту справку и выйти." in out
    assert not [word for word in ENGLISH if word in out]
    assert set(main.commands) <= set(re.findall(r"^  ([a-z-]+) ", out, re.M))


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_and_option_is_described_in_russian(name):
    command = main.commands[name]
    assert CYRILLIC.search(command.help or ""), f"{name}: описание команды не на русском"
    for param in command.params:
        if isinstance(param, click.Option) and param.help:
            assert CYRILLIC.search(param.help), f"{name} {param.opts}: {param.help!r}"
    result = run(name, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Использование: main {name} [ПАРАМЕТРЫ]")
    assert "Параметры:" in result.output
    assert not [word for word in ENGLISH if word in result.output], result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["publish"], "Ошибка: Нет такой команды 'publish'."),
        (["chek"], "Может быть, 'check'?"),
        (["new-post"], "Ошибка: Не указан аргумент 'SLUG'."),
        (["build", "--jobs", "x"], "'x' — не число."),
        (["build", "--jobs", "0"], "вне диапазона"),
        (["codeowners", "--syntax", "svn"], "не одно из"),
        (["build", "--no-such-option"], "Нет такого параметра '--no-such-option'."),
        (["merge"], "Не указан аргумент"),
    ],
)
def test_usage_errors_are_russian(args, expected):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Справка: «main" in result.output and "Использование:" in result.output
    assert not [word for word in ENGLISH if word in result.output], result.output


def test_version_line():
    result = run("--version")
    assert result.exit_code == 0 and ", версия " in result.output
