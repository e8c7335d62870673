"""Accessible SVG charts rendered at build time (no chart scripts in the browser).

Built with :mod:`xml.etree.ElementTree`, so the output is always well-formed
XML and every text is escaped. Each chart is an ``<svg role="img">`` labelled
by its own ``<title>`` and ``<desc>``; the pages put a table with the same
numbers beside it as the text alternative.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

SVG_NS = "http://www.w3.org/2000/svg"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_ID = re.compile(r"[^A-Za-z0-9_-]")


def _clean(text: str) -> str:
    """Text without the characters XML 1.0 forbids."""
    return _CONTROL.sub(" ", text)


def _svg(width: int, height: int, css_class: str, **attrs: str) -> ET.Element:
    return ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": css_class,
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "focusable": "false",
            **attrs,
        },
    )


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _nice_max(value: int) -> int:
    """A round upper bound for the axis whose half is a whole number too: 1, 2, 4, 6, 8, 10, 20, 40 ..."""
    if value <= 1:
        return 1
    scale = 1
    while True:
        for m in (2, 4, 6, 8, 10):
            if m * scale >= value:
                return m * scale
        scale *= 10


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[int],
    full_labels: Sequence[str] | None = None,
) -> str:
    """A vertical bar chart of ``values`` (one bar per label), with a value above every bar.

    ``chart_id`` makes the ids of ``<title>``/``<desc>`` unique on the page; ``full_labels`` (e.g.
    "июнь 2026") name each bar in its own tooltip title.
    """
    chart_id = _ID.sub("-", chart_id)
    full_labels = list(full_labels or labels)
    n = max(len(values), 1)
    bar, gap, left, right, top, bottom = 34, 10, 34, 8, 22, 34
    width = left + n * (bar + gap) - gap + right
    height = 200
    plot = height - top - bottom
    top_value = _nice_max(max(values, default=0))
    svg = _svg(width, height, "un-chart", **{"aria-labelledby": f"{chart_id}-title {chart_id}-desc"})
    _sub(svg, "title", title, id=f"{chart_id}-title")
    _sub(svg, "desc", desc, id=f"{chart_id}-desc")
    axis = _sub(svg, "g", class_="un-chart__axis", aria_hidden="true")
    for fraction in (0, 0.5, 1) if top_value > 1 else (0, 1):
        y = top + plot - plot * fraction
        _sub(
            axis,
            "line",
            x1=str(left - 4),
            x2=str(width - right),
            y1=f"{y:g}",
            y2=f"{y:g}",
            class_="un-chart__grid",
            stroke="#c8c8c8",
        )
        tick = top_value * fraction
        _sub(
            axis,
            "text",
            f"{tick:g}",
            x=str(left - 6),
            y=f"{y + 4:g}",
            text_anchor="end",
            class_="un-chart__tick",
            fill="currentColor",
            font_size="11",
        )
    bars = _sub(svg, "g", class_="un-chart__bars")
    for i, (label, full, value) in enumerate(zip(labels, full_labels, values)):
        x = left + i * (bar + gap)
        h = plot * value / top_value
        y = top + plot - h
        group = _sub(bars, "g")
        _sub(group, "title", f"{full}: {value}")
        _sub(
            group, "rect", x=str(x), y=f"{y:g}", width=str(bar), height=f"{h:g}", class_="un-chart__bar", fill="#3f51b5"
        )
        _sub(
            group,
            "text",
            str(value),
            x=f"{x + bar / 2:g}",
            y=f"{y - 5:g}",
            text_anchor="middle",
            class_="un-chart__value",
            fill="currentColor",
            font_size="11",
        )
        _sub(
            group,
            "text",
            label,
            x=f"{x + bar / 2:g}",
            y=str(height - bottom + 16),
            text_anchor="middle",
            class_="un-chart__label",
            fill="currentColor",
            font_size="11",
        )
    return ET.tostring(svg, encoding="unicode")


def sparkline(title: str, values: Sequence[int]) -> str:
    """A tiny bar chart (e.g. posts per month in a table cell); ``title`` is its whole text alternative."""
    n = max(len(values), 1)
    bar, gap, height = 5, 2, 20
    width = n * (bar + gap) - gap
    top_value = max(max(values, default=0), 1)
    svg = _svg(width, height, "un-spark", **{"aria-label": _clean(title)})
    _sub(svg, "title", title)
    for i, value in enumerate(values):
        h = max((height - 2) * value / top_value, 1 if value else 0)
        _sub(
            svg,
            "rect",
            x=str(i * (bar + gap)),
            y=f"{height - h:g}",
            width=str(bar),
            height=f"{h:g}",
            class_="un-spark__bar" if value else "un-spark__zero",
            fill="#3f51b5" if value else "#9e9e9e",
        )
        if not value:  # a hairline so that empty months still show
            svg[-1].set("height", "1")
            svg[-1].set("y", str(height - 1))
    return ET.tostring(svg, encoding="unicode")
