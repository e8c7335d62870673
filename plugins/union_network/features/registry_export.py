"""The electronic registry of organisations: a page, ``registry.json`` and ``registry.csv``.

The root site lists every organisation; each site of an organisation with
members lists itself and everything below it. The table is complete HTML
(readable and printable without JavaScript); ``un-table.js`` adds search,
filters by kind and parent, and sorting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from union_network.core.dates import russian_date
from union_network.core.models import KIND_LABELS, SOCIAL_LABELS
from union_network.core.network import Registry
from union_network.core.siteplan import Page, SitePlan
from union_network.core.urls import UrlScheme
from union_network.features.maturity import OrgHead, scope_of
from union_network.plan.planner import Planner
from union_network.write.assets import use_asset
from union_network.write.spreadsheet import excel_csv

REGISTRY_TITLE = "Реестр организаций"
TEMPLATE_REGISTRY = "un-registry.html"
JSON_FILE = "registry/registry.json"
CSV_FILE = "registry/registry.csv"
SCHEMA_VERSION = 1

CONTACT_FIELDS = ("address", "phone", "email", "hotline", "feedback_url")
OFFICER_FIELDS = ("name", "email", "phone")

CSV_HEADER = (
    "Код (slug)",
    "Полное наименование",
    "Краткое наименование",
    "Вид",
    "Вышестоящая организация (код)",
    "Вышестоящая организация",
    "Численность членов профсоюза",
    "Сайт",
    "Адрес",
    "Телефон",
    "Эл. почта",
    "Горячая линия",
    "Обратная связь",
    "Ответственный за информационную работу",
    "Эл. почта ответственного",
    "Телефон ответственного",
    *SOCIAL_LABELS.values(),
)


@dataclass(frozen=True)
class SocialLink:
    key: str  # vk, telegram, ...
    label: str  # ВКонтакте, Telegram, ...
    url: str


@dataclass(frozen=True)
class RegistryRow(OrgHead):
    parent_name: str | None
    members: int | None
    site: str
    depth: int
    contacts: dict[str, str] = field(default_factory=dict)  # only the fields given
    info_officer: dict[str, str] | None = None
    social: tuple[SocialLink, ...] = ()  # in SOCIAL_LABELS order


@dataclass(frozen=True)
class RegistryData:
    """What the page and both downloads show: one scope (an org and everything below it)."""

    scope: str
    scope_name: str
    generated: str  # ISO 8601 build date (in the network's time zone)
    generated_text: str  # the same in Russian: «1 июня 2026»
    rows: tuple[RegistryRow, ...]
    kinds: tuple[tuple[str, str], ...]  # (kind, label) present, for the filter
    parents: tuple[tuple[str, str], ...]  # (slug, short name) of the parents present, for the filter
    json_file: str = JSON_FILE
    csv_file: str = CSV_FILE


def registry_rows(registry: Registry, urls: UrlScheme, scope: str | None = None) -> tuple[RegistryRow, ...]:
    """Every organisation of ``scope`` (the org and all below it; default: the whole network), depth first."""
    rows = []
    for slug in scope_of(registry, scope):
        org = registry[slug]
        card = org.card
        parent = registry[card.parent] if card.parent else None
        rows.append(
            RegistryRow(
                slug=slug,
                name=card.name,
                short_name=org.short_name,
                kind=card.kind,
                kind_label=KIND_LABELS[card.kind],
                parent=parent.slug if parent else None,
                parent_name=parent.short_name if parent else None,
                members=card.members,
                site=urls.site(slug),
                depth=len(registry.ancestors(slug)),
                contacts=card.contacts.given(),
                info_officer=card.info_officer.given() if card.info_officer else None,
                social=tuple(SocialLink(k, SOCIAL_LABELS[k], v) for k, v in card.social.given().items()),
            )
        )
    return tuple(rows)


def registry_data(registry: Registry, urls: UrlScheme, scope: str, generated: str) -> RegistryData:
    rows = registry_rows(registry, urls, scope)
    kinds = tuple((k, label) for k, label in KIND_LABELS.items() if any(r.kind == k for r in rows))
    parent_slugs = sorted({r.parent for r in rows if r.parent}, key=lambda s: registry[s].short_name)
    return RegistryData(
        scope=scope,
        scope_name=registry[scope].short_name,
        generated=generated,
        generated_text=russian_date(date.fromisoformat(generated)) if len(generated) == 10 else generated,
        rows=rows,
        kinds=kinds,
        parents=tuple((s, registry[s].short_name) for s in parent_slugs),
    )


# -- downloads -----------------------------------------------------------------
def row_json(row: RegistryRow) -> dict:
    return {
        "slug": row.slug,
        "name": row.name,
        "short_name": row.short_name,
        "kind": row.kind,
        "kind_label": row.kind_label,
        "parent": row.parent,
        "parent_name": row.parent_name,
        "members": row.members,
        "site": row.site,
        "contacts": {k: row.contacts.get(k) for k in CONTACT_FIELDS},
        "info_officer": {k: row.info_officer.get(k) for k in OFFICER_FIELDS} if row.info_officer else None,
        "social": {link.key: link.url for link in row.social},
    }


def registry_json(data: RegistryData) -> bytes:
    """``registry.json``: ``{version, generated (build date), scope, scope_name, count, organisations: [...]}``."""
    document = {
        "version": SCHEMA_VERSION,
        "generated": data.generated,
        "scope": data.scope,
        "scope_name": data.scope_name,
        "count": len(data.rows),
        "organisations": [row_json(r) for r in data.rows],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def row_csv(row: RegistryRow) -> list[object]:
    social = {link.key: link.url for link in row.social}
    officer = row.info_officer or {}
    return [
        row.slug,
        row.name,
        row.short_name,
        row.kind_label,
        row.parent,
        row.parent_name,
        row.members,
        row.site,
        *(row.contacts.get(k) for k in CONTACT_FIELDS),
        *(officer.get(k) for k in OFFICER_FIELDS),
        *(social.get(k) for k in SOCIAL_LABELS),
    ]


def registry_csv(data: RegistryData) -> bytes:
    """``registry.csv`` for Excel and LibreOffice (see :mod:`spreadsheet`): one row per organisation."""
    return excel_csv(CSV_HEADER, (row_csv(r) for r in data.rows))


# -- section -------------------------------------------------------------------
def registry_section(planner: Planner, plan: SitePlan) -> None:
    """``registry/`` with its downloads, on the root site and on every site of an org with members."""
    registry = planner.registry
    if not registry.has_members(plan.slug) and plan.slug != registry.root.slug:
        return
    # The build date (not time): the registry does not change within a day, so incremental builds keep the site.
    data = registry_data(
        registry, planner.urls, plan.slug, plan.build_time.astimezone(planner.options.tz).date().isoformat()
    )
    plan.add_page(Page("registry/index.md", REGISTRY_TITLE, TEMPLATE_REGISTRY, data), REGISTRY_TITLE)
    plan.add_file(JSON_FILE, registry_json, data)
    plan.add_file(CSV_FILE, registry_csv, data)
    use_asset(plan, "un-table.js")
    use_asset(plan, "un-reports.css")
