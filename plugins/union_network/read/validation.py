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


def _loc(err: ErrorDetails) -> tuple:
    """The error's location without the names pydantic gives union members (``list[str]``, ``function-after[…]``)."""
    return tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))


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


#: The message of each pydantic error type: ``{name}`` is the field, the others come from the error
#: (``input``, ``msg``) and its context (``expected``, ``ge``, ``error``).
_MESSAGES = {
    "missing": "не хватает обязательного поля «{name}»",
    "literal_error": "«{name}»: недопустимое значение {input!r}, допустимы: {expected}",
    "value_error": "«{name}»: {error}",
    "greater_than_equal": "«{name}»: значение должно быть не меньше {ge}",
    **dict.fromkeys(("string_type", "string_too_short"), "«{name}»: нужна непустая строка"),
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), "«{name}»: нужно целое число"),
    **dict.fromkeys(("bool_type", "bool_parsing"), "«{name}»: нужно true или false"),
    "list_type": "«{name}»: нужен список",
    **dict.fromkeys(("model_type", "model_attributes_type", "dict_type"), "«{name}»: нужен набор полей (словарь)"),
}
_DATE = "«{name}»: неверная дата или время {input!r} (нужно 2026-03-14 или 2026-03-14T10:30:00+03:00)"
_OTHER = "«{name}»: {msg}"
_NOT_A_MAPPING = "документ должен быть набором полей «ключ: значение»"


def _unknown_field(name: str, loc: tuple, model: Any) -> str:
    """«неизвестное поле» with the likely meant one, or the fields allowed there."""
    holder = _model_at(model, loc[:-1]) if model is not None and loc else None
    known = list(holder.model_fields) if holder is not None else []
    hint = suggestion(str(loc[-1]), known) if known else ""
    allowed = f" (допустимы: {', '.join(known)})" if known and not hint else ""
    return f"неизвестное поле «{name}»{hint}{allowed}"


def _message(err: ErrorDetails, model: Any = None) -> str:
    kind = err["type"]
    loc = _loc(err)
    name = _field(loc) or "документ"
    if kind == "extra_forbidden":
        return _unknown_field(name, loc, model)
    template = _MESSAGES.get(kind) or (_DATE if kind.startswith(("datetime", "date")) else _OTHER)
    if template is _MESSAGES["model_type"] and not loc:
        return _NOT_A_MAPPING
    ctx = err.get("ctx") or {}
    return template.format(
        name=name,
        input=err.get("input"),
        msg=err["msg"],
        expected=ctx.get("expected", ""),
        ge=ctx.get("ge"),
        error=ctx.get("error", err["msg"]),
    )


def report_validation_error(
    exc: ValidationError, doc: YamlDoc, path: Path, problems: Problems, model: Any = None
) -> None:
    seen = set()
    for err in exc.errors(include_url=False):
        loc = _loc(err)
        # A union (e.g. ``datetime | date``) reports one error per branch; one message per field is enough.
        key = loc if err["type"].startswith(("date", "datetime")) else (loc, err["type"], err["msg"])
        if key in seen:
            continue
        seen.add(key)
        problems.error(path, doc.line_of(loc), _message(err, model))
