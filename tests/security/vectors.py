"""The attack vectors of the security suite, written into one small network.

Each vector has a number ``n``; its payload sets ``top.pwned<n>`` when it runs (``JS(n)``),
or makes a request to ``evil.example`` (any request off the site's own origin is counted), or
restyles the theme (computed styles are compared with a clean page). Vectors cover every route
by which an org folder reaches HTML: page bodies (raw HTML, Markdown, fenced-code and attr_list
attributes, raw-text elements hiding attributes from a source scanner, URLs), page and post
front matter, org.yml fields, file names, file types and links (symlinks).

``live`` marks the vectors that do fire when neither the sanitizer nor the CSP is there (the
control build checks this, so a dead payload cannot pass for a blocked one).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import material
import yaml

EVIL = "evil.example"


def JS(n: int) -> str:
    return f"top.pwned{n}=1"  # no underscores: Markdown would read them as emphasis


@dataclass
class Vector:
    n: int
    route: str  # body, fence, attr_list, rawtext, url, page-meta, post-meta, org, filename, file
    what: str
    live: bool = False  # fires in the control build (no sanitizer, no CSP)
    pages: list[tuple[str, str]] = field(default_factory=list)  # (site, path) where it shows


VECTORS: list[Vector] = []
BODY_PAGES: dict[str, str] = {}  # file in orgs/prim/ -> Markdown


def _add(route: str, what: str, *, live: bool = False, pages=()) -> Vector:
    v = Vector(len(VECTORS) + 1, route, what, live, list(pages))
    VECTORS.append(v)
    return v


GROUP = 8  # vectors per page (a vector that navigates, re-bases or swallows the page stands alone)
_group: list[str] = []


def body(route: str, template: str, *, live: bool = False, alone: bool = False) -> None:
    """A vector in a page of orgs/prim/v/ (``{js}``, ``{n}`` and ``{evil}`` filled in)."""
    global _group
    v = _add(route, template, live=live)
    text = template.format(js=JS(v.n), n=v.n, evil=EVIL)
    if alone or not _group or len(_group) >= GROUP:
        stem = f"v/b{v.n:03d}"
        _group = [] if alone else [stem]
        BODY_PAGES[f"{stem}.md"] = f"# Векторы с {v.n}\n\n"
    else:
        stem = _group[0]
    BODY_PAGES[f"{stem}.md"] += f"Вектор {v.n}:\n\n{text}\n\nТекст после {v.n}.\n\n"
    if alone:
        _group = []
    v.pages.append(("prim", f"{stem}/"))


# -- page bodies: raw HTML -----------------------------------------------------------------------
for t in [
    "<script>{js}</script>",
    '<img src="x" onerror="{js}">',
    '<svg onload="{js}"></svg>',
    "<svg><script>{js}</script></svg>",
    '<iframe src="javascript:{js}"></iframe>',
    '<iframe srcdoc="<script>{js}</script>"></iframe>',
    '<details open ontoggle="{js}"><summary>x</summary></details>',
    '<input autofocus onfocus="{js}">',
    '<body onload="{js}">',
    '<IMG SRC="x" OnErRoR="{js}">',
    '<img/src="x"/onerror="{js}">',
    '<img src=x onerror\n="{js}">',
    '<img src=x onerror="&#116;op.pwned{n}=1">',
    '<video><source onerror="{js}"></video>',
    '<audio src="x" onerror="{js}"></audio>',
    '<marquee onstart="{js}">x</marquee>',
    'Текст <img src="x" onerror="{js}"> в абзаце.',
    '- пункт <img src="x" onerror="{js}">',
    '| a |\n|---|\n| <img src="x" onerror="{js}"> |',
    "<math><mtext><table><mglyph><style><img src=x onerror={js}>",
    "<svg><style><img src=x onerror={js}></style></svg>",
    '<object data="javascript:{js}"></object>',
    '<embed src="javascript:{js}">',
    '<form><button autofocus onfocus="{js}">x</button></form>',
    '<div tabindex="0" autofocus onfocus="{js}" id="__drawer">x</div>',
    '<a href="javascript:{js}" id="a{n}">ссылка</a>',
    '<a href="jav&#x09;ascript:{js}" id="a{n}">ссылка</a>',
    '<a href="data:text/html,<script>{js}</script>" id="a{n}">ссылка</a>',
    '<svg><a href="javascript:{js}"><text y="20">x</text></a></svg>',
    '<meta http-equiv="refresh" content="0;url=javascript:{js}">',
]:
    body(
        "body",
        t,
        live=not any(s in t for s in ('href="', "object", "embed", "http-equiv", "marquee")),
        alone=any(s in t for s in ("<math>", "http-equiv", "<body")),
    )

for t in [
    '<meta http-equiv="refresh" content="0;url=https://{evil}/v{n}/refresh">',
    '<base href="https://{evil}/v{n}/base/"><img src="relative.png">',
    '<link rel="stylesheet" href="https://{evil}/v{n}/x.css">',
    '<style>@import "https://{evil}/v{n}/import.css";</style>',
    '<img src="https://{evil}/v{n}/abs.png">',
    '<img src="//{evil}/v{n}/protocol-relative.png">',
    '<img src="\\\\{evil}\\v{n}\\backslash.png">',
    '<img src="/\\{evil}/v{n}/slash-backslash.png">',
    '<img src="ok.png" srcset="ok.png 1w, https://{evil}/v{n}/later-candidate.png 4000w" sizes="100vw">',
    '<picture><source srcset="https://{evil}/v{n}/picture.png"><img src="ok.png"></picture>',
    '<video poster="https://{evil}/v{n}/poster.png" src="https://{evil}/v{n}/v.mp4"></video>',
    '<audio autoplay src="https://{evil}/v{n}/a.mp3"></audio>',
    '<input type="image" src="https://{evil}/v{n}/input.png">',
    '<table background="https://{evil}/v{n}/table.png"><tr><td>x</td></tr></table>',
    '<iframe src="https://{evil}/v{n}/frame"></iframe>',
    '<iframe src="https://evil\\@rutube.ru/v{n}/backslash-userinfo"></iframe>',
    '<iframe src="https://rutube.ru@{evil}/v{n}/userinfo"></iframe>',
    '<iframe src="https://rutube.ru.{evil}/v{n}/suffix"></iframe>',
    '<iframe src="//{evil}/v{n}/#rutube.ru"></iframe>',
    '<embed src="https://{evil}/v{n}/embed.swf">',
    '<object data="https://{evil}/v{n}/object.svg"></object>',
    "![фото](https://{evil}/v{n}/markdown.png)",
    "![фото](//{evil}/v{n}/markdown-pr.png)",
    '<link rel="prefetch" href="https://{evil}/v{n}/prefetch">',
    '<img src="data:image/png;base64,iVBORw0KGgo=" srcset="https://{evil}/v{n}/1x.png 1x">',
]:
    body("url", t, live=True, alone=any(s in t for s in ("http-equiv", "<base")))

for t in [
    "<style>.md-header{{background:#f00!important}} body{{font-family:serif!important}}</style>",
    '<div style="position:fixed;inset:0;background:#f00;z-index:9999">x</div>',
    '<div class="md-dialog md-dialog--active">Введите пароль</div>',
    '<p id="__config">{{"base": "https://{evil}/"}}</p>',
    '<font face="serif" color="red" size="7">x</font>',
]:
    body("restyle", t, live=True, alone=True)

# -- fenced code blocks and attr_list --------------------------------------------------------------
for t in [
    '```{{ .python onfocus="{js}" autofocus="autofocus" tabindex="1" }}\nprint(1)\n```',
    '```{{ .txt onmouseover="{js}" style="position:fixed;inset:0;background:#f00" }}\nx\n```',
    '~~~{{ #__config .x data-x=1 onfocus="{js}" autofocus tabindex=1 }}\nx\n~~~',
]:
    body("fence", t, live=True, alone="position:fixed" in t)
for t in [
    'Абзац.\n{{: autofocus="autofocus" tabindex="0" onfocus="{js}" }}',
    '[ссылка](#){{: autofocus="autofocus" onfocus="{js}" }}',
    '![x](missing.png){{: onerror="{js}" }}',
    '## Заголовок {{: style="position:fixed;inset:0;background:#f00" }}',
    '[ссылка](#){{: href="javascript:{js}" id="a{n}" }}',
]:
    body("attr_list", t, live="href=" not in t, alone="position:fixed" in t)

# -- raw-text elements hiding attributes from a source scanner ---------------------------------------
for t in [
    '<xmp><img title="</xmp><img src=x onerror={js}>"></xmp>',
    '<noscript><p title="</noscript><img src=x onerror={js}>"></noscript>',
    '<textarea><img title="</textarea><img src=x onerror={js}>"></textarea>',
    '<iframe><img title="</iframe><img src=x onerror={js}>"></iframe>',
    "<![CDATA[><img src=x onerror={js}>]]>",
    "<!--><img src=x onerror={js}>-->",
    '<noembed><img title="</noembed><img src=x onerror={js}>"></noembed>',
    '<noframes><img title="</noframes><img src=x onerror={js}>"></noframes>',
    '<title><img title="</title><img src=x onerror={js}>"></title>',
    '<style><img title="</style><img src=x onerror={js}>"></style>',
]:
    body("rawtext", t, live=True, alone="<title>" in t or "<style>" in t)

# -- Markdown links -----------------------------------------------------------------------------
for t in [
    "[ссылка](javascript:{js})",
    "[ссылка][r]\n\n[r]: javascript:{js}",
    "[ссылка](vbscript:msgbox)",
    "[ссылка](JaVaScRiPt:{js})",
    "<javascript:{js}>",
]:
    body("link", t)


# -- page front matter (orgs/prim/p/*.md) -----------------------------------------------------------
PAGE_META: dict[str, str] = {}


def page_meta(what: str, meta: dict | None, text: str = "Текст страницы.\n", *, live: bool = False) -> None:
    v = _add("page-meta", what, live=live)
    stem = f"p/m{v.n:03d}"
    filled = yaml.safe_load(yaml.safe_dump(meta, allow_unicode=True).replace("{js}", JS(v.n)).replace("{evil}", EVIL))
    front = f"---\n{yaml.safe_dump(filled, allow_unicode=True)}---\n\n" if filled else ""
    PAGE_META[f"{stem}.md"] = front + text.replace("{js}", JS(v.n))
    v.pages += [("prim", f"{stem}/"), ("prim", "")]  # its page, and the nav of every page


page_meta("title: tag", {"title": "<img src=x onerror={js}>"})
page_meta("title: escaped </title>", {"title": "&lt;/title&gt;&lt;img src=x onerror={js}&gt;"})
page_meta("title: </title>", {"title": "</title><script>{js}</script>"})
page_meta(
    "H1: escaped </title> (page.title|striptags)", None, "# &lt;/title&gt;&lt;img src=x onerror={js}&gt;\n\nТекст.\n"
)
page_meta("H1: tag", None, "# Заголовок <img src=x onerror={js}>\n\nТекст.\n")
page_meta("H2: escaped tag in the toc", None, "# Страница\n\n## &lt;img src=x onerror={js}&gt;\n\nТекст.\n")
page_meta("description: attribute break-out", {"description": '"><img src=x onerror={js}>'})
page_meta("description: becomes http-equiv=refresh", {"description": '0;url=https://{evil}/desc" http-equiv="refresh'})
page_meta("author: attribute break-out", {"author": '"><img src=x onerror={js}>'})
page_meta("image_alt", {"title": "Фото", "image_alt": '"><img src=x onerror={js}>'})
page_meta("template: a theme template", {"template": "un-home.html", "title": "Шаблон"})
page_meta("hide: the header parts", {"hide": ["navigation", "toc", "footer", "tabs"], "title": "Скрыть"})
page_meta("subtitle and status (Material prints them)", {"subtitle": "<img src=x onerror={js}>", "status": "new"})
page_meta("icon: a path out of .icons", {"icon": "../../../../mkdocs", "title": "Иконка"})
page_meta("extra_css / extra_javascript keys", {"extra_css": ["https://{evil}/x.css"], "extra_javascript": ["x.js"]})
page_meta("title: a list", {"title": ["<img src=x onerror={js}>"]})

# -- post front matter (orgs/prim/news/*.md; shown on terr's and fed's network pages too) -----------
POSTS: list[dict] = []


def post(what: str, *, body_text: str = "Текст новости.", **meta) -> None:
    v = _add("post-meta", what)
    stem = f"2026-05-{(v.n % 27) + 1:02d}-v{v.n:03d}"
    filled = yaml.safe_load(yaml.safe_dump(meta, allow_unicode=True).replace("{js}", JS(v.n)))
    POSTS.append(
        dict(
            org="prim",
            stem=stem,
            date=f"2026-05-{(v.n % 27) + 1:02d}",
            reach="federation",
            body=body_text.replace("{js}", JS(v.n)),
            **filled,
        )
    )
    v.pages += [("prim", f"news/{stem}/"), ("prim", "news/"), ("terr", "network/"), ("fed", "network/"), ("fed", "")]


post("title: tag", title="<img src=x onerror={js}>")
post("title: escaped </title>", title="&lt;/title&gt;&lt;img src=x onerror={js}&gt;")
post("title: </script> out of JSON-LD", title="</script><script>{js}</script>")
post("summary: tag", title="Сводка", summary="<img src=x onerror={js}>")
post("summary: javascript: link", title="Ссылка", summary="[тут](javascript:{js})")
post("tags", title="Теги", tags=["<img src=x onerror={js}>", '"><svg onload={js}>'])
post("event place", title="Событие", event={"start": "2026-06-20T10:00:00", "place": "<img src=x onerror={js}>"})
post(
    "event place: attribute", title="Событие 2", event={"start": "2026-06-21T10:00:00", "place": '"><svg onload={js}>'}
)
post("body: raw HTML", title="Тело", body_text="<img src=x onerror={js}>")
post("body: raw-text trick", title="Тело 2", body_text='<xmp><img title="</xmp><img src=x onerror={js}>"></xmp>')
post("support + summary", title="Поддержка", support=True, summary='"><svg onload={js}>')


# -- org.yml fields (prim's and terr's cards) -----------------------------------------------------
CARDS: dict[str, dict] = {"prim": {"contacts": {}, "social": {}, "info_officer": {}}, "terr": {"contacts": {}}}


def card(slug: str, path: str, value: str) -> None:
    v = _add("org", f"{slug} org.yml {path}")
    value = value.replace("{js}", JS(v.n))
    target = CARDS[slug]
    *parents, key = path.split(".")
    for p in parents:
        target = target.setdefault(p, {})
    target[key] = value
    v.pages += [(slug, ""), (slug, "news/"), (slug, "404.html"), ("fed", "orgs/"), ("fed", "")]


card("prim", "name", "Профком <img src=x onerror={js}>")
card("prim", "short_name", "<svg onload={js}>")
card("terr", "name", "&lt;/title&gt;&lt;img src=x onerror={js}&gt;")
card("terr", "short_name", "</title><img src=x onerror={js}>")
card("prim", "contacts.address", "<img src=x onerror={js}>")
card("prim", "contacts.phone", "+7<img src=x onerror={js}>")
card("prim", "contacts.email", 'a"><svg/onload={js}>@evil.ru')
card("prim", "contacts.hotline", "<svg onload={js}>")
card("prim", "contacts.feedback_url", 'https://x.ru/"><svg/onload={js}>')
card("terr", "contacts.address", '"><svg onload={js}>')
card("prim", "info_officer.name", "<img src=x onerror={js}>")
card("prim", "info_officer.email", 'b"><svg/onload={js}>@evil.ru')
card("prim", "social.vk", 'https://vk.com/"><svg/onload={js}>')
card("prim", "social.telegram", "https://t.me/'onfocus='{js}'autofocus='")
card("prim", "social.rutube", "https://rutube.ru/x#\"onmouseover='{js}'")


# -- file names ----------------------------------------------------------------------------------
NAMED_FILES: dict[str, str] = {}


def named(what: str, name: str, text: str = "Текст без заголовка.\n") -> None:
    v = _add("filename", what)
    path = name.replace("{js}", JS(v.n))
    NAMED_FILES[path] = text
    v.pages += [("prim", "")]  # the title from the file name stands in the nav of every page


named("page file name: tag", "<img src=x onerror={js}>.md")
named("page file name: escaped tag", "&lt;img src=x onerror={js}&gt;.md")
named("folder name", "<svg onload={js}>/stranica.md")

# -- file types and links (not published: render/mkdocs on_files; enforce/files.py refuses them in check)
BUNDLE = next(
    re.finditer(
        r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js",
        (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8"),
    )
).group(0)
STYLESHEET = next(
    re.finditer(
        r"assets/stylesheets/main\.[0-9a-f]+\.min\.css",
        (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8"),
    )
).group(0)
FILES: dict[str, str] = {}  # path in orgs/prim/ -> content
UNPUBLISHED: list[str] = []  # paths that must not be in site/prim/


def file(what: str, path: str, content: str, *, visit: str | None = None) -> None:
    v = _add("file", what)
    FILES[path] = content.replace("{js}", JS(v.n)).replace("{evil}", EVIL)
    UNPUBLISHED.append(path)
    v.pages += [("prim", visit if visit is not None else path), ("prim", "")]


file("HTML page", "evil.html", "<!doctype html><script>{js}</script>")
file("SVG with script (opened directly)", "logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" onload="{js}"/>')
file("JavaScript", "evil.js", "{js}")
file("CSS", "evil.css", "body{background:#f00!important}")
file("Material's bundle shadowed", BUNDLE, "{js}", visit="")
file("Material's stylesheet shadowed", STYLESHEET, ".md-header{display:none!important}", visit="")
file("404 page shadowed", "404.html", "<!doctype html><script>{js}</script>", visit="404.html")
file(
    "XML (sitemap) shadowed",
    "sitemap.xml",
    '<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">{js}</x:script>',
)
file("settings file", "mkdocs.yml", "site_name: evil\nextra_javascript: [evil.js]\n")

SECRET = "SECRET-8c1f-outside-the-folder"
LINKS: dict[str, str] = {}  # link in orgs/prim/ -> its target (relative to the network root)


def symlink(what: str, path: str, target: str) -> None:
    v = _add("symlink", what)
    LINKS[path] = target
    UNPUBLISHED.append(path)
    v.pages += [("prim", path.removesuffix(".md") + "/" if path.endswith(".md") else path)]


symlink("symlink page to a file outside the network", "leak.md", "/etc/hostname")
symlink("symlink page to the network root's secret", "secret.md", "SECRET.md")
symlink("symlink image to the secret", "secret.png", "SECRET.md")
symlink("symlink folder to another org", "terr-copy", "orgs/terr")


#: Vectors that do not fire even with neither sanitizer nor CSP, and why; still checked (no handler,
#: style, script URL or foreign iframe may be left in the DOM, whatever the browser would do with it).
DORMANT = {
    '<img/src="x"/onerror=': "Python-Markdown escapes this tag",
    "<math><mtext>": "mutation XSS of another sanitizer; inert as Markdown renders it",
    "<svg><style><img": "inert as Markdown renders it",
    '<style><img title="</style>': "inert as Markdown renders it",
    '<div tabindex="0" autofocus': "autofocus on a non-form element needs a focused window",
    'autofocus="autofocus" tabindex="0"': "autofocus on a non-form element needs a focused window",
    '[ссылка](#){{: autofocus="autofocus"': "autofocus on a link needs a focused window",
    "https://rutube.ru@{evil}": "Chromium refuses subresource URLs with credentials",
    "embed.swf": "no plugin: no request",
    "<font face=": "restyles the page's own text only (the sanitizer drops it all the same)",
}
for _v in VECTORS:
    if any(marker in _v.what for marker in DORMANT):
        _v.live = False


def write_vectors(root: Path) -> None:
    """Write every vector into the network at ``root`` (written by themenet.write_branded_network)."""
    prim = root / "orgs" / "prim"
    for rel, text in {**BODY_PAGES, **PAGE_META, **NAMED_FILES}.items():
        path = prim / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel, text in FILES.items():
        path = prim / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "SECRET.md").write_text(f"# {SECRET}\n", encoding="utf-8")
    for rel, target in LINKS.items():
        dest = Path(target) if target.startswith("/") else root / target
        os.symlink(dest, prim / rel)
    (prim / "clean.md").write_text("# Чистая страница\n\nОбычный текст.\n", encoding="utf-8")
