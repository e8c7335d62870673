"""An nginx server configuration for publishing the built network (``union-network nginx-config``).

Subdomain layout (``url_style: subdomain``): ``<slug>.<domain>`` is served from
``<root>/<slug>/`` (a regex ``server_name`` captures the slug; the slug pattern
allows no dots or slashes, so no directory traversal), the bare and ``www``
domain from ``<root>/<root-slug>/``, ``<root-slug>.<domain>`` redirects to the
bare domain, and any other host under the domain gets 404 (an unknown slug has
no folder, hence 404 too).

Path layout (``url_style: path``): one host serving the tree made by
``union-network assemble`` (the root's site at the top, members in ``/<slug>/``).

Both: feeds with their own media types (RSS, Atom, JSON Feed, iCalendar) and
short caching, Material's content-hashed assets cached for a year as
immutable, other assets for a day, HTML revalidated, ``error_page 404``,
gzip. HTTPS: without ``https`` the 443 servers are written commented out,
ready to enable; with it, port 80 redirects to HTTPS.

The output is meant for nginx's ``http {}`` context (e.g. ``/etc/nginx/sites-available/``),
where the stock configuration already includes ``mime.types``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from union_network.core.urls import PATH, SUBDOMAIN
from union_network.read.brandbook import DEFAULT_VIDEO_HOSTS
from union_network.render.mkdocs.csp import policy as csp_policy

#: Files with a media type of their own (nginx's mime.types says text/xml or nothing).
FEED_TYPES = [
    (r"/feed\.xml$", "application/rss+xml"),
    (r"/atom\.xml$", "application/atom+xml"),
    (r"/feed\.json$", "application/feed+json"),
    (r"\.ics$", "text/calendar"),
]
CHARSET_TYPES = "text/css text/plain text/xml text/calendar application/javascript application/json application/rss+xml application/atom+xml application/feed+json"
GZIP_TYPES = "text/css text/plain text/xml text/calendar application/javascript application/json application/rss+xml application/atom+xml application/feed+json image/svg+xml"

CACHE_HTML = "no-cache"  # revalidate every time (ETag / Last-Modified make it cheap)
CACHE_FEEDS = "public, max-age=300"
CACHE_ASSETS = "public, max-age=86400"
CACHE_HASHED = "public, max-age=31536000, immutable"
#: Material's bundles carry a content hash: main.57a0d79d.min.css, bundle.a5f9d56c.min.js
HASHED_ASSETS = r"^/(.+/)?assets/.+\.[0-9a-f]{8,}\.min\.(css|js)(\.map)?$"

SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
]


@dataclass
class NginxOptions:
    domain: str
    root_slug: str
    root: str = "/srv/site"  # the build output: <root>/<slug>/ (subdomain) or the assembled tree (path)
    url_style: str = SUBDOMAIN
    https: bool = False  # active 443 servers and HTTP -> HTTPS redirects; otherwise 443 commented out
    listen: list[str] = field(default_factory=lambda: ["", "[::]"])  # "" = every IPv4 address
    http_port: int = 80
    https_port: int = 443
    certificate: str | None = None
    certificate_key: str | None = None
    video_hosts: tuple[str, ...] = DEFAULT_VIDEO_HOSTS  # theme/brandbook.yml: the CSP's frame-src
    admin_csp: str = ""  # features/admin.py: the web editor's own policy at /admin/ (when editor: is set)

    @property
    def csp(self) -> str:
        """The Content-Security-Policy header: the policy of every page's <meta> (render/mkdocs/csp.py)."""
        return csp_policy(self.video_hosts, f"https://{self.domain}", header=True)

    @property
    def cert(self) -> str:
        return self.certificate or f"/etc/letsencrypt/live/{self.domain}/fullchain.pem"

    @property
    def key(self) -> str:
        return self.certificate_key or f"/etc/letsencrypt/live/{self.domain}/privkey.pem"


def _listen(opts: NginxOptions, port: int, ssl: bool) -> list[str]:
    suffix = " ssl http2" if ssl else ""
    return [f"listen {addr + ':' if addr else ''}{port}{suffix};" for addr in opts.listen]


def _headers(cache: str | None, https: bool, csp: str = "") -> list[str]:
    lines = [f'add_header Cache-Control "{cache}" always;'] if cache else []
    lines += [f'add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS]
    if csp:
        lines.append(f'add_header Content-Security-Policy "{csp}" always;')
    if https:
        lines.append('add_header Strict-Transport-Security "max-age=31536000" always;')
    return lines


def _block(head: str, body: list[str], indent: str = "    ") -> list[str]:
    return [f"{head} {{", *[indent + line if line else "" for line in body], "}"]


#: certbot --webroot (HTTP-01) for names that need no wildcard certificate; wins over the dot-file rule.
ACME = [
    "# Certificates: certbot --webroot -w /var/www/letsencrypt (HTTP-01).",
    *_block("location ^~ /.well-known/acme-challenge/", ["root /var/www/letsencrypt;"]),
]


#: The bulletin's e-mail version is a standalone document with inline styles (as mail clients need).
EMAIL_PAGE = r"/bulletin/[^/]+/email\.html$"


def cors_variable(domain: str) -> str:
    """The variable holding the allowed ``Origin`` of a search-index request (one per network's domain)."""
    return "$un_search_cors_" + re.sub(r"[^a-z0-9]", "_", domain.lower())


def _cors_map(domain: str) -> list[str]:
    """Origins of the network's sites (the bare domain and any ``<slug>.<domain>``), for the search indexes."""
    origin = rf'"~^https?://([a-z0-9-]{{2,40}}\.)?{re.escape(domain)}$"'
    return [
        "# The network search (features/search.py): a site fetches the root's network index from its own",
        "# origin, so the indexes answer the network's origins (and only them) with CORS.",
        *_block(f"map $http_origin {cors_variable(domain)}", ['default "";', f"{origin} $http_origin;"]),
    ]


def _site_body(root: str, https: bool, cors: str | None = None, csp: str = "", admin_csp: str = "") -> list[str]:
    """What every site server holds: root, index, error page, types and caching per location.
    (``add_header`` in a location replaces the server's, so each location repeats the headers.)
    ``cors``: the variable of :func:`cors_variable` (subdomain layout: the search indexes are cross-origin)."""
    search_headers = [f"add_header Access-Control-Allow-Origin {cors} always;", 'add_header Vary "Origin" always;']
    body = [
        f"root {root};",
        "index index.html;",
        "charset utf-8;",
        f"charset_types {CHARSET_TYPES};",
        "gzip on;",
        "gzip_vary on;",
        f"gzip_types {GZIP_TYPES};",
        "server_tokens off;",
        "error_page 404 /404.html;",
        "",
        "# Pages: revalidated on every visit, so new news show at once.",
        *_block("location /", ["try_files $uri $uri/ =404;", *_headers(CACHE_HTML, https, csp)]),
        *(ACME if not https else []),
        "# Dot files (never part of a site) are not served.",
        *_block(r'location ~ "/\."', ["return 404;"]),
        "# Material's content-hashed bundles never change: cache for a year.",
        *_block(f'location ~ "{HASHED_ASSETS}"', _headers(CACHE_HASHED, https, csp)),
        *_block(r'location ~ "^/(.+/)?assets/"', _headers(CACHE_ASSETS, https, csp)),
        "# The bulletin's e-mail version: its inline styles allowed, still no script.",
        *_block(
            f'location ~ "{EMAIL_PAGE}"',
            _headers(CACHE_HTML, https, re.sub(r"style-src [^;]*", "style-src 'self' 'unsafe-inline'", csp)),
        ),
        *(
            [
                "# The web editor (Decap CMS) needs eval and inline styles: its own, looser policy, on /admin/ only.",
                *_block("location ^~ /admin/", _headers(CACHE_HTML, https, admin_csp)),
            ]
            if admin_csp
            else []
        ),
        "# The search index (Pagefind, on the root site): revalidated, as pages are; the other sites of",
        "# the network may fetch it.",
        *_block("location ^~ /pagefind/", [*(search_headers if cors else []), *_headers(CACHE_HTML, https, csp)]),
        "# Feeds and calendars: their own media types, cached briefly.",
    ]
    for pattern, media_type in FEED_TYPES:
        body += _block(
            f'location ~ "{pattern}"', ["types { }", f"default_type {media_type};", *_headers(CACHE_FEEDS, https, csp)]
        )
    return body


def _server(opts: NginxOptions, names: str, body: list[str], ssl: bool) -> list[str]:
    lines = _listen(opts, opts.https_port if ssl else opts.http_port, ssl) + [f"server_name {names};"]
    if ssl:
        lines += [
            f"ssl_certificate {opts.cert};",
            f"ssl_certificate_key {opts.key};",
            "ssl_protocols TLSv1.2 TLSv1.3;",
            "ssl_session_cache shared:union_network_ssl:10m;",
        ]
    return _block("server", lines + body)


def _servers(opts: NginxOptions, ssl: bool) -> list[list[str]]:
    """The server blocks for one port: plain HTTP (``ssl=False``) or HTTPS."""
    domain, root = opts.domain, opts.root.rstrip("/") or "/"
    esc = re.escape(domain)
    serve = ssl or not opts.https  # with https, port 80 only redirects
    scheme = "https" if opts.https else "$scheme"
    servers: list[list[str]] = []

    if not serve:
        body = [*ACME, "# Everything else to HTTPS.", *_block("location /", ["return 301 https://$host$request_uri;"])]
        names = f"{domain} www.{domain}" if opts.url_style == PATH else f".{domain}"  # .domain: it and every subdomain
        return [_server(opts, names, body, ssl)]

    if opts.url_style == PATH:
        servers.append(
            _server(opts, f"{domain} www.{domain}", _site_body(root, ssl, csp=opts.csp, admin_csp=opts.admin_csp), ssl)
        )
        return servers

    cors = cors_variable(domain)
    servers.append(
        _server(
            opts,
            f"{domain} www.{domain}",
            _site_body(f"{root}/{opts.root_slug}", ssl, cors, opts.csp, opts.admin_csp),
            ssl,
        )
    )
    servers.append(_server(opts, f"{opts.root_slug}.{domain}", [f"return 301 {scheme}://{domain}$request_uri;"], ssl))
    slug_host = rf'"~^(?<un_slug>[a-z0-9-]{{2,40}})\.{esc}$"'
    servers.append(_server(opts, slug_host, _site_body(f"{root}/$un_slug", ssl, cors, opts.csp, opts.admin_csp), ssl))
    servers.append(_server(opts, rf'"~\.{esc}$"', ["# Any other name under the domain.", "return 404;"], ssl))
    return servers


def nginx_config(opts: NginxOptions) -> str:
    if opts.url_style not in (SUBDOMAIN, PATH):
        raise ValueError(f"unknown url_style {opts.url_style!r}")
    layout = (
        f"<slug>.{opts.domain} -> {opts.root}/<slug>/, {opts.domain} and www -> {opts.root}/{opts.root_slug}/"
        if opts.url_style == SUBDOMAIN
        else f"{opts.domain}/<slug>/ -> {opts.root}/<slug>/ (the tree made by `union-network assemble`)"
    )
    out = [
        f"# nginx configuration of the union network {opts.domain}: generated by `union-network nginx-config`.",
        f"# Layout: {layout}.",
        "# For the http {} context (e.g. /etc/nginx/sites-available/); it relies on mime.types being included there.",
        "",
    ]
    if opts.url_style == SUBDOMAIN:
        out += _cors_map(opts.domain) + [""]
    out.append("# --- HTTP " + ("(redirects to HTTPS) " if opts.https else "") + "---")
    for server in _servers(opts, ssl=False):
        out += server + [""]
    out.append("# --- HTTPS ---")
    if opts.https:
        for server in _servers(opts, ssl=True):
            out += server + [""]
    else:
        cert_note = (
            f"a wildcard certificate for *.{opts.domain} and {opts.domain}"
            if opts.url_style == SUBDOMAIN
            else "a certificate"
        )
        out += [
            f"# Ready to enable: get {cert_note} (e.g. certbot with a DNS-01",
            "# challenge for the wildcard), then regenerate with --https, which also redirects HTTP to",
            "# HTTPS; or uncomment the servers below.",
        ]
        enabled = NginxOptions(**{**opts.__dict__, "https": True})
        for server in _servers(enabled, ssl=True):
            out += ["# " + line if line else "#" for line in server] + ["#"]
    return "\n".join(out).rstrip("#\n") + "\n"
