"""Scaffolding for editors: a new organisation's folder (``new-org``) and a new post (``new-post``).

Both check their arguments against the network (slug rules, parent, kind,
categories, date) and refuse to overwrite anything. Problems are collected and
raised together as :class:`ScaffoldError` with Russian messages for editors.
What they write passes ``check`` and builds without warnings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from slugify import slugify

from union_network.core.dates import build_time
from union_network.core.models import KIND_LABELS, check_slug
from union_network.core.network import Network, Registry
from union_network.core.problems import Problems, UnionNetworkError
from union_network.core.urls import PATH, UrlScheme
from union_network.features.registry import planner as make_planner
from union_network.plan.layout import taken_root_paths
from union_network.read.news import NEWS_FOLDER
from union_network.read.options import NetworkOptions, read_options
from union_network.read.registry import CARD, ORGS_FOLDER, read_registry

MEMBER_KINDS = ("territorial", "sectoral", "primary")
STEM_MAX = 60  # characters of the transliterated title in a post's file name

#: Russian letters the way Russian sites usually transliterate them (the demo's file names, Yandex);
#: text-unidecode alone gives «ю» -> "iu", «я» -> "ia", «й» -> "i".
RU_TRANSLIT = [
    (ru, lat)
    for lower, lat in [("й", "y"), ("ы", "y"), ("ю", "yu"), ("я", "ya"), ("ё", "e"), ("ъ", ""), ("ь", "")]
    for ru in (lower, lower.upper())
]


class ScaffoldError(UnionNetworkError):
    """Nothing was created; ``messages`` say why."""


@dataclass
class _Context:
    root_dir: Path
    options: NetworkOptions
    registry: Registry


def _context(config_file: Path) -> _Context:
    config_file = Path(config_file).resolve()
    if not config_file.is_file():
        raise ScaffoldError([f"{config_file}: нет файла конфигурации сети (mkdocs.yml); укажите его через -f"])
    root_dir = config_file.parent
    problems = Problems(root=root_dir)
    options = read_options(config_file, problems)
    registry = read_registry(root_dir, problems)
    if registry is None:
        raise ScaffoldError(
            [str(p) for p in problems] + ["Реестр организаций не читается: сначала исправьте ошибки (check)."]
        )
    return _Context(root_dir, options, registry)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def post_stem(title: str, day: date) -> str:
    """``2026-11-21-profkom-podvel-itogi``: the date and the transliterated title."""
    words = slugify(title, max_length=STEM_MAX, word_boundary=True, replacements=RU_TRANSLIT)
    return f"{day.isoformat()}-{words}" if words else ""


# -- new-org -------------------------------------------------------------------
def org_card_text(name: str, kind: str, parent: str, short_name: str | None) -> str:
    short = f"short_name: {_q(short_name)}\n" if short_name else '# short_name: "Краткое название для шапки сайта"\n'
    return f"""\
# Карточка организации в реестре сети. Поля описаны в README и в JSON Schema
# plugins/union_network/schema/org.schema.json (подсказки в редакторе).
name: {_q(name)}
{short}kind: {kind}
parent: {parent}
# members: 0                  # число членов профсоюза
# contacts:
#   address: "индекс, город, улица, дом"
#   phone: "+7 (800) 000-00-00"
#   email: profkom@example.org
#   hotline: "+7 (800) 000-00-01"
# info_officer:               # ответственный за информационную работу
#   name: "Фамилия Имя Отчество"
#   email: info@example.org
# social:
#   vk: https://vk.com/...
#   telegram: https://t.me/...
# editors: ["@login"]         # кто правит эту папку (назначает веб-команда федерации)
"""


def starter_pages(name: str, kind: str, parent_name: str) -> dict[str, str]:
    kind_label = KIND_LABELS[kind].lower()
    return {
        "index.md": f"""\
# {name}

Добро пожаловать на сайт! Здесь {kind_label} рассказывает о своей работе,
публикует новости и документы.

Вышестоящая организация — {parent_name}.

Замените этот текст коротким рассказом об организации: кого она объединяет,
чем помогает членам профсоюза, как к ней обратиться.
""",
        "about.md": f"""\
# Об организации

{name}.

Расскажите здесь о профсоюзном комитете: кто председатель, сколько человек
в профкоме, какие комиссии работают, когда проходят приёмные часы.
""",
        "contacts.md": """\
# Контакты

**Адрес:** укажите почтовый адрес профкома.

**Телефон:** укажите телефон.

**Электронная почта:** укажите адрес.

Контакты для карточки на главной странице задаются в файле `org.yml`
(раздел `contacts`).
""",
        "documents.md": """\
# Документы

Перечислите основные документы организации: коллективный договор,
положения, протоколы собраний.

- Коллективный договор
- Положение о первичной профсоюзной организации
""",
    }


def new_org(
    config_file: Path, slug: str, *, parent: str, kind: str, name: str, short_name: str | None = None
) -> list[Path]:
    """Create ``orgs/<slug>/`` with org.yml and starter pages; returns the files written."""
    ctx = _context(config_file)
    errors: list[str] = []
    try:
        check_slug(slug)
    except ValueError as exc:
        errors.append(f"slug: {exc}")
    else:
        if slug == ctx.registry.root.slug:
            errors.append(f"slug {slug!r} занят корневой организацией (content/{CARD})")
        folder = ctx.root_dir / ORGS_FOLDER / slug
        if folder.exists():
            errors.append(f"{ORGS_FOLDER}/{slug}/ уже существует: новая организация не создана, ничего не перезаписано")
        if ctx.options.url_style == PATH:
            network = Network(ctx.root_dir, ctx.options, ctx.registry, build_time=build_time())
            if slug in taken_root_paths(network, make_planner(network).plan(ctx.registry.root.slug)):
                errors.append(
                    f"slug {slug!r}: при url_style: path адрес https://{ctx.options.domain}/{slug}/ "
                    "занят сайтом корневой организации; выберите другой"
                )
    if parent not in ctx.registry.orgs:
        known = ", ".join(sorted(ctx.registry.orgs))
        errors.append(f"--parent: организации {parent!r} нет в реестре; есть: {known}")
    if kind not in MEMBER_KINDS:
        hint = " (вид «federation» только у корневой организации)" if kind == "federation" else ""
        errors.append(f"--kind: недопустимый вид {kind!r}{hint}; допустимы: {', '.join(MEMBER_KINDS)}")
    name = (name or "").strip()
    if not name:
        errors.append("--name: нужно полное название организации")
    short_name = (short_name or "").strip() or None
    if errors:
        raise ScaffoldError(errors)

    folder = ctx.root_dir / ORGS_FOLDER / slug
    pages = starter_pages(name, kind, ctx.registry[parent].short_name)
    (folder / NEWS_FOLDER).mkdir(parents=True)
    written = [folder / CARD]
    (folder / CARD).write_text(org_card_text(name, kind, parent, short_name), encoding="utf-8")
    for file_name, text in pages.items():
        (folder / file_name).write_text(text, encoding="utf-8")
        written.append(folder / file_name)
    return written


# -- new-post ------------------------------------------------------------------
def post_text(title: str, day: date, categories: list[str]) -> str:
    cats = (
        f"categories: [{', '.join(categories)}]\n"
        if categories
        else "# categories: [meetings]     # ключи из mkdocs.yml\n"
    )
    return f"""\
---
title: {_q(title)}
date: {day.isoformat()}
{cats}# summary: "Одно предложение для ленты (иначе — первый абзац)"
# reach: parent               # self | parent | federation
# support: true               # нужна информационная поддержка сети
---

Напишите здесь текст новости. Первый абзац попадёт в ленты и на главные
страницы как краткое содержание.
"""


def new_post(
    config_file: Path, slug: str, title: str, *, day: str | None = None, categories: list[str] | tuple[str, ...] = ()
) -> tuple[Path, str]:
    """Create ``news/<date>-<transliterated-title>.md`` in an org's folder; returns (file, canonical URL)."""
    ctx = _context(config_file)
    errors: list[str] = []
    org = ctx.registry.orgs.get(slug)
    if org is None:
        errors.append(
            f"организации {slug!r} нет в реестре (корневая: {ctx.registry.root.slug!r}, остальные — папки orgs/)"
        )
    title = (title or "").strip()
    if not title:
        errors.append("нужен заголовок новости")
    if day is None:
        when = build_time().astimezone(ctx.options.tz).date()
    else:
        try:
            if len(day) != 10:
                raise ValueError
            when = date.fromisoformat(day)
        except ValueError:
            errors.append(f"--date: неверная дата {day!r}; нужна ГГГГ-ММ-ДД, например 2026-11-21")
            when = None
    unknown = [key for key in categories if key not in ctx.options.categories]
    for key in unknown:
        known = ", ".join(ctx.options.categories)
        errors.append(f"--category: неизвестная категория {key!r}; допустимы: {known}")
    stem = post_stem(title, when) if title and when else None
    if title and when and not stem:
        errors.append(f"из заголовка {title!r} не получается имя файла: нужны буквы или цифры")
    if errors or org is None or when is None:  # (no errors: the org and the date are known)
        raise ScaffoldError(errors)

    path = org.folder / NEWS_FOLDER / f"{stem}.md"
    if path.exists():
        rel = path.relative_to(ctx.root_dir).as_posix()
        raise ScaffoldError(
            [f"{rel} уже существует: новость не создана, ничего не перезаписано (измените заголовок или дату)"]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(post_text(title, when, list(dict.fromkeys(categories))), encoding="utf-8")
    url = UrlScheme.for_network(ctx.options, ctx.registry.root.slug).page(slug, f"{NEWS_FOLDER}/{stem}/")
    return path, url
