#!/usr/bin/env python3
"""Build the network: ``python build.py [build|check] [-f mkdocs.yml] [--out DIR]``.

A thin entry point over the package CLI (also installed as ``union-network``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "plugins"))

from union_network.cli import main

if __name__ == "__main__":
    main()
