"""The command line: ``union-network [build|check] [-f mkdocs.yml] [--out DIR]`` (DESIGN §7)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.decorators import FC

from union_network import __version__
from union_network.build.builder import SiteFailure, build_network, load_and_check, merge_outputs
from union_network.cli import russian
from union_network.core.problems import InputError, Problems, UnionNetworkError

if TYPE_CHECKING:  # the readers and the renderer are imported where they are used (tests/test_fast_start.py)
    from union_network.build.builder import Renderer
    from union_network.core.network import Network

russian.install()  # click's own headings, help lines and errors in Russian


class DefaultGroup(click.Group):
    """A group whose default command is ``build``: ``union-network -f x.yml`` means ``build -f x.yml``."""

    default_command = "build"
    command_class = russian.RussianCommand

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", russian.OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", russian.SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # build takes no arguments: a first word that is not an option is a command (or a typo: «Нет такой команды»)
        if not args or (args[0].startswith("-") and args[0] not in ("--help", "-h", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


config_option = click.option(
    "-f",
    "--config-file",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default="mkdocs.yml",
    show_default=True,
    help="mkdocs.yml сети; его папка — корень сети.",
)

jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Сколько сайтов собирать одновременно (по умолчанию — по числу ядер).",
)


def folder_option(*decls: str, **attrs: Any) -> Callable[[FC], FC]:
    """An option that names a folder, given to the command as a Path."""
    return click.option(*decls, type=click.Path(file_okay=False, path_type=Path), **attrs)


def out_file_option(**attrs: Any) -> Callable[[FC], FC]:
    """``--out FILE``: where a command writes its text; ``-`` is the screen."""
    return click.option("--out", "out_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), **attrs)


def mkdocs_renderer(config_file: Path) -> Renderer:
    """The renderer factory the CLI hands the builder: MkDocs and Material are imported only when
    a site is rendered (a build with nothing to render never imports them)."""
    from union_network.render.mkdocs.render import MkDocsRenderer

    return MkDocsRenderer(config_file)


def report(problems: Problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="union-network")
def main() -> None:
    """Сайты профсоюзной сети: по сайту на организацию, новости идут вверх и вниз.

    Без команды выполняется build. Справка по команде: union-network КОМАНДА --help.
    """


def parse_shard(ctx, param, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        k, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise click.BadParameter("нужно K/N, например 2/4") from None
    if not 1 <= k <= n:
        raise click.BadParameter("нужно 1 ≤ K ≤ N")
    return k, n


def make_progress(quiet: bool):
    last = [0.0]

    def progress(index: int, total: int | None, plan, seconds: float) -> None:
        """One line per site; on big builds at most one a second. ``total`` is None while sites are still being planned."""
        now = time.monotonic()
        if quiet or ((total is None or total > 50) and index != total and now - last[0] < 1.0):
            return
        last[0] = now
        shown = "…" if total is None else str(total)
        click.echo(f"[{index:>4}/{shown}] {plan.slug:<28} {seconds:5.2f} с", err=True)

    return progress


@main.command()
@config_option
@folder_option("--out", "out_dir", help="Папка результата (по умолчанию site/ рядом с mkdocs.yml).")
@jobs_option
@click.option(
    "--shard",
    callback=parse_shard,
    metavar="K/N",
    help="Собрать только часть K из N (поровну по страницам); объединить — командой merge.",
)
@click.option("--full", is_flag=True, help="Пересобрать все сайты, не глядя на прежний результат.")
@click.option("-q", "--quiet", is_flag=True, help="Без строк хода сборки: только ошибки и итог.")
@click.option("--strict", is_flag=True, help="Считать предупреждения (например, битые ссылки) ошибками.")
def build(
    config_file: Path, out_dir: Path | None, jobs: int | None, shard, full: bool, quiet: bool, strict: bool
) -> None:
    """Проверить и собрать все сайты в OUT/<slug>/ (команда по умолчанию).

    Пересобираются только сайты, чьи исходные файлы изменились с прошлой сборки в OUT.
    """
    from union_network.render.mkdocs import ENGINE_PROBLEM

    if ENGINE_PROBLEM:
        raise click.UsageError(ENGINE_PROBLEM)

    jobs = jobs or os.cpu_count() or 1
    try:
        result = build_network(
            config_file,
            mkdocs_renderer,
            out_dir,
            make_progress(quiet),
            strict=strict,
            jobs=jobs,
            shard=shard,
            full=full,
        )
    except InputError as exc:
        report(exc.problems)
        click.echo(
            f"Сборка остановлена: ошибок — {len(exc.problems.errors)}. Опубликованный сайт не изменён.", err=True
        )
        sys.exit(1)
    except SiteFailure as exc:
        click.echo(str(exc), err=True)
        where = "из-за предупреждений (--strict)" if exc.slug == "*" else f"на сайте «{exc.slug}»"
        click.echo(f"Сборка остановлена {where}. Опубликованный сайт не изменён.", err=True)
        sys.exit(1)
    except UnionNetworkError as exc:  # e.g. the output could not be replaced
        _fail(exc.messages, "Сборка остановлена. Опубликованный сайт не изменён.")
    for warning in result.warnings:
        click.echo(warning, err=True)
    unchanged = result.sites - len(result.built)
    click.echo(
        f"Готово: сайтов — {result.sites} (пересобрано {len(result.built)}, без изменений {unchanged}"
        + (
            f"; проверено затронутых изменениями {len(result.planned)}"
            if 0 < len(result.planned) < result.sites
            else ""
        )
        + (f", прочитаны новости {len(result.news_read)}" if result.news_read is not None else "")
        + (f", удалено {len(result.removed)}" if result.removed else "")
        + f"), новостей — {result.posts}, лент — {result.feeds}, "
        f"предупреждений — {len(result.warnings)}, время — {result.seconds:.1f} с → {result.out_dir}",
        err=True,
    )


@main.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path))
@folder_option("--out", "out_dir", required=True, help="Папка объединённого результата.")
def merge(shards: tuple[Path, ...], out_dir: Path) -> None:
    """Объединить результаты запусков build --shard K/N в одну папку."""
    try:
        result = merge_outputs(list(shards), out_dir)
    except (ValueError, OSError, UnionNetworkError) as exc:
        click.echo(f"Объединение не выполнено: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Готово: сайтов — {result.sites}, время — {result.seconds:.1f} с → {result.out_dir}", err=True)


@main.command()
@config_option
@click.option("-p", "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Порт.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Адрес, на котором слушать.")
@jobs_option
def serve(config_file: Path, port: int, bind: str, jobs: int | None) -> None:
    """Предпросмотр: организации на http://<slug>.localhost:PORT/, корень на http://localhost:PORT/.

    После правки пересобираются только затронутые сайты; открытые страницы обновляются сами.
    """
    import threading

    from union_network.render.mkdocs import ENGINE_PROBLEM
    from union_network.render.mkdocs.render import MkDocsRenderer

    if ENGINE_PROBLEM:
        raise click.UsageError(ENGINE_PROBLEM)
    from union_network.tools.serve import Preview
    from union_network.tools.serve import serve as make_server

    def echo(line: str) -> None:
        click.echo(line, err=True)

    preview = Preview(config_file, MkDocsRenderer, port, jobs=jobs or os.cpu_count() or 1, echo=echo)
    try:
        server = make_server(preview, bind, port)
    except OSError as exc:
        click.echo(f"Не удаётся открыть порт {port}: {exc.strerror}. Укажите другой: --port 8001", err=True)
        sys.exit(1)
    echo("Собираю сеть для предпросмотра…")
    preview.rebuild()
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    root = preview.state.root_slug or "<корень>"
    echo(
        f"Предпросмотр: http://localhost:{port}/ ({root}); организации: http://<slug>.localhost:{port}/ — Ctrl+C, чтобы остановить."
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("Остановлено.")
    finally:
        preview.stop()
        server.server_close()


@main.command()
@config_option
@click.option(
    "--changed",
    "rev_range",
    metavar="BASE..HEAD",
    help="Ещё проверить, что коммиты этого диапазона не выходят за то, что может править --as.",
)
@click.option(
    "--as",
    "who",
    metavar="SLUG|@LOGIN",
    help="Организация (или редактор из её editors:), от имени которой сделано изменение.",
)
def check(config_file: Path, rev_range: str | None, who: str | None) -> None:
    """Проверить реестр и содержимое, ничего не записывая.

    С --changed BASE..HEAD --as SLUG (проверка запроса на слияние) — ещё и отказ, если
    коммиты трогают файлы вне orgs/SLUG/ (у корневой организации — content/) или задают
    то, что задаёт только веб-команда федерации (parent, kind, moderation, editors).
    """
    from union_network.core.dates import build_time

    if bool(rev_range) != bool(who):
        raise click.UsageError("--changed и --as указываются вместе: check --changed origin/main..HEAD --as SLUG")
    checked = load_and_check(config_file, build_time())  # as build checks: the url_style: path layout too
    network, problems = checked.network, checked.problems
    if rev_range and who:
        from union_network.tools.ownership import OwnershipError, check_changes

        try:
            changes = check_changes(Path(config_file).resolve().parent, rev_range, who)
        except OwnershipError as exc:
            report(problems)
            click.echo(f"Проверка изменений невозможна: {exc}", err=True)
            sys.exit(1)
        problems.items.extend(changes.items)
    report(problems)
    if problems or network is None:
        click.echo(f"Проверка не пройдена: ошибок — {len(problems.errors)}.", err=True)
        sys.exit(1)
    click.echo(
        f"Проверка пройдена: организаций — {len(network.registry.orgs)}, новостей — {len(network.posts)}.", err=True
    )


# -- editors' and publishing tools (scaffold.py, ownership.py, nginx.py, layout.py) -------------------
def _fail(messages: list[str], summary: str) -> NoReturn:
    for message in messages:
        click.echo(message, err=True)
    click.echo(summary, err=True)
    sys.exit(1)


def _network_or_fail(config_file: Path, now: datetime, failed: str) -> Network:
    """The network; on errors they are reported and the command exits 1 with «<failed>: ошибок — N.»."""
    from union_network.read.load import load_network

    network, problems = load_network(config_file, now)
    if problems or network is None:
        report(problems)
        _fail([], f"{failed}: ошибок — {len(problems.errors)}.")
    return network


@main.command("new-org")
@click.argument("slug")
@config_option
@click.option("--parent", required=True, help="Код (slug) вышестоящей организации.")
@click.option("--kind", required=True, help="territorial, sectoral или primary.")
@click.option("--name", required=True, help="Полное официальное наименование.")
@click.option("--short-name", help="Краткое наименование для шапки и карточек.")
def new_org_command(slug: str, config_file: Path, parent: str, kind: str, name: str, short_name: str | None) -> None:
    """Создать orgs/SLUG/ с org.yml и начальными страницами (главная, об организации, контакты, документы)."""
    from union_network.tools.scaffold import ScaffoldError, new_org

    try:
        written = new_org(config_file, slug, parent=parent, kind=kind, name=name, short_name=short_name)
    except ScaffoldError as exc:
        _fail(exc.messages, "Организация не создана.")
    root = Path(config_file).resolve().parent
    for path in written:
        click.echo(path.relative_to(root).as_posix())
    click.echo(
        f"Создана организация «{slug}»: заполните org.yml и страницы, затем проверьте: union-network check", err=True
    )


@main.command("new-post")
@click.argument("slug")
@click.argument("title")
@config_option
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Дата новости (по умолчанию — сегодня в часовом поясе сети).")
@click.option(
    "--category", "categories", multiple=True, metavar="KEY", help="Рубрика: ключ из mkdocs.yml; можно несколько раз."
)
def new_post_command(slug: str, title: str, config_file: Path, day: str | None, categories: tuple[str, ...]) -> None:
    """Создать news/ГГГГ-ММ-ДД-<заголовок латиницей>.md в папке SLUG (у корневой — в content/)."""
    from union_network.tools.scaffold import ScaffoldError, new_post

    try:
        path, url = new_post(config_file, slug, title, day=day, categories=categories)
    except ScaffoldError as exc:
        _fail(exc.messages, "Новость не создана.")
    click.echo(path.relative_to(Path(config_file).resolve().parent).as_posix())
    click.echo(f"Адрес после публикации: {url}", err=True)


@main.command()
@config_option
@out_file_option(
    help="Куда записать (по умолчанию CODEOWNERS в корне git-репозитория или рядом с mkdocs.yml; - — на экран)."
)
@click.option(
    "--syntax",
    type=click.Choice(["github", "gitlab", "gitea"]),
    default="github",
    show_default=True,
    help="Синтаксис хостинга; gitea — регулярные выражения, файл .gitea/CODEOWNERS.",
)
@click.option(
    "--web-team-everywhere", is_flag=True, help="Указать веб-команду и рядом с редакторами каждой папки организации."
)
def codeowners(config_file: Path, out_file: Path | None, syntax: str, web_team_everywhere: bool) -> None:
    """Записать CODEOWNERS: папка организации — её редакторам, остальное — веб-команде (web_team)."""
    from union_network.core.dates import build_time
    from union_network.tools.ownership import CODEOWNERS_PATHS, OwnershipError, codeowners_text, git, repo_prefix

    network = _network_or_fail(config_file, build_time(), "CODEOWNERS не записан")
    root = network.root_dir
    try:
        prefix = repo_prefix(root)
        top = Path(git(root, "rev-parse", "--show-toplevel").decode().strip())
    except OwnershipError:
        prefix, top = "", root
    try:
        text = codeowners_text(network, syntax, prefix, web_team_everywhere)
    except OwnershipError as exc:
        _fail([str(exc)], "CODEOWNERS не записан.")
    if out_file is not None and str(out_file) == "-":
        click.echo(text, nl=False)
        return
    target = out_file or top / CODEOWNERS_PATHS[syntax]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    owned = sum(1 for org in network.registry if org.card.editors)
    click.echo(f"Записан {target}: папок с редакторами — {owned}, остальное — {network.options.web_team}.", err=True)


@main.command("nginx-config")
@config_option
@out_file_option(default="-", help="Куда записать (по умолчанию — на экран).")
@click.option(
    "--root",
    "site_root",
    default="/srv/site",
    show_default=True,
    help="Где на сервере лежит результат сборки (при url_style: path — собранное дерево).",
)
@click.option("--https", is_flag=True, help="HTTPS с переадресацией с HTTP (иначе серверы на 443 закомментированы).")
@click.option("--cert", help="Сертификат (по умолчанию /etc/letsencrypt/live/<domain>/fullchain.pem).")
@click.option("--key", help="Ключ сертификата (по умолчанию /etc/letsencrypt/live/<domain>/privkey.pem).")
@click.option(
    "--listen",
    "listen",
    multiple=True,
    metavar="ADDR",
    help="Адрес, на котором слушать; можно несколько раз (по умолчанию все IPv4 и IPv6).",
)
@click.option("--http-port", type=click.IntRange(1, 65535), default=80, show_default=True)
@click.option("--https-port", type=click.IntRange(1, 65535), default=443, show_default=True)
def nginx_config_command(
    config_file: Path,
    out_file: Path,
    site_root: str,
    https: bool,
    cert: str | None,
    key: str | None,
    listen: tuple[str, ...],
    http_port: int,
    https_port: int,
) -> None:
    """Записать конфигурацию nginx, раздающую собранную сеть по поддоменам (или путям)."""
    from union_network.enforce.html import video_hosts
    from union_network.features.admin import admin_csp
    from union_network.read.options import read_options
    from union_network.read.registry import read_registry
    from union_network.tools.nginx import NginxOptions, nginx_config

    config_file = Path(config_file).resolve()
    problems = Problems(root=config_file.parent)
    options = read_options(config_file, problems) if config_file.is_file() else None
    registry = read_registry(config_file.parent, problems) if options is not None else None
    if options is None or registry is None or problems:
        report(problems)
        _fail([] if options else [f"{config_file}: нет файла конфигурации сети"], "Конфигурация nginx не записана.")
    opts = NginxOptions(
        domain=options.domain,
        root_slug=registry.root.slug,
        root=site_root,
        url_style=options.url_style,
        https=https,
        http_port=http_port,
        https_port=https_port,
        certificate=cert,
        certificate_key=key,
        video_hosts=video_hosts(config_file.parent),  # the CSP's frame-src
        admin_csp=admin_csp(options.editor) if options.editor else "",  # the web editor's own policy
    )
    if listen:
        opts.listen = ["" if a in ("*", "0.0.0.0") else a for a in listen]
    text = nginx_config(opts)
    if str(out_file) == "-":
        click.echo(text, nl=False)
    else:
        out_file.write_text(text, encoding="utf-8")
        click.echo(f"Записан {out_file}: проверьте его командой nginx -t.", err=True)


@main.command()
@config_option
@folder_option("--site", "site_dir", help="Результат сборки (по умолчанию site/ рядом с mkdocs.yml).")
@folder_option("--out", "out_dir", help="Дерево для публикации (по умолчанию public/ рядом с mkdocs.yml).")
def assemble(config_file: Path, site_dir: Path | None, out_dir: Path | None) -> None:
    """url_style: path — сложить сайты в одно дерево: корневой наверху, остальные в <slug>/."""
    from union_network.core.dates import build_time
    from union_network.plan.layout import assemble_tree

    network = _network_or_fail(config_file, build_time(), "Сборка дерева остановлена")
    if network.options.url_style != "path":
        _fail(
            [
                (
                    "assemble нужен только при url_style: path; при url_style: subdomain публикуйте site/<slug>/ как есть "
                    "(union-network nginx-config)"
                )
            ],
            "Дерево не собрано.",
        )
    root = network.root_dir
    site_dir = site_dir or root / "site"
    out_dir = out_dir or root / "public"
    members = [slug for slug in network.registry.orgs if slug != network.registry.root.slug]
    try:
        count = assemble_tree(site_dir, out_dir, network.registry.root.slug, members)
    except UnionNetworkError as exc:  # LayoutError, or the tree could not be replaced
        _fail(exc.messages, "Дерево не собрано.")
    click.echo(
        f"Готово: сайтов — {count} → {Path(out_dir).resolve()} (корневая организация — в корне, остальные — в /<slug>/)",
        err=True,
    )


# -- information-policy reports (maturity.py, dashboard.py) ----------------------------------------
@main.command("report")
@config_option
@click.option("--org", "scope", metavar="SLUG", help="Только эта организация и все ниже неё.")
@click.option(
    "--csv",
    "csv_out",
    is_flag=False,
    flag_value="-",
    default=None,
    metavar="[FILE]",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Записать CSV (UTF-8 с BOM, «;») в FILE, а без FILE — на экран вместо таблицы.",
)
@click.option(
    "--fail-under",
    "fail_under",
    type=click.IntRange(0, 100),
    metavar="SCORE",
    help="Завершиться с кодом 1, если у какой-то организации балл ниже SCORE (для CI); они перечисляются.",
)
def report_command(config_file: Path, scope: str | None, csv_out: Path | None, fail_under: int | None) -> None:
    """Цифровая зрелость и активность организаций: балл, статус, чего не хватает.

    Показатели и формула — те же, что на странице maturity/ (docs/web-team.md),
    на момент сборки (SOURCE_DATE_EPOCH или сейчас).
    """
    from union_network.core.dates import build_time
    from union_network.features.dashboard import maturity_csv, report_text
    from union_network.features.maturity import assess, scope_of

    now = build_time()
    network = _network_or_fail(config_file, now, "Отчёт не построен")
    if scope is not None and scope not in network.registry.orgs:
        raise click.BadParameter(f"нет организации «{scope}» в реестре", param_hint="--org")
    assessments = assess(network)
    rows = [assessments[s] for s in scope_of(network.registry, scope)]
    if csv_out is not None and str(csv_out) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(maturity_csv(rows))
        sys.stdout.buffer.flush()
    else:
        click.echo(report_text(rows, now.astimezone(network.options.tz)), nl=False)
        if csv_out is not None:
            csv_out.write_bytes(maturity_csv(rows))
            click.echo(f"Записан {csv_out}: организаций — {len(rows)}.", err=True)
    if fail_under is not None:
        below = [a for a in rows if a.score < fail_under]
        if below:
            click.echo(f"Ниже {fail_under} баллов — организаций: {len(below)}", err=True)
            for a in below:
                click.echo(f"  {a.slug}: {a.score} — {'; '.join(a.missing) or a.status_label}", err=True)
            sys.exit(1)
