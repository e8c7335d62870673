"""The security suite's fixtures: one small network holding every vector (tests/security/vectors.py),
built once per session in each url_style with the source check bypassed (the claim: a miss in
``check`` still runs nothing), plus two builds of the same network in the subdomain style: with
the sanitizer switched off (the CSP alone must hold) and with neither sanitizer nor CSP (the
control: the live payloads do fire there). Chromium via Playwright, package-scoped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: netfactory, themenet, browser

from browser.kit import chromium  # noqa: E402
from netfactory import write_post  # noqa: E402
from themenet import build, write_branded_network  # noqa: E402

from .vectors import CARDS, POSTS, write_vectors  # noqa: E402

DOMAIN = "net.example"


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out.get(key) or {}, value) if isinstance(value, dict) else value
    return out


def write_evil_network(root: Path, style: str) -> Path:
    cfg = write_branded_network(root)
    text = cfg.read_text(encoding="utf-8")
    text = text.replace(f"domain: {DOMAIN}\n", f"domain: {DOMAIN}\n      url_style: {style}\n")
    # the Markdown extensions of the project's own mkdocs.yml: attr_list lets a page set attributes
    cfg.write_text(
        text + "markdown_extensions:\n  - toc\n  - tables\n  - admonition\n  - attr_list\n", encoding="utf-8"
    )
    for slug, extra in CARDS.items():
        card_file = root / "orgs" / slug / "org.yml"
        card = yaml.safe_load(card_file.read_text(encoding="utf-8"))
        card_file.write_text(yaml.safe_dump(_merge(card, extra), allow_unicode=True), encoding="utf-8")
    for p in POSTS:
        p = dict(p)
        org, stem, body = p.pop("org"), p.pop("stem"), p.pop("body")
        write_post(root / "orgs" / org, stem, body, **p)
    write_vectors(root)
    return cfg


def _build(tmp_path_factory, name: str, style: str, *, sanitizer: bool = True, csp: bool = True) -> Path:
    root = tmp_path_factory.mktemp(name)
    cfg = write_evil_network(root, style)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1780315200")
        mp.setattr("union_network.read.load.check_content_rules", lambda *args, **kwargs: None)
        if not sanitizer:
            mp.setattr("union_network.render.mkdocs.plugin.sanitize_html", lambda content, *args: content)
        if not csp:
            mp.setattr("union_network.render.mkdocs.plugin.csp_policy", lambda *args, **kwargs: "")
        return build(cfg, root / "site")


@pytest.fixture(scope="session")
def evil_sites(tmp_path_factory) -> dict[str, Path]:
    """url_style -> the built network (site folder) with every vector, sanitizer and CSP on."""
    return {style: _build(tmp_path_factory, f"evil-{style}", style) for style in ("subdomain", "path")}


@pytest.fixture(scope="session")
def csp_only_site(tmp_path_factory) -> Path:
    """The same network with the sanitizer switched off: only the CSP stands."""
    return _build(tmp_path_factory, "evil-csp-only", "subdomain", sanitizer=False)


@pytest.fixture(scope="session")
def unprotected_site(tmp_path_factory) -> Path:
    """Neither sanitizer nor CSP: the control, where live payloads must fire."""
    return _build(tmp_path_factory, "evil-unprotected", "subdomain", sanitizer=False, csp=False)


@pytest.fixture(scope="package")
def browser():
    with chromium() as launched:
        yield launched
