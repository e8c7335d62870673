"""Read a YAML file into a model, reporting problems with line numbers."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from union_network.core.problems import Problems
from union_network.read.validation import report_validation_error
from union_network.read.yamlsrc import YamlDoc, YamlError, load_yaml

M = TypeVar("M", bound=BaseModel)


def read_text(path: Path, problems: Problems) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.error(path, None, "файл не в кодировке UTF-8")
    except OSError as exc:
        problems.error(path, None, f"не удаётся прочитать файл: {exc.strerror}")
    return None


def parse_model(
    model: type[M], text: str, path: Path, problems: Problems, *, line_offset: int = 0
) -> tuple[M, YamlDoc] | None:
    """Parse YAML ``text`` and validate it as ``model``: the model and its document (for line
    numbers), or None when invalid (the problems are reported)."""
    try:
        doc = load_yaml(text, line_offset=line_offset)
    except YamlError as exc:
        problems.error(path, exc.line, exc.message)
        return None
    for key, line in doc.duplicates:
        problems.error(path, line, f"поле «{key}» указано дважды")
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        problems.error(path, doc.first_line, "ожидается набор полей «ключ: значение»")
        return None
    try:
        return model.model_validate(data), doc
    except ValidationError as exc:
        report_validation_error(exc, doc, path, problems)
        return None


def read_model(model: type[M], path: Path, problems: Problems) -> tuple[M, YamlDoc] | None:
    text = read_text(path, problems)
    if text is None:
        return None
    return parse_model(model, text, path, problems)
