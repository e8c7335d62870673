"""enforce/html.py and render/mkdocs/csp.py without a browser: the allowlist, URLs read as a browser
reads them (WHATWG), what an org folder publishes, and the policy as nginx and serve send it."""

from __future__ import annotations

import os
import threading
import urllib.request

import pytest

from union_network.enforce.files import is_link_inside, is_published
from union_network.enforce.html import HtmlPolicy, clean_meta, escaped_text, sanitize_html
from union_network.features.search import CSP_SOURCES
from union_network.render.mkdocs.csp import inline_hashes, policy
from union_network.tools.nginx import NginxOptions, nginx_config

SUB = HtmlPolicy("https://prim.net.example/", ("rutube.ru", "youtube.com"))
PATH = HtmlPolicy("https://net.example/prim/", ("rutube.ru",))


def clean(fragment: str, policy: HtmlPolicy = SUB, page: str = "about/") -> str:
    return sanitize_html(fragment, policy.site_url + page, policy)


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/x.png",
        "//evil.example/x.png",
        "\\\\evil.example\\x.png",
        "/\\evil.example/x.png",
        "java\tscript:alert(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "http://prim.net.example@evil.example/x.png",
    ],
)
def test_images_load_only_from_the_site_itself(src):
    assert "src=" not in clean(f'<img src="{src}" alt="x">')


def test_every_srcset_candidate_is_checked():
    assert 'srcset="a.png 1x, b.png 2x"' in clean('<img src="a.png" srcset="a.png 1x, b.png 2x">')
    assert "srcset" not in clean('<img src="a.png" srcset="a.png 1x, https://evil.example/b.png 2x">')
    assert "srcset" not in clean('<img src="a.png" srcset="a.png 1w,//evil.example/b.png 9w">')


def test_the_path_layout_keeps_images_in_the_orgs_folder():
    assert 'src="photo.png"' in clean('<img src="photo.png">', PATH)
    assert "src=" not in clean('<img src="../../terr/photo.png">', PATH)
    assert "src=" not in clean('<img src="/terr/photo.png">', PATH)


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("https://rutube.ru/play/embed/1", True),
        ("https://www.youtube.com/embed/x", True),
        ("https://evil\\@rutube.ru/x", False),  # Python's urlsplit says rutube.ru; the browser: host "evil"
        ("https://rutube.ru@evil.example/", False),
        ("https://rutube.ru.evil.example/", False),
        ("http://rutube.ru/play/embed/1", False),
        ("//rutube.ru/play/embed/1", True),  # resolved against the https page: https://rutube.ru/…
    ],
)
def test_iframes_only_from_the_brandbooks_video_hosts(src, kept):
    out = clean(f'<iframe src="{src}" srcdoc="<script>alert(1)</script>" onload="alert(1)"></iframe>')
    assert ("src=" in out) is kept
    assert "srcdoc" not in out and "onload" not in out


def test_links_keep_their_place_but_not_script():
    out = clean('<a href="https://ok.ru/x">a</a><a href="javascript:alert(1)">b</a><a href="mailto:a@b.ru">c</a>')
    assert 'href="https://ok.ru/x"' in out and 'href="mailto:a@b.ru"' in out and "javascript" not in out


def test_classes_ids_and_styles():
    out = clean(
        '<div class="admonition note md-dialog un-card" id="__config" style="position:fixed" onclick="x()">'
        '<p class="admonition-title">Заметка</p></div><h2 id="_1">x</h2>'
    )
    assert '<div class="admonition note">' in out and 'id="_1"' in out
    assert "md-dialog" not in out and "un-card" not in out and "__config" not in out
    assert "style" not in out and "onclick" not in out


def test_table_alignment_becomes_a_class():
    out = clean('<table><tr><th style="text-align: center;">a</th><td style="color:red">b</td></tr></table>')
    assert '<th class="un-text-center">' in out and "style" not in out


def test_raw_text_tricks_come_out_as_text():
    for trick in (
        '<xmp><img title="</xmp><img src=x onerror=alert(1)>"></xmp>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        "<!--><img src=x onerror=alert(1)>-->",
        "<![CDATA[><img src=x onerror=alert(1)>]]>",
    ):
        assert "onerror" not in clean(trick)


def test_front_matter_reaches_templates_as_escaped_text():
    meta = clean_meta(
        {"title": "&lt;/title&gt;<b>Х</b>", "description": '"><x>', "template": "un-home.html", "hide": ["toc"]}
    )
    assert meta == {"title": "Х", "description": "&quot;&gt;"}
    assert escaped_text("a < b & «c»") == "a &lt; b &amp; «c»"


def test_only_real_files_of_allowed_types_are_published(tmp_path):
    folder = tmp_path / "orgs" / "prim"
    (folder / "img").mkdir(parents=True)
    for name in ("page.md", "img/photo.jpg", "doc.pdf", "evil.html", "logo.svg", "x.js", "x.css", ".hidden.png"):
        (folder / name).write_text("x", encoding="utf-8")
    (tmp_path / "secret.png").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "secret.png", folder / "link.png")
    os.symlink(tmp_path, folder / "linkdir")
    allowed = {
        name
        for name in (
            "page.md",
            "img/photo.jpg",
            "doc.pdf",
            "evil.html",
            "logo.svg",
            "x.js",
            "x.css",
            ".hidden.png",
            "link.png",
            "linkdir/secret.png",
        )
        if is_published(name) and not is_link_inside(folder / name, folder)
    }
    assert allowed == {"page.md", "img/photo.jpg", "doc.pdf"}


def test_policy_allows_the_theme_and_the_search_and_nothing_else():
    text = policy(("rutube.ru",), "https://net.example", header=True)
    directives = dict(d.split(" ", 1) for d in text.split("; "))
    scripts, styles = inline_hashes()
    assert len(scripts) >= 2 and len(styles) >= 1  # Material's inline scripts, the bulletin's style
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
    assert directives["frame-src"] == "https://rutube.ru https://*.rutube.ru"
    assert "'unsafe-inline'" not in text and "'unsafe-eval'" not in text
    assert directives["frame-ancestors"] == "'self'"
    for directive, sources in CSP_SOURCES.items():  # what the network search needs (features/search.py)
        assert set(sources) <= set(directives[directive].split()), directive
    assert "https://net.example/pagefind/" in directives["script-src"]
    assert "frame-ancestors" not in policy(("rutube.ru",), "https://net.example")  # not in a <meta>


def test_nginx_sends_the_policy_with_every_site_response():
    conf = nginx_config(NginxOptions(domain="net.example", root_slug="fed", video_hosts=("rutube.ru",)))
    expected = policy(("rutube.ru",), "https://net.example", header=True)
    active = [line for line in conf.splitlines() if not line.lstrip().startswith("#")]
    headers = [line for line in active if "Content-Security-Policy" in line]
    assert headers and all(expected in line or "'unsafe-inline'" in line for line in headers)
    locations = [
        line for line in active if line.strip().startswith("location") and "acme" not in line and r"/\." not in line
    ]
    assert len(headers) == len(locations)  # each location repeats it (add_header does not inherit)


def test_serve_sends_the_policy_with_pages(tmp_path):
    from union_network.tools.serve import Preview, serve

    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    preview = Preview(tmp_path / "mkdocs.yml", lambda *a: None, 0)
    server = serve(preview, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": "nosuch.localhost"})
        with pytest.raises(urllib.error.HTTPError) as answer:  # no such site: a page saying so, with the policy
            urllib.request.urlopen(request, timeout=10)
        assert answer.value.headers["Content-Security-Policy"] == preview.csp
        assert "script-src 'self'" in preview.csp and "frame-ancestors 'self'" in preview.csp
    finally:
        server.shutdown()
        server.server_close()
