"""The ``union-network`` MkDocs plugin: MkDocs event hooks over a core SitePlan.

When our builder runs MkDocs it hands the plugin the plan of the site being
built. Under a plain ``mkdocs build``/``mkdocs serve`` the plugin loads the
network itself and builds the root organisation's site.
"""

from __future__ import annotations

import html
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from union_network.core.dates import build_time
from union_network.core.siteplan import SitePlan
from union_network.features.images import responsive_body
from union_network.features.registry import planner
from union_network.plan.planner import TEMPLATE_HOME, TEMPLATE_POST
from union_network.read.load import load_network
from union_network.render.mkdocs.config import UnionNetworkConfig
from union_network.render.mkdocs.theme import apply_brand, drop_unpublished_theme_files, page_layout, valid_html
from union_network.write.outputs import write_outputs

TEMPLATES = Path(__file__).resolve().parent / "templates"


class UnionNetworkPlugin(BasePlugin[UnionNetworkConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.plan: SitePlan | None = None

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
        config.site_name = plan.org.short_name
        config.docs_dir = str(plan.source_dir)
        if not config.nav:
            config.nav = [{title: src} if title else src for title, src in plan.nav]
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

    # -- files and pages -----------------------------------------------------
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        plan = self.site_plan
        drop_unpublished_theme_files(files)
        for file in list(files):
            if file.src_uri in plan.exclude:
                files.remove(file)
        for src_uri in plan.pages:
            files.append(File.generated(config, src_uri, content=""))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        src = page.file.src_uri
        plan = self.site_plan
        generated = plan.pages.get(src)
        if generated is not None:
            page.meta["template"] = generated.template
            # Titles come from org data; MkDocs templates do not escape, so we do.
            page.meta["title"] = html.escape(generated.title, quote=False)
            if not generated.searchable:
                page.meta["search"] = {"exclude": True}  # Material's search plugin
        elif src == "index.md":
            page.meta.setdefault("template", TEMPLATE_HOME)
        elif src in plan.own_posts:
            page.meta.setdefault("template", TEMPLATE_POST)
            page.meta["title"] = html.escape(plan.own_posts[src].title, quote=False)
        page_layout(page, plan)  # card pages (un-*.html) use the full width: no sidebars
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Pictures in a post's text become responsive ``<picture>``s (features.images)."""
        if page.file.src_uri in self.plan.own_posts:
            return responsive_body(html, page.url, self.plan.pictures)
        return html

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav):
        src = page.file.src_uri
        generated = self.site_plan.pages.get(src)
        context["un"] = self.site_plan
        context["un_page"] = generated.data if generated else None
        context["un_item"] = self.site_plan.own_posts.get(src)
        return context

    def on_template_context(self, context, *, template_name: str, config: MkDocsConfig):
        """Static templates (404.html) get the site plan too: feeds, card, breadcrumb."""
        context["un"] = self.site_plan
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return valid_html(output)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return valid_html(output_content)

    # -- output --------------------------------------------------------------
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        write_outputs(self.site_plan, Path(config.site_dir))
