"""YAML loading that remembers where each value came from.

PyYAML throws line numbers away after composing; validation messages need
them, so we keep a map from the key path (``("contacts", "email")``) to the
1-based line of that key. Duplicate keys, which PyYAML silently accepts, are
reported as errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

Path_ = tuple[Any, ...]


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


def load_yaml(text: str, *, line_offset: int = 0, tolerant: bool = False) -> YamlDoc:
    """Parse one YAML document; ``line_offset`` shifts lines (front matter starts below ``---``)."""
    loader_class = _TolerantLoader if tolerant else _Loader
    try:
        node = yaml.compose(text, Loader=loader_class)
        if node is None:
            return YamlDoc(None, first_line=1 + line_offset)
        loader = loader_class("")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problem = exc.problem or str(exc)
        raise YamlError(line, f"ошибка YAML: {problem}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        raise YamlError(None, f"ошибка YAML: {exc}") from None
    doc = YamlDoc(data, first_line=node.start_mark.line + 1 + line_offset)
    _walk(node, (), doc, line_offset)
    return doc
