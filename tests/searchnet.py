"""A small network for the search tests (tests/test_search.py, tests/browser/test_search.py).

fed (federation) → terr (territorial) → prim (primary), plus a second primary ``other`` under terr.
Posts carry words the tests look for: «ПАТП» in a territorial story that reaches the federation's
network news, «зарплата»/«зарплату» (one Russian word in two cases) on two sites, words found only in
a draft or a future post (never indexed), and a title that tries to run script.
"""

from __future__ import annotations

from pathlib import Path

from netfactory import CHAIN, write_network

TREE = {**CHAIN, "other": ("terr", "primary")}
XSS_TITLE = 'Собрание <img src=x onerror="window.__unXss=1"><script>window.__unXss=1</script> итоги'
XSS_TEXT = '<img src=x onerror="window.__unXss=2">'  # shown as code: text in the index, never markup
POSTS = [
    dict(
        org="terr",
        stem="2026-05-03-piket-patp",
        title="Пикет в защиту работников ПАТП",
        date="2026-05-03",
        reach="federation",
        categories=["actions"],
        body="Профсоюзы города провели пикет в защиту пассажирского автотранспортного предприятия (ПАТП).",
    ),
    dict(
        org="prim",
        stem="2026-04-10-zarplata",
        title="Переговоры с работодателем",
        date="2026-04-10",
        categories=["bargaining"],
        body="Профком добился повышения: зарплату водителям проиндексируют с июля.",
    ),
    dict(
        org="prim",
        stem="2026-03-01-sobranie",
        title="Собрание трудового коллектива",
        date="2026-03-01",
        categories=["meetings"],
        body="Собрание утвердило план работы профкома на год. Обсудили охрану труда.",
    ),
    dict(
        org="fed",
        stem="2026-02-20-zarplata-federatsiya",
        title="Федерация о минимальной оплате",
        date="2026-02-20",
        body="Зарплата работников бюджетной сферы должна расти быстрее цен: позиция Федерации. Собрание совета.",
    ),
    dict(
        org="other",
        stem="2026-05-20-xss",
        title=XSS_TITLE,
        date="2026-05-20",
        body="Текст про собрание, код на доске: `" + XSS_TEXT + "`.",
    ),
    dict(
        org="prim",
        stem="2026-05-25-chernovik",
        title="Черновик",
        date="2026-05-25",
        draft=True,
        body="Секретное слово черновика: кракозябрис.",
    ),
    dict(
        org="prim",
        stem="2026-09-01-budushchee",
        title="Будущая новость",
        date="2026-09-01",
        body="Слово будущей новости: завтрашнеслово.",
    ),
]
SECRET_WORDS = ("кракозябрис", "завтрашнеслово")


def write_search_network(root: Path, url_style: str | None = None) -> Path:
    cfg = write_network(root, TREE, POSTS)
    (root / "orgs" / "prim" / "about.md").write_text(
        "# О профкоме\n\nПрофком водителей автобусного парка: охрана труда, зарплата, отдых.\n", encoding="utf-8"
    )
    if url_style:
        text = cfg.read_text(encoding="utf-8").replace(
            "      domain:", f"      url_style: {url_style}\n      domain:", 1
        )
        cfg.write_text(text, encoding="utf-8")
    return cfg
