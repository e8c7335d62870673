"""Typed plugin config: the same keys as :class:`union_network.read.options.NetworkOptions`."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from union_network.read.options import DEFAULT_CATEGORIES


class UnionNetworkConfig(Config):
    domain = c.Type(str, default="profsoyuz.example")
    timezone = c.Type(str, default="Europe/Moscow")
    feed_size = c.Type(int, default=50)
    per_page = c.Type(int, default=10)
    home_items = c.Type(int, default=5)
    url_style = c.Choice(["subdomain", "path"], default="subdomain")
    web_team = c.Optional(c.Type(str))
    categories = c.Type(dict, default=dict(DEFAULT_CATEGORIES))
    maturity = c.Choice(["public", "hidden", "off", False], default="hidden")  # YAML reads a bare «off» as false
    editor = c.Optional(c.Type(dict))  # read.options.EditorOptions: the web editor at admin/
