"""The command line (click): thin commands over the stages."""

from union_network.cli.commands import main

__all__ = ["main"]
