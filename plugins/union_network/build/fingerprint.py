"""Fingerprints: a site is rebuilt only when the digest of everything it shows changed.

A site's fingerprint covers its plan (every item, card and link it displays,
which already reflects moderation, parents and renames), the files of its own
folder (path, size, mtime), and the environment shared by all sites (the
package version, mkdocs.yml, theme/ and the package templates). The build time
is deliberately not part of it: a site whose content did not change keeps its
output; what time changes (a post dated in the future becoming due) shows up
in the plan.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from union_network import __version__
from union_network.core.siteplan import Category, EventView, Item, Link, OrgView, SitePlan
from union_network.render.mkdocs import RENDERER_ENV

PACKAGE = Path(__file__).resolve().parent.parent
#: Package files that shape every page: the renderer's templates and the bulletin e-mail templates.
TEMPLATES = (PACKAGE / "render" / "mkdocs" / "templates", PACKAGE / "features" / "email", PACKAGE / "write" / "static")

#: Value types whose repr is complete and stable (only text, numbers, dates and each other):
#: digesting the repr is much faster than walking thousands of items field by field.
_BY_REPR = frozenset({Item, Category, EventView, Link, OrgView})


_LOCAL = -1  # memo key of the per-plan memo (ids are never negative)


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


def _feed(h: _Digest, obj: Any, memo: dict[int, tuple[Any, Any]]) -> None:
    """Feed a stable encoding of ``obj`` into ``h``; dataclass instances are digested once (memo)."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, (datetime, date)):
        h.update(f"dt:{obj.isoformat()};".encode())
    elif isinstance(obj, Path):
        h.update(f"path:{obj.as_posix()};".encode())
    elif isinstance(obj, Enum):
        h.update(f"enum:{obj.value!r};".encode())
    elif type(obj) in _BY_REPR:
        # Items and org views are shared by many plans: digest each once. The memo keeps the
        # object itself, so its id() cannot be reused by another object while the memo lives.
        entry = memo.get(id(obj))
        if entry is None or entry[0] is not obj:
            entry = memo[id(obj)] = (obj, hashlib.blake2b(repr(obj).encode(), digest_size=16).digest())
        h.update(entry[1])
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        # A plan repeats the same record in many places (a feed in each of its list pages): digested
        # once per plan (a local memo, dropped with the plan, unlike the items shared by all plans).
        local = memo.setdefault(_LOCAL, (None, {}))[1]
        entry = local.get(id(obj))
        if entry is None or entry[0] is not obj:
            sub = hashlib.blake2b(type(obj).__qualname__.encode(), digest_size=16)
            for f in dataclasses.fields(obj):
                if f.metadata.get("fingerprint") is False:  # e.g. SiteRef.build_time
                    continue
                sub.update(f.name.encode())
                _feed(sub, getattr(obj, f.name), memo)
            entry = local[id(obj)] = (obj, sub.digest())
        h.update(entry[1])
    elif _is_model(obj):
        _feed(h, obj.model_dump(), memo)
    elif isinstance(obj, dict):
        h.update(b"{")
        for k in sorted(obj, key=repr):
            _feed(h, k, memo)
            _feed(h, obj[k], memo)
        h.update(b"}")
    elif isinstance(obj, (list, tuple)):
        h.update(b"[")
        for v in obj:
            _feed(h, v, memo)
        h.update(b"]")
    elif isinstance(obj, (set, frozenset)):
        _feed(h, sorted(obj, key=repr), memo)
    elif callable(obj):
        h.update(f"fn:{obj.__module__}.{obj.__qualname__};".encode())
    else:  # pragma: no cover - a new type in plans must be taught here
        raise TypeError(f"cannot fingerprint {type(obj).__name__}")


def _is_model(obj: Any) -> bool:
    """A pydantic model (pydantic is not imported here: the no-change path digests files only)."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(obj, pydantic.BaseModel)


def tree_digest(*folders: Path) -> str:
    """Digest of every file's path, size and mtime below ``folders``, walked as ``os.walk`` would
    (directories sorted, depth first, symlinked directories not followed). ``os.scandir`` and one
    digest update per directory: this runs on every build, the no-change one too (50k files at
    network-1000)."""
    h = hashlib.blake2b(digest_size=16)
    for index, folder in enumerate(folders):
        stack = [(str(folder), ".")]
        while stack:
            path, rel = stack.pop()
            try:
                with os.scandir(path) as listing:
                    entries = sorted(listing, key=_name)
            except OSError:
                continue
            lines = []
            subdirs = []
            prefix = f"{index}:{rel}/"
            for entry in entries:
                try:
                    if entry.is_dir():
                        if not entry.is_symlink():
                            subdirs.append(entry.name)
                        continue
                    st = entry.stat()
                except OSError:
                    continue
                lines.append(f"{prefix}{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\n")
            if lines:
                h.update("".join(lines).encode("utf-8", "surrogateescape"))
            for name in reversed(subdirs):  # popped in sorted order
                stack.append((os.path.join(path, name), name if rel == "." else f"{rel}/{name}"))
    return h.hexdigest()


def _name(entry: os.DirEntry) -> str:
    return entry.name


def environment_digest(root_dir: Path, config_file: Path) -> str:
    """What every site depends on: package version, renderer, mkdocs.yml, theme/, package templates."""
    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    h.update(os.environ.get(RENDERER_ENV, "").strip().lower().encode())  # MkDocs or ProperDocs
    h.update(config_file.read_bytes())
    h.update(tree_digest(root_dir / "theme", *TEMPLATES).encode())
    return h.hexdigest()


class Fingerprinter:
    """Fingerprints of many plans of one network; shared items are digested once."""

    def __init__(self, environment: str, root_dir: Path):
        self.environment = environment
        self.root_dir = root_dir
        self._memo: dict[int, tuple[Any, Any]] = {}

    def pages(self, plan: SitePlan, folder: str) -> dict[str, str]:
        """A digest per page of the site (``src_uri``), and under ``""`` the digest of what every page
        shows: the environment, the org, navigation, header and footer, the feeds linked from every
        page, which pages and posts exist, the folder's own pages and files (``folder``: their digest,
        build/changes.py). A page's digest covers that and its own data: a generated page's data, a
        post's item and source file, the home blocks for the home page."""
        chrome = hashlib.blake2b(digest_size=16)
        chrome.update(self.environment.encode())
        chrome.update(folder.encode())
        shape = {
            "org": plan.org,
            "site_url": plan.site_url,
            "breadcrumb": plan.breadcrumb,
            "has_home_page": plan.has_home_page,
            "exclude": plan.exclude,
            "nav": plan.nav,
            "brand": plan.brand,
            "search": plan.search,
            "pictures": plan.pictures,
            "members": plan.members,
            "feeds": [(f.kind, f.title, f.page, f.rss, f.atom) for f in plan.feeds],
            "pages": [(p.src_uri, p.title, p.template, p.searchable, p.noindex) for p in plan.pages.values()],
            "posts": sorted(plan.own_posts),
        }
        _feed(chrome, shape, self._memo)
        base = chrome.hexdigest()
        digests = {"": base}
        for src in sorted({*plan.pages, *plan.own_posts, "index.md"}):
            h = hashlib.blake2b(base.encode(), digest_size=16)
            _feed(h, plan.pages.get(src), self._memo)
            _feed(h, plan.own_posts.get(src), self._memo)
            if src == "index.md":
                _feed(h, plan.home, self._memo)
            try:
                st = os.stat(plan.source_dir / src)
                h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
            except OSError:
                h.update(b"-")
            digests[src] = h.hexdigest()
        self._memo.pop(_LOCAL, None)
        return digests

    def site(self, plan: SitePlan) -> str:
        h = hashlib.blake2b(digest_size=16)
        h.update(self.environment.encode())
        # The root's folder (content/) holds no other org's folder; members' folders are orgs/<slug>/.
        h.update(tree_digest(plan.source_dir).encode())
        fields = {
            f.name: getattr(plan, f.name) for f in dataclasses.fields(plan) if f.name not in ("build_time", "counts")
        }
        _feed(h, fields, self._memo)
        self._memo.pop(_LOCAL, None)
        return h.hexdigest()
