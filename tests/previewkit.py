"""A live preview (``union-network serve``) running in the test process, for the tests that load it in
Chromium (tests/browser/test_search.py, tests/e2e/test_preview.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from union_network.tools.serve import Preview, serve


@contextmanager
def served(preview: Preview, port: int) -> Iterator[None]:
    """Serve ``preview`` on 127.0.0.1:``port`` and watch its sources until the block ends."""
    server = serve(preview, "127.0.0.1", port)
    threads = [
        threading.Thread(target=server.serve_forever, daemon=True),
        threading.Thread(target=preview.watch, daemon=True),
    ]
    for t in threads:
        t.start()
    try:
        yield
    finally:
        preview.stop()
        server.shutdown()
        server.server_close()
