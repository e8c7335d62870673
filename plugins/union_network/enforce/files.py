"""What an organisation's folder may hold: the one allowlist of files (issue 9).

An org folder (``content/`` for the root, ``orgs/<slug>/``) is edited by volunteers whose
accounts can be stolen, so it is read as hostile. This module is the one place that says
which files in it are published:

* Markdown pages and posts: ``.md`` only (other Markdown extensions are refused, so that
  every page is checked by the same rules);
* raster images: :data:`IMAGE_EXTENSIONS` (no SVG: an SVG file is active content that a
  browser runs scripts in; the theme's own SVG logo and icons stay);
* documents: :data:`DOCUMENT_EXTENSIONS`;
* the two settings files the build reads, at the folder's top: ``org.yml``,
  ``moderation.yml`` (never published).

Everything else is refused, and so is:

* a link (symlink), file or folder, anywhere: it would publish the build machine
  (``/proc/self/environ``, ``.git``, ``/etc/passwd``) or another org's folder; folders
  are walked without following links;
* anything that is not a regular file (a FIFO would hang the build);
* a file name with a control character or not in UTF-8;
* a path the theme or the package publishes (``assets/…``, ``search/…``, the pages the
  build makes itself such as ``events/``), or equal to a file of ``theme/``: an org's
  file would replace the theme's on its site.

The same rules answer three callers: :func:`walk_org_folder` (``check``, ``build``,
``serve``), :func:`path_refusal` for one repository path (``check --changed`` reads
paths and modes from git), and :func:`is_published` (the MkDocs adapter drops any other
file, so a miss in the check still publishes nothing).
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from union_network.core.problems import Problems, escape_controls

#: Pages and posts. Only this extension: MkDocs would render the others too, unchecked.
PAGE_EXTENSIONS = frozenset({".md"})
#: Other Markdown extensions MkDocs renders: refused with "rename to .md".
OTHER_MARKDOWN = frozenset({".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn", ".mdtxt", ".mdtext", ".rmd"})
#: Raster images (compared in lower case: cameras write .JPG).
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif"})
#: Documents members download: PDF, office formats, plain text and tables.
DOCUMENT_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp", ".rtf", ".txt", ".csv"}
)
#: Every extension an org folder may publish.
PUBLISHED_EXTENSIONS = PAGE_EXTENSIONS | IMAGE_EXTENSIONS | DOCUMENT_EXTENSIONS
#: Settings files the build reads at the top of an org folder; never published.
SETTINGS_FILES = frozenset({"org.yml", "moderation.yml"})
#: Files that mean nothing to a site (git's placeholders): neither refused nor published.
IGNORED_FILES = frozenset({".gitkeep", ".gitignore", ".keep"})

#: Top-level folders of a site that belong to the theme, Material and the package.
THEME_PATHS = frozenset({"assets", "search"})
#: Top-level paths of the pages and files the build makes itself.
GENERATED_PATHS = frozenset(
    {
        "network",
        "upstream",
        "support",
        "orgs",
        "categories",
        "bulletin",
        "registry",
        "maturity",
        "events",
        "admin",
        "robots.txt",
        "sitemap.xml",
        "404.html",
        "events.ics",
    }
)

#: Folders that only make sense as theme overrides or asset bundles (Material's custom_dir layout).
THEME_DIRS = frozenset({"overrides", "partials", "theme", "themes", "templates", "stylesheets", "javascripts"})

CSS = frozenset({".css", ".scss", ".sass", ".less"})
JS = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts"})
TEMPLATES = frozenset({".html", ".htm", ".xhtml", ".jinja", ".jinja2", ".j2"})
SETTINGS = frozenset({".yml", ".yaml"})

WHY = "оформление всех сайтов сети задаёт брендбук федерации (theme/)"
ALLOWED = (
    "в папке организации публикуются только страницы .md, изображения "
    f"({', '.join(sorted(e[1:] for e in IMAGE_EXTENSIONS))}) и документы "
    f"({', '.join(sorted(e[1:] for e in DOCUMENT_EXTENSIONS))})"
)

MESSAGES = {
    "css": f"таблица стилей (CSS) в папке организации запрещена: {WHY}; удалите файл, а пожелания к оформлению передайте федерации",
    "js": "скрипт (JavaScript) в папке организации запрещён: скрипты на сайтах сети не допускаются; удалите файл "
    "(видео вставляйте через <iframe> с разрешённого видеохостинга)",
    "html": f"HTML-шаблон в папке организации запрещён: {WHY}, а страницы пишутся в Markdown; "
    "перенесите текст в файл .md и удалите этот",
    "settings": "файл настроек «{name}» в папке организации запрещён: настройки сайтов общие для сети "
    "(mkdocs.yml и theme/brandbook.yml в корне); в папке организации допустимы только org.yml и moderation.yml",
    "link": "ссылка (symlink) в папке организации запрещена: через неё на сайт попали бы файлы вне папки "
    "(настройки сервера, другие организации, тема); положите вместо ссылки сам файл",
    "special": "это не обычный файл (устройство, канал или сокет); удалите его",
    "submodule": "подмодуль git в папке организации запрещён: положите файлы в саму папку",
    "markdown": "страницы и новости пишутся в файлах с расширением .md (другие расширения Markdown "
    "не проверяются и не публикуются); переименуйте файл в «{stem}.md»",
    "svg": "SVG-изображение из папки организации не публикуется: SVG — активное содержимое, браузер "
    "выполняет скрипты внутри него; сохраните изображение в PNG или WebP",
    "type": "файл типа «{ext}» в папке организации не публикуется: " + ALLOWED + "; удалите файл или "
    "сохраните его в одном из этих форматов",
    "theme_dir": "папка «{name}» в папке организации запрещена: это переопределение темы или стилей, а "
    + WHY
    + "; удалите папку",
    "theme_path": "путь «{top}/» на сайте занят файлами темы и сборки, файл организации подменил бы их; "
    "переместите файл в другую папку (например, images/ или files/)",
    "generated": "путь «{top}» на сайте занят страницей, которую сборка строит сама; переименуйте файл или папку",
    "shadow": "файл совпадает по пути с файлом темы {theme} и подменил бы его на сайте; переименуйте файл",
    "control": "в имени есть управляющий символ {char}; переименуйте файл, оставив буквы, цифры, дефис и точку",
    "encoding": "имя файла не в кодировке UTF-8; переименуйте файл",
}


def _name_refusal(name: str) -> str | None:
    for ch in name:
        if 0xDC80 <= ord(ch) <= 0xDCFF:  # os.fsdecode's surrogateescape of a byte that is not UTF-8
            return MESSAGES["encoding"]
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            return MESSAGES["control"].format(char=escape_controls(ch))
    return None


@dataclass(frozen=True)
class Verdict:
    """What a file of an org folder is: a ``kind`` to publish ("page", "image", "document"),
    "settings" (read, not published), "ignored", or "refused" with a ``message``."""

    kind: str
    message: str = ""


def classify(rel: PurePosixPath, theme_files: Iterable[str] = ()) -> Verdict:
    """The verdict on a regular file at ``rel`` (relative to its org folder)."""
    for part in rel.parts:
        refusal = _name_refusal(part)
        if refusal:
            return Verdict("refused", refusal)
    name = rel.name
    ext = os.path.splitext(name)[1].lower()
    if name in IGNORED_FILES:
        return Verdict("ignored")
    if len(rel.parts) == 1 and name in SETTINGS_FILES:
        return Verdict("settings")
    if ext in PAGE_EXTENSIONS and rel.suffix == ".md":
        kind = "page"
    elif ext in IMAGE_EXTENSIONS:
        kind = "image"
    elif ext in DOCUMENT_EXTENSIONS:
        kind = "document"
    elif ext in PAGE_EXTENSIONS or ext in OTHER_MARKDOWN:
        return Verdict("refused", MESSAGES["markdown"].format(stem=rel.stem))
    elif ext in CSS:
        return Verdict("refused", MESSAGES["css"])
    elif ext in JS:
        return Verdict("refused", MESSAGES["js"])
    elif ext in TEMPLATES:
        return Verdict("refused", MESSAGES["html"])
    elif ext in SETTINGS:
        return Verdict("refused", MESSAGES["settings"].format(name=name))
    elif ext in (".svg", ".svgz"):
        return Verdict("refused", MESSAGES["svg"])
    else:
        return Verdict("refused", MESSAGES["type"].format(ext=escape_controls(ext or name)))
    refusal = _place_refusal(rel, set(theme_files))
    return Verdict("refused", refusal) if refusal else Verdict(kind)


def _place_refusal(rel: PurePosixPath, theme_files: set[str]) -> str | None:
    """Whether a publishable file lands where the theme's or the build's own files are."""
    top = rel.parts[0].lower()
    if top in THEME_PATHS and len(rel.parts) > 1:
        return MESSAGES["theme_path"].format(top=rel.parts[0])
    stem = top[:-3] if len(rel.parts) == 1 and top.endswith(".md") else top
    if stem in GENERATED_PATHS or top in GENERATED_PATHS:
        return MESSAGES["generated"].format(top=rel.parts[0])
    if rel.as_posix().lower() in theme_files:
        return MESSAGES["shadow"].format(theme=f"theme/{rel.as_posix()}")
    return None


def is_published(rel: str, theme_files: Iterable[str] = ()) -> bool:
    """Whether the file at ``rel`` (org-folder-relative, ``/``-separated) may reach a site."""
    path = PurePosixPath(rel)
    if any(part.startswith(".") for part in path.parts):
        return False
    if len(path.parts) > 1 and any(part.lower() in THEME_DIRS for part in path.parts[:-1]):
        return False
    return classify(path, theme_files).kind in ("page", "image", "document")


def is_link_inside(path: Path, top: Path) -> bool:
    """Whether ``path`` or one of its folders up to ``top`` (excluded) is a symlink."""
    path, top = Path(path), Path(top)
    while path != top and path != path.parent:
        if path.is_symlink():
            return True
        path = path.parent
    return False


@functools.cache
def renderer_theme_files() -> frozenset[str]:
    """Site paths (lower case) of the files Material copies into every site (its scripts, styles,
    favicon …), read from the installed distribution's file list: nothing is imported."""
    prefix = "material/templates/"
    try:  # the RECORD's lines, not metadata.files(): a path object per file cost 0.2 s on every build
        record = metadata.distribution("mkdocs-material").read_text("RECORD") or ""
    except metadata.PackageNotFoundError:
        return frozenset()
    found = set()
    for line in record.splitlines():
        name = line.rsplit(",", 2)[0].strip('"')
        if name.startswith(prefix) and not name.endswith(".html"):
            rel = name[len(prefix) :]
            if not any(part.startswith((".", "__")) for part in rel.split("/")):
                found.add(rel.lower())
    return frozenset(found)


def theme_files(root_dir: Path) -> frozenset[str]:
    """Site paths (lower case) of the theme's own published files: ``theme/`` less templates and settings,
    and the renderer's theme files (Material's)."""
    folder = Path(root_dir) / "theme"
    found = set(renderer_theme_files())
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            rel = (Path(dirpath) / name).relative_to(folder).as_posix()
            if not name.endswith(".html") and name != "brandbook.yml":
                found.add(rel.lower())
    return frozenset(found)


def listing_digest(folder: Path) -> str:
    """Digest of everything below ``folder`` as the file system lists it: every entry's path, type,
    size and mtime, links and hidden folders included, nothing followed or read. Equal digests mean
    the folder holds the same files as when it was last checked."""
    h = hashlib.blake2b(digest_size=16)
    stack = [(os.fspath(folder), "")]
    while stack:
        here, rel = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            h.update(f"!{rel}\n".encode("utf-8", "surrogateescape"))
            continue
        for entry in entries:
            name = rel + entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                h.update(f"?{name}\n".encode("utf-8", "surrogateescape"))
                continue
            h.update(f"{name}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
            if stat.S_ISDIR(st.st_mode):
                stack.append((entry.path, name + "/"))
    return h.hexdigest()


@dataclass(frozen=True)
class OrgFile:
    path: Path
    rel: PurePosixPath
    kind: str  # page, image, document, settings
    in_news: bool


def walk_org_folder(folder: Path, problems: Problems, theme: frozenset[str] = frozenset()) -> list[OrgFile]:
    """Every file of an org folder that may stay; everything else is reported. Links are not followed."""
    folder = Path(folder)
    if folder.is_symlink():
        problems.error(folder, None, MESSAGES["link"])
        return []
    found: list[OrgFile] = []
    stack = [(folder, PurePosixPath(), False)]
    while stack:
        here, rel_here, hidden = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError as exc:
            problems.error(here, None, f"не удаётся прочитать папку: {exc.strerror}")
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            rel = rel_here / entry.name
            if entry.is_symlink():
                problems.error(path, None, MESSAGES["link"])
                continue
            if hidden:  # inside a hidden folder nothing is published; only links are looked for
                if entry.is_dir(follow_symlinks=False):
                    subdirs.append((path, rel, True))
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                problems.error(path, None, f"не удаётся прочитать: {exc.strerror}")
                continue
            if stat.S_ISDIR(mode):
                refusal = _name_refusal(entry.name)
                if refusal:
                    problems.error(path, None, refusal)
                elif entry.name.startswith("."):
                    subdirs.append((path, rel, True))  # hidden folders (.obsidian ...) are not published
                elif entry.name.lower() in THEME_DIRS:
                    problems.error(path, None, MESSAGES["theme_dir"].format(name=entry.name))
                else:
                    subdirs.append((path, rel, False))
                continue
            if not stat.S_ISREG(mode):
                problems.error(path, None, MESSAGES["special"])
                continue
            verdict = classify(rel, theme)
            if verdict.kind == "refused":
                problems.error(path, None, verdict.message)
            elif verdict.kind != "ignored":
                found.append(OrgFile(path, rel, verdict.kind, rel.parts[0] == "news" and len(rel.parts) == 2))
        stack.extend(reversed(subdirs))
    return found


# -- git modes, for check --changed ----------------------------------------------------------
GIT_LINK_MODE = "120000"
GIT_SUBMODULE_MODE = "160000"


def path_refusal(rel: str, mode: str, theme: Iterable[str] = ()) -> str | None:
    """Why a file added or changed in git at ``rel`` (org-folder-relative) with ``mode`` is refused."""
    if mode == GIT_LINK_MODE:
        return MESSAGES["link"]
    if mode == GIT_SUBMODULE_MODE:
        return MESSAGES["submodule"]
    path = PurePosixPath(rel)
    for part in path.parts[:-1]:
        refusal = _name_refusal(part)
        if refusal:
            return refusal
        if part.lower() in THEME_DIRS:
            return MESSAGES["theme_dir"].format(name=part)
    if any(part.startswith(".") for part in path.parts[:-1]):
        return None  # hidden folders are not published
    verdict = classify(path, theme)
    return verdict.message if verdict.kind == "refused" else None
