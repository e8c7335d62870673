"""Material's navigation drawn once per site, not once per page (issue 14, item 4).

Material's ``partials/nav.html`` (the navigation drawer and sidebar) and ``partials/tabs.html``
were about a quarter of a page's render, and on most pages they are the same: a post, a list page
or a card page is not in the navigation, so nothing in it is marked active, and the two fragments
differ from page to page only by their relative URLs (MkDocs' ``url`` filter makes every link
relative to the page). So on a page that is not in the navigation, the fragment is rendered once
per site and page depth with its URLs left as markers, and each page gets that text with the
markers turned into its own relative URLs (the same ``url`` filter call the template would make).
Pages in the navigation (the active entry, its section, its table of contents) are rendered as
before. The output is the same bytes: ``tests/test_fragments.py`` renders every page both ways.

Only Material's own templates are cached, and only while none of the partials they include is
overridden (by the network's ``theme/`` or ours): their inputs are known (the navigation, the
site's configuration and language, the page's depth); an overridden one could read anything.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2

#: The cached fragments and the partials they include (all must be Material's own).
FRAGMENTS: dict[str, tuple[str, ...]] = {
    "partials/nav.html": (
        "partials/nav-item.html",
        "partials/logo.html",
        "partials/toc.html",
        "partials/toc-item.html",
        "partials/source.html",
    ),
    "partials/tabs.html": ("partials/tabs-item.html",),
}

#: Set (to anything): every page is rendered whole, as MkDocs does (the tests compare the bytes).
NO_REUSE = "UNION_NETWORK_NO_REUSE"

#: Blocks of Material's base.html whose inputs are the site's configuration, its language, the page's
#: depth and the ``url`` filter's answers for the page (the partials they include must be Material's).
#: Their URLs may be changed on the way (the config block writes them into JSON), so a block is
#: cached as text per set of answers: a page whose ``url`` calls answer as a recorded page's did
#: gets that page's text.
BLOCKS: dict[str, tuple[str, ...]] = {"config": (), "styles": ("partials/icons.html",)}
BASE = "base.html"

_MARK = "\x00un-url:{}\x00"  # never in a page: MkDocs' pages are text, NUL is not
_MARKS = re.compile("\x00un-url:([0-9]+)\x00")


class FragmentCache:
    """The fragments of the site being built: ``(template, base_url) -> [text, url, text, url, …, text]``."""

    def __init__(self, nav: Any) -> None:
        self.nav = nav
        self.nav_pages: list[Any] = list(getattr(nav, "pages", ()) or ())
        self.fragments: set[str] = set()  # those cached in this build (their partials are Material's)
        self.entries: dict[tuple[str, str], list[str] | None] = {}
        self.recording: list[str] | None = None  # the url filter's values while a fragment is recorded
        self.observing: list[str] | None = None  # the same while a block is recorded (URLs as answered)
        self.variants: dict[tuple[str, str], list[tuple[list[str], list[str], str]]] = {}
        self.hits: Counter[str] = Counter()  # by fragment: pages that took its text
        self.misses: Counter[str] = Counter()  # by fragment: pages that rendered it (and recorded it)


def material_dir() -> Path | None:
    try:
        import material
    except ImportError:  # pragma: no cover - Material is a dependency
        return None
    return Path(material.__file__).resolve().parent / "templates"


def _from_material(env: jinja2.Environment, names: tuple[str, ...], material: Path) -> bool:
    for name in names:
        try:
            template = env.get_template(name)
        except jinja2.TemplateNotFound:
            continue  # not used by this Material version
        if not template.filename or not Path(template.filename).resolve().is_relative_to(material):
            return False
    return True


def install(env: jinja2.Environment, nav: Any) -> FragmentCache | None:
    """Cache the fragments in ``env`` for the site whose navigation is ``nav`` (called once per
    site build, from the plugin's ``on_env``); None when a partial is overridden (nothing cached)."""
    if os.environ.get(NO_REUSE):  # tests render without, to compare bytes
        env.un_fragments = None  # type: ignore[attr-defined]
        return None
    material = material_dir()
    cache = FragmentCache(nav)
    for name, includes in FRAGMENTS.items():
        if material is None or not _from_material(env, (name, *includes), material):
            continue
        template = env.get_template(name)
        if not getattr(template, "_un_fragment", False):
            template.root_render_func = _cached(name, template.root_render_func)
            template._un_fragment = True  # type: ignore[attr-defined]
        cache.fragments.add(name)
    for block, includes in BLOCKS.items():
        if material is None or not _from_material(env, (BASE, *includes), material):
            continue
        base = env.get_template(BASE)
        render = base.blocks.get(block)
        if render is None:
            continue
        if not getattr(render, "_un_fragment", False):
            base.blocks[block] = _cached_block(block, render)
        cache.fragments.add(f"{BASE}:{block}")
    if cache.fragments:
        _wrap_url_filter(env)
    env.un_fragments = cache if cache.fragments else None  # type: ignore[attr-defined]
    return env.un_fragments  # type: ignore[attr-defined]


def _wrap_url_filter(env: jinja2.Environment) -> None:
    url = env.filters.get("url")
    if url is None or getattr(url, "_un_fragment", False):
        return

    @jinja2.pass_context
    def url_filter(context, value):
        cache = getattr(context.environment, "un_fragments", None)
        if cache is not None and cache.recording is not None:
            cache.recording.append(str(value))
            return _MARK.format(len(cache.recording) - 1)
        if cache is not None and cache.observing is not None:
            cache.observing.append(str(value))
        return url(context, value)

    url_filter._un_fragment = True  # type: ignore[attr-defined]
    url_filter._un_original = url  # type: ignore[attr-defined]
    env.filters["url"] = url_filter


def _cached(name: str, render: Callable[[Any], Iterator[str]]) -> Callable[[Any], Iterator[str]]:
    def root(context) -> Iterator[str]:
        cache: FragmentCache | None = getattr(context.environment, "un_fragments", None)
        page = context.get("page")
        if (
            cache is None
            or name not in cache.fragments
            or cache.recording is not None  # a fragment inside a fragment: record it as text
            or page is None
            or context.get("nav") is not cache.nav
            or page in cache.nav_pages  # the navigation marks it active: its own rendering
        ):
            yield from render(context)
            return
        key = (name, str(context.get("base_url")))
        if key not in cache.entries:
            cache.misses[name] += 1
            cache.entries[key] = _record(cache, render, context)
        else:
            cache.hits[name] += 1
        parts = cache.entries[key]
        if parts is None:  # the markers did not come out as written: not cacheable
            yield from render(context)
            return
        url = context.environment.filters["url"]._un_original
        out = [parts[0]]
        for i in range(1, len(parts), 2):
            out.append(url(context, parts[i]))
            out.append(parts[i + 1])
        yield "".join(out)

    return root


def _record(cache: FragmentCache, render: Callable[[Any], Iterator[str]], context) -> list[str] | None:
    """The fragment's text split at its URLs: [text, url value, text, …]; None when a URL did not
    reach the output exactly once, as written (a template that tests or changes it)."""
    values: list[str] = []
    cache.recording = values
    try:
        text = "".join(render(context))
    finally:
        cache.recording = None
    pieces = _MARKS.split(text)  # [text, index, text, index, …, text]
    indexes = [int(i) for i in pieces[1::2]]
    if sorted(indexes) != list(range(len(values))):
        return None
    return [values[int(piece)] if i % 2 else piece for i, piece in enumerate(pieces)]


def _cached_block(block: str, render: Callable[..., Iterator[str]]) -> Callable[..., Iterator[str]]:
    name = f"{BASE}:{block}"

    def cached(context, *args: Any, **kwargs: Any) -> Iterator[str]:
        cache: FragmentCache | None = getattr(context.environment, "un_fragments", None)
        if (
            cache is None
            or name not in cache.fragments
            or cache.recording is not None
            or cache.observing is not None
            or context.get("page") is None
            or context.get("nav") is not cache.nav
        ):
            yield from render(context, *args, **kwargs)
            return
        variants = cache.variants.setdefault((name, str(context.get("base_url"))), [])
        url = context.environment.filters["url"]._un_original
        for values, answers, text in variants:
            if all(url(context, value) == answer for value, answer in zip(values, answers, strict=True)):
                cache.hits[name] += 1
                yield text
                return
        cache.misses[name] += 1
        observed: list[str] = []
        cache.observing = observed
        try:
            text = "".join(render(context, *args, **kwargs))
        finally:
            cache.observing = None
        variants.append((observed, [url(context, value) for value in observed], text))
        yield text

    cached._un_fragment = True  # type: ignore[attr-defined]
    return cached
