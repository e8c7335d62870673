"""YAML loading that remembers where each value came from, and that content cannot hurt.

PyYAML throws line numbers away after composing; validation messages need
them, so we keep a map from the key path (``("contacts", "email")``) to the
1-based line of that key. Duplicate keys, which PyYAML silently accepts, are
reported as errors.

Content YAML (org.yml, front matter, moderation.yml) is written by org editors
and read as hostile (issue 9): before anything is constructed, one pass over
the parser's events refuses tags (``!!int abc``, ``!!timestamp``), anchors and
aliases (a 470-byte alias bomb expands to gigabytes), nesting deeper than
:data:`MAX_DEPTH` and numbers longer than :data:`MAX_NUMBER_CHARS`. Syntax
errors are told in Russian at the line where the mistake is, with what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

Path_ = tuple[Any, ...]

#: Deepest nesting of lists and mappings content YAML may have.
MAX_DEPTH = 20
#: Longest number (in characters): ``members: 1111…`` of thousands of digits is refused, not computed.
MAX_NUMBER_CHARS = 100


# libyaml's parser when PyYAML was built with it: several times faster on a network's thousands of cards.
if TYPE_CHECKING:  # the stubs know SafeLoader; CSafeLoader has the same interface
    _Base = yaml.SafeLoader
else:
    _Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe loader whose timestamps stay strings: dates are parsed by us, with the zone rules."""


# Keep dates as text so that "2026-03-01" and "2026-03-01T10:00" are interpreted
# by one function with the network's time zone, not by PyYAML's naive rules.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _TolerantLoader(_Loader):
    """For mkdocs.yml, whose ``!!python/name:`` and ``!ENV`` tags are meant for MkDocs."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@dataclass
class YamlDoc:
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)
    first_line: int = 1

    def line_of(self, loc: Path_) -> int:
        """Line of the deepest known prefix of ``loc`` (falls back to the document start)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.first_line


class YamlError(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _walk(node: yaml.Node, path: Path_, doc: YamlDoc, offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                doc.duplicates.append((str(key), line))
            seen.add(key)
            doc.lines[path + (key,)] = line
            _walk(value_node, path + (key,), doc, offset)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            doc.lines[path + (i,)] = item.start_mark.line + 1 + offset
            _walk(item, path + (i,), doc, offset)


_RESOLVER = yaml.resolver.Resolver()
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


def _snippet(text: str, line: int) -> str:
    """The ``line``-th (0-based) line of ``text``, shortened, for a message."""
    lines = text.split("\n")
    shown = lines[line].strip() if 0 <= line < len(lines) else ""
    return shown if len(shown) <= 60 else shown[:57] + "…"


def _no_colon(text: str, line: int) -> bool:
    shown = _snippet(text, line)
    return bool(shown) and ":" not in shown and not shown.startswith(("-", "#"))


def check_events(text: str, *, line_offset: int = 0, loader: type = _Base) -> None:
    """Refuse tags, anchors, aliases, deep nesting and huge numbers, before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        line = (event.start_mark.line if event.start_mark else 0) + 1 + line_offset
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                line,
                f"ссылка «*{anchor}» (алиас YAML) не допускается; напишите значение целиком "
                "(если значение начинается со звёздочки, заключите его в кавычки)",
            )
        if anchor:
            raise YamlError(
                line,
                f"якорь YAML «&{anchor}» не допускается; уберите его "
                "(если значение начинается с «&», заключите его в кавычки)",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
            tag = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
            raise YamlError(
                line,
                f"тег YAML «{tag}» не допускается; уберите его и напишите просто значение "
                "(если значение начинается с «!», заключите его в кавычки)",
            )
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(line, f"слишком глубокая вложенность (больше {MAX_DEPTH} уровней); упростите запись")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif (
            isinstance(event, yaml.ScalarEvent)
            and event.implicit[0]
            and len(event.value) > MAX_NUMBER_CHARS
            and _RESOLVER.resolve(yaml.ScalarNode, event.value, (True, False)) in (_INT, _FLOAT)
        ):
            raise YamlError(
                line,
                f"число из {len(event.value)} знаков слишком длинное (допустимо до {MAX_NUMBER_CHARS}); "
                "если это текст, заключите его в кавычки",
            )


@dataclass(frozen=True)
class _Syntax:
    """A PyYAML syntax error, as the rules of :data:`_EXPLAINED` read it."""

    problem: str  # lower case
    context: str
    problem_mark: Any  # yaml.Mark or None
    context_mark: Any
    text: str
    line_offset: int

    @property
    def where(self) -> int:
        """The 0-based line of the problem (of its context when PyYAML gives no problem mark)."""
        at = self.problem_mark or self.context_mark
        return at.line if at else 0

    @property
    def opened(self) -> int:
        """The line where what is not closed began (the context's line), else :attr:`where`."""
        return self.context_mark.line if self.context_mark else self.where

    def number(self, where: int) -> int:
        """The editor's (1-based) line number of 0-based ``where``."""
        return where + 1 + self.line_offset

    def at(self, where: int) -> str:
        """«в строке N: <the line>» for 0-based ``where``."""
        return f"в строке {self.number(where)}: {_snippet(self.text, where)}"

    def no_colon(self, where: int) -> tuple[int, str]:
        return (
            where,
            f"в строке {self.number(where)} нет двоеточия: {_snippet(self.text, where)}; пишите «поле: значение»",
        )


#: A rule: the error's (0-based line, message) when the rule knows the error, else None.
_Rule = Callable[[_Syntax], "tuple[int, str] | None"]


def _unclosed_quote(e: _Syntax) -> tuple[int, str] | None:
    if "quoted scalar" not in e.context or "end of stream" not in e.problem or e.context_mark is None:
        return None
    return e.opened, (
        f"незакрытая кавычка {e.at(e.opened)}; "
        "заключите значение в кавычки целиком (открывающая и закрывающая кавычка на одной строке), "
        "а кавычку внутри значения удвойте ('') или замените на «ёлочки»"
    )


def _unknown_escape(e: _Syntax) -> tuple[int, str] | None:
    if "unknown escape" not in e.problem:
        return None
    return e.where, (
        "неизвестная последовательность с обратной косой чертой «\\» в двойных кавычках; "
        "заключите значение в одинарные кавычки или удвойте черту (\\\\)"
    )


def _colon_missing_above(e: _Syntax) -> tuple[int, str] | None:
    """ "title x" then "date: …": one plain scalar over two lines, the colon is missing above."""
    if "mapping values are not allowed" not in e.problem or e.where <= 0 or not _no_colon(e.text, e.where - 1):
        return None
    return e.no_colon(e.where - 1)


def _colon_in_value(e: _Syntax) -> tuple[int, str] | None:
    if "mapping values are not allowed" not in e.problem:
        return None
    return e.where, (
        f"лишнее двоеточие или сдвиг {e.at(e.where)}; "
        "если значение содержит «: », заключите его в кавычки целиком, иначе проверьте отступ строки"
    )


def _colon_missing(e: _Syntax) -> tuple[int, str] | None:
    if "could not find expected ':'" not in e.problem:
        return None
    return e.no_colon(e.opened)


def _bad_first_character(e: _Syntax) -> tuple[int, str] | None:
    if "cannot start any token" not in e.problem:
        return None
    mark = e.problem_mark
    char = e.text[mark.index] if mark is not None and 0 <= mark.index < len(e.text) else ""
    if char == "\t":
        return e.where, "символ табуляции: отступы в YAML делаются пробелами; замените табуляцию пробелами"
    if char:
        return e.where, f"значение не может начинаться с символа «{char}»; заключите значение в кавычки целиком"
    return e.where, "недопустимый символ в начале значения; заключите значение в кавычки целиком"


def _alias_or_anchor(e: _Syntax) -> tuple[int, str] | None:
    if "alias" not in e.context and "anchor" not in e.context:
        return None
    return e.where, "значение не может начинаться с «*» или «&»; заключите значение в кавычки целиком"


#: Flow collections left open: (the parser's context, its problem, what is not closed, the closer).
_FLOW = (
    ("flow sequence", "',' or ']'", "список в квадратных скобках в строке {} не закрыт", "]"),
    ("flow mapping", "',' or '}'", "фигурная скобка в строке {} не закрыта", "}"),
)


def _unclosed_flow(e: _Syntax) -> tuple[int, str] | None:
    for context, problem, unclosed, closer in _FLOW:
        if context in e.context or problem in e.problem:
            return e.opened, (
                f"{unclosed.format(e.number(e.opened))}: {_snippet(e.text, e.opened)}; "
                f"добавьте «{closer}» или заключите значение в кавычки"
            )
    return None


def _bad_indent(e: _Syntax) -> tuple[int, str] | None:
    if not any(words in e.problem for words in ("expected '-' indicator", "expected key", "block end")):
        return None
    return e.where, (
        f"неверный отступ {e.at(e.where)}; поля одного уровня начинаются с одного столбца, элементы списка — с «- »"
    )


def _unhashable_key(e: _Syntax) -> tuple[int, str] | None:
    if "unhashable key" not in e.problem:
        return None
    return e.where, "имя поля должно быть простым словом, а не списком или набором полей"


#: The syntax errors told in Russian, first match wins; the others get a general message.
_EXPLAINED: tuple[_Rule, ...] = (
    _unclosed_quote,
    _unknown_escape,
    _colon_missing_above,
    _colon_in_value,
    _colon_missing,
    _bad_first_character,
    _alias_or_anchor,
    _unclosed_flow,
    _bad_indent,
    _unhashable_key,
)


def _reader_error(exc: yaml.reader.ReaderError, text: str, line_offset: int) -> YamlError:
    """A character YAML does not allow (a control character)."""
    line = text.count("\n", 0, exc.position) + 1 + line_offset if isinstance(exc.position, int) else None
    char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
    return YamlError(line, f"ошибка YAML: недопустимый (управляющий) символ {char}; удалите его")


def _general(e: _Syntax, pyyaml: str) -> str:
    return (
        f"разметка нарушена {e.at(e.where)}; "
        f"проверьте отступы (пробелы), двоеточия после имён полей и кавычки (PyYAML: {pyyaml})"
    )


def russian_syntax_error(exc: yaml.YAMLError, text: str, line_offset: int = 0) -> YamlError:
    """A PyYAML/libyaml error, told in Russian at the line where the editor has to look."""
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_error(exc, text, line_offset)
    if not isinstance(exc, yaml.MarkedYAMLError):
        return YamlError(None, f"ошибка YAML: {exc}")
    error = _Syntax(
        (exc.problem or "").lower(), (exc.context or "").lower(), exc.problem_mark, exc.context_mark, text, line_offset
    )
    explained = next((found for rule in _EXPLAINED if (found := rule(error))), None)
    where, message = explained or (error.where, _general(error, exc.problem or str(exc)))
    return YamlError(error.number(where), f"ошибка YAML: {message}")


def load_yaml(text: str, *, line_offset: int = 0, tolerant: bool = False) -> YamlDoc:
    """Parse one YAML document; ``line_offset`` shifts lines (front matter starts below ``---``).

    Unless ``tolerant`` (mkdocs.yml, the web team's file, whose tags are MkDocs'), tags, anchors,
    aliases, deep nesting and huge numbers are refused before anything is constructed.
    """
    loader_class = _TolerantLoader if tolerant else _Loader
    try:
        if not tolerant:
            check_events(text, line_offset=line_offset, loader=loader_class)
        node = yaml.compose(text, Loader=loader_class)
        if node is None:
            return YamlDoc(None, first_line=1 + line_offset)
        loader = loader_class("")
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise russian_syntax_error(exc, text, line_offset) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a scalar PyYAML cannot build
        raise YamlError(
            1 + line_offset, f"значение не удаётся прочитать ({type(exc).__name__}); проверьте файл"
        ) from None
    doc = YamlDoc(data, first_line=node.start_mark.line + 1 + line_offset)
    _walk(node, (), doc, line_offset)
    return doc
