"""Load built pages in Chromium and report what an attacker's content managed to do there."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from browser.siteserver import SiteServer, fulfil

DOMAIN = "net.example"
ROOT = "fed"

#: every page kind of the three sites (besides the vector pages)
PAGE_KINDS = {
    "fed": ["", "news/", "network/", "orgs/", "support/", "404.html"],
    "terr": ["", "news/", "network/", "orgs/", "upstream/", "404.html"],
    "prim": ["", "news/", "upstream/", "clean/", "about/", "404.html"],
}

#: in the page: flags set by payloads, live markup left in the DOM, and the theme's computed style
INSPECT = """() => {
  const out = {pwned: Object.keys(window).filter(k => /^pwned[0-9]+$/.test(k)), problems: [], style: {}};
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) out.problems.push('handler ' + el.tagName + ' ' + a.name);
      if (a.name === 'style' && el.closest('.md-content')) out.problems.push('style= on ' + el.tagName);
      if (a.name === 'srcdoc') out.problems.push('srcdoc on ' + el.tagName);
    }
  }
  for (const a of document.querySelectorAll('a[href], area[href]')) {
    if (!['http:', 'https:', 'mailto:', 'tel:'].includes(a.protocol)) out.problems.push('link ' + a.getAttribute('href'));
  }
  for (const sel of ['base', 'object', 'embed', 'meta[http-equiv=refresh i]', '.md-content form', '.md-content input',
                     '.md-content style', '.md-content script', '.md-content link', '.md-content svg script',
                     '.md-content foreignObject', '.md-content math']) {
    if (document.querySelector(sel)) out.problems.push('element ' + sel);
  }
  for (const f of document.querySelectorAll('iframe[src]')) {
    const host = new URL(f.src, location).hostname;
    if (!/(^|\\.)(vk\\.com|vkvideo\\.ru|rutube\\.ru|youtube\\.com|youtube-nocookie\\.com)$/.test(host)) out.problems.push('iframe ' + f.src);
  }
  for (const id of ['__config', '__drawer', '__search']) {
    if (document.querySelectorAll('[id="' + id + '"]').length > 1) out.problems.push('duplicate id ' + id);
  }
  for (const el of document.querySelectorAll('.md-content *')) {
    if (getComputedStyle(el).position === 'fixed') out.problems.push('position:fixed ' + el.tagName);
  }
  const probes = [['body', ['fontFamily', 'backgroundColor', 'color']],
                  ['.md-header', ['backgroundColor', 'display', 'position', 'height', 'visibility']],
                  ['.md-footer', ['backgroundColor', 'display']],
                  ['.md-main', ['display', 'visibility']]];
  for (const [sel, props] of probes) {
    const el = document.querySelector(sel);
    out.style[sel] = el ? props.map(p => getComputedStyle(el)[p]).join('|') : null;
  }
  out.violations = window.__csp || [];
  return out;
}"""

LISTEN = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));"""


@dataclass
class Visit:
    site: str
    path: str
    pwned: list[str]
    problems: list[str]
    style: dict
    violations: list[str]
    third_party: list[str] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)


def public_prefix(site: str, style: str, domain: str = DOMAIN, root: str = ROOT) -> str:
    """The site's own URL in production (its origin, and its folder in the path layout)."""
    if site == root:
        return f"https://{domain}/"
    return f"https://{site}.{domain}/" if style == "subdomain" else f"https://{domain}/{site}/"


class Browse:
    """One browser context over one built network; ``visit`` loads a page and inspects it."""

    def __init__(self, browser, out: Path, style: str, *, domain: str = DOMAIN, root: str = ROOT):
        self.server = SiteServer(out, domain, root)
        self.style = style
        self.domain, self.root = domain, root
        self.context = browser.new_context()
        self.context.add_init_script(LISTEN)
        self._own: tuple[str, ...] = ()
        self._foreign: list[str] = []
        self.page = self.context.new_page()
        self._navigations: list[str] = []
        self.page.on("framenavigated", lambda f: self._navigations.append(f.url) if f == self.page.main_frame else None)
        # Requests that reach the network layer (one the CSP blocked never does): to another 127.0.0.1
        # server (another site) seen as responses; anything else intercepted: the site's production URL
        # answered from its folder (absolute links to itself), the rest refused and counted.
        self.context.on("response", lambda response: self._record(response.url))
        self._failed: list[str] = []
        self.page.on("requestfailed", lambda r: self._failed.append(r.url) if r.url.startswith(self._own[:1]) else None)
        self.context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), self._intercept)
        if style == "path":  # absolute paths of the path layout (/prim/assets/…: the 404 page) on the test origin
            self.context.route(re.compile(r"^http://127\.0\.0\.1:\d+/[a-z0-9-]+/"), self._prefixed)

    def _prefixed(self, route) -> None:
        path = route.request.url.split("/", 3)[3].split("?")[0].split("#")[0]
        slug, _, rest = path.partition("/")
        if (self.server.out / slug).is_dir():
            fulfil(route, self.server.out / slug / rest)
        else:
            route.continue_()

    def _intercept(self, route) -> None:
        url = route.request.url
        public = self._own[1]
        if url.startswith(public):
            fulfil(route, self._folder / url[len(public) :].split("?")[0].split("#")[0])
            return
        self._record(url)
        route.abort()

    def _record(self, url: str) -> None:
        if not url.startswith(self._own) and not url.startswith(("data:", "about:", "blob:", "chrome-error:")):
            self._foreign.append(url)

    def visit(self, site: str, path: str) -> Visit:
        """Load and inspect a page; again once if one of its own files failed to load (a busy
        test server drops a connection now and then: that says nothing about the page)."""
        visit = self._visit(site, path)
        if self._failed:
            visit = self._visit(site, path)
        return visit

    def _visit(self, site: str, path: str) -> Visit:
        origin = self.server.origin(site) + "/"
        self._own = (origin, public_prefix(site, self.style, self.domain, self.root))
        self._folder = self.server.out / site
        self._foreign = []
        page = self.page
        page.goto("about:blank")  # the previous page's workers and pending requests end here
        self._foreign = []
        self._navigations = []
        self._failed = []
        url = self.server.url(site, path)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(50)
        for _ in range(3):  # a payload may navigate the page while it is inspected
            try:
                data = page.evaluate(INSPECT)
                break
            except Exception:
                page.wait_for_load_state("load")
        else:
            raise AssertionError(f"{url}: the page kept navigating ({self._navigations})")
        moved = [u for u in self._navigations if u.split("#")[0] != url]
        return Visit(
            site, path, data["pwned"], data["problems"], data["style"], data["violations"], list(self._foreign), moved
        )

    def close(self) -> None:
        self.context.close()
        self.server.close()
