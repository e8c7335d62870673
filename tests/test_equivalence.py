"""Proof of equivalence (issue 14, item 5): whatever changed, an incremental build gives, byte for byte,
what a clean build of the same input gives (every file of every site: pages, feeds, sitemaps, the
network's search index under the root site, the manifest).

The clean build is ``full`` (no fingerprints) into an empty folder with an empty cache folder, so nothing
the incremental builds kept (news index, routes, picture derivatives) can leak into it; it renders with two
worker processes (test_incremental.py shows that gives what one process gives), the incremental builds with one.

1. Every kind of change (beyond the nine of test_incremental.py), each from one base build restored per case.
2. A seeded random sequence of 200 edits on a generated network, built after every batch of 1–4 edits and
   compared with a clean build every few builds and at the end; a few invalid edits on the way must fail
   and leave the published output as it was; now and then the build time moves on. ``UN_EQUIV_SEED`` and ``UN_EQUIV_EDITS`` replay another
   sequence (a failure names its seed, its step and the edits since the last good comparison).
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import editgen as g
import pytest
from conftest import EPOCH

from union_network.build.builder import build_network
from union_network.core.problems import InputError
from union_network.features import search
from union_network.render.mkdocs.render import MkDocsRenderer


def incremental(cfg: Path, out: Path) -> list[str]:
    return build_network(cfg, MkDocsRenderer, out).built


def clean(cfg: Path, out: Path) -> None:
    """A clean build: full, into an empty folder, with an empty cache (two workers: quicker on 2 cores)."""
    shutil.rmtree(out.parent / f".{out.name}-cache", ignore_errors=True)
    for stale in out.parent.glob(f".{out.name}.gen-*"):
        shutil.rmtree(stale)
    if out.is_symlink():
        out.unlink()
    build_network(cfg, MkDocsRenderer, out, full=True, jobs=2, cache_dir=out.parent / f".{out.name}-cache")


# -- 1. every kind of change ---------------------------------------------------------------------
def base_net() -> g.Net:
    """fed › terr › prim, fed › terr2 › prim2 and prim3 (no posts); per_page 3 (prim's news has 3 pages),
    feed_size 5."""
    orgs = {
        "fed": g.base_org("fed", "federation", None),
        "terr": g.base_org("terr", "territorial", "fed"),
        "prim": g.base_org("prim", "primary", "terr"),
        "terr2": g.base_org("terr2", "territorial", "fed"),
        "prim2": g.base_org("prim2", "primary", "terr2"),
        "prim3": g.base_org("prim3", "primary", "terr2"),
    }
    net = g.Net("fed", orgs, per_page=3, feed_size=5)
    orgs["terr2"].card["moderation"] = "review"
    orgs["terr"].card["contacts"] = {"phone": "+7 900 000-00-01"}
    orgs["prim"].pages["about.md"] = g.page("О нас")
    orgs["prim"].files["images/f.png"] = g.png((200, 30, 30))
    orgs["fed"].posts = {
        "support": g.post("Поддержим", "2026-04-01", support=True, broadcast=True),
        "fed-news": g.post("Федерация", "2026-03-01"),
    }
    orgs["terr"].posts = {
        "broadcast": g.post("Всем первичкам", "2026-02-10T10:00:00", broadcast=True),
        "terr-news": g.post("Территория", "2026-05-01", categories=["actions"]),
    }
    orgs["prim"].posts = {
        "a": g.post("Собрание", "2026-01-05", categories=["meetings"], reach="federation"),
        "b": g.post("Январская", "2026-01-10", tags=["зарплата"]),
        "c": g.post("Февральская", "2026-02-03"),
        "self": g.post("Только у нас", "2026-02-20", reach="self"),
        "e": g.post("Семинар", "2026-03-02", event={"start": "2026-06-10T10:00:00+03:00", "place": "Зал"}),
        "f": g.post("С фото", "2026-03-15", image="images/f.png", image_alt="Красный прямоугольник"),
        "draft": g.post("Черновик", "2026-03-20", draft=True),
        "g": g.post("Апрельская", "2026-04-05", reach="parent"),
        "future": g.post("Будущее", "2026-07-01"),
    }
    orgs["prim2"].posts = {
        "p2-a": g.post("Вторая", "2026-01-06"),
        "p2-b": g.post("На проверку", "2026-02-06", reach="federation"),
    }
    return net


def posts(net: g.Net, slug: str) -> dict:
    return net.orgs[slug].posts


def move_post(net: g.Net) -> None:
    posts(net, "prim2")["c"] = posts(net, "prim").pop("c")


def add_image(net: g.Net) -> None:
    net.orgs["prim"].files["images/c.png"] = g.png((10, 120, 200))
    posts(net, "prim")["c"].update(image="images/c.png", image_alt="Синий прямоугольник")


def add_org(net: g.Net) -> None:
    net.orgs["prim4"] = g.base_org("prim4", "primary", "terr2")
    posts(net, "prim4")["first"] = g.post("Мы здесь", "2026-05-05", reach="federation")


def delete_org(net: g.Net) -> None:
    del net.orgs["prim2"]
    net.normalize()


def add_document(net: g.Net) -> None:
    net.orgs["prim"].files["documents/ustav.pdf"] = g.pdf("устав")
    net.orgs["prim"].pages["about.md"] += "\n[Устав](documents/ustav.pdf)\n"


CASES: dict[str, Callable[[g.Net], object]] = {
    "a post's date moves it to another month and list page": lambda n: posts(n, "prim")["b"].update(date="2026-05-20"),
    "a post's date moves it into the future": lambda n: posts(n, "prim")["c"].update(date="2026-06-20"),
    "a post dated in the future is added": lambda n: posts(n, "prim").update(
        later=g.post("Позже", "2026-06-01T18:00:00+03:00")
    ),
    "a newest post shifts every list page": lambda n: posts(n, "prim").update(top=g.post("Свежая", "2026-05-30")),
    "reach self -> federation": lambda n: posts(n, "prim")["self"].update(reach="federation"),
    "reach federation -> self": lambda n: posts(n, "prim")["a"].update(reach="self"),
    "support on": lambda n: posts(n, "prim")["c"].update(support=True),
    "support off": lambda n: posts(n, "fed")["support"].pop("support"),
    "broadcast on": lambda n: posts(n, "terr")["terr-news"].update(broadcast=True),
    "broadcast off": lambda n: posts(n, "terr")["broadcast"].pop("broadcast"),
    "categories and tags changed": lambda n: posts(n, "prim")["b"].update(categories=["bargaining"], tags=["новое"]),
    "an event added": lambda n: posts(n, "prim")["c"].update(
        event={"start": "2026-06-05T10:00:00+03:00", "end": "2026-06-05T12:00:00+03:00"}
    ),
    "an event moved": lambda n: posts(n, "prim")["e"]["event"].update(start="2026-05-10T10:00:00+03:00"),
    "an event removed": lambda n: posts(n, "prim")["e"].pop("event"),
    "a picture added": add_image,
    "a picture replaced (same name, new bytes)": lambda n: n.orgs["prim"].files.update(
        {"images/f.png": g.png((30, 200, 30))}
    ),
    "a picture's text alternative changed": lambda n: posts(n, "prim")["f"].update(image_alt="Другое описание"),
    "a draft published": lambda n: posts(n, "prim")["draft"].pop("draft"),
    "a post made draft": lambda n: posts(n, "prim")["a"].update(draft=True),
    "a post moved to another org's folder": move_post,
    "an org page added": lambda n: n.orgs["prim"].pages.update({"contacts.md": g.page("Контакты")}),
    "an org page edited": lambda n: n.orgs["prim"].pages.update({"about.md": g.page("О нас", "Новый текст.")}),
    "an org page deleted": lambda n: n.orgs["prim"].pages.pop("about.md"),
    "the home page edited": lambda n: n.orgs["terr"].pages.update({"index.md": g.page("Теркомитет", "Привет.")}),
    "a document added and linked": add_document,
    "moderation promote": lambda n: n.orgs["terr2"].moderation.update(promote=["prim2/p2-b"]),
    "moderation hide, then the file removed": lambda n: n.orgs["fed"].moderation.clear(),  # see base_case
    "card moderation: review on": lambda n: n.orgs["terr"].card.update(moderation="review"),
    "card moderation: review off": lambda n: n.orgs["terr2"].card.pop("moderation"),
    "contacts changed": lambda n: n.orgs["terr"].card.update(contacts={"email": "terr@net.example"}),
    "news_reach changed in a card (its posts' reach, no post touched)": lambda n: n.orgs["prim2"].card.update(
        news_reach="federation"
    ),
    "members changed in a card (social pages become required)": lambda n: n.orgs["prim"].card.update(members=800),
    "social links changed": lambda n: n.orgs["prim"].card.update(social={"vk": "https://vk.com/prim"}),
    "a new org added": add_org,
    "an org deleted": delete_org,
    "a post rewritten with the same meaning (front matter reordered)": lambda n: posts(n, "prim").update(
        c=dict(reversed(list(posts(n, "prim")["c"].items())))
    ),
    "a post's default reach written out": lambda n: posts(n, "prim")["c"].update(reach="parent"),
    "moderation: the root hides a territorial's own post (its dashboard: what rose above it)": lambda n: n.orgs[
        "fed"
    ].moderation.update(hide=["prim/g", "terr/terr-news"]),
    "feed_size changed": lambda n: setattr(n, "feed_size", 2),
    "per_page changed": lambda n: setattr(n, "per_page", 2),
}


@pytest.fixture(scope="module", autouse=True)
def small_search_shards():
    """The network search index in shards of 4 records (features/search.py: K = 8 here), so that the
    changes carry some shards of the published index and index others again."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "SHARD_RECORDS", 4)
        yield


@pytest.fixture(scope="module")
def base(tmp_path_factory, small_search_shards) -> tuple[Path, Path, g.Net, dict[str, str]]:
    """(work folder, snapshot, the network, the digest of its output): ``work/net`` and its first build
    ``work/inc``, kept as a snapshot each case copies back to the same place (same paths and mtimes)."""
    folder = tmp_path_factory.mktemp("equivalence")
    work, snapshot = folder / "work", folder / "snapshot"
    net = base_net()
    net.orgs["fed"].moderation = {"hide": ["prim/g"]}  # for "moderation hide, then the file removed"
    g.sync(work / "net", net.files())
    with pytest.MonkeyPatch.context() as mp:  # conftest's fixed build time is set per test, after this
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        incremental(work / "net/mkdocs.yml", work / "inc")
    shutil.copytree(work, snapshot, symlinks=True)
    return work, snapshot, net, g.digest(work / "inc")


def restored(base: tuple[Path, Path, g.Net, dict[str, str]]) -> tuple[Path, g.Net, dict[str, str]]:
    """The work folder as the snapshot has it: (work folder, the network, the digest of its output)."""
    work, snapshot, net, before = base
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    return work, net, before


@pytest.mark.parametrize("case", list(CASES))
def test_every_kind_of_change_gives_what_a_clean_build_gives(base, case):
    work, net, before = restored(base)
    cfg = work / "net/mkdocs.yml"
    changed = net.copy()
    CASES[case](changed)
    assert g.sync(work / "net", changed.files())
    built = incremental(cfg, work / "inc")
    clean(cfg, work / "clean")
    assert g.digest(work / "clean") != before, "the change shows nowhere: the case tests nothing"
    assert not (diff := g.differences(work / "inc", work / "clean")), f"{case} (rebuilt {built}):\n" + "\n".join(diff)


@pytest.mark.parametrize("path", ["orgs/prim/org.yml", "content/moderation.yml", "orgs/prim/news/a.md"])
def test_a_file_saved_again_unchanged_gives_what_a_clean_build_gives(base, path):
    """An editor saves a file without changing it (or fixes a broken one back to what it was): only its
    mtime is new."""
    work, _, _ = restored(base)
    cfg, file = work / "net/mkdocs.yml", work / "net" / path
    ns = file.stat().st_mtime_ns + 5 * 10**9
    os.utime(file, ns=(ns, ns))
    built = incremental(cfg, work / "inc")
    clean(cfg, work / "clean")
    assert not (diff := g.differences(work / "inc", work / "clean")), f"rebuilt {built}:\n" + "\n".join(diff)


@pytest.fixture(scope="module")
def month_later(base, tmp_path_factory) -> tuple[Path, list[str], dict[str, str]]:
    """A month after the base build, no file touched: (a folder with ``inc`` and ``clean``, sites rebuilt,
    the base output's digest)."""
    work, _, before = restored(base)
    cfg, kept = work / "net/mkdocs.yml", tmp_path_factory.mktemp("month")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 31 * 86400))
        built = incremental(cfg, work / "inc")
        clean(cfg, work / "clean")
    for name in ("inc", "clean"):  # the next case restores the work folder
        shutil.copytree(work / name, kept / name)
    return kept, built, before


def test_time_passing_alone_gives_what_a_clean_build_gives(month_later):
    """The future post is due, the event is past, the dashboards count other months, a feed with no items
    says when it was built: the incremental build shows it all."""
    work, built, before = month_later
    assert g.digest(work / "clean") != before
    assert not (diff := g.differences(work / "inc", work / "clean")), f"rebuilt {built}:\n" + "\n".join(diff)


def test_a_page_left_stale_is_caught(base):
    """The comparison can fail: a post page the incremental build had left as it was is named."""
    work, net, _ = restored(base)
    cfg, page = work / "net/mkdocs.yml", "prim/news/a/index.html"
    stale = (work / "inc" / page).read_bytes()
    changed = net.copy()
    posts(changed, "prim")["a"]["title"] = "Другое собрание"
    g.sync(work / "net", changed.files())
    incremental(cfg, work / "inc")
    clean(cfg, work / "clean")
    assert g.differences(work / "inc", work / "clean") == []
    (work / "inc" / page).unlink()  # a hard link into the snapshot's generation: replace, don't write through
    (work / "inc" / page).write_bytes(stale)
    diff = g.differences(work / "inc", work / "clean")
    assert diff[0] == f"different bytes: {page}" and any("Другое собрание" in line for line in diff[1:])


# -- 2. a random sequence of edits -------------------------------------------------------------------
SEED = int(os.environ.get("UN_EQUIV_SEED", "14"))
EDITS = int(os.environ.get("UN_EQUIV_EDITS", "200"))
CHECK_EVERY = int(os.environ.get("UN_EQUIV_CHECK_EVERY", "5"))  # builds between comparisons with a clean build
INVALID = 0.04  # share of batches that first try an invalid edit
TIME_PASSES = 0.05  # share of builds 1 to 240 hours after the one before


def test_a_random_sequence_of_edits_gives_what_clean_builds_give(tmp_path, monkeypatch):
    rng = random.Random(SEED)
    epoch = int(EPOCH)
    net = g.small_net(SEED)
    root, out = tmp_path / "net", tmp_path / "inc"
    cfg = root / "mkdocs.yml"
    g.sync(root, net.files())
    incremental(cfg, out)
    done, builds, since_check, step = 0, 0, [], 0
    kinds: set[str] = set()
    drawn = sorted(kind for kind, (_, weight) in g.EDITS.items() if weight)
    unused = rng.sample(drawn, len(drawn))  # every kind once first (where it applies), in a random order
    while done < EDITS:
        step += 1
        if rng.random() < INVALID:
            published = g.digest(out)
            broken = g.invalid_edit(net, root, rng)
            with pytest.raises(InputError):
                incremental(cfg, out)
            assert g.digest(out) == published, f"seed {SEED}, step {step}: {broken} changed the published output"
            since_check.append(f"step {step}: {broken} (failed as it must; then undone)")
            g.sync(root, net.files())
        size = min(rng.randint(1, 4), EDITS - done)
        batch = [g.random_edit(net, rng, unused.pop() if unused else None) for _ in range(size)]
        done += len(batch)
        kinds.update(b.split(":")[0] for b in batch)
        since_check += [f"step {step}: {b}" for b in batch]
        g.sync(root, net.files())
        if rng.random() < TIME_PASSES:
            epoch += rng.randint(1, 240) * 3600
            monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
            since_check.append(f"step {step}: the build time -> {datetime.fromtimestamp(epoch, UTC)}")
        built = incremental(cfg, out)
        since_check.append(f"step {step}: rebuilt {built}")
        builds += 1
        if builds % CHECK_EVERY == 0 or done >= EDITS:
            clean(cfg, tmp_path / "clean")
            diff = g.differences(out, tmp_path / "clean")
            assert not diff, (
                f"seed {SEED} (UN_EQUIV_SEED), step {step}, {done} edits: the incremental output differs from a "
                "clean build.\nEdits since the last good checkpoint:\n  "
                + "\n  ".join(since_check)
                + "\nDifferences:\n"
                + "\n".join(diff)
            )
            since_check = []
    assert builds >= EDITS // 4
    if len(drawn) <= EDITS:
        assert len(kinds) >= len(drawn) - 2, f"seed {SEED}: only {sorted(kinds)}"
