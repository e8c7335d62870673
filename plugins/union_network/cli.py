"""The command line: ``union-network [build|check] [-f mkdocs.yml] [--out DIR]`` (DESIGN §7)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import __version__
from .builder import SiteFailure, build_network
from .load import load_network
from .problems import InputError, Problems


class DefaultGroup(click.Group):
    """A group whose default command is ``build``: ``union-network -f x.yml`` means ``build -f x.yml``."""

    default_command = "build"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


config_option = click.option(
    "-f",
    "--config-file",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default="mkdocs.yml",
    show_default=True,
    help="The network's mkdocs.yml; its folder is the network root.",
)


def report(problems: Problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="union-network")
def main() -> None:
    """Build a trade-union network: one static site per organisation, news moving up and down."""


@main.command()
@config_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: site/ beside mkdocs.yml).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines, only problems and the summary.")
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. broken links in pages) as errors.")
def build(config_file: Path, out_dir: Path | None, quiet: bool, strict: bool) -> None:
    """Validate, then build every site into OUT/<slug>/ (the default command)."""
    from .mkdocs_adapter.render import MkDocsRenderer

    last = [0.0]

    def progress(index: int, total: int, plan, seconds: float) -> None:
        now = time.monotonic()
        if quiet or (total > 50 and index != total and now - last[0] < 1.0):
            return
        last[0] = now
        width = len(str(total))
        click.echo(f"[{index:>{width}}/{total}] {plan.slug:<28} {seconds:5.2f} с", err=True)

    try:
        result = build_network(config_file, MkDocsRenderer(config_file), out_dir, progress, strict=strict)
    except InputError as exc:
        report(exc.problems)
        click.echo(f"Сборка остановлена: ошибок — {len(exc.problems.errors)}. Опубликованный сайт не изменён.", err=True)
        sys.exit(1)
    except SiteFailure as exc:
        click.echo(str(exc), err=True)
        where = "из-за предупреждений (--strict)" if exc.slug == "*" else f"на сайте «{exc.slug}»"
        click.echo(f"Сборка остановлена {where}. Опубликованный сайт не изменён.", err=True)
        sys.exit(1)
    for warning in result.warnings:
        click.echo(warning, err=True)
    click.echo(
        f"Готово: сайтов — {result.sites}, новостей — {result.posts}, лент — {result.feeds}, "
        f"предупреждений — {len(result.warnings)}, время — {result.seconds:.1f} с → {result.out_dir}",
        err=True,
    )


@main.command()
@config_option
def check(config_file: Path) -> None:
    """Validate the registry and content only; write nothing."""
    from .dates import build_time

    network, problems = load_network(config_file, build_time())
    report(problems)
    if problems or network is None:
        click.echo(f"Проверка не пройдена: ошибок — {len(problems.errors)}.", err=True)
        sys.exit(1)
    click.echo(f"Проверка пройдена: организаций — {len(network.registry.orgs)}, новостей — {len(network.posts)}.", err=True)
