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
    from union_network.core.models import OrgCard, check_slug
    from union_network.core.network import Org, Registry
    from union_network.read.yamlfile import read_model

    cards: dict[str, tuple[Org, YamlDoc]] = {}

    root_path = root_dir / ROOT_FOLDER / CARD
    root: Org | None = None
    if not root_path.is_file():
        problems.error(root_path, None, "нет карточки корневой организации (content/org.yml)")
    else:
        parsed = read_model(OrgCard, root_path, problems)
        if parsed is not None:
            card, doc = parsed
            if card.slug is None:
                problems.error(root_path, doc.first_line, "у корневой организации должно быть поле «slug»")
            elif card.parent is not None:
                problems.error(
                    root_path, doc.line_of(("parent",)), "у корневой организации не может быть родителя («parent»)"
                )
            else:
                root = Org(card.slug, card, root_path.parent, root_path)
                cards[card.slug] = (root, doc)

    orgs_dir = root_dir / ORGS_FOLDER
    folders = (
        sorted(p for p in orgs_dir.iterdir() if p.is_dir() and not p.name.startswith(".")) if orgs_dir.is_dir() else []
    )
    for folder in folders:
        path = folder / CARD
        if not path.is_file():
            problems.error(folder, None, "в папке организации нет карточки org.yml")
            continue
        try:
            slug = check_slug(folder.name)
        except ValueError as exc:
            problems.error(path, None, f"имя папки: {exc}")
            continue
        parsed = read_model(OrgCard, path, problems)
        if parsed is None:
            continue
        card, doc = parsed
        if card.slug is not None and card.slug != slug:
            problems.error(path, doc.line_of(("slug",)), f"slug задаётся именем папки ({slug!r}); уберите поле «slug»")
            continue
        if card.kind == "federation":
            problems.error(
                path, doc.line_of(("kind",)), "вид «federation» только у корневой организации (content/org.yml)"
            )
            continue
        if card.parent is None:
            problems.error(
                path, doc.first_line, "не хватает обязательного поля «parent» (slug вышестоящей организации)"
            )
            continue
        if slug in cards:
            problems.error(
                path, None, f"slug {slug!r} уже занят: {cards[slug][0].card_path.relative_to(root_dir).as_posix()}"
            )
            continue
        cards[slug] = (Org(slug, card, folder, path), doc)

    if root is None:
        return None

    # Every parent must exist, and following parents from any org must reach the root.
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

    ordered = {root.slug: root}
    ordered.update({slug: cards[slug][0] for slug in sorted(placed) if slug != root.slug})
    return Registry(root=root, orgs=ordered)
