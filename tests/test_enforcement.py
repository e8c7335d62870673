"""Issue 3, "Enforcement": an org folder cannot restyle its site or run script on it.

Each test writes a tiny valid network (netfactory: fed in content/ -> terr -> prim in orgs/),
adds one offending file with known line numbers, runs ``check`` in-process and asserts the
exact ``path:line:`` (or ``path:`` for whole files) and the exit code.
"""

from __future__ import annotations

import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from netfactory import write_network

from union_network.enforce.content_rules import ContentRules, markdown_findings

REPO = Path(__file__).resolve().parents[1]


def network(tmp_path: Path) -> Path:
    return write_network(tmp_path / "net")


def write(cfg: Path, rel: str, content: str | bytes) -> Path:
    path = cfg.parent / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def check(cli):
    """``check -f cfg`` through conftest.run_cli (as a fixture: tests/browser has a conftest of its own)."""
    return lambda cfg: cli("check", "-f", str(cfg))


def lines_starting(result, prefix: str) -> list[str]:
    return [ln for ln in result.output.splitlines() if ln.startswith(prefix)]


def assert_reported(result, prefix: str, *words: str) -> str:
    """Exit code 1 and one output line that starts with ``prefix`` (``path:line: `` or ``path: ``)
    and holds every word."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    candidates = lines_starting(result, prefix)
    assert candidates, f"no line starting with {prefix!r}:\n{result.output}"
    matching = [ln for ln in candidates if all(w.lower() in ln.lower() for w in words)]
    assert matching, f"no {prefix!r} line with {words!r}: {candidates}"
    return matching[0]


def assert_clean(result) -> None:
    assert result.exit_code == 0, result.output
    assert "Проверка пройдена" in result.output


# ----------------------------------------------------------------------------- files and folders


@pytest.mark.parametrize(
    ("rel", "words"),
    [
        ("orgs/prim/extra.css", ("CSS", "удалите файл")),
        ("orgs/prim/assets/site.scss", ("CSS",)),
        ("orgs/prim/app.js", ("JavaScript", "удалите файл")),
        ("content/widget.mjs", ("JavaScript",)),
        ("orgs/terr/main.html", ("HTML-шаблон", ".md")),
        ("orgs/prim/docs/page.htm", ("HTML-шаблон",)),
        ("orgs/prim/mkdocs.yml", ("файл настроек", "org.yml и moderation.yml")),
        ("orgs/prim/news/extra.yaml", ("файл настроек",)),
        ("content/.meta.yml", ("файл настроек",)),
    ],
)
def test_css_js_templates_and_settings_files_are_reported(tmp_path, rel, words, check):
    cfg = network(tmp_path)
    write(cfg, rel, "body { color: red }\n")
    assert_reported(check(cfg), f"{rel}: ", *words)


def test_org_yml_and_moderation_yml_are_allowed_only_at_the_top_of_the_folder(tmp_path, check):
    cfg = network(tmp_path)
    write(cfg, "orgs/terr/moderation.yml", "hide: []\n")
    write(cfg, "orgs/prim/documents/readme.txt", "текст\n")
    write(cfg, "orgs/prim/documents/ustav.pdf", b"%PDF-1.4\n")
    assert_clean(check(cfg))
    write(cfg, "orgs/prim/sub/org.yml", "name: x\n")
    assert_reported(check(cfg), "orgs/prim/sub/org.yml: ", "файл настроек")


@pytest.mark.parametrize(
    "rel",
    [
        "orgs/prim/overrides",
        "orgs/prim/partials",
        "content/theme",
        "orgs/terr/assets/stylesheets",
        "orgs/terr/assets/javascripts",
    ],
)
def test_theme_override_folders_are_reported_once(tmp_path, rel, check):
    cfg = network(tmp_path)
    write(cfg, f"{rel}/main.html", "{% extends 'base.html' %}\n")
    write(cfg, f"{rel}/extra.css", "body{}\n")
    result = check(cfg)
    assert_reported(result, f"{rel}: ", "папка", "удалите папку")
    assert not lines_starting(result, f"{rel}/"), result.output  # its contents are not listed one by one


# ----------------------------------------------------------------------------- front matter


PAGE_WITH_LAYOUT_KEYS = """\
---
title: О нас
template: custom.html
extra_css:
  - red.css
description: Кто мы
hide:
  - navigation
  - toc
extra:
  homepage: https://example.com
tags: [профком]
---

# О нас
"""


def test_layout_keys_in_page_front_matter_are_reported_at_their_lines(tmp_path, check):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/about.md", PAGE_WITH_LAYOUT_KEYS)
    result = check(cfg)
    assert_reported(result, "orgs/prim/about.md:3: ", "«template»", "удалите поле")
    assert_reported(result, "orgs/prim/about.md:4: ", "«extra_css»")
    assert_reported(result, "orgs/prim/about.md:7: ", "«hide»", "навигацию")
    assert_reported(result, "orgs/prim/about.md:10: ", "«extra»")
    # title, description and tags are content, not layout
    assert len(lines_starting(result, "orgs/prim/about.md:")) == 4, result.output


def test_multimarkdown_style_meta_is_read_as_mkdocs_reads_it(tmp_path, check):
    cfg = network(tmp_path)
    write(cfg, "content/about.md", "Title: О федерации\nTemplate: main.html\n\n# О федерации\n")
    assert_reported(check(cfg), "content/about.md:2: ", "«Template»")


def test_post_front_matter_cannot_restyle_either(tmp_path, check):
    cfg = network(tmp_path)
    write(
        cfg,
        "orgs/prim/news/2026-01-05-a.md",
        "---\ntitle: Новость\ndate: 2026-01-05\nextra_css: [a.css]\n---\n\nТекст.\n",
    )
    assert_reported(check(cfg), "orgs/prim/news/2026-01-05-a.md:4: ", "extra_css")


def test_html_in_page_front_matter_values_is_reported(tmp_path, check):
    cfg = network(tmp_path)
    write(
        cfg,
        "orgs/prim/about.md",
        "---\ntitle: Профком\ndescription: '<img src=x onerror=alert(1)>'\n---\n\n# Профком\n",
    )
    assert_reported(check(cfg), "orgs/prim/about.md:3: ", "«description»", "onerror")


# ----------------------------------------------------------------------------- raw HTML in Markdown


# (what, Markdown body starting at line 1 of a page without front matter, line reported, words)
HTML_CASES = [
    ("script", "# Страница\n\nТекст.\n\n<script>alert(1)</script>\n", 5, ("<script>", "удалите")),
    ("script inline", 'Текст <script src="https://evil.example/x.js"></script> дальше.\n', 1, ("<script>",)),
    ("style tag", "# Страница\n\n<style>\nbody { display: none }\n</style>\n", 3, ("<style>", "Markdown")),
    ("style attribute", '# Страница\n\nТекст <span style="color: red">красный</span>.\n', 3, ("style=", "<span>")),
    (
        "style attribute on a later line of the tag",
        '<div\n  class="note"\n  style="color: red">\nТекст\n</div>\n',
        3,
        ("style=", "<div>"),
    ),
    ("event handler", 'Текст\n\n<img src="photo.jpg" onerror="alert(1)">\n', 3, ("onerror=", "<img>")),
    ("event handler in an escaped-looking tag", 'Текст \\<b onclick="alert(1)">жирный</b>\n', 1, ("onclick=",)),
    ("font", 'Текст <font color="red">красный</font>\n', 1, ("<font>", "брендбук")),
    ("link", '<link rel="stylesheet" href="https://evil.example/x.css">\n', 1, ("<link>",)),
    ("meta", '# Страница\n<meta http-equiv="refresh" content="0; url=https://evil.example">\n', 2, ("<meta>",)),
    ("object", '\n\n<object data="movie.swf"></object>\n', 3, ("<object>", "<iframe>")),
    ("embed", '<embed src="movie.swf">\n', 1, ("<embed>",)),
    ("javascript href", 'Нажмите <a href="javascript:alert(1)">сюда</a>.\n', 1, ("javascript:",)),
    ("javascript href with entities", '<a href="jav&#x09;ascript&#58;alert(1)">сюда</a>\n', 1, ("javascript:",)),
    ("javascript Markdown link", "Текст\n\n[сюда](javascript:alert(1))\n", 3, ("javascript:",)),
    ("javascript Markdown image", "![фото](javascript:alert(1))\n", 1, ("javascript:",)),
    ("javascript reference link", "[сюда][x]\n\n[x]: javascript:alert(1)\n", 3, ("javascript:",)),
    ("attr_list style", '## Заголовок {: style="color: red" }\n', 1, ("style=", "{:")),
    ("attr_list handler", 'Текст *важно*{: onclick="alert(1)" }\n', 1, ("onclick=", "{:")),
    (
        "iframe from another host",
        'Видео:\n\n<iframe width="560"\n  src="https://evil.example/embed/1"></iframe>\n',
        4,
        ("<iframe>", "evil.example", "rutube.ru"),
    ),
    ("iframe over http", '<iframe src="http://rutube.ru/play/embed/1"></iframe>\n', 1, ("https://",)),
    ("iframe without src", '<iframe srcdoc="<script>alert(1)</script>"></iframe>\n', 1, ("srcdoc",)),
]


@pytest.mark.parametrize(("what", "body", "line", "words"), HTML_CASES, ids=[c[0] for c in HTML_CASES])
def test_forbidden_html_in_pages_is_reported_at_its_line(tmp_path, what, body, line, words, check):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/page.md", body)
    assert_reported(check(cfg), f"orgs/prim/page.md:{line}: ", *words)


def test_forbidden_html_in_posts_is_reported_at_its_file_line(tmp_path, check):
    cfg = network(tmp_path)
    text = '---\ntitle: Новость\ndate: 2026-01-05\n---\n\nПервый абзац.\n\n<div onclick="alert(1)">Второй</div>\n'
    write(cfg, "content/news/2026-01-05-a.md", text)
    assert_reported(check(cfg), "content/news/2026-01-05-a.md:8: ", "onclick=")


def test_code_blocks_and_code_spans_are_not_flagged(tmp_path, check):
    cfg = network(tmp_path)
    write(
        cfg,
        "orgs/prim/howto.md",
        """\
---
title: Как вставить видео
---

# Как вставить видео

Не пишите `<script>alert(1)</script>` и `<span style="color:red">` в тексте,
и не ставьте ссылки вида ``[x](javascript:alert(1))``.

```html
<script src="https://evil.example/x.js"></script>
<style>body { display: none }</style>
<iframe src="https://evil.example/"></iframe>
```

~~~
<font color="red" onclick="alert(1)">так нельзя</font>
~~~

Слово «style=» в тексте и знак < сравнения (3 < 5) — не HTML.
""",
    )
    write(
        cfg,
        "orgs/prim/news/2026-01-05-a.md",
        "---\ntitle: Пример\ndate: 2026-01-05\n---\n\nКод: `<script>`.\n\n```\n<script>x</script>\n```\n",
    )
    assert_clean(check(cfg))


def test_a_code_span_does_not_hide_what_markdown_would_run(tmp_path, check):
    """A lone backtick earlier in the paragraph pairs differently: Python-Markdown then runs the tag."""
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/page.md", "Текст ` один\nи `<script>alert(1)</script>` два\n")
    assert_reported(check(cfg), "orgs/prim/page.md:2: ", "<script>")


@pytest.mark.parametrize(
    "src",
    [
        "https://vk.com/video_ext.php?oid=-1&id=2&hash=abc",
        "https://vkvideo.ru/video_ext.php?oid=-1&id=2",
        "https://rutube.ru/play/embed/0123456789abcdef",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    ],
)
def test_allowed_video_iframes_pass(tmp_path, src, check):
    cfg = network(tmp_path)
    write(
        cfg,
        "orgs/prim/video.md",
        f'# Видео\n\n<iframe width="720" height="405" src="{src}" allowfullscreen></iframe>\n',
    )
    assert_clean(check(cfg))


def brandbook(cfg: Path, **changes) -> None:
    """The repository's theme/ (a valid brandbook) with some of its settings changed."""
    shutil.copytree(REPO / "theme", cfg.parent / "theme")
    path = cfg.parent / "theme" / "brandbook.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_video_hosts_come_from_the_brandbook(tmp_path, check):
    cfg = network(tmp_path)
    brandbook(cfg, video_hosts=["video.example.org"], max_image_kb=500)
    write(cfg, "orgs/prim/a.md", '<iframe src="https://video.example.org/embed/1"></iframe>\n')
    write(cfg, "orgs/prim/b.md", '<iframe src="https://rutube.ru/play/embed/1"></iframe>\n')
    result = check(cfg)
    assert_reported(result, "orgs/prim/b.md:1: ", "rutube.ru", "video.example.org")
    assert not lines_starting(result, "orgs/prim/a.md"), result.output


# ----------------------------------------------------------------------------- images


def test_images_over_the_default_limit_are_reported_with_size_and_limit(tmp_path, check):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/foto/big.jpg", b"\xff\xd8" + b"0" * (600 * 1024))
    write(cfg, "orgs/prim/foto/small.png", b"\x89PNG" + b"0" * (499 * 1024))
    result = check(cfg)
    assert_reported(result, "orgs/prim/foto/big.jpg: ", "601 КБ", "500 КБ", "max_image_kb")
    assert not lines_starting(result, "orgs/prim/foto/small.png"), result.output


def test_image_limit_comes_from_the_brandbook(tmp_path, check):
    cfg = network(tmp_path)
    brandbook(cfg, max_image_kb=10)
    write(cfg, "content/logo.webp", b"RIFF" + b"0" * (11 * 1024))
    assert_reported(check(cfg), "content/logo.webp: ", "12 КБ", "10 КБ")


def test_a_broken_brandbook_is_reported_and_enforcement_falls_back_to_the_defaults(tmp_path, check):
    cfg = network(tmp_path)
    write(cfg, "theme/brandbook.yml", "video_hosts: [\nmax_image_kb: many\n")
    write(cfg, "orgs/prim/video.md", '<iframe src="https://rutube.ru/play/embed/1"></iframe>\n')
    write(cfg, "orgs/prim/big.gif", b"GIF89a" + b"0" * (501 * 1024))
    result = check(cfg)
    assert_reported(result, "orgs/prim/big.gif: ", "500 КБ")
    assert lines_starting(result, "theme/brandbook.yml:"), result.output
    assert not lines_starting(result, "orgs/prim/video.md"), result.output


SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
  <style>rect { fill: #c00 }</style>
  <script>alert(1)</script>
  <rect width="10" height="10"
        onclick="alert(2)"/>
</svg>
"""


def test_svg_images_from_org_folders_are_refused_even_without_script(tmp_path, check):
    """SVG is active content (issue 9): an org's SVG is refused whatever it holds; the theme's own SVG stays."""
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/logo.svg", SVG)
    write(
        cfg,
        "orgs/prim/clean.svg",
        SVG.replace("  <script>alert(1)</script>\n", "").replace('\n        onclick="alert(2)"', ""),
    )
    result = check(cfg)
    assert_reported(result, "orgs/prim/logo.svg: ", "SVG", "PNG")
    assert_reported(result, "orgs/prim/clean.svg: ", "SVG", "PNG")


# ----------------------------------------------------------------------------- one run, check and build


def test_everything_is_reported_in_one_run_with_other_problems(tmp_path, check):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/org.yml", "name: Первичная\nkind: primary\nparent: nowhere\n")  # a registry problem
    write(cfg, "orgs/prim/extra.css", "body{}\n")
    write(cfg, "orgs/terr/page.md", "Текст\n<script>alert(1)</script>\n")
    result = check(cfg)
    assert_reported(result, "orgs/prim/org.yml:3: ", "nowhere")
    assert_reported(result, "orgs/prim/extra.css: ", "CSS")  # an org left out of the registry is still checked
    assert_reported(result, "orgs/terr/page.md:2: ", "<script>")


def test_build_fails_on_the_same_problems_and_writes_nothing(tmp_path, cli):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/page.md", 'Текст\n\n<p style="color:red">красный</p>\n')
    out = tmp_path / "out"
    result = cli("build", "-f", str(cfg), "--out", str(out))
    assert result.exit_code != 0, result.output
    assert "orgs/prim/page.md:3: " in result.output
    assert not out.exists() or not any(out.iterdir())


def test_the_demo_network_passes(cli):
    """The demo (content/, orgs/, theme/brandbook.yml) passes: no false positives on real pages."""
    result = cli("check", "-f", str(REPO / "mkdocs.yml"))
    assert result.exit_code == 0, result.output


def test_a_script_url_hidden_behind_an_entity_colon_is_reported(tmp_path, check):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/page.md", "Текст\n\n[сюда](javascript&#58;alert(1))\n")
    assert_reported(check(cfg), "orgs/prim/page.md:3: ", "javascript:")


# ----------------------------------------------------------------------------- against Python-Markdown itself


class _LiveMarkup(HTMLParser):
    """What a browser would run or restyle in rendered HTML."""

    def __init__(self):
        super().__init__()
        self.live = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "font", "iframe", "link", "meta", "object", "embed"):
            self.live = True
        for name, value in attrs:
            url = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or name == "style" or url.startswith("javascript:"):
                self.live = True

    handle_startendtag = handle_starttag


PAYLOADS = [
    "<script>alert(1)</script>",
    '<b onclick="x">y</b>',
    '<i style="color:red">y</i>',
    '<a href="javascript:x">y</a>',
    "[y](javascript:x)",
    '*e*{: style="c" }',
    '<iframe src="https://evil.example/"></iframe>',
    "<font color=red>f</font>",
]
PIECES = [
    "`",
    "``",
    "```",
    "~~~",
    "\n",
    "\n\n",
    "# ",
    "- ",
    "1. ",
    "> ",
    "    ",
    "\t",
    "text ",
    "\\",
    "<",
    ">",
    '"',
    "<!--",
    "-->",
    "<div>",
    "</div>",
    "<span>",
    "</span>",
    "<p>",
    "</p>",
    "<pre>",
    "</pre>",
    "<hr>",
    "`x`",
    '<a title="',
    "| a | b |\n|---|---|\n",
    "!!! note\n    ",
    "{: .x }",
    "***",
    "[",
    "](",
    ")",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_that_python_markdown_renders_live_goes_unreported(payload):
    """Random Markdown around a forbidden construct, rendered with the demo's extensions: whenever
    the output would run or restyle something, the source scan reports the page."""
    rng = random.Random(payload)
    rules = ContentRules()
    renders = 0
    for _ in range(400):
        src = "".join(rng.choice(PIECES + [payload] * 3) for _ in range(rng.randint(2, 12)))
        out = markdown.markdown(src, extensions=["toc", "tables", "fenced_code", "admonition", "attr_list"])
        parser = _LiveMarkup()
        parser.feed(out)
        parser.close()
        if parser.live:
            renders += 1
            assert markdown_findings(src, rules), f"not reported:\n{src!r}\nrenders as:\n{out}"
    assert renders > 30  # the generator does produce live markup


# ----------------------------------------------------------------------------- no third-party requests


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("Текст.\n\n![Фото](https://example.org/photo.jpg)\n", 3),
        ('Текст.\n\n<img src="//cdn.example.org/a.png" alt="a">\n', 3),
        ('Текст.\n\n<video poster="http://example.org/p.jpg" src="v.mp4"></video>\n', 3),
    ],
)
def test_images_from_other_servers_are_refused(tmp_path, body, line, check):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/about.md", f"# О нас\n\n{body}")
    assert_reported(check(cfg), f"orgs/prim/about.md:{line + 2}: ", "чужого сервера")


def test_local_images_and_external_links_pass(tmp_path, check):
    cfg = network(tmp_path)
    write(cfg, "orgs/prim/photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    write(
        cfg,
        "orgs/prim/about.md",
        "# О нас\n\n![Фото](photo.png)\n\n[Сайт](https://example.org/)\n\n```\n![x](https://example.org/x.png)\n```\n",
    )
    assert_clean(check(cfg))


def test_a_folder_that_passed_is_not_read_again_until_a_file_in_it_changes(tmp_path, monkeypatch):
    """The content rules skip an org folder whose files (path, type, size, mtime) are what they were
    when all of them passed; any new, changed or linked file makes the folder checked again."""
    from union_network.core.problems import Problems
    from union_network.enforce import content_rules

    cfg = write_network(tmp_path / "net", None, [dict(org="prim", stem="2026-01-05-a", title="А", date="2026-01-05")])
    root, cache = cfg.parent, tmp_path / "cache"
    checked: list[str] = []
    real = content_rules.check_org_folder
    monkeypatch.setattr(
        content_rules, "check_org_folder", lambda folder, *a, **k: (checked.append(folder.name), real(folder, *a, **k))
    )

    def check() -> Problems:
        checked.clear()
        problems = Problems(root=root)
        content_rules.check_content_rules(root, problems, cache, book=None)
        return problems

    assert not check().items and sorted(checked) == ["content", "prim", "terr"]
    assert not check().items and checked == []  # nothing changed: no folder read
    (root / "orgs/prim/news/2026-01-06-b.md").write_text(
        "---\ntitle: Б\ndate: 2026-01-06\n---\n<script>alert(1)</script>\n"
    )
    problems = check()
    assert checked == ["prim"] and any("2026-01-06-b.md" in str(p) for p in problems.items)
    problems = check()  # a folder with problems is checked, and its problems reported, every time
    assert checked == ["prim"] and problems.items


@pytest.mark.parametrize("text", ["a <![ x >", "<![ ]>", "text\n<![x]]>\n", "<![ x\n\ny >"])
def test_a_declaration_python_s_parser_asserts_on_is_read_as_a_browser_reads_it(text, tmp_path):
    """``<![`` opening no marked section made Python's HTMLParser raise AssertionError (found by the
    fuzz test): ``check`` crashed. It is a bogus comment to a browser, and to our parsers."""
    from union_network.core.problems import Problems
    from union_network.enforce.content_rules import ContentRules, check_markdown

    problems = Problems(root=tmp_path)
    check_markdown(text, tmp_path / "a.md", ContentRules.of(None), problems, page=True)
    assert problems.items == []
    check_markdown(text + " <script>alert(1)</script>", tmp_path / "a.md", ContentRules.of(None), problems, page=True)
    assert any("<script>" in str(p) for p in problems.items)
