"""DESIGN §5.8: text from one org shown on another's pages or in feeds never runs as code."""

from __future__ import annotations

import re

import pytest
from conftest import run_cli
from lxml import etree
from netfactory import write_network

from union_network.enforce.text import markdown_to_text, plain_text, summary_of

EVIL_TITLE = 'Собрание <script>alert("t")</script><img src=x onerror=alert(1)> &lt;script&gt;alert(2)&lt;/script&gt;'
EVIL_SUMMARY = 'Итоги <a href="javascript:alert(3)" onclick="alert(4)">тут</a> [ссылка](javascript:alert(5)) <style>body{display:none}</style>'
EVIL_BODY = 'Первый абзац <b onmouseover="alert(6)">жирный</b> и [ссылка](javascript:alert(7)).\n\nВторой.'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("evil")
    posts = [
        dict(
            org="prim",
            stem="2026-01-01-evil",
            title=EVIL_TITLE,
            summary=EVIL_SUMMARY,
            date="2026-01-01",
            reach="federation",
            support=True,
        ),
        dict(
            org="prim",
            stem="2026-01-02-evil-body",
            title="Обычная",
            date="2026-01-02",
            reach="federation",
            body=EVIL_BODY,
        ),
    ]
    cfg = write_network(root, posts=posts)
    # The body's markup is refused by enforcement (test_enforcement.py); this checks the second line
    # of defence, so the fixture builds with the content rules switched off.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("union_network.read.load.check_content_rules", lambda *args, **kwargs: None)
        result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    return root / "site"


DANGER = re.compile(r"<script>alert|<img|onerror|onclick|onmouseover|javascript:|<style>body", re.I)


@pytest.mark.parametrize(
    "path",
    [
        "terr/network/index.html",
        "fed/network/index.html",
        "fed/support/index.html",
        "terr/index.html",
        "fed/index.html",
    ],
)
def test_other_orgs_pages_carry_no_active_markup(site, path):
    text = (site / path).read_text(encoding="utf-8")
    body = text.split("<body", 1)[1]
    assert "Собрание" in body  # the item is shown ...
    assert not DANGER.search(body)  # ... but nothing of it is live


@pytest.mark.parametrize(
    "feed",
    [
        "prim/news/feed.xml",
        "prim/news/atom.xml",
        "terr/network/feed.xml",
        "fed/network/atom.xml",
        "fed/support/feed.xml",
    ],
)
def test_feeds_carry_plain_text_only(site, feed):
    raw = (site / feed).read_bytes()
    tree = etree.fromstring(raw)
    texts = " ".join(t for t in tree.itertext())
    assert "Собрание" in texts
    # After XML unescaping, the text a feed reader gets has no markup to run.
    assert not DANGER.search(texts)
    assert not re.search(r"<\s*script", texts)


def test_the_post_page_of_the_org_itself_escapes_its_title(site):
    text = (site / "prim/news/2026-01-01-evil/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in text
    assert "Собрание" in text


def test_plain_text_strips_markup_even_when_escaped():
    assert plain_text("<b>жирный</b> текст") == "жирный текст"
    assert plain_text("<script>alert(1)</script>да") == "да"
    assert plain_text("&lt;script&gt;alert(1)&lt;/script&gt;да") == "да"
    assert plain_text("1 < 2 & 3 > 2") == "1 < 2 & 3 > 2"


def test_markdown_links_lose_their_target():
    assert markdown_to_text("[тут](javascript:alert(1))") == "тут"


def test_summary_falls_back_to_the_first_paragraph():
    assert summary_of(None, "## Заголовок\n\nПервый **абзац**.\n\nВторой.") == "Первый абзац."
    assert summary_of("Своя аннотация", "Текст") == "Своя аннотация"
