"""Russian typographic rules for what the sites show: one place, used by templates through filters.

- numbers: digit groups separated by a non-breaking space (Babel's Russian format): «35 700»;
- «№» is never separated from its number: a non-breaking space after it;
- a dash between words is an em dash with spaces («Новости — Профсевер»), not a hyphen.
"""

from __future__ import annotations

import re

from babel.numbers import format_decimal

NBSP = "\u00a0"

_NUMERO = re.compile(r"№\s*(?=\S)")
_SPACED_HYPHEN = re.compile(r"(?<=\S) [-–] (?=\S)")


def number(value: int | float | None) -> str:
    """``35700`` → ``35 700`` (NBSP groups); ``None`` → ``""``."""
    if value is None:
        return ""
    return format_decimal(value, locale="ru")


def typograph(text: str) -> str:
    """Plain text with «№» bound to its number and spaced hyphens made em dashes."""
    return _SPACED_HYPHEN.sub(" — ", _NUMERO.sub("№" + NBSP, text))


_NUMERO_IN_HTML = re.compile(r"№[ \t]+(?=\d)")


def bind_numero(html: str) -> str:
    """A whole page: «№ 25» → «№\u00a025» wherever it stands (titles, cards, Markdown, attributes, JSON-LD:
    the character itself, not an entity, so it is right in all of them)."""
    return _NUMERO_IN_HTML.sub("№" + NBSP, html)


#: Jinja filters: ``{{ org.members | un_number }}``, ``{{ title | un_typo }}``
FILTERS = {"un_number": number, "un_typo": typograph}
