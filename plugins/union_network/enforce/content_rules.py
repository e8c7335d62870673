"""One brandbook: what an organisation's folder may and may not bring (issue 3, "Enforcement").

Every site is dressed by the federation's theme (``theme/``, ``theme/brandbook.yml``).
An organisation's folder (``content/`` for the root, ``orgs/<slug>/``) holds Markdown,
images and documents; it may not restyle its site or run script on it. This reader
walks every org folder once and reports, as ``path:line: message``:

* files and folders that would restyle or script a site: CSS, JavaScript, HTML
  templates, theme-override folders (``overrides/``, ``partials/``, ``theme/``,
  ``assets/stylesheets`` ...), settings files other than ``org.yml`` and
  ``moderation.yml``;
* page front matter keys that change the layout (``template``, ``hide``,
  ``extra_css``, ``extra`` ...) and HTML in page front matter values;
* raw HTML in pages and posts: ``<script>``, ``<style>``, ``<link>``, ``<meta>``,
  ``<font>``, ``<object>``/``<embed>``, ``style=``, ``on*=`` handlers, ``javascript:``
  URLs (HTML attributes, Markdown links and ``{: attr_list}``), and ``<iframe>``
  from hosts outside the brandbook's ``video_hosts``;
* images larger than the brandbook's ``max_image_kb``, and SVG images with script.

Markdown is scanned at the source so that every problem has its line. Text in fenced
code blocks and in code spans is not flagged; the rules for what is code follow
Python-Markdown (what MkDocs renders with). Where the source is ambiguous the scan
errs on the side of reporting: a code span is masked only in a paragraph whose every
line pairs its backticks, and never inside a raw HTML block.
"""

from __future__ import annotations

import html
import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.util import BLOCK_LEVEL_ELEMENTS

from union_network.core.problems import Problems
from union_network.enforce.files import MESSAGES, WHY, listing_digest, theme_files, walk_org_folder
from union_network.read.brandbook import DEFAULT_MAX_IMAGE_KB, DEFAULT_VIDEO_HOSTS, Brandbook
from union_network.read.cache import CleanFiles
from union_network.read.registry import ORGS_FOLDER, ROOT_FOLDER
from union_network.read.yamlsrc import YamlError, check_events

# ----------------------------------------------------------------------------- the brandbook's limits

BRANDBOOK = "theme/brandbook.yml"


@dataclass(frozen=True)
class ContentRules:
    """The two brandbook settings enforcement needs (read and validated once, by
    :mod:`union_network.read.brandbook`). A video host also admits its subdomains
    (``youtube.com`` admits ``www.youtube.com``)."""

    video_hosts: tuple[str, ...] = DEFAULT_VIDEO_HOSTS
    max_image_kb: int = DEFAULT_MAX_IMAGE_KB

    @classmethod
    def of(cls, book: Brandbook | None) -> ContentRules:
        """The limits of ``book``; the brandbook's defaults when there is none (or it is invalid)."""
        if book is None:
            return cls()
        return cls(tuple(h.lower().rstrip(".") for h in book.video_hosts), book.max_image_kb)

    def allows_iframe(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.video_hosts)


# ----------------------------------------------------------------------------- files and folders

#: Largest page or post, in bytes: beyond it the file is refused, not scanned (nor rendered).
MAX_MARKDOWN_BYTES = 1024 * 1024
#: Largest front matter block, in bytes.
MAX_FRONT_MATTER_BYTES = 64 * 1024


def org_folders(root_dir: Path) -> list[Path]:
    """content/ and every orgs/<slug>/ folder, placed in the registry or not (links included: they are refused)."""
    folders = []
    content = root_dir / ROOT_FOLDER
    if content.is_dir() or content.is_symlink():
        folders.append(content)
    orgs = root_dir / ORGS_FOLDER
    if orgs.is_dir():
        folders.extend(
            sorted(p for p in orgs.iterdir() if (p.is_dir() or p.is_symlink()) and not p.name.startswith("."))
        )
    return folders


def check_content_rules(
    root_dir: Path, problems: Problems, cache_dir: Path | None = None, *, book: Brandbook | None
) -> None:
    """Report everything in the org folders that the brandbook does not allow.

    With ``cache_dir``, Markdown files and images that passed before and did not change
    (same size and mtime, same rules) are not read again.
    """
    root_dir = Path(root_dir)
    rules = ContentRules.of(book)
    theme = theme_files(root_dir)
    clean = None
    if cache_dir is not None:
        from union_network.read.cache import IndexCache

        clean = CleanFiles(cache_dir / "content-rules.json", IndexCache.context(repr(rules), sorted(theme)))
    orgs = root_dir / ORGS_FOLDER
    if orgs.is_symlink():
        problems.error(orgs, None, MESSAGES["link"])
        return
    for folder in org_folders(root_dir):
        listing = listing_digest(folder) if clean is not None else ""
        if clean is not None and clean.folder_is_clean(folder, listing):
            continue  # the same files as when all of them passed: nothing to read or classify
        found = len(problems.items)
        check_org_folder(folder, rules, problems, clean, theme)
        if clean is not None and len(problems.items) == found:
            clean.mark_folder_clean(folder, listing)
    if clean is not None:
        clean.save()


def check_org_folder(
    folder: Path,
    rules: ContentRules,
    problems: Problems,
    clean: CleanFiles | None = None,
    theme: frozenset[str] = frozenset(),
) -> None:
    for file in walk_org_folder(folder, problems, theme):
        if file.kind not in ("page", "image"):
            continue
        path = file.path
        st = path.stat() if clean is not None else None
        if clean is not None and st is not None and clean.is_clean(path, st):
            continue
        found = len(problems.items)
        if file.kind == "page":
            text = _read_markdown(path, problems)
            if text is not None:
                check_markdown(text, path, rules, problems, page=not file.in_news)
        else:
            _check_image(path, rules, problems)
        if clean is not None and st is not None and len(problems.items) == found:
            clean.mark_clean(path, st)


def _read_markdown(path: Path, problems: Problems) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_MARKDOWN_BYTES:
            problems.error(
                path,
                None,
                f"файл {math.ceil(size / 1024)} КБ больше допустимых {MAX_MARKDOWN_BYTES // 1024} КБ для страницы "
                "или новости; разделите текст на несколько страниц, а таблицы и приложения выложите документами (PDF)",
            )
            return None
        data = path.read_bytes()
    except OSError:
        return None  # unreadable files are reported by the readers that need them
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def _check_image(path: Path, rules: ContentRules, problems: Problems) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        return
    limit = rules.max_image_kb * 1024
    if size > limit:
        problems.error(
            path,
            None,
            f"изображение {math.ceil(size / 1024)} КБ больше допустимых {rules.max_image_kb} КБ "
            f"(max_image_kb в {BRANDBOOK}); уменьшите размер в пикселях или сожмите его (JPEG, WebP)",
        )


# ----------------------------------------------------------------------------- front matter

# MkDocs' own front matter rules (mkdocs.utils.meta): YAML between '---' lines, else MultiMarkdown "Key: value" lines.
_YAML_META = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_MMD_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_MetaLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MMD_MORE = re.compile(r"^([ ]{4}|\t)(\s*)(?P<value>.*)")

LAYOUT_KEYS = {
    "template": "меняет шаблон страницы",
    "hide": "скрывает части макета (навигацию, оглавление, подвал)",
    "extra": "добавляет настройки темы",
    "theme": "меняет тему",
    "style": "задаёт стили",
    "styles": "задаёт стили",
    "css": "подключает стили",
    "stylesheet": "подключает стили",
    "stylesheets": "подключает стили",
    "javascript": "подключает скрипты",
    "js": "подключает скрипты",
    "script": "подключает скрипты",
    "scripts": "подключает скрипты",
    "custom_dir": "меняет папку темы",
    "overrides": "переопределяет тему",
    "social": "меняет оформление карточки для соцсетей",
}


def meta_problem(text: str) -> tuple[int, str] | None:
    """(line, message) when a page's YAML front matter is too large or uses tags, anchors or aliases
    (content YAML allows none: read/yamlsrc.py); its keys are then not read at all."""
    m = _YAML_META.match(text)
    if not m:
        return None
    block = m.group(1)
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        return 1, (
            f"блок front matter больше {MAX_FRONT_MATTER_BYTES // 1024} КБ; оставьте в нём поля страницы, "
            "а текст перенесите ниже строки «---»"
        )
    try:
        check_events(block, line_offset=1)
    except YamlError as exc:
        return exc.line or 1, f"front matter: {exc.message}"
    except yaml.YAMLError:
        return None  # not YAML to MkDocs either: it renders the block as text
    return None


def split_meta(text: str, *, parse: bool = True) -> tuple[list[tuple[str, int, object]], str]:
    """(front matter as (key, line, value) items, body with the front matter lines blanked).

    ``parse=False`` (posts: their front matter is validated by the news reader, and a post with
    broken front matter fails the build anyway) only blanks the block."""
    m = _YAML_META.match(text)
    if m and not parse:
        return [], "\n" * m.group(0).count("\n") + text[m.end() :]
    if m:
        try:
            data = yaml.load(m.group(1), Loader=_MetaLoader)  # the loader MkDocs uses, so the same verdict
        except yaml.YAMLError:
            return [], text  # MkDocs then renders the block as text
        if not isinstance(data, dict):
            return [], text
        block = m.group(1)
        key_lines = _key_lines(block)
        found = [(str(k), 2 + key_lines.get(str(k), 0), v) for k, v in data.items()]
        return found, "\n" * m.group(0).count("\n") + text[m.end() :]
    items: list[tuple[str, int, object]] = []
    lines = text.split("\n")
    n = 0
    while n < len(lines) and lines[n].strip():
        if mm := _MMD_META.match(lines[n]):
            items.append((mm.group("key"), n + 1, mm.group("value")))
        elif not (items and _MMD_MORE.match(lines[n])):
            break
        n += 1
    if not items:
        return [], text
    return items, "\n" * n + "\n".join(lines[n:])


def _key_lines(block: str) -> dict[str, int]:
    """Line (0-based, within the YAML block) of each top-level key, in one pass (no regex per key)."""
    found: dict[str, int] = {}
    for n, line in enumerate(block.split("\n")):
        if not line or line[0] in " \t#-":
            continue
        if line[0] in "\"'":
            end = line.find(line[0], 1)
            if end == -1 or not line[end + 1 :].lstrip(" \t").startswith(":"):
                continue
            key = line[1:end]
        else:
            colon = line.find(":")
            if colon == -1:
                continue
            key = line[:colon].rstrip(" \t")
        found.setdefault(key, n)
    return found


def _check_front_matter(items, path: Path, rules: ContentRules, problems: Problems) -> None:
    for key, line, value in items:
        k = key.lower()
        what = LAYOUT_KEYS.get(k) or ("подключает свои стили или скрипты" if k.startswith("extra_") else None)
        if what:
            problems.error(
                path,
                line,
                f"поле «{key}» в front matter {what} — это запрещено: {WHY}, макет страниц един для сети; "
                "удалите поле (допустимы title, description, tags и другие поля содержания)",
            )
            continue
        for text in _strings(value):
            if "<" in text:
                for _, message in html_findings(text, rules):
                    problems.error(path, line, f"«{key}»: {message}")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


# ----------------------------------------------------------------------------- Markdown bodies


def check_markdown(text: str, path: Path, rules: ContentRules, problems: Problems, *, page: bool = True) -> None:
    """A page's or post's front matter (pages only: posts have a strict schema) and body."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if page and (refused := meta_problem(text)):
        problems.error(path, *refused)
        items, body = split_meta(text, parse=False)
    else:
        items, body = split_meta(text, parse=page)
    if page and items:
        _check_front_matter(items, path, rules, problems)
    for line, message in markdown_findings(body, rules):
        problems.error(path, line, message)


def markdown_findings(body: str, rules: ContentRules) -> list[tuple[int, str]]:
    """(line, message) for every forbidden construct in a Markdown body (lines as in ``body``)."""
    if not any(c in body for c in "<{:&") and body.count("[") <= MAX_OPEN_BRACKETS:
        return []
    text = mask_fences(body.expandtabs(4))  # Python-Markdown expands tabs before anything else
    found: list[tuple[int, str]] = complexity_findings(text, fenced=True)
    if "`" in text:
        raw = raw_html_lines(text) if "<" in text else set()
        text = mask_code_spans(text, raw)
    if "<" in text:
        found += html_findings(text, rules)
    if "{" in text:
        found += attr_list_findings(text)
    if "![" in text:
        found += external_image_findings(text)
    if ":" in text or "&" in text:
        # One report per line for a script URL: the HTML pass may have named the tag already.
        named = {line for line, message in found if SCRIPT_URL in message}
        found += [(line, message) for line, message in script_url_findings(text) if line not in named]
    return found


# Python-Markdown's FENCED_BLOCK_RE (MkDocs always enables fenced_code), split in two: its opening line
# as a regex, its closing fence looked up in an index of fence lines. The one regex scans to the end of
# the text for every opening fence left unclosed ("```x" * N is quadratic); this is linear. Where the two
# could differ (hl_lines="…" over several lines) this one masks less, so reports more.
_FENCE_OPEN = re.compile(
    r"""(?P<fence>^(?:~{3,}|`{3,}))[ ]*((\{(?P<attrs>[^\n]*)\})|(\.?(?P<lang>[\w#.+-]*)[ ]*)?"""
    r"""(hl_lines=(?P<quot>"|')(?P<hl_lines>[^\n]*?)(?P=quot)[ ]*)?)\n""",
    re.MULTILINE,
)
assert FencedBlockPreprocessor.FENCED_BLOCK_RE.pattern.count("(?P=fence)[ ]*$") == 1  # the closing we emulate


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def mask_fences(text: str) -> str:
    """Blank fenced code blocks exactly as Python-Markdown's fenced_code finds them (it runs before raw HTML)."""
    if "```" not in text and "~~~" not in text:
        return text
    closings: dict[str, list[tuple[int, int]]] = {}  # fence -> (start, end) of each line that can close it
    pos = 0
    for line in text.split("\n"):
        bare = line.rstrip(" ")
        if len(bare) >= 3 and bare[0] in "`~" and bare == bare[0] * len(bare):
            closings.setdefault(bare, []).append((pos, pos + len(line)))
        pos += len(line) + 1
    starts = {fence: [start for start, _ in spans] for fence, spans in closings.items()}
    out, done, pos = [], 0, 0
    while (m := _FENCE_OPEN.search(text, pos)) is not None:
        fence = m.group("fence")
        i = bisect_left(starts.get(fence, []), m.end())
        if i == len(starts.get(fence, [])):
            pos = m.start() + 1
            continue
        end = closings[fence][i][1]
        out += [text[done : m.start()], _blank(text[m.start() : end])]
        done = pos = end
    out.append(text[done:])
    return "".join(out)


_BLOCK_TAGS = frozenset(BLOCK_LEVEL_ELEMENTS)


class _Tolerant(HTMLParser):
    """Python's HTMLParser raises AssertionError on ``<![`` that opens no marked section (``a <![ x >``):
    a crash on an editor's text. A browser reads such a declaration as a bogus comment up to the next
    ``>``; so does this parser."""

    def parse_html_declaration(self, i: int) -> int:
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return -1 if end < 0 else end + 1


class _RawBlocks(_Tolerant):
    """Lines of raw HTML blocks, by Python-Markdown's rule (markdown.htmlparser.HTMLExtractor):
    a block-level tag at the start of a line (up to 3 spaces) opens a raw block that lasts to its
    matching end tag, and the rest of that line stays raw. Errs towards more raw lines."""

    def __init__(self, lines: list[str]):
        super().__init__(convert_charrefs=False)
        self.lines = lines
        self.raw: set[int] = set()
        self.stack: list[str] = []
        self.start = 0
        self.tail_line = -1

    def _opens_block(self, tag: str | None) -> bool:
        if tag is not None and tag not in _BLOCK_TAGS:
            return False
        line, col = self.getpos()
        return line == self.tail_line or (col <= 3 and not self.lines[line - 1][:col].strip())

    def _mark(self, first: int, last: int) -> None:
        self.raw.update(range(first, last + 1))
        self.tail_line = last

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        last = line + (self.get_starttag_text() or "").count("\n")
        if self.stack:
            if tag != "hr":
                self.stack.append(tag)
        elif self._opens_block(tag):
            if tag == "hr":
                self._mark(line, last)
            else:
                self.stack, self.start = [tag], line

    def handle_startendtag(self, tag, attrs):
        if not self.stack and self._opens_block(tag):
            line = self.getpos()[0]
            self._mark(line, line + (self.get_starttag_text() or "").count("\n"))

    def handle_endtag(self, tag):
        if not self.stack:
            return
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass
        if not self.stack:
            self._mark(self.start, self.getpos()[0])

    def _markup(self, data: str) -> None:
        if not self.stack and self._opens_block(None):
            line = self.getpos()[0]
            self._mark(line, line + data.count("\n"))

    def handle_comment(self, data: str) -> None:
        self._markup(data)

    def handle_decl(self, decl: str) -> None:
        self._markup(decl)

    def handle_pi(self, data: str) -> None:
        self._markup(data)

    def unknown_decl(self, data: str) -> None:
        self._markup(data)

    def close(self):
        super().close()
        if self.stack:
            self._mark(self.start, len(self.lines))


def raw_html_lines(text: str) -> set[int]:
    """Lines of raw HTML blocks. The parser reads the text up to its last ">" (past it nothing can be a
    complete tag, and Python's HTMLParser re-scans such a tail once per "<": quadratic); the lines of
    that tail from its first "<" on count as raw, so code spans there are not masked (more is reported)."""
    lines = text.split("\n")
    parser = _RawBlocks(lines)
    cut = text.rfind(">") + 1
    parser.feed(text[:cut])
    parser.close()
    lt = text.find("<", cut)
    if lt != -1:
        parser.raw.update(range(text.count("\n", 0, lt) + 1, len(lines) + 1))
    return parser.raw


_TICK_RUN = re.compile(r"`+")


def _line_spans(line: str) -> list[tuple[int, int]] | None:
    """Code spans of one line, paired as Python-Markdown does (a run of backticks opens a span
    closed by the next run of the same length); None when a run is left unpaired or a backtick
    is escaped: the line is then ambiguous and nothing in its paragraph is masked."""
    if "\\`" in line:
        return None
    spans: list[tuple[int, int]] = []
    runs = [m.span() for m in _TICK_RUN.finditer(line)]
    k = 0
    while k < len(runs):
        start, end = runs[k]
        # The next run of as many backticks closes the span; shorter or longer runs are inside it.
        close = next((c for c in range(k + 1, len(runs)) if runs[c][1] - runs[c][0] == end - start), None)
        if close is None:
            return None
        spans.append((end, runs[close][0]))
        k = close + 1
    return spans


def mask_code_spans(text: str, raw: set[int]) -> str:
    """Blank code spans in paragraphs where every line pairs its own backticks.

    Python-Markdown pairs backticks within a block, and blocks are made of lines; when
    every line of a paragraph is self-contained, any split of it into blocks pairs the
    same way. Otherwise, and inside raw HTML blocks, nothing is masked.
    """
    lines = text.split("\n")
    n = 0
    while n < len(lines):
        if not lines[n].strip() or (n + 1) in raw:
            n += 1
            continue
        end = n
        while end < len(lines) and lines[end].strip() and (end + 1) not in raw:
            end += 1
        paragraph = range(n, end)
        spans = {i: _line_spans(lines[i]) for i in paragraph if "`" in lines[i]}
        if spans and all(s is not None for s in spans.values()):
            for i, line_spans in spans.items():
                line = lines[i]
                for start, stop in reversed(line_spans or ()):
                    line = line[:start] + " " * (stop - start) + line[stop:]
                lines[i] = line
        n = end
    return "\n".join(lines)


# ----------------------------------------------------------------------------- HTML


ONLY_VIDEO = "встраивать можно только видео через <iframe> с разрешённого видеохостинга"
TAG_MESSAGES = {
    "script": "тег <script> запрещён: скрипты на сайтах сети не допускаются; удалите его "
    "(видео вставляйте через <iframe> с разрешённого видеохостинга, пример кода — в блок ```)",
    "style": f"тег <style> запрещён: {WHY}; удалите его и оформляйте текст средствами Markdown "
    "(заголовки, списки, **выделение**)",
    "link": f"тег <link> запрещён: он подключает стили или другие ресурсы, а {WHY}; удалите его",
    "meta": "тег <meta> запрещён: заголовок страницы строит тема сети; удалите его "
    "(описание страницы задаётся полем description)",
    "base": "тег <base> запрещён: он меняет адреса всех ссылок страницы; удалите его",
    "font": "тег <font> запрещён: шрифты и цвета задаёт брендбук федерации; удалите его "
    "(выделяйте текст **жирным** или *курсивом*)",
    "basefont": "тег <basefont> запрещён: шрифты и цвета задаёт брендбук федерации; удалите его",
    "center": "тег <center> запрещён: расположение текста задаёт тема сети; удалите его",
    "marquee": "тег <marquee> запрещён: оформление задаёт тема сети; удалите его",
    "blink": "тег <blink> запрещён: оформление задаёт тема сети; удалите его",
    "object": f"тег <object> запрещён: {ONLY_VIDEO}; удалите его",
    "embed": f"тег <embed> запрещён: {ONLY_VIDEO}; удалите его",
    "applet": "тег <applet> запрещён: удалите его",
    "frame": f"тег <frame> запрещён: {ONLY_VIDEO}; удалите его",
    "frameset": "тег <frameset> запрещён: удалите его",
}
PRESENTATIONAL_ATTRS = {"bgcolor", "color", "face", "background"}


def is_script_url(value: str, *, unescape: bool = False) -> bool:
    """``javascript:``/``vbscript:`` as a browser reads it: entities decoded, whitespace and controls dropped."""
    if unescape:
        value = html.unescape(value)
    value = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
    return value.startswith(("javascript:", "vbscript:"))


SCRIPT_URL = "адрес «javascript:» запрещён (это скрипт); укажите обычную ссылку https://…"


Finding = tuple[int, tuple, str]  # (line, what it is about, message)


def tag_findings(
    tag: str, line: int, attrs: list[tuple[str, str | None, int]], rules: ContentRules, svg: bool
) -> list[Finding]:
    """What is wrong with one start tag; ``attrs``: (name, value, line) with names in lower case."""
    refused = _refused_tag(tag, line, svg)
    if refused:
        return refused
    found = [] if svg else _embedding_findings(tag, line, attrs, rules)
    found += [finding for name, value, at in attrs if (finding := _attr_finding(tag, name, value, at, svg))]
    return found


def _refused_tag(tag: str, line: int, svg: bool) -> list[Finding]:
    """A tag refused whatever its attributes: in a page, :data:`TAG_MESSAGES`; in an SVG, ``<script>``."""
    if svg and tag == "script":
        message = "тег <script> запрещён: SVG со скриптом выполняет код на сайте; сохраните изображение без скриптов"
        return [(line, ("tag", tag), message)]
    if not svg and tag in TAG_MESSAGES:
        return [(line, ("tag", tag), TAG_MESSAGES[tag])]
    return []


def _embedding_findings(
    tag: str, line: int, attrs: list[tuple[str, str | None, int]], rules: ContentRules
) -> list[Finding]:
    """A page's ``<iframe>`` (a video host of the brandbook only) and media loaded from elsewhere."""
    found = _iframe_findings(line, attrs, rules) if tag == "iframe" else []
    if tag in EMBEDDED_MEDIA:
        found += [
            (at, ("external", name), f"<{tag} {name}=…>: {EXTERNAL_MEDIA}")
            for name, value, at in attrs
            if name in ("src", "srcset", "poster") and value and is_external(value)
        ]
    return found


def _iframe_findings(line: int, attrs: list[tuple[str, str | None, int]], rules: ContentRules) -> list[Finding]:
    values = {name: value for name, value, _ in reversed(attrs)}  # the first of a repeated attribute wins
    problem = iframe_problem(values, rules)
    if not problem:
        return []
    return [(next((at for name, _, at in attrs if name == "src"), line), ("iframe",), problem)]


def _attr_finding(tag: str, name: str, value: str | None, at: int, svg: bool) -> Finding | None:
    """An event handler, a style or a presentational attribute (pages), a ``javascript:`` URL."""
    if name.startswith("on"):
        return at, ("attr", name), f"обработчик события {name}= у тега <{tag}> запрещён (это скрипт); удалите атрибут"
    if not svg and name == "style":
        return at, ("attr", name), f"атрибут style= у тега <{tag}> запрещён: {WHY}; удалите атрибут"
    if not svg and name in PRESENTATIONAL_ATTRS:
        message = f"атрибут {name}= у тега <{tag}> запрещён: цвета и шрифты задаёт брендбук федерации; удалите атрибут"
        return at, ("attr", name), message
    if value and is_script_url(value):
        return at, ("url", name), f"<{tag} {name}=…>: {SCRIPT_URL}"
    return None


def iframe_problem(attrs: dict[str, str | None], rules: ContentRules) -> str | None:
    hosts = ", ".join(rules.video_hosts)
    allowed = f"встраивать можно только видео с разрешённых видеохостингов: {hosts} (video_hosts в {BRANDBOOK})"
    if "srcdoc" in attrs:
        return f"<iframe srcdoc=…> запрещён: {allowed}"
    src = re.sub(r"[\x00-\x20\x7f]+", "", attrs.get("src") or "")
    if not src:
        return f"у <iframe> нет адреса src: {allowed}"
    try:
        url = urlsplit(src)
        host = url.hostname or ""
        scheme = url.scheme.lower()
    except ValueError:
        host = scheme = ""
    if host and scheme == "http" and rules.allows_iframe(host):
        return f"<iframe> с адреса {src!r}: нужен защищённый адрес https://"
    if not host or scheme not in ("https", ""):
        return f"<iframe> с адреса {src!r} запрещён: {allowed}"
    if not rules.allows_iframe(host):
        return f"<iframe> с сайта {host} запрещён: {allowed}"
    return None


class _HtmlPass(_Tolerant):
    """Start tags as a browser's tokenizer sees them (quotes, entities, comments)."""

    def __init__(self, rules: ContentRules, svg: bool):
        super().__init__(convert_charrefs=True)
        self.rules = rules
        self.svg = svg
        self.found: list[Finding] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        source = self.get_starttag_text() or ""
        offsets = _attr_lines(source) if "\n" in source else {}
        located = [(name, value, line + offsets.get(name, 0)) for name, value in attrs]
        self.found += tag_findings(tag, line, located, self.rules, self.svg)

    handle_startendtag = handle_starttag


_ATTR_NAME = re.compile(r"[\s\"'/]([^\s\"'/=>]+)(?=[\s=/>]|$)")


def _attr_lines(source: str) -> dict[str, int]:
    """Lines between the start of a tag and each of its attributes (tags may span lines), in one pass."""
    found: dict[str, int] = {}
    line = 0
    last = 0
    for m in _ATTR_NAME.finditer(source):
        line += source.count("\n", last, m.start() + 1)
        last = m.start() + 1
        found.setdefault(m.group(1).lower(), line)
    return found


_TAG_START = re.compile(r"<([a-zA-Z][^\s/>\x00]*)")
_LEXICAL_ATTR = re.compile(r"""(?<=[\s"'/])([^\s"'<>/=]+)[ \t\n]*=[ \t\n]*("[^"]*"?|'[^']*'?|[^\s>]*)""")


class LineIndex:
    """Line numbers of positions in one text, by bisection (no count of newlines per lookup)."""

    def __init__(self, text: str):
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, pos: int) -> int:
        return bisect_left(self.newlines, pos) + 1


def _lexical_pass(text: str, rules: ContentRules, svg: bool) -> list[Finding]:
    """Every ``<name`` up to the next ``>`` or the next ``<name``, whether or not a parser would call it a tag.

    Python-Markdown decides what is raw HTML with rules of its own (an unclosed comment or
    quote is text to it, and the tags after it are live); this pass does not depend on them.
    A tag's stretch ends at the next tag start too, so that stretches never overlap and the
    pass is linear (``"<a x=" * N`` would otherwise rescan the rest of the text N times);
    what a parser would put in one tag across such a start, the parser pass reads.
    """
    found: list[Finding] = []
    line_at = LineIndex(text)
    starts = list(_TAG_START.finditer(text))
    gt = -1
    for k, m in enumerate(starts):
        if gt < m.end():
            gt = text.find(">", m.end())
            if gt == -1:
                gt = len(text)
        stop = min(gt, starts[k + 1].start()) if k + 1 < len(starts) else gt
        tag = m.group(1).lower()
        chunk = text[m.end() : stop]
        attrs: list[tuple[str, str | None, int]] = []
        for a in _LEXICAL_ATTR.finditer(chunk):
            value = a.group(2)
            if value[:1] in "\"'":
                value = value[1:-1] if len(value) > 1 and value[-1] == value[0] else value[1:]
            attrs.append((a.group(1).lower(), html.unescape(value), line_at(m.end() + a.start())))
        found += tag_findings(tag, line_at(m.start()), attrs, rules, svg)
    return found


def html_findings(text: str, rules: ContentRules, *, svg: bool = False) -> list[tuple[int, str]]:
    """(line, message) for forbidden tags and attributes: a parser's reading and a lexical one, merged."""
    parser = _HtmlPass(rules, svg)
    parser.feed(text[: text.rfind(">") + 1])  # past the last ">" no tag is complete: the lexical pass reads it
    parser.close()
    seen: set[tuple[int, tuple]] = set()
    out = []
    for line, key, message in parser.found + _lexical_pass(text, rules, svg):
        if (line, key) not in seen:
            seen.add((line, key))
            out.append((line, message))
    return out


# ----------------------------------------------------------------------------- Markdown syntax

# {: #id .class key="value" } of the attr_list extension, on headers, blocks and inline elements.
# Python-Markdown reads from a "{" to the last "}" of the line; that stretch of each line is searched.
_BRACE_ATTR = re.compile(r"(?:^|[\s{:\"'])(on[\w-]+|style|bgcolor|color|face|background)[ \t]*=", re.IGNORECASE)
# A script URL wherever a URL may start: Markdown links "](", autolinks "<", reference definitions
# "]:", attribute values "=" and quotes; read as a browser would (entities decoded, tabs dropped).
_SCRIPT_URL = re.compile(r"(?:^|[(<=\"':])\s*(?:javascript|vbscript):", re.IGNORECASE)


def attr_list_findings(text: str) -> list[tuple[int, str]]:
    found = []
    for line, row in enumerate(text.split("\n"), 1):
        first, last = row.find("{"), row.rfind("}")
        if first == -1 or last < first:
            continue
        for a in _BRACE_ATTR.finditer(row[first : last + 1]):
            name = a.group(1).lower()
            if name.startswith("on"):
                found.append(
                    (line, f"обработчик события {name}= в атрибутах {{: …}} запрещён (это скрипт); удалите его")
                )
            elif name == "style":
                found.append(
                    (line, f"атрибут style= в {{: …}} запрещён: {WHY}; удалите его (классы вида .class допустимы)")
                )
            else:
                found.append(
                    (line, f"атрибут {name}= в {{: …}} запрещён: цвета и шрифты задаёт брендбук федерации; удалите его")
                )
    return found


EMBEDDED_MEDIA = {"img", "source", "video", "audio", "track", "input"}
EXTERNAL_MEDIA = (
    "изображение с чужого сервера запрещено: сайты сети ничего не загружают с других сайтов "
    "(приватность читателей, работа без интернета); сохраните файл в папке организации и укажите путь к нему"
)
_MD_IMAGE_URL = re.compile(r"\]\(\s*<?\s*([^)\s>]+)")  # after the "![…" of an image


def is_external(value: str) -> bool:
    """A URL that makes the browser fetch from another server (absolute or scheme-relative)."""
    value = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(value)).lower()
    return value.startswith(("http:", "https:", "//", "ftp:"))


def external_image_findings(text: str) -> list[tuple[int, str]]:
    """Markdown images ``![…](https://…)`` that would load from another server.

    What ``_MD_IMAGE.finditer`` finds on each line, found in linear time: every ``![`` before
    the same ``]`` gives the same answer, so each ``]`` is looked at once."""
    found = []
    for n, line in enumerate(text.split("\n"), 1):
        pos, seen = line.find("!["), -1
        while pos != -1:
            close = line.find("]", pos + 2)
            if close == -1:
                break
            if close != seen:
                seen = close
                m = _MD_IMAGE_URL.match(line, close)
                if m:  # the regex would go on after its match
                    if is_external(m.group(1)):
                        found.append((n, f"картинка {m.group(1)!r}: {EXTERNAL_MEDIA}"))
                    pos = line.find("![", m.end())
                    continue
            pos = line.find("![", pos + 2)
    return found


#: Unclosed "[" (or "](" without its ")") a paragraph may leave: Python-Markdown's link parser rescans
#: the paragraph for each of them, so a few thousand take minutes to render and stall the whole build.
MAX_OPEN_BRACKETS = 50


#: Tag starts ("<a", "</", "<!") after the last ">" of a text: Python-Markdown's HTML parser reads
#: the rest of the text again for each of them (6,000 take minutes).
MAX_UNCLOSED_TAGS = 50
_UNCLOSED_TAG = re.compile(r"<[A-Za-z/!?]")


def complexity_findings(body: str, *, fenced: bool = False) -> list[tuple[int, str]]:
    """Markdown that Python-Markdown renders in super-linear time: too many unclosed ``[`` / ``](``
    in a paragraph, too many tag starts left without ``>``. Reported by the check; the news reader
    skips such a post (without rendering it), so that neither ``check`` nor ``build`` stalls.
    ``fenced``: the fenced code blocks of ``body`` are blanked already."""
    text = body if fenced else mask_fences(body.expandtabs(4))
    found = bracket_findings(text) if text.count("[") > MAX_OPEN_BRACKETS else []
    last = text.rfind(">")
    tail = len(_UNCLOSED_TAG.findall(text, last + 1))
    if tail > MAX_UNCLOSED_TAGS:
        first = _UNCLOSED_TAG.search(text, last + 1)
        found.append(
            (
                text.count("\n", 0, first.start() if first else 0) + 1,
                (
                    f"больше {MAX_UNCLOSED_TAGS} незакрытых тегов «<…» без «>» ({tail}): такой текст Markdown "
                    "разбирает минутами и задержал бы сборку всей сети; закройте теги или замените «<» на «&lt;»"
                ),
            )
        )
    return found


def bracket_findings(text: str) -> list[tuple[int, str]]:
    """Paragraphs whose unclosed or deeply nested ``[`` (or link ``](`` without ``)``) would make the
    Markdown renderer super-linear (``"[" * 5000`` takes minutes); one report per paragraph."""
    found = []
    lines = text.split("\n")
    n = 0
    while n < len(lines):
        if not lines[n].strip():
            n += 1
            continue
        start = n
        depth = deepest = links = 0
        while n < len(lines) and lines[n].strip():
            line = lines[n]
            if "[" in line or "]" in line or links:
                prev = ""
                for ch in line:
                    if ch == "[":
                        depth += 1
                        deepest = max(deepest, depth)
                    elif ch == "]":
                        depth = max(0, depth - 1)
                    elif ch == "(" and prev == "]":
                        links += 1
                    elif ch == ")" and links:
                        links -= 1
                    prev = ch
            n += 1
        worst = max(deepest, links)
        if worst > MAX_OPEN_BRACKETS:
            found.append(
                (
                    start + 1,
                    (
                        f"в абзаце больше {MAX_OPEN_BRACKETS} незакрытых или вложенных скобок «[» или «](» "
                        f"({worst}): такой текст Markdown разбирает минутами и задержал бы сборку всей сети; "
                        "закройте скобки или уберите лишние"
                    ),
                )
            )
    return found


def script_url_findings(text: str) -> list[tuple[int, str]]:
    found = []
    for n, line in enumerate(text.split("\n"), 1):
        if ":" in line or "&" in line:
            decoded = re.sub(r"[\t\r\n]", "", html.unescape(line))
            if _SCRIPT_URL.search(decoded):
                found.append((n, f"ссылка: {SCRIPT_URL}"))
    return found
