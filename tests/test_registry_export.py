"""The electronic registry (registry_export.py, spreadsheet.py): rows, JSON, CSV read back, the pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import run_cli
from netfactory import write_network

from union_network.core.models import SOCIAL_LABELS
from union_network.core.urls import UrlScheme
from union_network.features.registry_export import CSV_HEADER, registry_csv, registry_data, registry_json, registry_rows
from union_network.write.spreadsheet import BOM, cell, excel_csv

TREE = {
    "fed": (None, "federation"),
    "north": ("fed", "territorial"),
    "lesprom": ("fed", "sectoral"),
    "zavod": ("north", "primary"),
    "shkola": ("north", "primary"),
    "lesozavod": ("lesprom", "primary"),
}
CARDS = {
    "fed": {
        "short_name": "Федерация",
        "members": 20000,
        "contacts": {
            "address": "г. Северогорск; пр. Труда, д. 12",
            "phone": "+7 (800) 555-10-00",
            "email": "info@fed.example",
            "hotline": "8 800 555-10-10",
            "feedback_url": "https://fed.example/feedback/",
        },
        "info_officer": {"name": "Ёлкина Юлия Щукина", "email": "press@fed.example", "phone": "+7 800 555-10-05"},
        "social": {"vk": "https://vk.com/fed", "telegram": "https://t.me/fed"},
    },
    "north": {"short_name": "Северная ТОП", "members": 1200},
    "zavod": {
        "members": 800,
        "short_name": 'Профком «Завод» "№ 1"',
        "contacts": {"address": '=HYPERLINK("http://evil")'},
    },
    "shkola": {"contacts": {"phone": "-5", "address": "ул. <script>alert(1)</script><img src=x onerror=alert(2)>"}},
    "lesprom": {"members": 4000},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("registry")
    cfg = write_network(root, TREE, cards=CARDS)
    result = run_cli("build", "-q", "-f", str(cfg))
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def network(built):
    from union_network.read.load import load_network

    network, problems = load_network(built.parent / "mkdocs.yml")
    assert not problems
    return network


def urls(network) -> UrlScheme:
    return UrlScheme(network.options.domain, network.registry.root.slug)


def read_csv(raw: bytes) -> list[list[str]]:
    assert raw.startswith(BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


# -- rows -------------------------------------------------------------------------------------
def test_rows_are_every_org_of_the_scope_depth_first(network):
    rows = registry_rows(network.registry, urls(network))
    assert [r.slug for r in rows] == ["fed", "lesprom", "lesozavod", "north", "shkola", "zavod"]
    assert [r.depth for r in rows] == [0, 1, 2, 1, 2, 2]
    north = registry_rows(network.registry, urls(network), "north")
    assert [r.slug for r in north] == ["north", "shkola", "zavod"]
    fed = rows[0]
    assert fed.site == "https://net.example/" and rows[1].site == "https://lesprom.net.example/"
    assert fed.parent is None and rows[2].parent == "lesprom" and rows[2].parent_name == "Организация lesprom"
    assert fed.info_officer == {"name": "Ёлкина Юлия Щукина", "email": "press@fed.example", "phone": "+7 800 555-10-05"}
    assert [(s.key, s.label) for s in fed.social] == [("vk", "ВКонтакте"), ("telegram", "Telegram")]
    assert rows[2].contacts == {} and rows[2].info_officer is None and rows[2].members is None


def test_filters_offer_the_kinds_and_parents_present(network):
    data = registry_data(network.registry, urls(network), "north", "2026-06-01")
    assert data.kinds == (("territorial", "Территориальная организация"), ("primary", "Первичная организация"))
    assert data.parents == (("north", "Северная ТОП"), ("fed", "Федерация"))  # by name, for the select


# -- JSON -------------------------------------------------------------------------------------
ORG_KEYS = {
    "slug",
    "name",
    "short_name",
    "kind",
    "kind_label",
    "parent",
    "parent_name",
    "members",
    "site",
    "contacts",
    "info_officer",
    "social",
}


def check_registry_document(doc: dict, scope: str, count: int) -> None:
    """Schema-ish checks of registry.json."""
    assert set(doc) == {"version", "generated", "scope", "scope_name", "count", "organisations"}
    assert doc["version"] == 1 and doc["scope"] == scope and doc["count"] == count == len(doc["organisations"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", doc["generated"])
    slugs = {o["slug"] for o in doc["organisations"]}
    assert doc["organisations"][0]["slug"] == scope
    for org in doc["organisations"]:
        assert set(org) == ORG_KEYS
        assert org["kind"] in {"federation", "territorial", "sectoral", "primary"}
        assert org["members"] is None or (isinstance(org["members"], int) and org["members"] >= 0)
        assert org["site"].startswith("https://") and org["site"].endswith("/")
        assert set(org["contacts"]) == {"address", "phone", "email", "hotline", "feedback_url"}
        assert org["info_officer"] is None or set(org["info_officer"]) == {"name", "email", "phone"}
        assert set(org["social"]) <= set(SOCIAL_LABELS)
        if org["slug"] != scope:
            assert org["parent"] in slugs  # the tree is closed below the scope


def test_registry_json_document(network):
    data = registry_data(network.registry, urls(network), "fed", "2026-06-01")
    raw = registry_json(data)
    assert "Ёлкина".encode() in raw  # UTF-8, not \\u escapes
    doc = json.loads(raw)
    check_registry_document(doc, "fed", 6)
    fed = doc["organisations"][0]
    assert fed["contacts"]["phone"] == "+7 (800) 555-10-00"  # JSON keeps values exactly as written
    assert fed["social"] == {"vk": "https://vk.com/fed", "telegram": "https://t.me/fed"}
    assert doc["organisations"][5]["contacts"]["address"] == '=HYPERLINK("http://evil")'


# -- CSV ----------------------------------------------------------------------------------------
def test_registry_csv_reads_back_with_cyrillic_intact(network):
    data = registry_data(network.registry, urls(network), "fed", "2026-06-01")
    raw = registry_csv(data)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and raw.count(b"\r\n") == raw.count(b"\n")
    rows = read_csv(raw)
    assert tuple(rows[0]) == CSV_HEADER and len(rows) == 7
    records = {r[0]: dict(zip(CSV_HEADER, r)) for r in rows[1:]}
    fed = records["fed"]
    assert fed["Ответственный за информационную работу"] == "Ёлкина Юлия Щукина"
    assert fed["Адрес"] == "г. Северогорск; пр. Труда, д. 12"  # the separator inside a value is quoted
    assert fed["Численность членов профсоюза"] == "20000"
    assert fed["ВКонтакте"] == "https://vk.com/fed" and fed["Одноклассники"] == ""
    assert records["zavod"]["Краткое наименование"] == 'Профком «Завод» "№ 1"'
    assert records["zavod"]["Вышестоящая организация (код)"] == "north"
    assert records["lesozavod"]["Численность членов профсоюза"] == ""


def test_csv_never_carries_a_formula(network):
    rows = read_csv(registry_csv(registry_data(network.registry, urls(network), "fed", "x")))
    records = {r[0]: dict(zip(CSV_HEADER, r)) for r in rows[1:]}
    assert records["zavod"]["Адрес"] == '\'=HYPERLINK("http://evil")'
    assert records["shkola"]["Телефон"] == "'-5"
    assert records["fed"]["Телефон"] == "'+7 (800) 555-10-00"
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "да"),
        (False, "нет"),
        (5, "5"),
        (-3, "-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Профком", "Профком"),
        ("a;b\nc", "a;b\nc"),
    ],
)
def test_cells(value, text):
    assert cell(value) == text


def test_excel_csv_round_trips_awkward_text():
    raw = excel_csv(["Имя", "Заметка"], [["Ёж «Первый»", 'строка 1\nстрока 2; "цитата"']])
    assert read_csv(raw) == [["Имя", "Заметка"], ["Ёж «Первый»", 'строка 1\nстрока 2; "цитата"']]


# -- pages and downloads of a built network -----------------------------------------------------------
def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def table_rows(html: str) -> list[str]:
    return re.findall(r'<tr data-kind="(\w+)" data-parent="([\w-]*)">', html)


def test_the_root_registry_lists_every_org_and_offers_both_downloads(built):
    html = page(built, "fed/registry/index.html")
    assert len(table_rows(html)) == 6
    assert 'href="../registry/registry.csv" download' in html  # relative: works from any host or folder
    assert 'href="../registry/registry.json" download' in html
    check_registry_document(json.loads(page(built, "fed/registry/registry.json")), "fed", 6)
    assert len(read_csv((built / "fed/registry/registry.csv").read_bytes())) == 7


def test_each_parent_site_shows_its_subtree(built):
    html = page(built, "north/registry/index.html")
    assert table_rows(html) == [("territorial", "fed"), ("primary", "north"), ("primary", "north")]
    assert "Организация lesozavod" not in html
    doc = json.loads(page(built, "north/registry/registry.json"))
    check_registry_document(doc, "north", 3)
    assert [o["slug"] for o in doc["organisations"]] == ["north", "shkola", "zavod"]
    assert [r[0] for r in read_csv((built / "north/registry/registry.csv").read_bytes())[1:]] == [
        "north",
        "shkola",
        "zavod",
    ]
    assert (built / "lesprom/registry/registry.json").is_file()
    for slug in ("zavod", "shkola", "lesozavod"):
        assert not (built / slug / "registry").exists()


def test_the_table_is_complete_without_javascript_and_the_script_is_ours(built):
    html = page(built, "fed/registry/index.html")
    form = re.search(r"<form[^>]*data-un-filter=\"un-registry\"[^>]*>", html).group(0)
    assert " hidden" in form  # controls appear only when the script runs
    for needle in (
        "Ёлкина Юлия Щукина",
        "mailto:press@fed.example",
        "https://vk.com/fed",
        "8 800 555-10-10",
        "https://fed.example/feedback/",
        "https://zavod.net.example/",
        "не назначен",
    ):
        assert needle in html
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any(s.endswith("assets/union-network/un-table.js") for s in scripts)
    assert not [s for s in scripts if s.startswith(("http://", "https://", "//"))]
    js = page(built, "fed/assets/union-network/un-table.js")
    assert "fetch(" not in js and "XMLHttpRequest" not in js and "import(" not in js
    assert (built / "fed/assets/union-network/un-reports.css").is_file()
    assert (built / "north/assets/union-network/un-table.js").is_file()


def test_org_text_is_escaped_on_the_registry_page(built):
    html = page(built, "north/registry/index.html").split("<body", 1)[1]
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "ул. &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "=HYPERLINK(&#34;http://evil&#34;)" in html
