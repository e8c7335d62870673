"""The features every site runs, in order: registering a feature is one line in :data:`FEATURES`.

A feature is a *section* (``section(planner, plan)`` adds pages, output files and
navigation entries to a site plan) and the file *writers* its section may put
in ``plan.files`` (module-level functions, so plans pickle and fingerprint).
The order of :data:`FEATURES` is the order sections run, hence the order of
the navigation and of the files; a section may read what earlier ones added
(``jsonfeed`` writes a ``feed.json`` beside every feed ``news`` planned).

This module is the only one that imports every feature; feature modules import
the planner's types (:mod:`union_network.plan.planner`), never the reverse.
To add a feature: write ``features/<name>.py`` with its section and writers,
and add ``Feature("<name>", <name>_section, (<writers>...))`` below where its
pages belong in the navigation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from union_network.core.network import Network
from union_network.core.siteplan import Writer
from union_network.core.urls import UrlScheme
from union_network.features.admin import (
    admin_section,
    write_admin_config,
    write_admin_html,
    write_admin_script,
    write_decap_file,
)
from union_network.features.branding import brand_section, write_brand_css, write_card
from union_network.features.bulletin import bulletin_section, render_bulletin_rss, render_email
from union_network.features.crawl import crawl_section, write_robots, write_urlset
from union_network.features.dashboard import FIGURES as MATURITY_FIGURES
from union_network.features.dashboard import maturity_csv, maturity_section, network_assessments
from union_network.features.events import events_section, render_ics
from union_network.features.images import images_section, write_derivative
from union_network.features.jsonfeed import jsonfeed_section, render_json_feed
from union_network.features.registry_export import registry_csv, registry_json, registry_section
from union_network.features.search import search_section
from union_network.features.topics import topics_section
from union_network.plan.planner import Planner, Section, members_section, news_section, pages_section
from union_network.write.assets import package_asset
from union_network.write.feeds import render_atom, render_rss


@dataclass(frozen=True)
class Feature:
    name: str
    section: Section
    writers: tuple[Writer, ...] = ()  # every writer the section may use for plan.files


#: Every feature, in navigation order.
FEATURES: tuple[Feature, ...] = (
    Feature("pages", pages_section),  # home and the org's own Markdown pages
    Feature("news", news_section, (render_rss, render_atom)),  # own/network/upstream/support lists + feeds
    Feature("jsonfeed", jsonfeed_section, (render_json_feed,)),  # feed.json beside each feed of "news"
    Feature("topics", topics_section, (render_rss, render_atom, render_json_feed)),  # categories/<key>/ + feeds
    Feature("members", members_section),  # orgs/ (orgs with members)
    Feature("registry", registry_section, (registry_json, registry_csv, package_asset)),
    Feature("maturity", maturity_section, (maturity_csv, package_asset)),  # dashboard (orgs with members)
    Feature("events", events_section, (render_ics,)),  # events/ + events.ics
    Feature("bulletin", bulletin_section, (render_email, render_bulletin_rss)),  # bulletin/ (orgs with members)
    Feature("search", search_section, (package_asset,)),  # the network search box (index: features/search.py)
    Feature("images", images_section, (write_derivative,)),  # assets/pictures/: post pictures' derivatives
    Feature("branding", brand_section, (write_brand_css, write_card)),  # theme/brandbook.yml: CSS, sharing card
    # admin/: the web editor, when editor: is configured (after branding: its preview uses the brand's CSS)
    Feature("admin", admin_section, (write_admin_html, write_admin_config, write_admin_script, write_decap_file)),
    Feature("crawl", crawl_section, (write_robots, write_urlset)),  # robots.txt, sitemaps beside feeds (last)
)


#: Figures per organisation that a build remembers for the next one (build/changes.py), so that a build
#: reading only the news its changes reach takes the other orgs' figures as they were: name -> what
#: computes them for every org of a planner's network.
FIGURES: dict[str, Callable[[Planner], Mapping[str, object]]] = {MATURITY_FIGURES: network_assessments}


def figures(planner: Planner) -> dict[str, dict[str, object]]:
    """:data:`FIGURES` of the orgs whose news the planner's network read."""
    network = planner.network
    return {
        name: {org: value for org, value in compute(planner).items() if network.read_news_of(org)}
        for name, compute in FIGURES.items()
    }


def sections(features: Iterable[Feature] = FEATURES) -> tuple[Section, ...]:
    return tuple(feature.section for feature in features)


def planner(network: Network, urls: UrlScheme | None = None, features: Iterable[Feature] = FEATURES) -> Planner:
    """A :class:`Planner` running every registered feature (or ``features``)."""
    return Planner(network, sections(features), urls=urls)
