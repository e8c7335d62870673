"""click in Russian: the usage and section headings, its built-in help lines and its error messages.

click marks its own texts for gettext (``from gettext import gettext as _`` in each of its
modules) and ships no catalogues; a catalogue would only apply under a Russian locale, while
every message of this tool is Russian whatever the machine's ``LANG``. :func:`install` therefore
points the ``_``/``ngettext`` names of click's modules at :data:`MESSAGES`, falling back to
the English original for anything not translated. It is called when ``union_network.cli`` is
imported; the texts of our own commands and options are Russian in ``commands.py``.
"""

from __future__ import annotations

import gettext
import importlib

import click

MESSAGES: dict[str, str] = {
    "Usage:": "Использование:",
    "Options": "Параметры",
    "Commands": "Команды",
    "Positional arguments": "Аргументы",
    "Show this message and exit.": "Показать эту справку и выйти.",
    "Show the version and exit.": "Показать версию и выйти.",
    "%(prog)s, version %(version)s": "%(prog)s, версия %(version)s",
    "Error: {message}": "Ошибка: {message}",
    "Try '{command} {option}' for help.": "Справка: «{command} {option}».",
    "No such command {name!r}.": "Нет такой команды {name!r}.",
    "No such option {name!r}.": "Нет такого параметра {name!r}.",
    "Missing command.": "Не указана команда.",
    "Missing argument": "Не указан аргумент",
    "Missing option": "Не указан параметр",
    "Missing parameter": "Не указан параметр",
    "Missing parameter: {param_name}": "Не указан параметр: {param_name}",
    "Missing {param_type}": "Не указан {param_type}",
    "Invalid value: {message}": "Недопустимое значение: {message}",
    "Invalid value for {param_hint}: {message}": "Недопустимое значение {param_hint}: {message}",
    "Option {name!r} does not take a value.": "Параметр {name!r} не принимает значения.",
    "Argument {name!r} takes {nargs} values.": "Аргумент {name!r} принимает значений: {nargs}.",
    "Aborted!": "Прервано.",
    "default: {default}": "по умолчанию: {default}",
    "env var: {var}": "переменная окружения: {var}",
    "required": "обязательно",
    "deprecated": "устарело",
    "file": "файл",
    "directory": "папка",
    "path": "путь",
    "{name} {filename!r} does not exist.": "{name} {filename!r} не существует.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} — папка, а нужен файл.",
    "{name} {filename!r} is a file.": "{name} {filename!r} — файл, а нужна папка.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} недоступен для чтения.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} недоступен для записи.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} не исполняемый.",
    "Could not open file {filename!r}: {message}": "Не удаётся открыть файл {filename!r}: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} — не число.",
    "{value} is not in the range {range}.": "{value} вне диапазона {range}.",
    "Choose from:\n\t{choices}": "Выберите одно из:\n\t{choices}",
    "Value must be an iterable.": "Нужен список значений.",
    "integer": "целое число",
    "float": "число",
    "boolean": "логическое значение",
    "text": "текст",
    "choice": "вариант",
}

PLURALS: dict[str, tuple[str, str]] = {
    "Got unexpected extra argument ({args})": ("Лишний аргумент ({args})", "Лишние аргументы ({args})"),
    "Did you mean {possibility}?": ("Может быть, {possibility}?", "(Может быть, одна из: {possibilities}?)"),
    "Option {name!r} requires an argument.": (
        "Параметру {name!r} нужно значение.",
        "Параметру {name!r} нужно значений: {nargs}.",
    ),
    "{value!r} is not {choice}.": ("{value!r} — не {choice}.", "{value!r} — не одно из {choices}."),
    "{value!r} does not match the format {format}.": (
        "{value!r} не в формате {format}.",
        "{value!r} не в одном из форматов {formats}.",
    ),
    "Takes {nargs} values but 1 was given.": (
        "Нужно значений: {nargs}, а дано одно.",
        "Нужно значений: {nargs}, а дано: {len}.",
    ),
}

#: Metavars click writes in usage lines (not marked for translation in click)
OPTIONS_METAVAR = "[ПАРАМЕТРЫ]"
SUBCOMMAND_METAVAR = "КОМАНДА [АРГУМЕНТЫ]..."

CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")


def translate(message: str) -> str:
    return MESSAGES.get(message) or gettext.gettext(message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    if singular in PLURALS:
        one, many = PLURALS[singular]
        return one if n == 1 else many
    return gettext.ngettext(singular, plural, n)


class RussianCommand(click.Command):
    """A command whose usage line reads ``[ПАРАМЕТРЫ]``."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


def install() -> None:
    """Make click speak Russian (idempotent)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural  # type: ignore[attr-defined]
