"""The web editor: ``admin/`` on every site, Decap CMS over the network's Git repository.

When the network options have ``editor:`` (:class:`~union_network.read.options.EditorOptions`),
each site gets ``admin/index.html``, ``admin/config.yml``, the Decap CMS bundle (vendored in
``write/static/decap/`` by ``make vendor-decap``, served from the site's own origin) and
``admin/un-admin.js`` (the brandbook's stylesheets for the preview pane). The configuration
offers that organisation's news and pages only, and puts uploads into its own ``images/``.

That limit is the editor's user interface only: whoever can log in can push anything the Git
host lets them. The real gate is the host's permissions, CODEOWNERS and
``check --changed --as`` in CI (docs/editors-web.md).

Why Decap and not Sveltia CMS: Decap has the editorial workflow (every edit a merge/pull
request) on GitHub, GitLab and Forgejo, and a local backend (``decap-server``) that a browser
test drives headlessly; Sveltia's local mode needs the browser's directory picker and it has no
editorial workflow.
"""

from __future__ import annotations

import hashlib
from functools import cache
from html import escape
from importlib import resources
from typing import Any

import yaml

from union_network.core.siteplan import SitePlan
from union_network.read.news import NEWS_FOLDER
from union_network.read.options import EditorOptions, NetworkOptions

ADMIN_FOLDER = "admin"
IMAGES_FOLDER = "images"  # the org's uploads: orgs/<slug>/images/ (root: content/images/)
ADMIN_SCRIPT = "un-admin.js"

#: The admin page's Content-Security-Policy. Decap CMS cannot run under the sites' ``script-src
#: 'self'``: it compiles its configuration schema with ajv (``new Function``: ``'unsafe-eval'``),
#: ships lazily loaded WebAssembly (``'wasm-unsafe-eval'``) and injects styles (emotion:
#: ``style-src 'unsafe-inline'``). Scripts still come from the site's own origin only; the API
#: and OAuth origins of the configured Git host are added to ``connect-src`` and ``img-src``
#: (``{hosts}``). Written into ``admin/index.html`` as a ``<meta>``; a server that sends a CSP
#: header for the other pages must send this one for ``/admin/`` (docs/editors-web.md).
#: Measured in Chromium with Decap 3.16: without ``'unsafe-eval'`` the editor does not start
#: ("Error compiling schema"); without ``'unsafe-inline'`` styles it starts unstyled.
ADMIN_CSP = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:{hosts}; "
    "font-src 'self' data:; "
    "connect-src 'self' blob:{hosts}; "
    "frame-src 'self' blob:; "
    "worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)

#: Decap's local backend (``npx decap-server``): the working copy, on this machine only.
LOCAL_BACKEND = "http://localhost:8081"

#: Default API and OAuth origins of the hosted services.
DEFAULT_HOSTS = {
    "github": ("https://api.github.com",),
    "gitlab": ("https://gitlab.com",),
    "gitea": (),
    "forgejo": (),
}

#: Backends whose Decap support has the editorial workflow (each edit a pull/merge request).
EDITORIAL_WORKFLOW = frozenset({"github", "gitlab", "forgejo"})

REACH_OPTIONS = (
    ("parent", "На нашем сайте и в новостях вышестоящей организации"),
    ("self", "Только на нашем сайте"),
    ("federation", "До федерации: в новостях всех вышестоящих организаций"),
)

DATETIME = {"widget": "datetime", "format": "YYYY-MM-DDTHH:mm:ssZ", "date_format": "DD.MM.YYYY", "time_format": "HH:mm"}


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def editor_hosts(editor: EditorOptions) -> tuple[str, ...]:
    """The origins the admin page talks to: the host's API and OAuth server (and the local backend)."""
    hosts = list(DEFAULT_HOSTS[editor.backend])
    for url in (editor.api_root, editor.base_url):
        if url and _origin(url) not in hosts:
            hosts.append(_origin(url))
    if editor.local_backend:
        hosts.append(_origin(editor.local_backend) if isinstance(editor.local_backend, str) else LOCAL_BACKEND)
    return tuple(hosts)


def admin_csp(editor: EditorOptions) -> str:
    """:data:`ADMIN_CSP` with the Git host's origins filled in."""
    return ADMIN_CSP.format(hosts="".join(f" {h}" for h in editor_hosts(editor)))


def org_prefix(editor: EditorOptions, folder: str) -> str:
    """An org's folder as a path in the repository (``folder`` is relative to the network root)."""
    return f"{editor.root}/{folder}" if editor.root else folder


def backend_config(editor: EditorOptions) -> dict[str, Any]:
    backend: dict[str, Any] = {"name": editor.backend, "repo": editor.repo, "branch": editor.branch}
    for key in ("base_url", "auth_endpoint", "api_root", "app_id"):
        value = getattr(editor, key)
        if value:
            backend[key] = value
    if editor.backend != "github":
        backend["auth_type"] = "pkce"
    backend["squash_merges"] = True
    backend["commit_messages"] = {
        "create": "{{collection}}: новый файл {{path}} ({{author-login}})",
        "update": "{{collection}}: правка {{path}} ({{author-login}})",
        "delete": "{{collection}}: удалён {{path}} ({{author-login}})",
        "uploadMedia": "Загружен файл {{path}} ({{author-login}})",
        "deleteMedia": "Удалён файл {{path}} ({{author-login}})",
    }
    return backend


def news_fields(options: NetworkOptions, has_members: bool) -> list[dict[str, Any]]:
    """Every front-matter field of DESIGN §4, each with its widget, in Russian."""
    fields: list[dict[str, Any]] = [
        {"name": "title", "label": "Заголовок", "widget": "string"},
        {"name": "date", "label": "Дата публикации", **DATETIME, "default": "{{now}}"},
        {
            "name": "summary",
            "label": "Кратко, для ленты (иначе первый абзац)",
            "widget": "text",
            "required": False,
        },
        {
            "name": "categories",
            "label": "Рубрики",
            "widget": "select",
            "multiple": True,
            "required": False,
            "options": [{"label": label, "value": key} for key, label in options.categories.items()],
        },
        {"name": "tags", "label": "Метки (через запятую)", "widget": "list", "required": False},
        {
            "name": "reach",
            "label": "Где показать",
            "widget": "select",
            "required": False,
            "options": [{"label": label, "value": value} for value, label in REACH_OPTIONS],
        },
        {
            "name": "support",
            "label": "Нужна информационная поддержка сети",
            "widget": "boolean",
            "required": False,
            "default": False,
        },
    ]
    if has_members:  # broadcast is refused on the posts of an org without members
        fields.append(
            {
                "name": "broadcast",
                "label": "Показать на сайтах всех организаций ниже",
                "widget": "boolean",
                "required": False,
                "default": False,
            }
        )
    fields += [
        {
            "name": "draft",
            "label": "Черновик (не публиковать)",
            "widget": "boolean",
            "required": False,
            "default": False,
        },
        {
            "name": "event",
            "label": "Мероприятие (анонс)",
            "widget": "object",
            "required": False,
            "collapsed": True,
            "fields": [
                # optional here so that Decap writes no event at all when none is given; check
                # still refuses an event without a start (read/news.py)
                {"name": "start", "label": "Начало", **DATETIME, "required": False, "hint": "обязательно для анонса"},
                {"name": "end", "label": "Окончание", **DATETIME, "required": False},
                {"name": "place", "label": "Место", "widget": "string", "required": False},
            ],
        },
        {"name": "image", "label": "Фотография", "widget": "image", "required": False, "choose_url": False},
        {
            "name": "image_alt",
            "label": "Что на фотографии (для незрячих читателей)",
            "widget": "string",
            "required": False,
        },
        {"name": "body", "label": "Текст", "widget": "markdown"},
    ]
    return fields


def admin_config(
    options: NetworkOptions, slug: str, folder: str, site_url: str, has_members: bool, short_name: str
) -> dict[str, Any]:
    """Decap's ``config.yml`` for one organisation; ``folder`` is its folder under the network root."""
    editor = options.editor
    assert editor is not None
    prefix = org_prefix(editor, folder)
    config: dict[str, Any] = {"backend": backend_config(editor)}
    if editor.backend in EDITORIAL_WORKFLOW:
        config["publish_mode"] = "editorial_workflow"
    if editor.local_backend:
        local = editor.local_backend
        # Decap talks to the proxy only from these host names: the preview's <slug>.localhost too
        config["local_backend"] = {
            "url": local if isinstance(local, str) else f"{LOCAL_BACKEND}/api/v1",
            "allowed_hosts": ["localhost", "127.0.0.1", f"{slug}.localhost"],
        }
    config |= {
        "locale": "ru",
        "site_url": site_url,
        "display_url": site_url,
        "media_folder": f"{prefix}/{IMAGES_FOLDER}",
        "public_folder": f"/{IMAGES_FOLDER}",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [
            {
                "name": "news",
                "label": f"Новости: {short_name}",
                "label_singular": "новость",
                "description": "Новости организации. Имя файла — дата и время создания.",
                "folder": f"{prefix}/{NEWS_FOLDER}",
                "create": True,
                "delete": True,
                "extension": "md",
                "format": "frontmatter",
                "slug": "{{year}}-{{month}}-{{day}}-{{hour}}{{minute}}",
                "media_folder": f"../{IMAGES_FOLDER}",
                "public_folder": f"../{IMAGES_FOLDER}",
                "sortable_fields": ["date", "title"],
                "fields": news_fields(options, has_members),
            },
            {
                "name": "pages",
                "label": f"Страницы: {short_name}",
                "label_singular": "страница",
                "description": "Страницы сайта: главная, об организации, контакты, документы.",
                "folder": prefix,
                "create": False,
                "delete": False,
                "extension": "md",
                "format": "frontmatter",
                "media_folder": IMAGES_FOLDER,
                "public_folder": IMAGES_FOLDER,
                "fields": [
                    {"name": "title", "label": "Заголовок", "widget": "string", "required": False},
                    {"name": "description", "label": "Описание", "widget": "string", "required": False},
                    {"name": "body", "label": "Текст", "widget": "markdown"},
                ],
            },
        ],
    }
    return config


def admin_html(title: str, csp: str, stylesheets: tuple[str, ...]) -> str:
    preview = " ".join(f"../{s}" for s in stylesheets)
    return (
        "<!doctype html>\n"
        '<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp, quote=False)}">\n'
        f"<title>Редактор сайта — {escape(title)}</title>\n"
        "</head>\n<body>\n"
        "<noscript>Редактору сайта нужен JavaScript.</noscript>\n"
        '<script src="decap-cms.js"></script>\n'
        f'<script src="{ADMIN_SCRIPT}" data-preview="{escape(preview)}"></script>\n'
        "</body>\n</html>\n"
    )


# -- the vendored bundle -----------------------------------------------------------
def _decap_dir():
    return resources.files("union_network").joinpath("write", "static", "decap")


@cache
def decap_files() -> tuple[str, ...]:
    """The bundle's files to serve (scripts, lazily loaded chunks, WebAssembly, licences)."""
    return tuple(
        sorted(
            entry.name
            for entry in _decap_dir().iterdir()
            if entry.name.endswith((".js", ".wasm", ".txt")) or entry.name == "LICENSE"
        )
    )


@cache
def _read_decap(name: str) -> bytes:
    return _decap_dir().joinpath(name).read_bytes()


@cache
def decap_version() -> str:
    return _read_decap("VERSION").decode().strip()


def write_decap_file(data: tuple[str, str]) -> bytes:
    return _read_decap(data[0])


def write_admin_script(data: str) -> bytes:
    return resources.files("union_network").joinpath("write", "static", ADMIN_SCRIPT).read_bytes()


def write_admin_html(data: tuple[str, str, tuple[str, ...]]) -> bytes:
    return admin_html(*data).encode("utf-8")


def write_admin_config(data: dict[str, Any]) -> bytes:
    header = "# Written by union-network at every build (features/admin.py): edit mkdocs.yml's editor: instead.\n"
    return (header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)).encode("utf-8")


# -- section -------------------------------------------------------------------
def admin_section(planner, plan: SitePlan) -> None:
    """``admin/`` on every site when the network options configure ``editor:``."""
    options: NetworkOptions = planner.options
    editor = options.editor
    if editor is None:
        return
    network = planner.network
    folder = plan.source_dir.relative_to(network.root_dir).as_posix()
    has_members = planner.registry.has_members(plan.slug)
    config = admin_config(options, plan.slug, folder, plan.site_url, has_members, plan.org.short_name)
    stylesheets = tuple(plan.brand.stylesheets) if plan.brand is not None else ()
    plan.add_file(f"{ADMIN_FOLDER}/index.html", write_admin_html, (plan.org.short_name, admin_csp(editor), stylesheets))
    plan.add_file(f"{ADMIN_FOLDER}/config.yml", write_admin_config, config)
    script = resources.files("union_network").joinpath("write", "static", ADMIN_SCRIPT).read_bytes()
    plan.add_file(f"{ADMIN_FOLDER}/{ADMIN_SCRIPT}", write_admin_script, hashlib.blake2b(script).hexdigest()[:16])
    version = decap_version()
    for name in decap_files():
        plan.add_file(f"{ADMIN_FOLDER}/{name}", write_decap_file, (name, version))
