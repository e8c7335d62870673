"""Static files shipped inside the package (``static/``) and copied into the sites that use them."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from union_network.core.siteplan import SitePlan

#: Where the files land in a site: ``assets/union-network/<name>`` (beside Material's own ``assets/``).
SITE_FOLDER = "assets/union-network"


@cache
def _read(name: str) -> bytes:
    return resources.files("union_network").joinpath("write", "static", name).read_bytes()


def package_asset(data: tuple[str, str]) -> bytes:
    """A plan file writer: the bytes of ``static/<name>`` in the package; ``data`` is ``(name, digest)``."""
    return _read(data[0])


def use_asset(plan: SitePlan, name: str) -> str:
    """Have ``name`` written into the site (once); returns its site-relative path.

    The file's digest rides along in the plan, so that a changed asset changes the site's fingerprint
    (incremental builds then copy it again).
    """
    path = f"{SITE_FOLDER}/{name}"
    if not any(f.path == path for f in plan.files):
        plan.add_file(path, package_asset, (name, hashlib.blake2b(_read(name), digest_size=8).hexdigest()))
    return path
