"""What the last published build was made from, so the next one plans only what a change can reach.

After every published build the builder remembers, in SQLite beside the fast path's state
(``.cache/union-network/builds/<key>.sqlite``): per organisation its folder, parent, a digest of
its card and of its moderation file, digests of its news, pages and other files (path, size and
mtime), its site's fingerprint and counts; per post a :class:`~union_network.plan.flow.PostTrace`.
The next build compares the network it loaded with that and asks :mod:`union_network.plan.flow`
which sites the differences can change; only those are planned and fingerprinted, the others are
carried as published. Anything the memory cannot vouch for (another environment, another output,
a time-dependent change due, no memory) means: plan everything, as a clean build does.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import astuple, dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from union_network.core.models import Moderation
from union_network.core.network import Network, Post, Registry
from union_network.plan.flow import (
    PostTrace,
    Tree,
    post_key,
    reached_ancestors,
    sites_of_moderation,
    sites_of_org,
    sites_of_post,
)
from union_network.read.moderation import MODERATION_FILE
from union_network.read.news import NEWS_FOLDER
from union_network.read.registry import CARD

FORMAT = "5"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    (
        "CREATE TABLE IF NOT EXISTS orgs (slug TEXT PRIMARY KEY, folder TEXT, parent TEXT, card TEXT,"
        " moderation TEXT, news TEXT, pages TEXT, assets TEXT, fingerprint TEXT, posts INTEGER, feeds INTEGER,"
        " problems INTEGER, routing TEXT)"
    ),
    "CREATE TABLE IF NOT EXISTS figures (name TEXT, org TEXT, value BLOB, PRIMARY KEY (name, org))",
    "CREATE TABLE IF NOT EXISTS posts (path TEXT PRIMARY KEY, org TEXT, key TEXT, reached TEXT, digest TEXT)",
    "CREATE INDEX IF NOT EXISTS posts_by_org ON posts (org)",
    "CREATE TABLE IF NOT EXISTS pages (slug TEXT, src TEXT, digest TEXT, PRIMARY KEY (slug, src))",
)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class FolderState:
    """Digests of an org folder's files by role: news posts, pages (other ``.md``), everything else."""

    news: str
    pages: str
    assets: str


def folder_state(folder: Path) -> FolderState:
    """Path, size and mtime of every file below ``folder`` (hidden folders and links skipped, as the
    readers skip them), digested per role."""
    parts: dict[str, list[str]] = {"news": [], "pages": [], "assets": []}
    stack = [(str(folder), "")]
    while stack:
        here, rel = stack.pop()
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        for entry in entries:
            name = f"{rel}{entry.name}"
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if not entry.name.startswith("."):
                    stack.append((entry.path, name + "/"))
                continue
            try:
                st = entry.stat()
            except OSError:
                continue
            # The card and the moderation file are compared parsed too; as files they count with the
            # pages (the site's fingerprint covers every file of its folder: saved again, it is re-planned).
            own_page = name.endswith(".md") or name in (CARD, MODERATION_FILE)
            role = "news" if name.startswith(f"{NEWS_FOLDER}/") else "pages" if own_page else "assets"
            parts[role].append(f"{name}\0{st.st_size}\0{st.st_mtime_ns}")
    return FolderState(*(_digest("\n".join(sorted(parts[role]))) for role in ("news", "pages", "assets")))


@dataclass(frozen=True)
class Reading:
    """What this build read, as the memory compares it with the last build and remembers it: the
    network, where its posts went (post id -> ancestors), its org folders, its context (environment)."""

    network: Network
    reached: Mapping[str, list[str]]
    folders: Mapping[str, FolderState]
    context: Mapping[str, str]


@dataclass
class SiteMemory:
    """One site as the last published build left it."""

    folder: str
    parent: str | None
    card: str
    moderation: str
    files: FolderState
    fingerprint: str
    posts: int
    feeds: int
    problems: bool  # the build found problems (warnings) in its folder: its news are read again
    routing: str  # digest of what in its card routes posts (:func:`routing_digest`)


@dataclass
class Scope:
    """The sites to plan this time (``None``: all of them) and why, for the progress line and tests."""

    sites: set[str] | None
    reasons: list[str] = field(default_factory=list)
    news_changed: set[str] = field(default_factory=set)  # orgs whose posts were compared
    rerouted: bool = False  # cards or moderation changed: any post's route may have changed
    folders: Mapping[str, FolderState] = field(default_factory=dict)  # this build's org folders, by slug


class BuildMemory:
    """The SQLite memory of the last published build into one output."""

    def __init__(self, path: Path):
        self.path = path

    # -- reading -----------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path)
        for statement in SCHEMA:
            db.execute(statement)
        return db

    def _load(self) -> tuple[dict[str, str], dict[str, SiteMemory]] | None:
        if not self.path.is_file():
            return None
        try:
            with self._connect() as db:
                meta = dict(db.execute("SELECT key, value FROM meta"))
                sites = {
                    row[0]: SiteMemory(
                        row[1],
                        row[2],
                        row[3],
                        row[4],
                        FolderState(*row[5:8]),
                        row[8],
                        row[9],
                        row[10],
                        bool(row[11]),
                        row[12],
                    )
                    for row in db.execute(
                        "SELECT slug, folder, parent, card, moderation, news, pages, assets, fingerprint, posts, feeds,"
                        " problems, routing FROM orgs"
                    )
                }
        except sqlite3.DatabaseError:
            return None
        return meta, sites

    def _traces(self, orgs: Iterable[str]) -> dict[str, PostTrace]:
        """The remembered posts of ``orgs``, by path."""
        found: dict[str, PostTrace] = {}
        try:
            with self._connect() as db:
                for org in orgs:
                    for path, key, reached, digest in db.execute(
                        "SELECT path, key, reached, digest FROM posts WHERE org = ?", (org,)
                    ):
                        found[path] = PostTrace(org, tuple(json.loads(key)), tuple(json.loads(reached)), digest)
        except sqlite3.DatabaseError:
            pass
        return found

    def previous_sites(self) -> dict[str, SiteMemory]:
        loaded = self._load()
        return loaded[1] if loaded else {}

    # -- what changed --------------------------------------------------------------------
    def scope(self, seen: Reading, published: Mapping[str, str]) -> Scope:
        """Which sites this build must plan, given the memory of the build that made ``published``
        (the published manifest: slug -> fingerprint) in the same context (environment, ...)."""
        network, reached, folders, context = seen.network, seen.reached, seen.folders, seen.context
        loaded = self._load()
        if loaded is None:
            return Scope(None, ["нет памяти о прошлой сборке"])
        meta, old = loaded
        why = _not_comparable(meta, old, network.build_time, context, published)
        if why:
            return Scope(None, [why])
        view = _View(network.root_dir, network.registry, network.moderation)
        scope, trees = _org_scope(old, view, folders)
        if scope.news_changed:
            new_traces = {
                _rel(p.path, network.root_dir): trace(network, p, reached)
                for p in network.posts
                if p.org in scope.news_changed
            }
            _post_changes(scope, self._traces(scope.news_changed), new_traces, trees)
        assert scope.sites is not None
        scope.sites &= set(network.registry.orgs)
        return scope

    # -- reading only the news a change reaches --------------------------------------------
    def selector(self, root_dir: Path, now: datetime, context: Mapping[str, str], published: Mapping[str, str]):
        """A :data:`~union_network.read.load.Selector` for this build: when the memory can vouch for the
        orgs no change touched, read the news of the orgs whose folders changed (or had problems),
        find the sites their changes reach, then read those sites' own news and the other posts they
        showed (routed there at the last build: :meth:`feeders`); the others' posts are never loaded,
        and the figures of every org not read whole (assessments) come from the memory. None (read everything) when a card or moderation file
        changed (any route may have), or the memory does not match."""
        from union_network.read.load import Selection

        def select(registry: Registry, decisions: Mapping[str, Moderation], read, read_posts) -> Selection | None:
            loaded = self._load()
            if loaded is None or _not_comparable(loaded[0], loaded[1], now, context, published):
                return None
            old = loaded[1]
            view = _View(root_dir, registry, decisions)
            folders = {org.slug: folder_state(org.folder) for org in registry}
            scope, trees = _org_scope(old, view, folders)
            if scope.rerouted:
                return None
            touched = {
                slug
                for slug, state in folders.items()
                if slug not in old or old[slug].files != state or old[slug].problems or slug in scope.news_changed
            }
            posts = read(touched)
            new_traces = {_rel(p.path, root_dir): _trace(view, p, now) for p in posts if p.org in scope.news_changed}
            _post_changes(scope, self._traces(scope.news_changed), new_traces, trees)
            assert scope.sites is not None
            scope.sites &= set(registry.orgs)
            scope.folders = folders
            whole = scope.sites - touched  # a planned site's own posts, drafts included
            posts += read(whole)
            orgs = touched | whole
            try:
                single = {org: paths for org, paths in self.feeders(scope.sites, registry).items() if org not in orgs}
            except sqlite3.DatabaseError:
                return None
            posts += read_posts(root_dir, single)
            return Selection(orgs, posts, self.post_ids(orgs, registry, root_dir), self.figures(orgs), scope)

        return select

    def feeders(self, sites: Iterable[str], registry: Registry) -> dict[str, set[str]]:
        """The posts ``sites`` showed at the last build, by org (paths relative to the network root):
        those that reached them from below (§5.2–5.3), their ancestors' broadcasts (§5.5), for the root
        every support item (§5.4). (Their own posts, drafts included, are read whole.)"""
        sites = set(sites)
        ancestors = {a for slug in sites if slug in registry.orgs for a in registry.ancestors(slug)}
        root_planned = registry.root.slug in sites
        wanted: dict[str, set[str]] = {}
        with self._connect() as db:
            for path, org, reached, key in db.execute("SELECT path, org, reached, key FROM posts"):
                if org in sites:
                    continue
                routed = json.loads(key)
                if (
                    not sites.isdisjoint(json.loads(reached))
                    or (org in ancestors and routed[3])
                    or (root_planned and routed[2])
                ):
                    wanted.setdefault(org, set()).add(path)
        return wanted

    def post_ids(self, read: set[str], registry: Registry, root_dir: Path) -> RememberedPosts:
        """Post id -> org of the remembered posts of the registry's orgs not in ``read``."""
        return RememberedPosts(self, read, registry, root_dir)

    def figures(self, read: set[str]) -> dict[str, dict[str, Any]]:
        """Per-org figures (features/registry.py FIGURES) the last build computed, of the orgs not in ``read``."""
        found: dict[str, dict[str, Any]] = {}
        with self._connect() as db:
            for name, org, value in db.execute("SELECT name, org, value FROM figures"):
                if org not in read:
                    found.setdefault(name, {})[org] = pickle.loads(value)
        return found

    def valid_until(self) -> datetime | None:
        loaded = self._load()
        value = loaded[0].get("valid_until") if loaded else None
        return datetime.fromisoformat(value) if value else None

    # -- remembering -----------------------------------------------------------------------
    def save(
        self,
        seen: Reading,
        sites: Mapping[str, tuple[str, int, int]],
        valid_until: datetime | None,
        scope: Scope | None = None,
        pages: Mapping[str, Mapping[str, str]] | None = None,
        problems: Collection[str] = (),
        figures: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """Remember the build just published: ``sites`` is slug -> (fingerprint, posts, feeds), ``pages``
        the page digests of the sites rendered this time (the others keep theirs), ``problems`` the orgs
        whose folders had problems, ``figures`` per-org figures of the orgs whose news were read
        (feature -> org -> value; the others keep theirs).

        After a build planned from this memory (``scope``) with no card or moderation change, only
        the posts of the orgs whose news changed are written again; otherwise every post is. One
        transaction: a half-written memory would mislead the next build."""
        network, reached, folders, context = seen.network, seen.reached, seen.folders, seen.context
        orgs = _org_rows(network, folders, sites, problems)
        meta = {**context, "format": FORMAT, "valid_until": valid_until.isoformat() if valid_until else ""}
        partial = scope is not None and scope.sites is not None and not scope.rerouted and self.path.is_file()
        changed = scope.news_changed if partial and scope is not None else set()
        posts = self._rows(
            network, reached, (p for p in network.posts if p.org in changed) if partial else network.posts
        )
        try:
            with self._connect() as db:
                db.execute("DELETE FROM meta")
                db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
                db.execute("DELETE FROM orgs")
                db.executemany("INSERT INTO orgs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", orgs)
                if network.selection is None:
                    db.execute("DELETE FROM figures")
                db.execute("DELETE FROM figures WHERE org NOT IN (SELECT slug FROM orgs)")
                for name, values in (figures or {}).items():
                    db.executemany(
                        "INSERT OR REPLACE INTO figures VALUES (?, ?, ?)",
                        [(name, org, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for org, v in values.items()],
                    )
                if partial:
                    db.executemany("DELETE FROM posts WHERE org = ?", [(slug,) for slug in sorted(changed)])
                else:
                    db.execute("DELETE FROM posts")
                db.executemany("INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?)", posts)
                gone = [(slug,) for slug in self._page_sites(db) if slug not in sites]
                db.executemany("DELETE FROM pages WHERE slug = ?", gone)
                for slug, digests in (pages or {}).items():
                    db.execute("DELETE FROM pages WHERE slug = ?", (slug,))
                    db.executemany("INSERT INTO pages VALUES (?, ?, ?)", [(slug, k, v) for k, v in digests.items()])
        except sqlite3.DatabaseError:
            self.forget()

    @staticmethod
    def _page_sites(db: sqlite3.Connection) -> list[str]:
        return [row[0] for row in db.execute("SELECT DISTINCT slug FROM pages")]

    def pages(self, slug: str) -> dict[str, str]:
        """The page digests of ``slug``'s published site (``""``: what every page shows)."""
        if not self.path.is_file():
            return {}
        try:
            with self._connect() as db:
                return dict(db.execute("SELECT src, digest FROM pages WHERE slug = ?", (slug,)))
        except sqlite3.DatabaseError:
            return {}

    @staticmethod
    def _rows(network: Network, reached: Mapping[str, list[str]], posts: Iterable[Post]) -> list[tuple]:
        rows = []
        for post in posts:
            t = trace(network, post, reached)
            rows.append((_rel(post.path, network.root_dir), t.org, json.dumps(t.key), json.dumps(t.reached), t.digest))
        return rows

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)


def _not_comparable(
    meta: Mapping[str, str],
    old: Mapping[str, SiteMemory],
    now: datetime | None,
    context: Mapping[str, str],
    published: Mapping[str, str],
) -> str | None:
    """Why the memory cannot tell this build what changed (then every site is planned), or None."""
    if meta.get("format") != FORMAT or any(meta.get(k) != v for k, v in context.items()):
        return "изменились тема, настройки или версия"
    valid_until = meta.get("valid_until")
    if not valid_until or now is None or now >= datetime.fromisoformat(valid_until):
        return "наступило время, меняющее вывод (дата новости, событие, новый день)"
    if {slug: site.fingerprint for slug, site in old.items()} != dict(published):
        return "опубликованный вывод сделан не этой сборкой"
    return None


def _org_changes(
    scope: Scope,
    slug: str,
    before: SiteMemory | None,
    network: _View,
    folders: Mapping[str, FolderState],
    trees: tuple[Tree, Tree],
) -> None:
    """Add to ``scope`` what changed in organisation ``slug`` since ``before`` (its card, moderation
    file, pictures and documents, pages); note whether its news must be compared post by post."""
    sites = scope.sites
    assert sites is not None
    org = network.registry.orgs.get(slug)
    if before is None or org is None:  # no other post's route changes (its children's cards would)
        sites |= sites_of_org(slug, trees)
        scope.reasons.append(f"{slug}: организация {'добавлена' if before is None else 'удалена'}")
        scope.news_changed.add(slug)
        return
    folder, files = _rel(org.folder, network.root_dir), folders[slug]
    if before.folder != folder or before.parent != org.parent or before.card != card_digest(network, slug):
        sites |= sites_of_org(slug, trees)
        scope.reasons.append(f"{slug}: карточка")
        # Its name or contacts show where it shows (sites_of_org); its parent, moderation mode, default
        # reach or folder may move any post of it or below it.
        if before.folder != folder or before.routing != routing_digest(network, slug):
            scope.rerouted = True
    if before.moderation != moderation_digest(network, slug):
        sites |= sites_of_moderation(slug, trees)
        scope.reasons.append(f"{slug}: модерация")
        scope.rerouted = True
    if before.files.assets != files.assets:  # pictures its posts show elsewhere
        sites |= sites_of_org(slug, trees)
        scope.reasons.append(f"{slug}: файлы")
    if before.files.pages != files.pages:
        sites.add(slug)
        scope.reasons.append(f"{slug}: страницы")
    if before.files.news != files.news or before.folder != folder:
        scope.news_changed.add(slug)
        sites.add(slug)  # its fingerprint covers its files, whatever they mean


def _post_changes(
    scope: Scope, old: Mapping[str, PostTrace], new: Mapping[str, PostTrace], trees: tuple[Tree, Tree]
) -> None:
    """Add to ``scope`` the sites every added, deleted or edited post can change (plan/flow.py)."""
    assert scope.sites is not None
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before != after:
            scope.sites |= sites_of_post(before, after, trees)
            scope.reasons.append(f"{path}: новость")


def _org_rows(
    network: Network,
    folders: Mapping[str, FolderState],
    sites: Mapping[str, tuple[str, int, int]],
    problems: Collection[str] = (),
) -> list[tuple]:
    rows = []
    for org in network.registry:
        if org.slug in sites:
            files = folders[org.slug]
            card, moderation = card_digest(network, org.slug), moderation_digest(network, org.slug)
            folder = _rel(org.folder, network.root_dir)
            had = int(org.slug in problems)
            routing = routing_digest(network, org.slug)
            rows.append(
                (org.slug, folder, org.parent, card, moderation, *astuple(files), *sites[org.slug], had, routing)
            )
    return rows


class RememberedPosts(Mapping[str, str]):
    """Post id -> org of the posts the last build read, of the orgs this build did not read whole:
    looked up one at a time (moderation files name a few posts; the memory holds every post)."""

    def __init__(self, memory: BuildMemory, read: set[str], registry: Registry, root_dir: Path):
        self.memory, self.read, self.registry, self.root_dir = memory, read, registry, root_dir

    def __getitem__(self, post_id: str) -> str:
        org, _, stem = post_id.partition("/")
        entry = self.registry.orgs.get(org)
        if entry is None or org in self.read or not stem:
            raise KeyError(post_id)
        path = f"{_rel(entry.folder, self.root_dir)}/{NEWS_FOLDER}/{stem}.md"
        with self.memory._connect() as db:
            row = db.execute("SELECT org FROM posts WHERE path = ?", (path,)).fetchone()
        if row is None or row[0] != org:
            raise KeyError(post_id)
        return org

    def _all(self) -> dict[str, str]:
        with self.memory._connect() as db:
            rows = list(db.execute("SELECT path, org FROM posts"))
        return {
            f"{org}/{PurePosixPath(path).stem}": org
            for path, org in rows
            if org not in self.read and org in self.registry.orgs
        }

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


@dataclass(frozen=True)
class _View:
    """What the change scope reads of a network: enough before its news are read."""

    root_dir: Path
    registry: Registry
    moderation: Mapping[str, Moderation]


def _org_scope(old: Mapping[str, SiteMemory], view: _View, folders: Mapping[str, FolderState]) -> tuple[Scope, tuple]:
    """The sites the changes of cards, moderation files and folders reach (:func:`_org_changes`)."""
    registry = view.registry
    trees = (Tree({s: m.parent for s, m in old.items()}), Tree({o.slug: o.parent for o in registry}))
    scope = Scope(set())
    for slug in sorted(set(old) | set(registry.orgs)):
        _org_changes(scope, slug, old.get(slug), view, folders, trees)
    return scope, trees


def _rel(path: Path, root: Path) -> str:
    return Path(path).relative_to(root).as_posix()


def trace(network: Network, post: Post, reached: Mapping[str, list[str]]) -> PostTrace:
    published = network.is_published(post)
    if published and post.id in reached:
        return PostTrace(post.org, post_key(post, True), tuple(reached[post.id]), _digest(repr(post)))
    return _trace(network, post, network.build_time)


def _trace(view: _View | Network, post: Post, now: datetime | None) -> PostTrace:
    published = not post.draft and (now is None or post.date <= now)  # Network.is_published
    went = reached_ancestors(post, view.registry, view.moderation) if published else []
    return PostTrace(post.org, post_key(post, published), tuple(went), _digest(repr(post)))


def card_digest(network: Network | _View, slug: str) -> str:
    return _digest(network.registry[slug].card.model_dump_json())


def routing_digest(network: Network | _View, slug: str) -> str:
    """What in an org's card routes posts (DESIGN §5): its parent, moderation mode, default reach."""
    card = network.registry[slug].card
    return _digest(json.dumps([card.parent, card.moderation, card.news_reach]))


def moderation_digest(network: Network | _View, slug: str) -> str:
    decisions = network.moderation.get(slug)
    return _digest(decisions.model_dump_json() if decisions is not None else "")


def folder_states(network: Network) -> dict[str, FolderState]:
    """:func:`folder_state` of every organisation's folder."""
    return {org.slug: folder_state(org.folder) for org in network.registry}
