"""The news index: front matter of every post (no bodies kept), validated (DESIGN §4, §8)."""

from __future__ import annotations

import difflib
import stat
from collections.abc import Collection, Mapping
from concurrent.futures import Executor
from pathlib import Path

import frontmatter

from union_network.core.models import FrontMatter, aware
from union_network.core.network import Post, Registry
from union_network.core.problems import Problems, escape_controls
from union_network.enforce.content_rules import complexity_findings
from union_network.enforce.text import plain_text, summary_of
from union_network.read.body import BODY_FORMAT, RASTER, body_html, local_image_refs, resolve_in_folder
from union_network.read.cache import IndexCache
from union_network.read.options import NetworkOptions
from union_network.read.yamlfile import parse_model, read_text
from union_network.read.yamlsrc import YamlDoc

NEWS_FOLDER = "news"
PARALLEL_READ_THRESHOLD = 400  # posts to parse before worker processes pay for themselves
RESERVED_STEMS = {"index", "page", "feed", "atom"}
#: Largest front matter block of a post, in bytes.
MAX_FRONT_MATTER_BYTES = 64 * 1024
#: Years a date may have: beyond them, date arithmetic (time zones, feeds) breaks.
MIN_YEAR, MAX_YEAR = 1900, 2200
_HANDLER = frontmatter.YAMLHandler()


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter text or None, body, line of the first front-matter line) via python-frontmatter."""
    if not _HANDLER.detect(text):
        return None, text, 1
    try:
        fm, body = _HANDLER.split(text)
    except ValueError:
        return None, text, 1
    first_line = text[: text.index(fm)].count("\n") + 1 if fm.strip() else 2
    return fm, body, first_line


def unknown_category(key: str, categories: dict[str, str]) -> str:
    """«неизвестная категория …; может быть, …? допустимы: key — Label, …» (keys and labels both match)."""
    shown = ", ".join(f"{k} — {label}" for k, label in categories.items())
    by_label = {label.lower(): k for k, label in categories.items()}
    guess = by_label.get(str(key).strip().lower())
    if guess is None:
        close = difflib.get_close_matches(str(key).lower(), list(categories) + list(by_label), n=1, cutoff=0.6)
        guess = by_label.get(close[0], close[0]) if close else None
    hint = f"может быть, {guess}? " if guess else ""
    return f"неизвестная категория {escape_controls(repr(key))}; {hint}в categories пишется ключ, допустимы: {shown}"


def read_post(
    org_slug: str, path: Path, options: NetworkOptions, default_reach: str, problems: Problems
) -> tuple[Post, YamlDoc] | None:
    text = read_text(path, problems)
    if text is None:
        return None
    fm_text, body, first_line = split_front_matter(text)
    if fm_text is None:
        problems.error(path, 1, "у новости нет блока front matter между строками «---» (нужны title и date)")
        return None
    if len(fm_text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        problems.error(
            path,
            first_line + len(fm_text) - len(fm_text.lstrip("\n")),
            f"блок front matter больше {MAX_FRONT_MATTER_BYTES // 1024} КБ; "
            "оставьте в нём поля новости, а текст перенесите ниже строки «---»",
        )
        return None
    parsed = parse_model(FrontMatter, fm_text, path, problems, line_offset=first_line - 1)
    if parsed is None:
        return None
    meta, doc = parsed
    ok = True
    for i, key in enumerate(meta.categories):
        if key not in options.categories:
            problems.error(path, doc.line_of(("categories", i)), unknown_category(key, options.categories))
            ok = False
    for loc, value in (
        (("date",), meta.date),
        (("event", "start"), meta.event.start if meta.event else None),
        (("event", "end"), meta.event.end if meta.event else None),
    ):
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            problems.error(
                path,
                doc.line_of(loc),
                f"«{'.'.join(loc)}»: год {value.year} вне допустимых {MIN_YEAR}–{MAX_YEAR}; проверьте дату",
            )
            ok = False
    if not ok:
        return None
    tz = options.tz
    event = meta.event
    if event is not None:
        event = event.model_copy(
            update={"start": aware(event.start, tz), "end": aware(event.end, tz) if event.end else None}
        )
        if event.end is not None and event.end < event.start:
            problems.error(path, doc.line_of(("event", "end")), "«event.end»: конец события раньше его начала")
            ok = False
    body_images: list[str] = []
    images_ok, image = _check_images(meta.image, meta.image_alt, text, body, path, doc, problems, body_images)
    ok = ok and images_ok
    # Markdown the renderer would take minutes over is reported by enforce/content_rules.py; here the
    # post is left out without rendering its summary and body, so that check and build do not stall.
    if not ok or complexity_findings(body):
        return None
    return Post(
        org=org_slug,
        stem=path.stem,
        path=path,
        title=plain_text(meta.title) or path.stem,
        date=aware(meta.date, tz),
        summary=summary_of(meta.summary, body),
        categories=tuple(meta.categories),
        tags=tuple(meta.tags),
        reach=meta.reach or default_reach,
        support=meta.support,
        broadcast=meta.broadcast,
        draft=meta.draft,
        event=event,
        image=image,
        body_images=tuple(dict.fromkeys(body_images)),
        image_alt=plain_text(meta.image_alt or ""),
        content_html=body_html(body),
    ), doc


def _check_images(
    image: str | None,
    alt: str | None,
    text: str,
    body: str,
    path: Path,
    doc: YamlDoc | None,
    problems: Problems,
    body_images: list[str],
) -> tuple[bool, str | None]:
    """(no problem, the post's picture as a path in the org's folder or None without one).
    Markdown images of the body must name files that exist in the folder too; the raster ones
    are added to ``body_images`` (they get responsive derivatives like the picture)."""
    folder = path.parent.parent
    post_rel = f"{path.parent.name}/{path.name}"
    ok = True
    body_start = text[: len(text) - len(body)].count("\n") if text.endswith(body) else 0
    for line, target in local_image_refs(body):
        rel = resolve_in_folder(post_rel, target)
        if rel is None:
            problems.error(path, body_start + line, f"изображение {target!r} вне папки организации")
            ok = False
        elif not (folder / rel).is_file():
            problems.error(
                path, body_start + line, f"нет файла изображения {target!r} (искали {rel} в папке организации)"
            )
            ok = False
        elif Path(rel).suffix.lower() in RASTER:
            body_images.append(rel)
    if image is None:
        if alt is not None:
            problems.error(
                path,
                doc.line_of(("image_alt",)) if doc else None,
                "«image_alt» задан, а «image» нет: укажите файл фотографии",
            )
            return False, None
        return ok, None
    image_line = doc.line_of(("image",)) if doc else None
    rel = resolve_in_folder(post_rel, image)
    if rel is not None and not (folder / rel).is_file() and not image.startswith(("/", ".")):
        rel = resolve_in_folder("", image)  # "images/a.jpg": from the top of the folder
    suffix = Path(image).suffix.lower()
    if alt is None:
        problems.error(
            path,
            image_line,
            "у фотографии нет описания: добавьте «image_alt» — что на ней изображено, для незрячих читателей",
        )
        ok = False
    if suffix not in RASTER:
        allowed = ", ".join(sorted(ext.lstrip(".") for ext in RASTER))
        problems.error(path, image_line, f"«image»: {image!r} — не растровое изображение; допустимы {allowed}")
        return False, None
    if rel is None:
        problems.error(path, image_line, f"«image»: файл {image!r} вне папки организации")
        return False, None
    if not (folder / rel).is_file():
        problems.error(path, image_line, f"«image»: нет файла {image!r} (искали {rel} в папке организации)")
        return False, None
    if not _readable_image(folder / rel):
        problems.error(path, image_line, f"«image»: файл {image!r} не читается как изображение {suffix.lstrip('.')}")
        return False, None
    return ok, rel if ok else None


def _images_present(folder: Path, post: Post) -> bool:
    """The pictures a cached post names are still there (the cache knows only the post's own file)."""
    names = ([post.image] if post.image else []) + list(post.body_images)
    return all((folder / name).is_file() for name in names)


def _readable_image(file: Path) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as img:
            img.verify()
        return True
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        return False


def _post_paths(folder: Path, problems: Problems) -> list[Path]:
    paths = []
    for path in sorted(folder.glob("*.md")):
        # Links, pipes and bad names are reported by enforce/files.py; such a file is not a post.
        if not stat.S_ISREG(path.lstat().st_mode) or any(not ch.isprintable() for ch in path.name):
            continue
        if path.stem in RESERVED_STEMS:
            problems.error(
                path, None, f"имя {path.name!r} зарезервировано для страниц, которые строятся сами; переименуйте файл"
            )
        else:
            paths.append(path)
    return paths


def check_unplaced_news(folders: list[Path], options: NetworkOptions, problems: Problems) -> None:
    """Validate posts of org folders left out of the registry (a broken card), so that
    one run reports everything; such posts are not published."""
    for folder in folders:
        for path in _post_paths(folder / NEWS_FOLDER, problems):
            read_post(folder.name, path, options, "parent", problems)


def _read_new_post(
    org_slug: str, path: Path, options: NetworkOptions, default_reach: str, has_members: bool, problems: Problems
) -> Post | None:
    result = read_post(org_slug, path, options, default_reach, problems)
    if result is None:
        return None
    post, doc = result
    if post.broadcast and not has_members:
        problems.error(
            path,
            doc.line_of(("broadcast",)),
            "«broadcast» возможен только у организации, в которую входят другие организации",
        )
        return None
    return post


_Job = tuple[str, Path, str, bool]  # org slug, path, default reach, has members


def _read_chunk(args: tuple[list[_Job], NetworkOptions, Path | None]) -> tuple[list[Post | None], list]:
    """Worker: read a chunk of posts; returns them (None for invalid ones) and the problems found."""
    jobs, options, root = args
    problems = Problems(root=root)
    posts = [_read_new_post(slug, path, options, reach, members, problems) for slug, path, reach, members in jobs]
    return posts, problems.items


def read_news(
    registry: Registry,
    options: NetworkOptions,
    problems: Problems,
    cache: IndexCache | None = None,
    pool: Executor | None = None,
    orgs: Collection[str] | None = None,
    only: Mapping[str, Collection[Path]] | None = None,
) -> list[Post]:
    """Every valid post of every org (of ``orgs`` only, when given; ``only``: just these files of an
    org, known to be posts); unchanged files come from ``cache`` without being read.

    Posts not in the cache are parsed in ``pool``'s worker processes when there are many of them
    (a cold build of a large network), in this process otherwise.
    """
    options_key = (options.timezone, sorted(options.categories.items()), BODY_FORMAT)
    slots: list[Post | None] = []
    todo: list[tuple[int, _Job, str]] = []  # slot, job, cache context
    for org in registry:
        folder = org.folder / NEWS_FOLDER
        if (orgs is not None and org.slug not in orgs) or not folder.is_dir():
            continue
        has_members = registry.has_members(org.slug)
        ctx = IndexCache.context(options_key, org.slug, org.card.news_reach, has_members)
        paths = sorted(only[org.slug]) if only is not None else _post_paths(folder, problems)
        for path in paths:
            post = cache.get(path, ctx) if cache is not None else None
            if post is not None and not _images_present(org.folder, post):
                post = None  # a picture it names is gone: read it again, so that the problem is reported
            if post is None:
                todo.append((len(slots), (org.slug, path, org.card.news_reach, has_members), ctx))
            slots.append(post)

    if pool is not None and len(todo) >= PARALLEL_READ_THRESHOLD:
        size = -(-len(todo) // 16)
        chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
        results = list(
            pool.map(_read_chunk, [([job for _, job, _ in chunk], options, problems.root) for chunk in chunks])
        )
        parsed = [post for chunk_posts, _ in results for post in chunk_posts]
        for _, items in results:
            problems.items.extend(items)
    else:
        parsed = [
            _read_new_post(slug, path, options, reach, members, problems) for _, (slug, path, reach, members), _ in todo
        ]

    for (slot, job, ctx), post in zip(todo, parsed):
        slots[slot] = post
        if post is not None and cache is not None:
            cache.put(job[1], ctx, post)
    return [post for post in slots if post is not None]
