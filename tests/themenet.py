"""A tiny network dressed in the repository's brandbook (theme/ copied in), for theme and browser tests.

Three orgs (federation › territorial › primary) with full registry cards, posts
with categories, an event, a support item, a broadcast, a title that tries to
break out of a script element, and a Markdown page with a table and a long URL
(phones must not scroll sideways because of them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from netfactory import write_network

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1780315200"  # 2026-06-01T12:00:00Z, as in tests/conftest.py

EVIL_TITLE = 'Итоги </script><script>alert("x")</script> & «кавычки»'

CARD = {
    "members": 2900,
    "contacts": {
        "address": "164900, Северный край, г. Новодвинск, ул. Комбинатская, д. 1",
        "phone": "+7 (800) 555-42-00",
        "email": "profkom-tsellyulozno-bumazhnogo-kombinata@profsever.example",
        "hotline": "+7 (800) 555-42-42",
        "feedback_url": "https://prim.net.example/contacts/",
    },
    "info_officer": {"name": "Попова Евгения Сергеевна", "email": "press@profsever.example"},
    "social": {
        "vk": "https://vk.com/x",
        "telegram": "https://t.me/x",
        "ok": "https://ok.ru/x",
        "dzen": "https://dzen.ru/x",
        "max": "https://max.ru/x",
        "youtube": "https://www.youtube.com/@x",
        "rutube": "https://rutube.ru/channel/1/",
    },
}

POSTS = [
    dict(
        org="prim",
        stem="2026-05-20-sobranie",
        title=EVIL_TITLE,
        date="2026-05-20",
        categories=["meetings", "bargaining"],
        reach="federation",
        summary="Собрание <b>трудового</b> коллектива.",
    ),
    dict(
        org="prim",
        stem="2026-05-10-dlinnoe",
        date="2026-05-10",
        categories=["actions"],
        support=True,
        title="Профсоюзнаяорганизацияцеллюлознобумажногокомбинатапровеласобраниесамоедлинноеслово",
    ),
    dict(
        org="terr",
        stem="2026-05-15-forum",
        title="Молодёжный форум",
        date="2026-05-15",
        broadcast=True,
        categories=["meetings"],
        event={"start": "2026-06-20T10:00:00", "place": "Дворец культуры"},
    ),
    dict(org="terr", stem="2026-04-01-kdog", title="Колдоговор продлён", date="2026-04-01", categories=["bargaining"]),
    dict(
        org="fed",
        stem="2026-05-01-pervomay",
        title="Первомайская акция",
        date="2026-05-01",
        categories=["actions"],
        broadcast=True,
        support=True,
    ),
]

ABOUT = """# О профкоме

Длинный адрес: https://prim.net.example/documents/kollektivnyj-dogovor-2026-2028-s-prilozheniyami-i-izmeneniyami.pdf

| Документ | Срок | Ответственный |
|---|---|---|
| Коллективный договор на 2026–2028 годы с приложениями | 2026–2028 | Председатель первичной профсоюзной организации |
| Положение об оплате труда | 2026 | Комиссия по заработной плате и занятости |
"""


def write_branded_network(root: Path) -> Path:
    """The tiny network with theme/ (brandbook, fonts, logo, CSS, partials) copied from the repository."""
    cards = {slug: dict(CARD, members=n) for slug, n in (("fed", 35700), ("terr", 6100), ("prim", 2900))}
    cards["fed"] = dict(cards["fed"], short_name="Профсевер")
    cards["terr"] = dict(cards["terr"], short_name="Профсовет Северогорска")
    cards["prim"] = dict(cards["prim"], short_name="Профком ЦБК")
    cfg = write_network(root, posts=POSTS, cards=cards)
    shutil.copytree(REPO / "theme", root / "theme")
    (root / "orgs" / "prim" / "about.md").write_text(ABOUT, encoding="utf-8")
    return cfg


def write_contested_network(root: Path) -> Path:
    """The branded network whose mkdocs.yml tries to bring Google Fonts and its own palette
    (the brandbook must win): the network tests/conftest.py builds once per session."""
    cfg = write_branded_network(root)
    text = cfg.read_text(encoding="utf-8").replace(
        "  font: false\n", "  font:\n    text: Roboto\n  palette:\n    primary: red\n"
    )
    cfg.write_text(text, encoding="utf-8")
    return cfg


def build(cfg: Path, out: Path) -> Path:
    """Build a network in-process with the tests' fixed build time; returns the output folder."""
    from union_network.cli.commands import main

    result = CliRunner().invoke(
        main, ["build", "-q", "-f", str(cfg), "--out", str(out)], env={"SOURCE_DATE_EPOCH": EPOCH}
    )
    assert result.exit_code == 0, result.output
    return out
