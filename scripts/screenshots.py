"""Screenshots of the demo network for the README, and the logo's PNG raster.

    make screenshots            # = python scripts/screenshots.py

Builds the demo into a temporary folder, serves every site from 127.0.0.1 (one
Host-routing server), and saves PNGs into docs/screenshots/. It first renders
theme/assets/logo.svg to theme/assets/logo.png (the raster the sharing cards
use), so that both stay in step with the brandbook.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from siteserver import CHROMIUM_ARGS, CHROMIUM_PATH, SiteServer  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"
EPOCH = "1795305600"  # 2026-11-22: the build time of the screenshots, so they do not change by themselves


def render_logo(page, theme: Path) -> None:
    svg = (theme / "assets" / "logo.svg").read_text(encoding="utf-8")
    svg = svg.replace("<svg ", '<svg width="512" height="512" ', 1)
    page.set_viewport_size({"width": 512, "height": 512})
    page.set_content(
        "<!doctype html><html><body style='margin:0;background:transparent'>"
        f"<div style='width:512px;height:512px'>{svg}</div></body></html>"
    )
    page.locator("div").screenshot(path=str(theme / "assets" / "logo.png"), omit_background=True)


def build_demo(out: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", EPOCH))
    subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "-q", "--out", str(out)], check=True, env=env, cwd=ROOT
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logo-only", action="store_true", help="only render theme/assets/logo.png")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page()
        render_logo(page, ROOT / "theme")
        page.close()
        if args.logo_only:
            browser.close()
            return
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "site"
            build_demo(out)
            with SiteServer(out, "profsever.example", "profsever") as server:
                take(browser, server)
        browser.close()


SCREENS = [
    # (file, site slug, path, width, height, full page)
    ("federation-home.png", "profsever", "", 1280, 900, True),
    ("territorial-home.png", "severogorsk", "", 1280, 900, True),
    ("primary-home.png", "cbk-severny", "", 1280, 900, True),
    ("post.png", "cbk-severny", None, 1280, 900, False),
    ("phone-federation-home.png", "profsever", "", 390, 844, False),
    ("phone-primary-home.png", "cbk-severny", "", 390, 844, False),
    ("phone-post.png", "profsever", None, 390, 844, False),
    ("phone-registry.png", "profsever", "registry/", 390, 844, False),
]


def first_post(site: Path) -> str:
    posts = sorted(p.parent.name for p in (site / "news").glob("*/index.html") if p.parent.name != "page")
    return f"news/{posts[-1]}/"


def take(browser, server) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, slug, path, width, height, full in SCREENS:
        if path is None:
            path = first_post(server.out / slug)
        phone = width < 600
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=1, is_mobile=phone, has_touch=phone
        )
        for site in sorted(p.name for p in server.out.iterdir() if p.is_dir()):
            server.serve_public_origin(context, site)  # pictures come from their canonical site, as in production
        page = context.new_page()
        page.goto(server.url(slug, path), wait_until="networkidle")
        if full:  # lazy pictures below the fold load as a reader scrolls to them
            page.mouse.wheel(0, 100_000)
            page.wait_for_load_state("networkidle")
            page.mouse.wheel(0, -100_000)
        page.screenshot(path=str(SHOTS / name), full_page=full)
        context.close()
        print(f"{SHOTS.relative_to(ROOT) / name}: {server.url(slug, path)}")


if __name__ == "__main__":
    main()
