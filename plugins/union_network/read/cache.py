"""The news index cache: parsed posts kept in SQLite, keyed by path, size and mtime.

A build of a large network would otherwise re-read and re-parse every post;
with the cache only new or changed files are read. An entry also records the
context it was parsed in (time zone, categories, the org's default reach), so
changing those re-reads the affected posts. Only valid posts are cached: a
file with problems is read again, and its problems reported, every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
from pathlib import Path

from union_network import __version__
from union_network.core.files import write_atomic
from union_network.core.network import Post

#: Parsed posts kept in this process between builds, per cache file (:func:`keep_in_memory`).
_KEPT: dict[str, tuple[tuple[int, int] | None, dict, dict, set]] = {}
_keeping = False


def keep_in_memory(on: bool = True) -> None:
    """Keep the index and its parsed posts in this process between builds (``serve``: build/warm.py).
    The next build of the same network then neither reads SQLite nor unpickles the posts it
    already holds, as long as the cache file is as this process left it."""
    global _keeping
    _keeping = on
    _KEPT.clear()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


SCHEMA = "CREATE TABLE IF NOT EXISTS posts (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ctx TEXT, post BLOB)"


class IndexCache:
    """Parsed posts by path. Rows are read from SQLite a folder at a time, when a post of that
    folder is first asked for: a build that reads only some orgs' news (build/changes.py) never
    loads the others' posts."""

    def __init__(self, path: Path):
        self.path = path
        self._rows: dict[str, tuple[int, int, str, bytes]] = {}
        self._dirty: dict[str, tuple[int, int, str, bytes]] = {}
        self._seen: set[str] = set()
        self._folders: set[str] = set()  # folders whose rows are in ``_rows``
        self._visited: set[str] = set()  # folders whose posts were asked for this run
        self.hits = 0
        self.misses = 0
        self._posts: dict[str, tuple[tuple, Post]] = {}  # key -> (its row, the post unpickled from it)
        self._db: sqlite3.Connection | None = None
        kept = _KEPT.get(str(path)) if _keeping else None
        if kept is not None and kept[0] is not None and kept[0] == _stamp(path):
            self._rows, self._posts, self._folders = kept[1], kept[2], kept[3]

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path)
                self._db.execute(SCHEMA)
            except (OSError, sqlite3.DatabaseError):
                self._reset()
        return self._db

    def _reset(self) -> None:
        """A corrupt cache is only a slower build."""
        if self._db is not None:
            self._db.close()
            self._db = None
        self.path.unlink(missing_ok=True)

    def _load_folder(self, folder: str) -> None:
        """The rows of the posts directly in ``folder`` (paths ``<folder>/<name>``)."""
        self._folders.add(folder)
        db = self._connect()
        if db is None:
            return
        try:
            found = db.execute(
                "SELECT path, size, mtime, ctx, post FROM posts WHERE path > ? AND path < ?",
                (folder + os.sep, folder + chr(ord(os.sep) + 1)),
            )
            for row in found:
                if os.path.dirname(row[0]) == folder:
                    self._rows.setdefault(row[0], row[1:])
        except sqlite3.DatabaseError:
            self._reset()

    @staticmethod
    def context(*parts: object) -> str:
        return hashlib.blake2b(repr((__version__, *parts)).encode(), digest_size=12).hexdigest()

    def get(self, path: Path, ctx: str) -> Post | None:
        key = str(path)
        self._seen.add(key)
        folder = os.path.dirname(key)
        self._visited.add(folder)
        if folder not in self._folders:
            self._load_folder(folder)
        row = self._rows.get(key)
        if row is not None:
            st = path.stat()
            if row[0] == st.st_size and row[1] == st.st_mtime_ns and row[2] == ctx:
                held = self._posts.get(key)
                if held is not None and held[0] is row:
                    self.hits += 1
                    return held[1]
                try:
                    post = pickle.loads(row[3])
                except Exception:
                    post = None
                if post is not None and _keeping:
                    self._posts[key] = (row, post)
                if post is not None:
                    self.hits += 1
                    return post
        self.misses += 1
        return None

    def put(self, path: Path, ctx: str, post: Post) -> None:
        st = path.stat()
        row = (st.st_size, st.st_mtime_ns, ctx, pickle.dumps(post, protocol=pickle.HIGHEST_PROTOCOL))
        self._dirty[str(path)] = row
        if _keeping:
            self._posts[str(path)] = (row, post)

    def save(self, complete: bool = True) -> None:
        """Write new entries and drop those of files not seen this run: of any file when the whole
        network was read (``complete``), else only of the folders read."""
        gone = [k for k in self._rows if k not in self._seen and os.path.dirname(k) in self._visited]
        if complete:
            gone += [k for k in self.stored_paths() if k not in self._seen and k not in self._rows]
        if self._dirty or gone:
            try:
                with sqlite3.connect(self.path) as db:
                    db.execute(SCHEMA)
                    db.executemany(
                        "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?)", [(k, *v) for k, v in self._dirty.items()]
                    )
                    db.executemany("DELETE FROM posts WHERE path = ?", [(k,) for k in gone])
            except sqlite3.DatabaseError:
                pass
            self._rows.update(self._dirty)
            self._dirty.clear()
            for key in gone:
                self._rows.pop(key, None)
                self._posts.pop(key, None)
        if self._db is not None:
            self._db.close()
            self._db = None
        self._keep()

    def stored_paths(self) -> list[str]:
        db = self._connect()
        try:
            return [row[0] for row in db.execute("SELECT path FROM posts")] if db is not None else []
        except sqlite3.DatabaseError:
            return []

    def _keep(self) -> None:
        if _keeping:
            _KEPT[str(self.path)] = (_stamp(self.path), self._rows, self._posts, self._folders)


class CleanFiles:
    """Files that passed a check, keyed by path, size and mtime (and what the check was):
    a build does not read them again. Kept as JSON beside the news index."""

    def __init__(self, path: Path, check_key: str):
        self.path = path
        self.check_key = check_key
        self._clean: dict[str, list[int]] = {}
        self._seen: dict[str, list[int]] = {}
        self._clean_folders: dict[str, str] = {}  # folder -> listing digest when all of it passed
        self._folders: dict[str, str] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") == check_key:
                self._clean = data.get("files", {})
                self._clean_folders = data.get("folders", {})
        except (OSError, ValueError, AttributeError):
            pass

    def folder_is_clean(self, folder: Path, listing: str) -> bool:
        """Whether ``folder`` passed every check with exactly these files (see ``listing_digest``):
        then none of them is read or even classified again."""
        if self._clean_folders.get(str(folder)) == listing:
            self._folders[str(folder)] = listing
            return True
        return False

    def mark_folder_clean(self, folder: Path, listing: str) -> None:
        self._folders[str(folder)] = listing

    def is_clean(self, path: Path, st: os.stat_result) -> bool:
        entry = self._clean.get(str(path))
        if entry == [st.st_size, st.st_mtime_ns]:
            self._seen[str(path)] = entry
            return True
        return False

    def mark_clean(self, path: Path, st: os.stat_result) -> None:
        self._seen[str(path)] = [st.st_size, st.st_mtime_ns]

    def save(self) -> None:
        """Keep only the files and folders seen clean this run (a clean folder's files stay known)."""
        if self._folders:
            for key, entry in self._clean.items():
                if key not in self._seen and _inside(key, self._folders):
                    self._seen[key] = entry
        if self._seen == self._clean and self._folders == self._clean_folders:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            data = {"key": self.check_key, "files": self._seen, "folders": self._folders}
            write_atomic(self.path, json.dumps(data))
        except OSError:
            pass


def _inside(path: str, folders: dict[str, str]) -> bool:
    """Whether ``path`` lies in one of ``folders`` (walking up its parents: no scan of every folder)."""
    parent = os.path.dirname(path)
    while parent and parent not in folders:
        up = os.path.dirname(parent)
        if up == parent:
            return False
        parent = up
    return bool(parent)
