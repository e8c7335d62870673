"""The ``union-network`` MkDocs plugin: MkDocs event hooks over a core SitePlan.

When our builder runs MkDocs it hands the plugin the plan of the site being
built. Under a plain ``mkdocs build``/``mkdocs serve`` the plugin loads the
network itself and builds the root organisation's site.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from union_network.core.dates import build_time
from union_network.core.siteplan import Reuse, SitePlan
from union_network.core.typography import FILTERS as TYPOGRAPHY_FILTERS
from union_network.core.typography import bind_numero
from union_network.enforce.files import is_link_inside, is_published, theme_files
from union_network.enforce.html import HtmlPolicy, clean_meta, escaped_text, sanitize_html, video_hosts
from union_network.features.crawl import page_lastmod
from union_network.features.images import responsive_body
from union_network.features.registry import planner
from union_network.plan.planner import TEMPLATE_HOME, TEMPLATE_POST, nav_tree
from union_network.read.load import load_network
from union_network.render.mkdocs.config import UnionNetworkConfig
from union_network.render.mkdocs.csp import policy as csp_policy
from union_network.render.mkdocs.fragments import install as install_fragments
from union_network.render.mkdocs.theme import (
    apply_brand,
    drop_unpublished_theme_files,
    page_layout,
    split_h1,
    valid_html,
)
from union_network.write.outputs import write_outputs

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _refused_org_file(file: File, docs_dir: Path, theme: frozenset[str]) -> bool:
    """Defence in depth (enforce/files.py): an org file the check would refuse, or a link, is never published."""
    if not file.abs_src_path or not Path(file.abs_src_path).is_relative_to(docs_dir):
        return False  # the theme's and generated files
    return not is_published(file.src_uri, theme) or is_link_inside(Path(file.abs_src_path), docs_dir)


#: update_date of a page with no content date (MkDocs' default would be the day of the build).
NO_DATE = "1970-01-01"


class UnionNetworkPlugin(BasePlugin[UnionNetworkConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.plan: SitePlan | None = None
        self.reuse: Reuse | None = None  # pages and static files to take from the published site
        self.reused: list[str] = []  # their output paths, linked after the build (render.py)
        self._writing = False  # MkDocs has read every page and starts writing (on_env)
        self.html_policy: HtmlPolicy | None = None
        self.csp: str = ""
        self.nav = None  # this build's navigation (on_nav): Material's nav drawn once per site (fragments.py)

    @property
    def site_plan(self) -> SitePlan:
        """The plan of the site being built (set by the builder, or by on_config under plain MkDocs)."""
        if self.plan is None:
            raise PluginError("union-network: no site plan (on_config has not run)")
        return self.plan

    # -- configuration -----------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.plan is None:
            self.plan = self._standalone_plan(config)
        plan = self.plan
        config.site_url = plan.site_url
        # Material prints site_name raw (<title>, the navigation drawer): it gets escaped text.
        config.site_name = html.escape(plan.org.short_name, quote=True)
        # The tenant boundary, output side (docs/security.md): sanitized pages, one CSP per network.
        hosts = video_hosts(Path(config.config_file_path).resolve().parent)
        self.html_policy = HtmlPolicy(plan.site_url, hosts)
        search = getattr(plan, "search", None)  # the root's origin (where the search index is)
        self.csp = csp_policy(hosts, search.origin if search else f"https://{self.config.domain}")
        config.docs_dir = str(plan.source_dir)
        if not config.nav:
            config.nav = nav_tree(plan.nav)  # at most 7 tabs: news lists and service pages grouped
        # Our templates come after the network's theme/ (custom_dir) and before Material's.
        dirs = config.theme.dirs
        if str(TEMPLATES) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
        apply_brand(config, plan)  # theme/brandbook.yml -> fonts, palette, logo, stylesheets
        return config

    @staticmethod
    def _standalone_plan(config: MkDocsConfig) -> SitePlan:
        network, problems = load_network(Path(config.config_file_path), build_time())
        if problems or network is None:
            raise PluginError("\n".join(str(p) for p in problems))
        return planner(network).plan(network.registry.root.slug)

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        self.nav = nav
        return nav

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        self._writing = True  # from here on, a reused file is "not modified": not rendered or copied
        install_fragments(env, self.nav)  # the navigation of pages outside it: rendered once per site
        env.filters.update(TYPOGRAPHY_FILTERS)  # un_number, un_typo (core/typography.py)
        env.filters["un_split_h1"] = split_h1  # un-home.html: the welcome text's heading goes on top
        return env

    # -- files and pages -----------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        plan = self.site_plan
        drop_unpublished_theme_files(files)
        docs_dir = Path(os.path.abspath(config.docs_dir))
        theme = theme_files(Path(config.config_file_path).resolve().parent)
        dropped = False
        for file in list(files):
            if file.src_uri in plan.exclude:
                files.remove(file)
            elif _refused_org_file(file, docs_dir, theme):
                files.remove(file)
                dropped = True
        if dropped:  # a dropped org file may have hidden a theme file of the same path: bring those back
            files.add_files_from_theme(config.theme.get_env(), config)
        for src_uri in plan.pages:
            files.append(File.generated(config, src_uri, content=""))
        self._mark_reused(files)
        return files

    def _mark_reused(self, files: Files) -> None:
        """With ``reuse``: the pages it names and the static files are read like the others (MkDocs'
        dirty build asks ``is_modified`` before reading and before writing) but not written."""
        self._writing = False
        self.reused = []
        if self.reuse is None:
            return
        for file in files:
            if file.is_documentation_page() and file.src_uri not in self.reuse.pages:
                continue
            if not file.is_documentation_page() and file.generated_by is not None:
                continue
            self.reused.append(file.dest_uri)
            setattr(file, "is_modified", lambda: not self._writing)  # noqa: B010 - per-file answer

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        plan = self.site_plan
        generated = plan.pages.get(src)
        if generated is None:  # an org's own page or post: only known front matter, escaped titles
            page.meta = clean_meta(page.meta)
        if generated is not None:
            page.meta["template"] = generated.template
            # Titles come from org data; MkDocs templates do not escape, so we do.
            page.meta["title"] = html.escape(generated.title, quote=False)
            if not generated.searchable:
                page.meta["search"] = {"exclude": True}  # Material's search plugin
            if generated.noindex:
                page.meta["robots"] = "noindex"  # main.html: <meta name="robots">; sitemap.xml leaves it out
        elif src == "index.md":
            page.meta.setdefault("template", TEMPLATE_HOME)
        elif src in plan.own_posts:
            page.meta.setdefault("template", TEMPLATE_POST)
            page.meta["title"] = html.escape(plan.own_posts[src].title, quote=False)
        page_layout(page, plan)  # card pages (un-*.html) use the full width: no sidebars
        lastmod = page_lastmod(plan, src, page.meta)  # from content, not the build clock (sitemap.xml)
        page.meta["un_lastmod"] = lastmod.isoformat() if lastmod else None  # sitemap.xml
        # MkDocs stamps sitemap.xml.gz with the newest update_date (else the build day): content dates
        # only, so that a site whose content did not change keeps the same bytes from day to day.
        page.update_date = lastmod.isoformat() if lastmod else NO_DATE
        return markdown

    def on_page_content(self, content: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Every page body through the allowlist (enforce/html.py); its title and table of contents as
        escaped plain text (Material prints them raw: navigation, <title> via striptags, toc). Then
        pictures in a post's text become responsive ``<picture>``s (features.images)."""
        page.title = escaped_text(page.title or "")
        _escape_toc(page.toc)
        policy = self.html_policy or HtmlPolicy(self.site_plan.site_url, ())
        content = sanitize_html(content, self.site_plan.site_url + page.url, policy)
        if page.file.src_uri in self.site_plan.own_posts:
            return responsive_body(content, page.url, self.site_plan.pictures)
        return content

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        src = page.file.src_uri
        generated = self.site_plan.pages.get(src)
        context["un"] = self.site_plan
        context["un_csp"] = self.csp
        context["un_page"] = generated.data if generated else None
        context["un_item"] = self.site_plan.own_posts.get(src)
        return context

    def on_template_context(self, context, *, template_name: str, config: MkDocsConfig):
        """Static templates (404.html) get the site plan too: feeds, card, breadcrumb."""
        context["un"] = self.site_plan
        context["un_csp"] = self.csp
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return bind_numero(valid_html(output))  # «№ 25» never breaks across lines

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return valid_html(output_content)

    # -- output --------------------------------------------------------------
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        write_outputs(self.site_plan, Path(config.site_dir))


def _escape_toc(items) -> None:
    for item in items:
        item.title = escaped_text(item.title)
        _escape_toc(item.children)
