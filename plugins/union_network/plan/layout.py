"""Publishing layouts: ``url_style: path`` as one tree (root at ``/``, members at ``/<slug>/``).

The build always writes ``site/<slug>/`` per organisation, in both URL styles
(DESIGN §6; incremental builds, shards and the preview server rely on it). With
``url_style: path`` every site's URLs already point at ``https://<domain>/<slug>/``;
publishing then needs one tree: the root's site at the top and each member's
site in the subfolder named by its slug. :func:`assemble_tree` makes that tree
from the build output (``union-network assemble``).

In that tree a member slug must not collide with a top-level path of the root's
site (``news``, ``orgs``, ``assets``, a root page ``about.md``...).
:func:`check_path_layout` reports what can be known from the sources and the
root's plan (so ``check`` and ``build`` fail before rendering); :func:`assemble_tree` checks the
real output names again before it writes anything.
"""

from __future__ import annotations

import os
from pathlib import Path

from union_network.core.network import Network
from union_network.core.problems import Problems, UnionNetworkError
from union_network.core.siteplan import SitePlan
from union_network.core.urls import PATH
from union_network.read.moderation import MODERATION_FILE
from union_network.read.registry import CARD

#: Top-level paths every root site may have, whatever its content: generated lists and
#: MkDocs/Material's own folders. A slug equal to one of these cannot be a path-style member.
GENERATED_ROOT_PATHS = {
    "news": "новости",
    "network": "новости сети",
    "upstream": "новости вышестоящих организаций",
    "support": "информационная поддержка",
    "orgs": "членские организации",
    "assets": "оформление сайта (MkDocs Material)",
    "search": "поиск (MkDocs Material)",
    "pagefind": "поиск по сети (индекс Pagefind)",
}


def root_source_paths(network: Network) -> dict[str, str]:
    """Top-level names the root's own content puts at the top of its site: name -> source."""
    root = network.registry.root
    names: dict[str, str] = {}
    for entry in sorted(root.folder.iterdir()):
        if entry.name.startswith(".") or entry.name in (CARD, MODERATION_FILE):
            continue
        rel = entry.relative_to(network.root_dir).as_posix()
        if entry.is_dir():
            names[entry.name] = rel + "/"
        elif entry.suffix == ".md":
            if entry.stem != "index":
                names[entry.stem] = rel
        else:
            names[entry.name] = rel
    return names


def root_planned_paths(root_plan: SitePlan) -> dict[str, str]:
    """Top-level names of the pages and files the root's site plan generates (every feature's
    sections, e.g. ``events``, ``registry``): name -> title or path."""
    names: dict[str, str] = {}
    for src_uri, page in root_plan.pages.items():
        top = src_uri.split("/", 1)[0]
        if "/" in src_uri or top.removesuffix(".md") != "index":
            names.setdefault(top.removesuffix(".md"), page.title)
    for output in root_plan.files:
        names.setdefault(output.path.split("/", 1)[0], output.path)
    return names


def taken_root_paths(network: Network, root_plan: SitePlan | None = None) -> dict[str, str]:
    """Every top-level name of the root's site known before rendering: name -> what it is.
    Without ``root_plan`` (an invalid network cannot be planned), the names its sources and
    the generated sections give."""
    taken = {name: f"страница или папка {source}" for name, source in root_source_paths(network).items()}
    taken.update({name: f"раздел «{what}»" for name, what in GENERATED_ROOT_PATHS.items()})
    if root_plan is not None:
        taken.update({name: f"раздел «{what}»" for name, what in root_planned_paths(root_plan).items()})
    return taken


def check_path_layout(network: Network, problems: Problems, root_plan: SitePlan | None = None) -> None:
    """With ``url_style: path``, report member slugs that collide with the root site's top-level paths.
    Runs after planning (``build.builder.load_and_check``): ``root_plan`` is the root's plan."""
    if network.options.url_style != PATH:
        return
    taken = taken_root_paths(network, root_plan)
    domain = network.options.domain
    for org in network.registry:
        if org is network.registry.root or org.slug not in taken:
            continue
        problems.error(
            org.card_path,
            None,
            f"при url_style: path сайт организации был бы по адресу https://{domain}/{org.slug}/, "
            f"но этот адрес занят сайтом корневой организации ({taken[org.slug]}); переименуйте папку orgs/{org.slug}/",
        )


class LayoutError(UnionNetworkError):
    """The publishable tree cannot be assembled; ``messages`` say why."""


def assemble_tree(site_dir: Path, out_dir: Path, root_slug: str, member_slugs: list[str]) -> int:
    """Make one publishable tree in ``out_dir`` from ``site_dir/<slug>/``: the root's site at the
    top, members in ``<slug>/``. ``out_dir`` is replaced only when everything was copied.
    Raises :class:`LayoutError` (nothing written) on a missing site or a name collision.
    Returns the number of sites placed."""
    site_name, out_dir = Path(os.path.abspath(site_dir)), Path(os.path.abspath(out_dir))
    site_dir = site_name.resolve()  # out_dir is not resolved: the name is what gets replaced
    if any(
        a == b or b in a.parents or a in b.parents for a in (out_dir, out_dir.resolve()) for b in (site_name, site_dir)
    ):
        raise LayoutError([f"{out_dir}: папка для публикации не может совпадать с папкой сборки или лежать в ней"])
    missing = [slug for slug in [root_slug, *member_slugs] if not (site_dir / slug).is_dir()]
    if missing:
        raise LayoutError(
            [
                f"{site_dir / slug}: нет собранного сайта организации «{slug}»; сначала выполните build"
                for slug in missing
            ]
        )
    root_site = site_dir / root_slug
    members = set(member_slugs)
    clashes = sorted(entry.name for entry in root_site.iterdir() if entry.name in members)
    if clashes:
        raise LayoutError(
            [
                f"{root_site / name}: адрес /{name}/ занят сайтом корневой организации и нужен сайту организации «{name}»; "
                f"переименуйте папку orgs/{name}/"
                for name in clashes
            ]
        )
    from union_network.build.publish import link_tree, staged  # published as builds are, in one step

    with staged(out_dir, real=True) as stage:  # a real folder: CI uploads it (GitLab keeps symlinks)
        link_tree(root_site, stage.folder)
        for slug in sorted(members):
            link_tree(site_dir / slug, stage.folder / slug)
        stage.publish()
    return 1 + len(members)
