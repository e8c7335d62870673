"""CSV files that open intact in Russian Excel and in LibreOffice Calc.

* **UTF-8 with a BOM**: Excel reads a CSV without a BOM in the system ANSI code
  page (cp1251 in Russia) and garbles Cyrillic; with the BOM it reads UTF-8.
  LibreOffice detects the BOM too.
* **``;`` as the separator**: Excel splits a double-clicked CSV on the list
  separator of the system locale, which is ``;`` in the Russian locale (the comma
  is the decimal separator there). LibreOffice offers ``;`` in its import dialog.
  No ``sep=;`` line: Excel then ignores the BOM.
* **CRLF** line ends and quoting as RFC 4180 (Python's ``csv`` module, ``excel`` dialect), **every
  field quoted**: LibreOffice Calc's default import splits on ``,`` as well as ``;``, so an unquoted
  address «г. Северогорск, ул. …» would shift the columns after it.
* **No formulas**: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe (OWASP's guard against CSV/formula
  injection): the text comes from many organisations and must never run as a
  formula on the machine of whoever opens the file. Excel hides the apostrophe;
  phone numbers such as ``+7 (800) …`` are therefore written as ``'+7 (800) …``.
  The JSON downloads keep every value exactly as written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

BOM = "\ufeff"
DELIMITER = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """One cell's text: ``None`` is empty, booleans are «да»/«нет», formula-like text is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, (int, float)):
        return str(value)  # numbers (also negative ones) stay numbers
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The whole file: BOM, ``;``-separated, every field quoted, CRLF, every cell through :func:`cell`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")
