"""Read a YAML file into a model, reporting problems with line numbers."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from union_network.core.problems import Problems
from union_network.read.validation import report_validation_error
from union_network.read.yamlsrc import YamlDoc, YamlError, load_yaml

M = TypeVar("M", bound=BaseModel)


#: Largest text file (page, post, card) read, in bytes.
MAX_TEXT_BYTES = 1024 * 1024


def decode_text(data: bytes, path: Path, problems: Problems) -> str | None:
    """UTF-8 text (a UTF-8 BOM is accepted and dropped); anything else is reported at its first bad line."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        guess = " (похоже, в UTF-16)"
    else:
        try:
            text = data.decode("cp1251")
            letters = sum(1 for ch in text if "а" <= ch.lower() <= "я" or ch.lower() == "ё")
            guess = " (похоже, в Windows-1251)" if letters * 4 >= sum(1 for ch in text if ch.isalpha()) > 0 else ""
        except UnicodeDecodeError:
            guess = ""
    problems.error(
        path,
        line,
        f"файл не в кодировке UTF-8{guess}; сохраните его в UTF-8 "
        "(в Блокноте: «Сохранить как» → «Кодировка: UTF-8»; в веб-редакторе это делается само)",
    )
    return None


def read_text(path: Path, problems: Problems, *, limit: int = MAX_TEXT_BYTES) -> str | None:
    """A regular file's text: links, devices and pipes are not opened; larger than ``limit`` is refused."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP or Path(path).is_symlink():
            problems.error(path, None, "это ссылка (symlink), а не файл; положите вместо ссылки сам файл")
        else:
            problems.error(path, None, f"не удаётся прочитать файл: {exc.strerror}")
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            problems.error(path, None, "это не обычный файл (устройство, канал или сокет); удалите его")
            return None
        if st.st_size > limit:
            problems.error(
                path,
                None,
                f"файл {-(-st.st_size // 1024)} КБ больше допустимых {limit // 1024} КБ; "
                "разделите текст на несколько файлов",
            )
            return None
        try:
            data = f.read(limit + 1)
        except OSError as exc:
            problems.error(path, None, f"не удаётся прочитать файл: {exc.strerror}")
            return None
    return decode_text(data, path, problems)


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
        report_validation_error(exc, doc, path, problems, model)
        return None


def read_model(model: type[M], path: Path, problems: Problems) -> tuple[M, YamlDoc] | None:
    text = read_text(path, problems)
    if text is None:
        return None
    return parse_model(model, text, path, problems)
