#!/usr/bin/env python3
"""Build the network: ``python3 build.py [build|check|new-post|…] [-f mkdocs.yml] [--out DIR]``.

A thin entry point over the package CLI (also installed as ``.venv/bin/union-network``).
Run with a Python that lacks the dependencies (the system's ``python3`` after ``make serve``),
it re-executes itself with the project's virtualenv ``.venv/bin/python`` when there is one.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_PYTHON = HERE / ".venv" / "bin" / "python"

sys.path.insert(0, str(HERE / "plugins"))

try:
    from union_network.cli import main
except ImportError as exc:  # a dependency is missing from this interpreter
    in_venv = Path(sys.prefix).resolve() == VENV_PYTHON.parent.parent.resolve()
    if VENV_PYTHON.is_file() and not in_venv:
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])
    sys.exit(
        f"Не установлены зависимости ({exc.name or exc}): выполните «make install» (или «make serve») "
        "в папке проекта, затем повторите команду."
    )

if __name__ == "__main__":
    main()
