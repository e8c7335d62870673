"""The web editor (admin/, Decap CMS) driven in headless Chromium against Decap's local backend.

One build of the tiny branded network with ``editor:`` configured (``local_backend`` pointing at a
``decap-server`` from node_modules on 127.0.0.1, file-system mode over the network's folder). An
editor of the primary organisation logs in, writes a post with categories and an event, publishes
it; the Markdown file lands in ``orgs/prim/news/`` with valid front matter, ``check`` passes, and
after a second build the post is on the primary's news, its parent's network news and feed.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from conftest import rglob
from playwright.sync_api import expect
from themenet import EPOCH, build, write_branded_network

from union_network.features.admin import ADMIN_FOLDER, decap_files

from .kit import REPO, need
from .siteserver import SiteServer

pytestmark = pytest.mark.browser

DECAP_SERVER = REPO / "node_modules" / "decap-server" / "dist" / "index.js"
TITLE = "Профком провёл собрание по колдоговору"
PLAIN_TITLE = "Субботник во дворе комбината"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def editor_net(tmp_path_factory):
    """(network root, built output, local backend port): the branded network with the editor configured."""
    root = tmp_path_factory.mktemp("editor-net")
    cfg = write_branded_network(root)
    port = _free_port()
    text = cfg.read_text(encoding="utf-8")
    editor = (
        "      editor:\n"
        "        backend: gitlab\n"
        "        repo: profsever/network\n"
        "        app_id: test-client-id\n"
        f"        local_backend: http://localhost:{port}/api/v1\n"
    )
    cfg.write_text(
        text.replace("      domain: net.example\n", "      domain: net.example\n" + editor), encoding="utf-8"
    )
    return root, build(cfg, root / "site"), port


@pytest.fixture(scope="module")
def decap_server(editor_net, tmp_path_factory):
    need(DECAP_SERVER, "decap-server (npm ci)")
    root, _, port = editor_net
    env = dict(os.environ, PORT=str(port), BIND_HOST="127.0.0.1", MODE="fs", GIT_REPO_DIRECTORY=str(root))
    log = tmp_path_factory.mktemp("decap-server") / "log.txt"
    with log.open("w") as out:
        proxy = subprocess.Popen(["node", str(DECAP_SERVER)], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):  # bounded: up to 10 s for the proxy to listen
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proxy.poll() is None, log.read_text()
            time.sleep(0.1)
        else:
            pytest.fail("decap-server did not start: " + log.read_text())
        yield proxy
    finally:
        proxy.terminate()
        proxy.wait(10)


@pytest.fixture(scope="module")
def editor_server(editor_net):
    _, out, _ = editor_net
    with SiteServer(out, "net.example", "fed") as srv:
        yield srv


def _open_editor(browser, editor_server, slug: str):
    context = browser.new_context(timezone_id="Europe/Moscow", locale="ru-RU")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    origin = editor_server.origin(slug)
    page.goto(f"{origin}/{ADMIN_FOLDER}/")
    page.get_by_role("button", name="Войти").click()
    page.get_by_text("Коллекции").first.wait_for()
    return context, page, origin, problems


def _fill_form(page, title: str, when: str, categories, event) -> bool:
    """Fill the new-post form; False when Decap reset it meanwhile (it sets up a new entry asynchronously)."""
    title_field, date_field = page.locator("[id^=title-field]"), page.locator("[id^=date-field]")
    expect(date_field).not_to_have_value("")  # the new entry is set up (the date defaults to now)
    title_field.fill(title)
    date_field.fill(when)
    select = page.locator("[id^=categories-field]")
    for label in categories:
        select.click()
        select.type(label)
        page.keyboard.press("Enter")
    if event:
        page.locator("[id^=event-field]").get_by_test_id("expand-button").click()
        page.locator("[id^=start-field]").fill(event["start"])
        page.locator("[id^=place-field]").fill(event["place"])
    page.locator("[data-slate-editor]").click()
    page.keyboard.type("Собрание трудового коллектива прошло в цехе.")
    page.wait_for_timeout(300)
    return title_field.input_value() == title and date_field.input_value() == when


def _write_post(page, origin: str, news: Path, title: str, when: str, *, categories=(), event=None) -> Path:
    """Fill the new-post form as an editor would, publish, and return the file that appeared."""
    before = set(news.iterdir())
    for _ in range(3):  # bounded: a form reset under load is filled again on a freshly loaded page
        page.goto("about:blank")
        page.goto(f"{origin}/{ADMIN_FOLDER}/#/collections/news/new")
        page.wait_for_load_state("networkidle")
        if _fill_form(page, title, when, categories, event):
            break
    else:
        pytest.fail("the new-post form was reset three times")
    page.get_by_role("button", name="Опубликовать").first.click()
    page.get_by_text("Опубликовать сейчас").click()
    for _ in range(150):  # bounded: up to 15 s for the proxy to write the file
        created = set(news.iterdir()) - before
        if created:
            (path,) = created
            # after publishing, Decap moves on to the saved entry's page: let it, before the next form
            page.wait_for_url(re.compile(rf"#/collections/news/entries/{re.escape(path.stem)}$"))
            return path
        page.wait_for_timeout(100)
    pytest.fail(f"no file appeared in {news}; the editor shows: {page.locator('body').inner_text()[:2000]}")


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), text
    return yaml.safe_load(text.split("---\n")[1])


def test_admin_is_written_with_its_bundle(editor_net):
    _, out, port = editor_net
    for slug in ("fed", "terr", "prim"):
        admin = out / slug / ADMIN_FOLDER
        assert {p.name for p in admin.iterdir()} >= {"index.html", "config.yml", "un-admin.js", *decap_files()}
        html = (admin / "index.html").read_text(encoding="utf-8")
        assert "script-src 'self' 'unsafe-eval'" in html and f"http://localhost:{port}" in html
        assert "https://" not in html.split("Content-Security-Policy")[0]  # no third-party script or style


def test_editor_offers_only_the_orgs_own_folders(browser, editor_net, editor_server, decap_server):
    _, out, _ = editor_net
    configs = {slug: yaml.safe_load((out / slug / ADMIN_FOLDER / "config.yml").read_text()) for slug in ("fed", "prim")}
    prim = configs["prim"]
    assert [c["folder"] for c in prim["collections"]] == ["orgs/prim/news", "orgs/prim"]
    assert prim["media_folder"] == "orgs/prim/images"
    assert [c["folder"] for c in configs["fed"]["collections"]] == ["content/news", "content"]
    fields = {f["name"] for f in prim["collections"][0]["fields"]}
    assert "broadcast" not in fields  # a primary has no orgs below it
    assert {"title", "date", "summary", "categories", "tags", "reach", "support", "draft", "event"} <= fields
    assert {"image", "image_alt", "body"} <= fields

    context, page, origin, problems = _open_editor(browser, editor_server, "prim")
    try:
        offered = set(
            page.evaluate(
                "() => [...document.querySelectorAll('a')]"
                ".filter(a => /#\\/collections\\/[^/]+$/.test(a.href)).map(a => a.textContent.trim())"
            )
        )
        assert offered == {"Новости: Профком ЦБК", "Страницы: Профком ЦБК"}
        # the news list holds the primary's posts only (the parent's «Молодёжный форум» is not offered)
        page.goto(f"{origin}/{ADMIN_FOLDER}/#/collections/news")
        page.get_by_text("Профсоюзнаяорганизация", exact=False).first.wait_for()
        listing = page.locator("main, #root").first.inner_text()
        assert "Молодёжный форум" not in listing and "Первомайская акция" not in listing
        # routes to a collection that is not configured lead nowhere
        page.goto(f"{origin}/{ADMIN_FOLDER}/#/collections/terr-news")
        page.wait_for_timeout(500)
        assert "Молодёжный форум" not in page.locator("body").inner_text()
        assert problems == []
    finally:
        context.close()


def test_post_written_in_the_browser_is_checked_and_published(
    browser, editor_net, editor_server, decap_server, tmp_path
):
    from click.testing import CliRunner

    from union_network.cli.commands import main

    root, _, _ = editor_net
    news = root / "orgs" / "prim" / "news"
    others = {p: p.stat().st_mtime_ns for p in rglob(root, "*") if p.is_file() and "prim" not in p.parts}
    context, page, origin, problems = _open_editor(browser, editor_server, "prim")
    try:
        post = _write_post(
            page,
            origin,
            news,
            TITLE,
            "2026-05-25T10:30",
            categories=("Собрания", "Колдоговор"),
            event={"start": "2026-06-25T18:30", "place": "Дом культуры, зал 2"},
        )
        plain = _write_post(page, origin, news, PLAIN_TITLE, "2026-05-26T09:15")
        assert problems == []
    finally:
        context.close()
    assert post.suffix == ".md" and plain.suffix == ".md"
    meta = _front_matter(post)
    assert meta["title"] == TITLE
    assert str(meta["date"]).startswith("2026-05-25") and "10:30" in str(meta["date"])
    assert meta["categories"] == ["meetings", "bargaining"]
    assert meta["event"]["place"] == "Дом культуры, зал 2"
    assert str(meta["event"]["start"]).startswith("2026-06-25")
    plain_meta = _front_matter(plain)
    assert plain_meta["title"] == PLAIN_TITLE and not plain_meta.get("event")
    # nothing outside the primary's folder was written
    assert {p: p.stat().st_mtime_ns for p in rglob(root, "*") if p.is_file() and "prim" not in p.parts} == others

    env = {"SOURCE_DATE_EPOCH": EPOCH}
    check = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml")], env=env)
    assert check.exit_code == 0, check.output
    out = root / "site2"
    result = CliRunner().invoke(main, ["build", "-q", "-f", str(root / "mkdocs.yml"), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    stem = post.stem
    assert TITLE in (out / "prim" / "news" / stem / "index.html").read_text(encoding="utf-8")
    assert TITLE in (out / "prim" / "news" / "index.html").read_text(encoding="utf-8")
    assert TITLE in (out / "terr" / "network" / "index.html").read_text(encoding="utf-8")
    feed = (out / "terr" / "network" / "feed.xml").read_text(encoding="utf-8")
    assert TITLE in feed and f"https://prim.net.example/news/{stem}/" in feed
    assert "Дом культуры, зал 2" in (out / "prim" / "events" / "index.html").read_text(encoding="utf-8")
