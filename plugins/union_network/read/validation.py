"""Pydantic validation errors -> editor-friendly ``path:line: message`` problems."""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from union_network.core.problems import Problems
from union_network.read.yamlsrc import YamlDoc


def _field(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and p.startswith("function-")))


def _model_at(model: Any, loc: tuple) -> Any:
    """The pydantic model that holds the field at ``loc`` (through optional and list annotations)."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        candidates = [field.annotation]
        model = None
        while candidates:
            ann = candidates.pop()
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                model = ann
                break
            candidates.extend(typing.get_args(ann))
        if model is None:
            return None
    return model


def suggestion(word: str, known: list[str]) -> str:
    """«; может быть, categories?» for a misspelt name (difflib), or nothing."""
    close = difflib.get_close_matches(word.lower(), known, n=1, cutoff=0.6)
    return f"; может быть, {close[0]}?" if close else ""


def _message(err: ErrorDetails, model: Any = None) -> str:
    kind = err["type"]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
    name = _field(loc) or "документ"
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        holder = _model_at(model, loc[:-1]) if model is not None and loc else None
        known = list(holder.model_fields) if holder is not None else []
        hint = suggestion(str(loc[-1]), known) if known else ""
        allowed = f" (допустимы: {', '.join(known)})" if known and not hint else ""
        return f"неизвестное поле «{name}»{hint}{allowed}"
    if kind == "missing":
        return f"не хватает обязательного поля «{name}»"
    if kind == "literal_error":
        return f"«{name}»: недопустимое значение {err.get('input')!r}, допустимы: {ctx.get('expected', '')}"
    if kind == "value_error":
        return f"«{name}»: {ctx.get('error', err['msg'])!s}"
    if kind in {"string_type", "string_too_short"}:
        return f"«{name}»: нужна непустая строка"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"«{name}»: нужно целое число"
    if kind == "greater_than_equal":
        return f"«{name}»: значение должно быть не меньше {ctx.get('ge')}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"«{name}»: нужно true или false"
    if kind in {"list_type"}:
        return f"«{name}»: нужен список"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return (
            f"«{name}»: нужен набор полей (словарь)" if loc else "документ должен быть набором полей «ключ: значение»"
        )
    if kind.startswith(("datetime", "date")):
        return (
            f"«{name}»: неверная дата или время {err.get('input')!r} (нужно 2026-03-14 или 2026-03-14T10:30:00+03:00)"
        )
    return f"«{name}»: {err['msg']}"


def report_validation_error(
    exc: ValidationError, doc: YamlDoc, path: Path, problems: Problems, model: Any = None
) -> None:
    seen = set()
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        # A union (e.g. ``datetime | date``) reports one error per branch; one message per field is enough.
        key = loc if err["type"].startswith(("date", "datetime")) else (loc, err["type"], err["msg"])
        if key in seen:
            continue
        seen.add(key)
        problems.error(path, doc.line_of(loc), _message(err, model))
