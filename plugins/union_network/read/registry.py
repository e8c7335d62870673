"""Read and validate the registry: content/org.yml and every orgs/<slug>/org.yml (DESIGN §3, §8)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from union_network.core.problems import Problems

if TYPE_CHECKING:  # imported by read_registry: the folder names below are read by the build's no-change path
    from union_network.core.network import Org, Registry
    from union_network.read.yamlsrc import YamlDoc

ROOT_FOLDER = "content"
ORGS_FOLDER = "orgs"
CARD = "org.yml"


def read_registry(root_dir: Path, problems: Problems) -> Registry | None:
    """The registry as one valid tree; orgs that cannot be placed in it are reported and left out."""
    from union_network.core.network import Registry

    root_card = _root_card(root_dir, problems)
    cards: dict[str, tuple[Org, YamlDoc]] = {root_card[0].slug: root_card} if root_card else {}
    for folder in _member_folders(root_dir):
        member = _member_card(root_dir, folder, cards, problems)
        if member is not None:
            cards[member[0].slug] = member
    if root_card is None:
        return None
    root = root_card[0]
    placed = _placed(root, cards, problems)
    ordered = {root.slug: root}
    ordered.update({slug: cards[slug][0] for slug in sorted(placed) if slug != root.slug})
    return Registry(root=root, orgs=ordered)


def _member_folders(root_dir: Path) -> list[Path]:
    """The folders of orgs/ (hidden ones skipped), sorted."""
    orgs_dir = root_dir / ORGS_FOLDER
    if not orgs_dir.is_dir():
        return []
    return sorted(p for p in orgs_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def _root_card(root_dir: Path, problems: Problems) -> tuple[Org, YamlDoc] | None:
    """content/org.yml: the root organisation, with its slug and without a parent."""
    from union_network.core.models import OrgCard
    from union_network.core.network import Org
    from union_network.read.yamlfile import read_model

    root_path = root_dir / ROOT_FOLDER / CARD
    if not root_path.is_file():
        problems.error(root_path, None, "нет карточки корневой организации (content/org.yml)")
        return None
    parsed = read_model(OrgCard, root_path, problems)
    if parsed is None:
        return None
    card, doc = parsed
    if card.slug is None:
        problems.error(root_path, doc.first_line, "у корневой организации должно быть поле «slug»")
    elif card.parent is not None:
        problems.error(root_path, doc.line_of(("parent",)), "у корневой организации не может быть родителя («parent»)")
    else:
        return Org(card.slug, card, root_path.parent, root_path), doc
    return None


def _member_card(
    root_dir: Path, folder: Path, cards: dict[str, tuple[Org, YamlDoc]], problems: Problems
) -> tuple[Org, YamlDoc] | None:
    """orgs/<slug>/org.yml: a member organisation (its slug is its folder's name), unless ``cards`` has it."""
    from union_network.core.models import OrgCard, check_slug
    from union_network.core.network import Org
    from union_network.read.yamlfile import read_model

    path = folder / CARD
    if not path.is_file():
        problems.error(folder, None, "в папке организации нет карточки org.yml")
        return None
    try:
        slug = check_slug(folder.name)
    except ValueError as exc:
        problems.error(path, None, f"имя папки: {exc}")
        return None
    parsed = read_model(OrgCard, path, problems)
    if parsed is None:
        return None
    card, doc = parsed
    if card.slug is not None and card.slug != slug:
        problems.error(path, doc.line_of(("slug",)), f"slug задаётся именем папки ({slug!r}); уберите поле «slug»")
    elif card.kind == "federation":
        problems.error(path, doc.line_of(("kind",)), "вид «federation» только у корневой организации (content/org.yml)")
    elif card.parent is None:
        problems.error(path, doc.first_line, "не хватает обязательного поля «parent» (slug вышестоящей организации)")
    elif slug in cards:
        problems.error(
            path, None, f"slug {slug!r} уже занят: {cards[slug][0].card_path.relative_to(root_dir).as_posix()}"
        )
    else:
        return Org(slug, card, folder, path), doc
    return None


def _placed(root: Org, cards: dict[str, tuple[Org, YamlDoc]], problems: Problems) -> set[str]:
    """The orgs whose parents lead to the root; every other is reported (unknown parent, a cycle)."""
    placed = {root.slug}
    for slug, (org, doc) in cards.items():
        if org is root:
            continue
        line = doc.line_of(("parent",))
        chain, current = [slug], org
        while True:
            parent = current.parent
            if parent in placed:
                placed.update(chain)
                break
            if parent not in cards:
                if current is org:
                    problems.error(org.card_path, line, f"вышестоящая организация {parent!r} не найдена в реестре")
                else:
                    problems.error(
                        org.card_path,
                        line,
                        f"организация не связана с корневой: у вышестоящей {current.slug!r} нет родителя в реестре",
                    )
                break
            if parent in chain:
                cycle = chain[chain.index(parent) :]
                if slug in cycle:
                    problems.error(org.card_path, line, "цикл в иерархии организаций: " + " → ".join(cycle + [parent]))
                else:
                    problems.error(
                        org.card_path,
                        line,
                        "организация не связана с корневой: выше неё цикл " + " → ".join(cycle + [parent]),
                    )
                break
            chain.append(parent)
            current = cards[parent][0]
    return placed
