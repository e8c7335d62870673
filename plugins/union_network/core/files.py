"""Writing files so that a reader (or a build killed midway) never sees half of one.

:func:`write_atomic` writes to a temporary file beside the target and renames it
over the target (``rename(2)`` is atomic within a file system): the target holds
either its old bytes or its new bytes. Used for build manifests and state, the
news-index cache and every output file.
"""

from __future__ import annotations

import itertools
import os
import threading
from pathlib import Path

_counter = itertools.count()


def default_cache_dir(root_dir: Path) -> Path:
    """Where a network's build caches live: ``.cache/union-network/`` in the network root
    (here, not in read/load.py, so that the build's no-change path need not import the readers)."""
    return root_dir / ".cache" / "union-network"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (text is UTF-8) in one step; the folder must exist.

    The temporary file (``.<name>.<pid>.<n>.tmp``, permissions as for any new file)
    is removed again when the write fails.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.{next(_counter)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
