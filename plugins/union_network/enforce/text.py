"""Text from one organisation that is shown on another's pages or in feeds.

Titles and summaries are reduced to plain text here (tags stripped with nh3,
script and style content dropped), so that templates and feed writers only
ever escape plain text: nothing written by one org can run on another's site
(DESIGN §5.8).
"""

from __future__ import annotations

import html
import re

import markdown
import nh3

_SPACE = re.compile(r"\s+")
# Characters XML 1.0 forbids (feeds would refuse them); a title is never the worse without them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_NOT_PROSE = ("#", "!", "<", "```", "~~~", "|", "---", "***", "___", ":::", "[TOC]", "{", "*[")


def plain_text(value: str) -> str:
    """Markup-free text: tags removed (script/style with their content), entities decoded, spaces folded.

    Repeated until stable, so that escaped markup (``&lt;script&gt;``) cannot
    turn back into a tag when a template later unescapes (e.g. ``striptags``).
    """
    text = _CONTROL.sub(" ", value)
    for _ in range(5):
        cleaned = html.unescape(nh3.clean(text, tags=set(), attributes={}))
        if cleaned == text:
            break
        text = cleaned
    return _SPACE.sub(" ", text).strip()


def markdown_to_text(value: str) -> str:
    """Inline Markdown (a summary, a paragraph) as plain text: ``[x](javascript:…)`` keeps only ``x``."""
    return plain_text(markdown.markdown(value))


def truncate(value: str, limit: int = 300) -> str:
    if len(value) <= limit:
        return value
    cut = value[:limit].rsplit(" ", 1)[0].rstrip(",;:—-– ")
    return cut + "…"


def first_paragraph(body: str) -> str:
    """The first block of prose in a Markdown body, skipping headings, images, HTML, tables, code."""
    for block in re.split(r"\n[ \t]*\n", body.strip()):
        block = block.strip()
        if block and not block.startswith(_NOT_PROSE):
            return block
    return ""


def summary_of(summary: str | None, body: str) -> str:
    """The teaser of a post: its ``summary``, otherwise its first paragraph, as plain text."""
    source = summary if summary else first_paragraph(body)
    return truncate(markdown_to_text(source))
