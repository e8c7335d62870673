"""A network held as plain data, written to disk file by file, and seeded random edits of it (issue 14).

:class:`Net` is the whole input of a build (mkdocs.yml, theme, every org's card, pages, posts, pictures,
documents, moderation) as Python data; :meth:`Net.files` renders it to ``{path: bytes}`` and
:func:`sync` writes only what differs from the files on disk (and deletes what is gone), as an editor would.
``EDITS`` are the kinds of change DESIGN §5 cares about, each a function ``(net, rng) -> description``
that changes what ``net`` means, validly (or returns ``None`` when it does not apply);
:func:`invalid_edit` breaks one file.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import io
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import netfactory
import yaml

# netfactory's mkdocs.yml with the theme folder the edits change
MKDOCS_YML = netfactory.MKDOCS_YML.replace("  name: material\n", "  name: material\n  custom_dir: theme\n")
THEME = '{{% extends "base.html" %}}{{% block extrahead %}}<meta name="x-theme" content="{}">{{{{ super() }}}}{{% endblock %}}'
CATEGORIES = ("meetings", "actions", "bargaining")
REACHES = (None, "self", "parent", "federation")
# Build time of the tests: 2026-06-01 15:00 in Moscow; June and July are the future.
DAYS = [f"2026-{m:02d}-{d:02d}" for m in (1, 2, 3, 4, 5, 6, 7) for d in (1, 9, 17, 25)]


# -- comparing outputs ------------------------------------------------------------------------
def digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (its relative path) -> sha256 of its bytes. Links are followed: an
    output folder's sites may be links to per-site folders (which ``Path.rglob`` would not enter)."""
    out = {}
    for top, dirs, files in os.walk(folder, followlinks=True):
        dirs.sort()
        for name in sorted(files):
            path = Path(top) / name
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    assert sum(k.endswith("/index.html") for k in out) >= 3, f"{folder}: no sites in it (nothing to compare)"
    return dict(sorted(out.items()))


def differences(incremental: Path, clean: Path, limit: int = 12) -> list[str]:
    """What differs between two outputs: files only in one, files with other bytes (a short diff of the first)."""
    a, b = digest(incremental), digest(clean)
    only_a, only_b = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    changed = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    lines = [f"only in the incremental output: {p}" for p in only_a[:limit]]
    lines += [f"only in the clean output: {p}" for p in only_b[:limit]]
    lines += [f"different bytes: {p}" for p in changed[:limit]]
    for rel in changed[:1]:
        try:
            old = (clean / rel).read_text(encoding="utf-8").replace(">", ">\n").splitlines()
            new = (incremental / rel).read_text(encoding="utf-8").replace(">", ">\n").splitlines()
        except UnicodeDecodeError:
            continue
        diff = list(difflib.unified_diff(old, new, f"clean/{rel}", f"incremental/{rel}", n=1, lineterm=""))
        lines += ["  " + line[:200] for line in diff[:30]]
    return lines


# -- the network as data ----------------------------------------------------------------------
@dataclass
class Org:
    kind: str
    parent: str | None
    card: dict[str, Any]  # org.yml without kind and parent
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)  # stem -> front matter + "body"
    pages: dict[str, str] = field(default_factory=dict)  # path in the folder -> Markdown
    files: dict[str, bytes] = field(default_factory=dict)  # path in the folder -> bytes (pictures, documents)
    moderation: dict[str, list[str]] = field(default_factory=dict)  # hide/promote -> post ids


@dataclass
class Net:
    root: str
    orgs: dict[str, Org]
    feed_size: int = 50
    per_page: int = 3
    theme: int = 1
    counter: int = 0  # for new names

    def copy(self) -> Net:
        return copy.deepcopy(self)

    def new_name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def folder(self, slug: str) -> str:
        return "content" if slug == self.root else f"orgs/{slug}"

    def members(self, slug: str) -> list[str]:
        return sorted(s for s, o in self.orgs.items() if o.parent == slug)

    def ancestors(self, slug: str) -> list[str]:
        chain, current = [], self.orgs[slug].parent
        while current is not None:
            chain.append(current)
            current = self.orgs[current].parent
        return chain

    def descendants(self, slug: str) -> set[str]:
        return {s for s in self.orgs if slug in self.ancestors(s)}

    def post_ids(self) -> list[tuple[str, str]]:
        return sorted((slug, stem) for slug, org in self.orgs.items() for stem in org.posts)

    def normalize(self) -> None:
        """Keep the network valid after a change of the tree: broadcasts only where there are members."""
        for slug, org in self.orgs.items():
            if not self.members(slug):
                for meta in org.posts.values():
                    meta.pop("broadcast", None)

    def files(self) -> dict[str, bytes]:
        out = {
            "mkdocs.yml": MKDOCS_YML.format(feed_size=self.feed_size, per_page=self.per_page).encode(),
            "theme/main.html": THEME.format(self.theme).encode(),
        }
        for slug, org in self.orgs.items():
            top = self.folder(slug)
            card = {"slug": slug} if slug == self.root else {}
            card.update(name=org.card["name"], kind=org.kind)
            if org.parent:
                card["parent"] = org.parent
            card.update({k: v for k, v in org.card.items() if k != "name"})
            out[f"{top}/org.yml"] = dump(card)
            for stem, post in org.posts.items():
                meta = {k: v for k, v in post.items() if k != "body"}
                out[f"{top}/news/{stem}.md"] = b"---\n" + dump(meta) + b"---\n\n" + post["body"].encode() + b"\n"
            for rel, text in org.pages.items():
                out[f"{top}/{rel}"] = text.encode()
            for rel, data in org.files.items():
                out[f"{top}/{rel}"] = data
            if org.moderation:
                out[f"{top}/moderation.yml"] = dump(org.moderation)
        return out


def dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def sync(root: Path, files: dict[str, bytes]) -> list[str]:
    """Make the network's input in ``root`` (mkdocs.yml, theme/, content/, orgs/) hold exactly ``files``:
    write what differs, delete what is not there (and the folders left empty), touch nothing else,
    as an editor would. Returns the paths written or deleted."""
    on_disk = {
        p.relative_to(root).as_posix(): p
        for top in ("theme", "content", "orgs")
        for p in (root / top).rglob("*")
        if p.is_file()
    }
    touched = []
    for rel in sorted(on_disk.keys() - files.keys()):
        on_disk[rel].unlink()
        touched.append(rel)
        parent = on_disk[rel].parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    for rel, data in sorted(files.items()):
        path = root / rel
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            touched.append(rel)
    return touched


def png(color: tuple[int, int, int], size: tuple[int, int] = (48, 32)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n%%EOF\n".encode()


def page(title: str, text: str = "Текст страницы.") -> str:
    return f"# {title}\n\n{text}\n"


def base_org(name: str, kind: str, parent: str | None) -> Org:
    return Org(kind, parent, {"name": f"Организация {name}"}, pages={"index.md": page(f"Организация {name}")})


def post(title: str, day: str, body: str = "Текст новости.", **meta: Any) -> dict[str, Any]:
    return {"title": title, "date": day, **meta, "body": body}


def small_net(seed: int, territorials: int = 2, primaries: int = 4, posts: int = 3) -> Net:
    """A generated network: the root, ``territorials`` under it, ``primaries`` spread under them,
    ``posts`` posts on each org (seeded: the same seed gives the same network)."""
    rng = random.Random(seed)
    net = Net("fed", {"fed": base_org("fed", "federation", None)}, per_page=3, feed_size=6)
    terrs = [f"t{i}" for i in range(1, territorials + 1)]
    for slug in terrs:
        net.orgs[slug] = base_org(slug, "territorial", "fed")
    for i in range(1, primaries + 1):
        slug = f"p{i}"
        net.orgs[slug] = base_org(slug, "primary", terrs[(i - 1) % len(terrs)])
    for slug in net.orgs:
        for _ in range(posts):
            add_post(net, rng, slug)
    return net


# -- the kinds of edit --------------------------------------------------------------------------
Edit = Callable[[Net, random.Random], "str | None"]


def pick_post(net: Net, rng: random.Random) -> tuple[str, str, dict[str, Any]] | None:
    ids = net.post_ids()
    if not ids:
        return None
    slug, stem = rng.choice(ids)
    return slug, stem, net.orgs[slug].posts[stem]


def add_post(net: Net, rng: random.Random, slug: str | None = None) -> str:
    slug = slug or rng.choice(sorted(net.orgs))
    stem = net.new_name("post-")
    meta: dict[str, Any] = {"title": f"Новость {stem}", "date": rng.choice(DAYS)}
    if rng.random() < 0.3:
        meta["categories"] = rng.sample(CATEGORIES, rng.randint(1, 2))
    if rng.random() < 0.3:
        meta["reach"] = rng.choice(REACHES[1:])
    if rng.random() < 0.15 and net.members(slug):
        meta["broadcast"] = True
    if rng.random() < 0.1:
        meta["support"] = True
    meta["body"] = f"Текст новости {stem}. " * rng.randint(1, 4)
    net.orgs[slug].posts[stem] = meta
    return f"add post {slug}/{stem} ({meta['date']})"


def delete_post(net: Net, rng: random.Random) -> str | None:
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, _ = chosen
    del net.orgs[slug].posts[stem]
    return f"delete post {slug}/{stem}"


def edit_title(net: Net, rng: random.Random) -> str | None:
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    meta["title"] = f"{meta['title'].split(' —')[0]} — правка {net.new_name('')}"
    return f"edit title {slug}/{stem}"


def edit_body(net: Net, rng: random.Random) -> str | None:
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    if rng.random() < 0.5:
        meta["body"] = meta["body"] + f"\n\nЕщё абзац {net.new_name('')}."
    else:
        meta["body"] = f"Новый первый абзац {net.new_name('')}.\n\n" + meta["body"]  # the summary changes
    return f"edit body {slug}/{stem}"


def change_date(net: Net, rng: random.Random) -> str | None:
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    old = meta["date"]
    while meta["date"] == old:
        meta["date"] = rng.choice(DAYS) + (f"T{rng.randint(8, 20):02d}:30:00" if rng.random() < 0.3 else "")
    return f"date of {slug}/{stem} -> {meta['date']}"


def change_reach(net: Net, rng: random.Random) -> str | None:
    """Another reach in effect (no reach: the card's ``news_reach``, else ``parent``)."""
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    default = net.orgs[slug].card.get("news_reach") or "parent"
    current = meta.get("reach") or default
    reach = rng.choice([r for r in REACHES if (r or default) != current])
    set_or_drop(meta, "reach", reach)
    return f"reach of {slug}/{stem} -> {reach}"


def toggle_flag(net: Net, rng: random.Random, flag: str) -> str | None:
    """A post's boolean front-matter field flipped (``support``, ``draft``; false is written as absent)."""
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    set_or_drop(meta, flag, not meta.get(flag) or None)
    return f"{flag} of {slug}/{stem} -> {meta.get(flag, False)}"


def toggle_support(net: Net, rng: random.Random) -> str | None:
    return toggle_flag(net, rng, "support")


def toggle_broadcast(net: Net, rng: random.Random) -> str | None:
    ids = [(s, t) for s, t in net.post_ids() if net.members(s)]
    if not ids:
        return None
    slug, stem = rng.choice(ids)
    meta = net.orgs[slug].posts[stem]
    set_or_drop(meta, "broadcast", not meta.get("broadcast") or None)
    return f"broadcast of {slug}/{stem} -> {meta.get('broadcast', False)}"


def toggle_draft(net: Net, rng: random.Random) -> str | None:
    return toggle_flag(net, rng, "draft")


def change_topics(net: Net, rng: random.Random) -> str | None:
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    old = (meta.get("categories"), meta.get("tags"))
    while (meta.get("categories"), meta.get("tags")) == old:
        set_or_drop(meta, "categories", rng.sample(CATEGORIES, rng.randint(0, 2)) or None)
        set_or_drop(meta, "tags", rng.sample(["зарплата", "охрана труда", "молодёжь"], rng.randint(0, 2)) or None)
    return f"categories/tags of {slug}/{stem} -> {meta.get('categories')}/{meta.get('tags')}"


def change_event(net: Net, rng: random.Random) -> str | None:
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    if "event" in meta and rng.random() < 0.4:
        del meta["event"]
        return f"event of {slug}/{stem} removed"
    old = meta.get("event")
    while meta.get("event") == old:
        day, hour = rng.choice(DAYS), rng.randint(9, 17)
        meta["event"] = {"start": f"{day}T{hour:02d}:00:00+03:00", "end": f"{day}T{hour + 2:02d}:00:00+03:00"}
        if rng.random() < 0.5:
            meta["event"]["place"] = rng.choice(["Дом профсоюзов", "Актовый зал"])
    return f"event of {slug}/{stem} -> {meta['event']['start']}"


def change_image(net: Net, rng: random.Random) -> str | None:
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    org = net.orgs[slug]
    if "image" in meta and rng.random() < 0.3:
        org.files.pop(meta.pop("image"), None)
        meta.pop("image_alt", None)
        return f"picture of {slug}/{stem} removed"
    rel = meta.get("image") or f"images/{stem}.png"
    org.files[rel] = png((rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    meta["image"], meta["image_alt"] = rel, f"Фото {net.new_name('')}"
    return f"picture of {slug}/{stem} -> {rel} (new bytes)"


def rewrite_post(net: Net, rng: random.Random) -> str | None:
    """The same post in other words: its front matter in another order (what it means is unchanged)."""
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    keys = list(meta)
    net.orgs[slug].posts[stem] = {k: meta[k] for k in keys[1:-1] + keys[:1] + keys[-1:]}
    return f"front matter of {slug}/{stem} reordered"


def move_post(net: Net, rng: random.Random) -> str | None:
    if not (chosen := pick_post(net, rng)):
        return None
    slug, stem, meta = chosen
    target = rng.choice([s for s in sorted(net.orgs) if s != slug])
    del net.orgs[slug].posts[stem]
    if "image" in meta:
        net.orgs[target].files[meta["image"]] = net.orgs[slug].files.pop(meta["image"])
    if not net.members(target):
        meta.pop("broadcast", None)
    net.orgs[target].posts[stem] = meta
    return f"move post {slug}/{stem} -> {target}/{stem}"


def change_page(net: Net, rng: random.Random) -> str:
    slug = rng.choice(sorted(net.orgs))
    org = net.orgs[slug]
    extra = sorted(p for p in org.pages if p != "index.md")
    roll = rng.random()
    if extra and roll < 0.3:
        rel = rng.choice(extra)
        del org.pages[rel]
        return f"page {slug}:{rel} deleted"
    if roll < 0.6:
        rel = rng.choice(["index.md", *extra])
        org.pages[rel] += f"\nАбзац {net.new_name('')}.\n"
        return f"page {slug}:{rel} edited"
    rel = f"{net.new_name('page')}.md"
    org.pages[rel] = page(f"Страница {rel}")
    return f"page {slug}:{rel} added"


def add_document(net: Net, rng: random.Random) -> str:
    slug = rng.choice(sorted(net.orgs))
    org = net.orgs[slug]
    name = net.new_name("doc")
    org.files[f"documents/{name}.pdf"] = pdf(name)
    org.pages["index.md"] += f"\n[Документ {name}](documents/{name}.pdf)\n"
    return f"document {slug}:documents/{name}.pdf added and linked from index.md"


def change_moderation(net: Net, rng: random.Random) -> str | None:
    ids = [(s, t) for s, t in net.post_ids() if net.orgs[s].parent]
    if not ids:
        return None
    slug, stem = rng.choice(ids)
    at = rng.choice(net.ancestors(slug))
    org, post_id = net.orgs[at], f"{slug}/{stem}"
    if org.moderation and rng.random() < 0.3:
        org.moderation = {}
        return f"moderation of {at} cleared"
    decision = rng.choice(["hide", "promote"])
    other = "promote" if decision == "hide" else "hide"
    if post_id in org.moderation.get(other, []):
        org.moderation[other].remove(post_id)
        if not org.moderation[other]:
            del org.moderation[other]
    if post_id not in org.moderation.setdefault(decision, []):
        org.moderation[decision].append(post_id)
    return f"moderation of {at}: {decision} {post_id}"


def toggle_review(net: Net, rng: random.Random) -> str:
    slug = rng.choice(sorted(net.orgs))
    card = net.orgs[slug].card
    set_or_drop(card, "moderation", None if card.get("moderation") == "review" else "review")
    return f"moderation of {slug}'s card -> {card.get('moderation', 'auto')}"


def change_contacts(net: Net, rng: random.Random) -> str:
    slug = rng.choice(sorted(net.orgs))
    card, n = net.orgs[slug].card, net.new_name("")
    if rng.random() < 0.5:
        card["contacts"] = {"phone": f"+7 900 000-00-{int(n) % 100:02d}", "email": f"org{n}@net.example"}
        return f"contacts of {slug} changed"
    card["social"] = {"vk": f"https://vk.com/org{n}", "telegram": f"https://t.me/org{n}"}
    return f"social links of {slug} changed"


def change_card(net: Net, rng: random.Random) -> str:
    """What a card says about the org's posts and size: ``news_reach`` (the default reach of its posts),
    ``members``."""
    slug = rng.choice(sorted(net.orgs))
    card = net.orgs[slug].card
    if rng.random() < 0.5:
        reach = rng.choice([r for r in REACHES if r != card.get("news_reach")])
        set_or_drop(card, "news_reach", reach)
        return f"news_reach of {slug} -> {reach}"
    card["members"] = rng.choice([m for m in (None, 40, 800, 3000) if m != card.get("members")])
    set_or_drop(card, "members", card["members"])
    return f"members of {slug} -> {card.get('members')}"


def rename_org(net: Net, rng: random.Random) -> str:
    slug = rng.choice(sorted(net.orgs))
    net.orgs[slug].card["short_name"] = f"Орг {net.new_name('')}"
    return f"short_name of {slug} changed"


def add_org(net: Net, rng: random.Random) -> str:
    parent = rng.choice(sorted(s for s, o in net.orgs.items() if o.kind != "primary"))
    slug = net.new_name("new")
    net.orgs[slug] = base_org(slug, "primary", parent)
    add_post(net, rng, slug)
    return f"org {slug} added under {parent} (with a post)"


def delete_org(net: Net, rng: random.Random) -> str | None:
    leaves = sorted(s for s in net.orgs if s != net.root and not net.members(s))
    if len(leaves) < 3:
        return None
    slug = rng.choice(leaves)
    del net.orgs[slug]
    net.normalize()
    return f"org {slug} deleted"


def move_org_folder(net: Net, rng: random.Random) -> str | None:
    slugs = sorted(s for s in net.orgs if s != net.root)
    if not slugs:
        return None
    old = rng.choice(slugs)
    new = net.new_name(f"{old.rstrip('0123456789-')}-")
    net.orgs[new] = net.orgs.pop(old)
    for org in net.orgs.values():
        if org.parent == old:
            org.parent = new
    return f"org folder {old} -> {new}"


def change_parent(net: Net, rng: random.Random) -> str | None:
    movable = sorted(s for s in net.orgs if s != net.root)
    slug = rng.choice(movable)
    options = [
        s
        for s, o in net.orgs.items()
        if o.kind != "primary" and s != slug and s != net.orgs[slug].parent and s not in net.descendants(slug)
    ]
    if not options:
        return None
    old = net.orgs[slug].parent
    net.orgs[slug].parent = rng.choice(sorted(options))
    net.normalize()
    return f"parent of {slug}: {old} -> {net.orgs[slug].parent}"


def change_options(net: Net, rng: random.Random) -> str:
    if rng.random() < 0.5:
        net.feed_size = rng.choice([n for n in (3, 6, 50) if n != net.feed_size])
        return f"feed_size -> {net.feed_size}"
    net.per_page = rng.choice([n for n in (2, 3, 10) if n != net.per_page])
    return f"per_page -> {net.per_page}"


def change_theme(net: Net, rng: random.Random) -> str:
    net.theme += 1
    return f"theme/main.html -> version {net.theme}"


def set_or_drop(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value


#: kind of edit -> (function, weight in a random sequence)
EDITS: dict[str, tuple[Edit, int]] = {
    "add post": (lambda net, rng: add_post(net, rng), 6),
    "delete post": (delete_post, 4),
    "edit title": (edit_title, 6),
    "edit body": (edit_body, 4),
    "change date": (change_date, 6),
    "change reach": (change_reach, 5),
    "toggle support": (toggle_support, 3),
    "toggle broadcast": (toggle_broadcast, 3),
    "toggle draft": (toggle_draft, 3),
    "change topics": (change_topics, 3),
    "change event": (change_event, 3),
    "change image": (change_image, 2),
    "move post": (move_post, 3),
    "rewrite post": (rewrite_post, 1),
    "change page": (change_page, 3),
    "add document": (add_document, 1),
    "change moderation": (change_moderation, 4),
    "toggle review": (toggle_review, 2),
    "change contacts": (change_contacts, 2),
    "rename org": (rename_org, 2),
    "change card": (change_card, 2),
    "add org": (add_org, 2),
    "delete org": (delete_org, 1),
    "move org folder": (move_org_folder, 1),
    "change parent": (change_parent, 2),
    "change options": (change_options, 1),
    "change theme": (change_theme, 1),
}


def random_edit(net: Net, rng: random.Random, first: str | None = None) -> str:
    """Apply one random valid edit to ``net`` (of kind ``first`` if it applies); returns
    ``"<kind>: <what it did>"``."""
    kinds = list(EDITS)
    weights = [EDITS[k][1] for k in kinds]
    while True:
        kind, first = first or rng.choices(kinds, weights)[0], None
        done = EDITS[kind][0](net, rng)
        if done is not None:
            return f"{kind}: {done}"


# -- invalid edits: written straight to a file (the model is not changed) ------------------------
def invalid_edit(net: Net, root: Path, rng: random.Random) -> str:
    """Break one file of the network on disk; returns what was broken. :func:`sync` with the model's
    files puts it right again."""
    slug, stem, _ = pick_post(net, rng) or (net.root, "", {})
    top = root / net.folder(slug)
    choice = rng.randrange(4)
    if choice == 0 and stem:
        path = top / "news" / f"{stem}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("date:", "date: вчера\nold_date:", 1), "utf-8")
        return f"invalid: a bad date in {slug}/{stem}"
    if choice == 1 and stem:
        path = top / "news" / f"{stem}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\ncategories: [nope]\n", 1), "utf-8")
        return f"invalid: an unknown category in {slug}/{stem}"
    if choice == 2:
        (top / "org.yml").write_text("name: [не закрыто\n", encoding="utf-8")
        return f"invalid: broken YAML in {net.folder(slug)}/org.yml"
    (root / "orgs" / "orphan" / "org.yml").parent.mkdir(parents=True, exist_ok=True)
    (root / "orgs" / "orphan" / "org.yml").write_text("name: Сирота\nkind: primary\nparent: nobody\n", "utf-8")
    return "invalid: orgs/orphan/org.yml names a parent that does not exist"
