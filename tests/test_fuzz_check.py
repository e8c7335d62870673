"""Property: whatever an org editor writes, ``check`` answers with problems or a clean result, never
with a traceback or a hang (issue 9). Generated inputs of five kinds (org.yml, a post, a page,
moderation.yml, raw bytes), 2,000 each, are written into ONE small network in a temporary folder
and read in-process by the stages ``check`` runs for that file (the same functions, the same
``Problems``); a last property runs the whole ``load_network`` (what ``check`` calls) on a mix.

``derandomize=True``: the same examples on every run, so CI is reproducible. The deadline turns a
hang (a regex that backtracks, an alias bomb) into a failure.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netfactory import write_network

from union_network.core.problems import Problems
from union_network.enforce.content_rules import ContentRules, check_org_folder
from union_network.read.load import load_network
from union_network.read.moderation import read_moderation
from union_network.read.news import read_news
from union_network.read.options import read_options
from union_network.read.registry import read_registry

EXAMPLES = 2000
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=30),  # a hang is minutes (the alias bomb: 3 GB and minutes); 30 s spares loaded CI
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# ----------------------------------------------------------------------------- the network


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    cfg = write_network(
        tmp_path_factory.mktemp("fuzz") / "net",
        {"fed": (None, "federation"), "prim": ("fed", "primary")},
        posts=[dict(org="prim", stem="a")],
    )
    root = cfg.parent
    problems = Problems(root=root)
    registry = read_registry(root, problems)
    assert registry is not None and not problems
    return {
        "cfg": cfg,
        "root": root,
        "registry": registry,
        "options": read_options(cfg, problems),
        "rules": ContentRules.of(None),
        "prim": root / "orgs/prim",
    }


def assert_problems_are_reports(problems: Problems) -> None:
    """Every problem is a ``path[:line]: message`` line, with a positive line when there is one."""
    for problem in problems.items:
        assert isinstance(problem.message, str) and problem.message
        assert problem.line is None or (isinstance(problem.line, int) and problem.line >= 1)
        text = str(problem)
        assert "\x1b" not in text and "\x00" not in text and "Traceback" not in text


# ----------------------------------------------------------------------------- strategies

KEYS = [
    "name",
    "short_name",
    "kind",
    "parent",
    "members",
    "contacts",
    "email",
    "social",
    "title",
    "date",
    "summary",
    "categories",
    "tags",
    "reach",
    "support",
    "broadcast",
    "draft",
    "event",
    "start",
    "end",
    "place",
    "hide",
    "promote",
    "template",
    "extra_css",
    "hide",
]
TRICKS = [
    "!!int abc",
    "!!bool maybe",
    "!!timestamp 2026-13-45",
    "!!int ''",
    "!!python/object/apply:os.system ['id']",
    "!custom x",
    "&a x",
    "*a",
    "&a [1, 2]",
    "[*a, *a]",
    "[",
    "{",
    "]",
    "'unclosed",
    '"unclosed',
    '"bad \\q escape"',
    "|",
    ">-",
    "- x",
    "? x",
    "@x",
    "`x",
    "%x",
    "null",
    "~",
    "2026-13-45",
    "9999-12-31",
    "0001-01-01",
    "2026-01-01T25:99:00",
    "1" * 5000,
    "0x" + "f" * 500,
    "1:2:3:4:5",
    ".inf",
    "-.nan",
    "1e400",
    "yes",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "\x07",
    "\u202e",
    "\ufeff",
    "meetings",
    "Колдоговорная кампания",
    "prim/a",
    "fed",
    "primary",
]
scalar = st.one_of(
    st.sampled_from(TRICKS),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
)
key = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12))
indent = st.sampled_from(["", "", "", "  ", "    ", "\t", " "])


@st.composite
def yaml_lines(draw) -> str:
    """YAML-looking text: lines of ``key: value``, list items and nested blocks, with tricks."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        shape = draw(st.integers(0, 5))
        if shape == 0:
            lines.append(f"{draw(indent)}- {draw(scalar)}")
        elif shape == 1:
            lines.append(f"{draw(key)}:")
        else:
            lines.append(f"{draw(indent)}{draw(key)}: {draw(scalar)}")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))


def dumped(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.sampled_from(TRICKS)),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
yaml_text = st.one_of(
    yaml_lines(),
    st.dictionaries(key, json_values, max_size=6).map(dumped),
    st.text(max_size=200),
)

MARKDOWN_BITS = [
    "<",
    ">",
    "<a ",
    "<a x=",
    "<script>",
    "</script>",
    "<iframe src=",
    "https://vk.com/video",
    "<img src=https://evil.example/x.png onerror=alert(1)>",
    "<!--",
    "-->",
    "<![CDATA[",
    "![",
    "](",
    "[",
    "]",
    "(",
    ")",
    "{:",
    "{",
    "}",
    " onclick=",
    " style=",
    "javascript:",
    "&#106;",
    "&",
    "`",
    "```",
    "~~~",
    "\n",
    "\n\n",
    "    ",
    "\t",
    "---",
    '"',
    "'",
    "=",
    "/",
    ":",
    "*",
    "_",
    "#",
    "|",
    "> ",
    "- ",
    "1. ",
    "<div>",
    "</div>",
    "<style>",
    "x",
    "текст",
    "\r",
    "\x00",
    "\u2028",
]
markdown = st.one_of(
    st.lists(st.sampled_from(MARKDOWN_BITS), max_size=60).map("".join),
    st.text(max_size=300),
)


@st.composite
def post_text(draw) -> str:
    front = draw(st.one_of(yaml_text, st.just("title: Новость\ndate: 2026-01-01\n")))
    opening = draw(st.sampled_from(["---\n", "---\n", "--- \n", "---\r\n", "", "\ufeff---\n"]))
    closing = draw(st.sampled_from(["---\n", "---\n", "...\n", "", "---"]))
    return opening + front + ("" if front.endswith("\n") else "\n") + closing + draw(markdown)


@st.composite
def page_text(draw) -> str:
    if draw(st.booleans()):
        return draw(markdown)
    return "---\n" + draw(yaml_text) + "\n---\n" + draw(markdown)


def write(path: Path, data: str | bytes) -> None:
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_bytes(data.encode("utf-8", "surrogatepass"))


# ----------------------------------------------------------------------------- one property per kind


def read_card(net) -> Problems:
    problems = Problems(root=net["root"])
    read_registry(net["root"], problems)
    return problems


def read_post(net) -> Problems:
    problems = Problems(root=net["root"])
    read_news(net["registry"], net["options"], problems)
    check_org_folder(net["prim"], net["rules"], problems)
    return problems


def read_mod(net) -> Problems:
    problems = Problems(root=net["root"])
    read_moderation(net["registry"], [], problems)
    return problems


def test_org_yml(net):
    @FUZZ
    @given(yaml_text)
    def prop(text):
        write(net["prim"] / "org.yml", text)
        assert_problems_are_reports(read_card(net))

    prop()
    write(net["prim"] / "org.yml", "name: Первичная\nkind: primary\nparent: fed\n")


def test_post(net):
    @FUZZ
    @given(post_text())
    def prop(text):
        write(net["prim"] / "news/a.md", text)
        assert_problems_are_reports(read_post(net))

    prop()
    write(net["prim"] / "news/a.md", "---\ntitle: a\ndate: 2026-01-01\n---\n")


def test_page(net):
    @FUZZ
    @given(page_text())
    def prop(text):
        write(net["prim"] / "page.md", text)
        problems = Problems(root=net["root"])
        check_org_folder(net["prim"], net["rules"], problems)
        assert_problems_are_reports(problems)

    prop()
    (net["prim"] / "page.md").unlink()


def test_moderation(net):
    @FUZZ
    @given(st.one_of(yaml_text, st.dictionaries(st.sampled_from(["hide", "promote"]), json_values).map(dumped)))
    def prop(text):
        write(net["root"] / "content/moderation.yml", text)
        assert_problems_are_reports(read_mod(net))

    prop()
    (net["root"] / "content/moderation.yml").unlink()


def test_raw_bytes(net):
    """Bytes as a post and as a card: encodings, BOMs, NULs, truncated UTF-8."""

    @FUZZ
    @given(
        st.one_of(
            st.binary(max_size=400),
            st.text(max_size=100).map(lambda t: t.encode("cp1251", "replace")),
            st.text(max_size=100).map(lambda t: b"\xef\xbb\xbf---\ntitle: " + t.encode("utf-16", "surrogatepass")),
        ),
        st.booleans(),
    )
    def prop(data, as_card):
        if as_card:
            write(net["prim"] / "org.yml", data)
            assert_problems_are_reports(read_card(net))
        else:
            write(net["prim"] / "news/a.md", data)
            assert_problems_are_reports(read_post(net))

    prop()
    write(net["prim"] / "org.yml", "name: Первичная\nkind: primary\nparent: fed\n")
    write(net["prim"] / "news/a.md", "---\ntitle: a\ndate: 2026-01-01\n---\n")


def test_the_whole_check(net):
    """``load_network`` (what ``check`` runs), on a mix of kinds: fewer examples, the whole path."""

    @settings(FUZZ, max_examples=300)
    @given(
        st.one_of(
            yaml_text.map(lambda t: ("orgs/prim/org.yml", t)),
            post_text().map(lambda t: ("orgs/prim/news/a.md", t)),
            page_text().map(lambda t: ("orgs/prim/index.md", t)),
            yaml_text.map(lambda t: ("content/moderation.yml", t)),
            st.binary(max_size=300).map(lambda b: ("orgs/prim/news/a.md", b)),
        )
    )
    def prop(case):
        rel, data = case
        path = net["root"] / rel
        original = path.read_bytes() if path.exists() else None
        write(path, data)
        try:
            network, problems = load_network(net["cfg"])
            assert_problems_are_reports(problems)
            assert network is not None or problems
        finally:
            if original is None:
                path.unlink()
            else:
                path.write_bytes(original)

    prop()
