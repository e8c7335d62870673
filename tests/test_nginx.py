"""nginx-config (nginx.py) with the real nginx: a tiny network built once, served by nginx started
on 127.0.0.1 (a free port, a temporary prefix, no root needed), fetched with Host headers."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from conftest import run_cli

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(
    not os.access(NGINX, os.X_OK), reason="nginx is not installed (tests/setup/system-deps.sh)"
)

POSTS = [
    dict(org="prim", stem="2026-01-05-sobranie", title="Собрание", date="2026-01-05", reach="federation"),
    dict(org="fed", stem="2026-03-01-fed", title="Новость федерации", date="2026-03-01"),
]
MIME_TYPES = Path("/etc/nginx/mime.types")
FALLBACK_TYPES = """types {
    text/html html; text/css css; application/javascript js; text/xml xml; application/json json;
    image/png png; image/svg+xml svg; image/x-icon ico; font/woff2 woff2;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx in the foreground, one process (master_process off), everything under ``prefix``."""

    def __init__(self, prefix: Path, site_conf: str):
        self.prefix = prefix
        prefix.mkdir(parents=True, exist_ok=True)
        (prefix / "logs").mkdir(exist_ok=True)
        types = f"include {MIME_TYPES};" if MIME_TYPES.is_file() else FALLBACK_TYPES
        temp = "\n".join(
            f"    {kind}_temp_path {prefix / ('tmp-' + kind)};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (prefix / "site.conf").write_text(site_conf, encoding="utf-8")
        (prefix / "nginx.conf").write_text(
            f"""daemon off;
master_process off;
pid {prefix / "nginx.pid"};
error_log {prefix / "logs/error.log"} warn;
events {{ worker_connections 64; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log off;
{temp}
    include {prefix / "site.conf"};
}}
""",
            encoding="utf-8",
        )
        self.cmd = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "logs/error.log")]
        self.proc: subprocess.Popen | None = None

    def test_config(self) -> subprocess.CompletedProcess:
        return subprocess.run([*self.cmd, "-t"], capture_output=True, text=True)

    def start(self, port: int) -> None:
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(200):
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.proc.stderr.read().decode()} {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def log(self) -> str:
        path = self.prefix / "logs/error.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def get(port: int, host: str, path: str = "/", tls: bool = False, headers: dict[str, str] | None = None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
        # SNI must name the host too: connect through a socket wrapped for that name.
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        conn.sock = context.wrap_socket(sock, server_hostname=host)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host)
    for name, value in (headers or {}).items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.fixture(scope="module")
def built(small_network):
    cfg, _ = small_network
    return cfg.parent, cfg


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    root, cfg = built
    port = free_port()
    conf = tmp_path_factory.mktemp("nginx") / "generated.conf"
    result = run_cli(
        "nginx-config",
        "-f",
        str(cfg),
        "--out",
        str(conf),
        "--root",
        str(root / "site"),
        "--listen",
        "127.0.0.1",
        "--http-port",
        str(port),
    )
    assert result.exit_code == 0, result.output
    nginx = Nginx(conf.parent / "prefix", conf.read_text(encoding="utf-8"))
    checked = nginx.test_config()
    assert checked.returncode == 0, checked.stderr
    assert "[warn]" not in checked.stderr, checked.stderr
    nginx.start(port)
    yield port, root / "site"
    nginx.stop()


def test_each_org_home_page_by_host(server):
    port, site = server
    for host, slug in [
        ("net.example", "fed"),
        ("www.net.example", "fed"),
        ("terr.net.example", "terr"),
        ("prim.net.example", "prim"),
    ]:
        status, headers, body = get(port, host)
        assert status == 200, host
        assert body == (site / slug / "index.html").read_bytes(), host
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["cache-control"] == "no-cache"
        assert headers["x-content-type-options"] == "nosniff"


def test_a_post_and_its_feeds_with_their_content_types(server):
    port, site = server
    status, _, body = get(port, "prim.net.example", "/news/2026-01-05-sobranie/")
    assert status == 200 and body == (site / "prim/news/2026-01-05-sobranie/index.html").read_bytes()
    expected = {
        "/news/feed.xml": "application/rss+xml; charset=utf-8",
        "/news/atom.xml": "application/atom+xml; charset=utf-8",
        "/news/feed.json": "application/feed+json; charset=utf-8",
    }
    for path, media_type in expected.items():
        status, headers, body = get(port, "prim.net.example", path)
        assert status == 200, path
        assert headers["content-type"] == media_type, path
        assert headers["cache-control"] == "public, max-age=300", path
        assert body == (site / "prim" / path.lstrip("/")).read_bytes()
    status, headers, _ = get(port, "net.example", "/network/atom.xml")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")


def test_calendar_files_are_text_calendar(server):
    port, site = server
    assert (site / "fed" / "events.ics").is_file()  # every site has its calendar (features/events.py)
    status, headers, body = get(port, "net.example", "/events.ics")
    assert status == 200 and headers["content-type"].startswith("text/calendar")
    assert body.startswith(b"BEGIN:VCALENDAR")


def test_asset_caching(server):
    port, site = server
    hashed = next((site / "prim/assets").rglob("main.*.min.css"))
    status, headers, _ = get(port, "prim.net.example", "/" + hashed.relative_to(site / "prim").as_posix())
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    plain = next(p for p in (site / "prim/assets").rglob("*") if p.is_file() and ".min." not in p.name)
    status, headers, _ = get(port, "prim.net.example", "/" + plain.relative_to(site / "prim").as_posix())
    assert status == 200 and headers["cache-control"] == "public, max-age=86400"


def test_the_search_index_answers_the_networks_origins_only(server):
    port, site = server
    entry = "/pagefind/shards.json"
    assert (site / "fed" / entry.lstrip("/")).is_file()
    status, headers, body = get(port, "net.example", entry, headers={"Origin": "https://prim.net.example"})
    assert status == 200 and body == (site / "fed" / entry.lstrip("/")).read_bytes()
    assert headers["access-control-allow-origin"] == "https://prim.net.example"
    assert headers["vary"] == "Origin" and headers["cache-control"] == "no-cache"
    for origin in ("https://evil.example", "https://prim.net.example.evil.example", "https://net.example.evil"):
        status, headers, _ = get(port, "net.example", entry, headers={"Origin": origin})
        assert status == 200 and "access-control-allow-origin" not in headers, origin
    status, headers, _ = get(port, "net.example", "/", headers={"Origin": "https://prim.net.example"})
    assert "access-control-allow-origin" not in headers  # pages: no CORS


def test_unknown_hosts_and_pages_are_404(server):
    port, site = server
    for host in ("nope.net.example", "a.b.net.example", "x.net.example"):
        status, _, _ = get(port, host)
        assert status == 404, host
    status, _, body = get(port, "prim.net.example", "/no/such/page/")
    assert status == 404
    assert body == (site / "prim/404.html").read_bytes()  # error_page 404 /404.html


def test_the_root_slug_subdomain_redirects_to_the_bare_domain(server):
    port, _ = server
    status, headers, _ = get(port, "fed.net.example", "/news/?x=1")
    assert status == 301 and headers["location"] == "http://net.example/news/?x=1"


def test_no_directory_traversal(server, tmp_path):
    port, site = server
    (site / "secret.txt").write_text("secret", encoding="utf-8")  # beside the sites, in the served root
    try:
        for host, path in [
            ("prim.net.example", "/../secret.txt"),
            ("prim.net.example", "/../fed/index.html"),
            ("prim.net.example", "/%2e%2e/secret.txt"),
            ("..net.example", "/secret.txt"),
            ("prim.net.example", "/.union-network/manifest.json"),
        ]:
            status, _, body = get(port, host, path)
            assert status in (400, 404), (host, path, status)
            assert b"secret" not in body
    finally:
        (site / "secret.txt").unlink()


def test_https_config_serves_tls_and_redirects_http(built, tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    root, cfg = built
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=net.example",
            "-addext",
            "subjectAltName=DNS:net.example,DNS:*.net.example",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    result = run_cli(
        "nginx-config",
        "-f",
        str(cfg),
        "--root",
        str(root / "site"),
        "--https",
        "--cert",
        str(cert),
        "--key",
        str(key),
        "--listen",
        "127.0.0.1",
        "--http-port",
        str(http_port),
        "--https-port",
        str(https_port),
    )
    assert result.exit_code == 0, result.output
    nginx = Nginx(tmp_path / "prefix", result.output)
    assert nginx.test_config().returncode == 0, nginx.test_config().stderr
    nginx.start(https_port)
    try:
        status, headers, _ = get(http_port, "prim.net.example", "/news/")
        assert status == 301 and headers["location"] == "https://prim.net.example/news/"
        status, headers, body = get(https_port, "prim.net.example", "/", tls=True)
        assert status == 200 and body == (root / "site/prim/index.html").read_bytes()
        assert headers["strict-transport-security"].startswith("max-age=")
        status, headers, _ = get(https_port, "net.example", "/news/feed.xml", tls=True)
        assert status == 200 and headers["content-type"] == "application/rss+xml; charset=utf-8"
    finally:
        nginx.stop()


def test_plain_config_has_https_ready_but_commented(built):
    _, cfg = built
    text = run_cli("nginx-config", "-f", str(cfg)).output
    active = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not any("443" in line or "ssl_certificate" in line for line in active)
    assert "#     ssl_certificate /etc/letsencrypt/live/net.example/fullchain.pem;" in text
    assert "#     listen 443 ssl http2;" in text
    assert any("listen 80;" in line for line in active) and any("listen [::]:80;" in line for line in active)
    assert any("error_page 404 /404.html;" in line for line in active)


def test_path_style_serves_the_assembled_tree(path_network, tmp_path):
    cfg, _ = path_network
    assert run_cli("assemble", "-f", str(cfg), "--out", str(tmp_path / "public")).exit_code == 0
    port = free_port()
    result = run_cli(
        "nginx-config",
        "-f",
        str(cfg),
        "--root",
        str(tmp_path / "public"),
        "--listen",
        "127.0.0.1",
        "--http-port",
        str(port),
    )
    nginx = Nginx(tmp_path / "prefix", result.output)
    nginx.start(port)
    try:
        status, _, body = get(port, "net.example", "/prim/news/2026-01-05-sobranie/")
        assert status == 200 and b'href="https://net.example/prim/news/2026-01-05-sobranie/"' in body
        status, headers, _ = get(port, "www.net.example", "/prim/news/feed.xml")
        assert status == 200 and headers["content-type"].startswith("application/rss+xml")
        status, _, body = get(port, "net.example", "/")
        assert status == 200 and body == (tmp_path / "public/index.html").read_bytes()
        assert get(port, "net.example", "/nope/")[0] == 404
    finally:
        nginx.stop()


def test_the_web_editor_gets_its_own_policy_and_pages_keep_theirs(tmp_path):
    """Decap CMS needs eval and inline styles: /admin/ carries features/admin.py's policy, every other
    page the strict one (two CSP headers would both apply, and the editor would not start)."""
    from union_network.features.admin import admin_csp
    from union_network.read.options import EditorOptions
    from union_network.tools.nginx import NginxOptions, nginx_config

    site = tmp_path / "site"
    for rel in ("fed/index.html", "fed/admin/index.html", "prim/index.html", "prim/admin/index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("<!doctype html><title>x</title>", encoding="utf-8")
    editor_policy = admin_csp(EditorOptions(backend="gitlab", repo="fed/net", app_id="app-1"))
    port = free_port()
    opts = NginxOptions(
        domain="net.example",
        root_slug="fed",
        root=str(site),
        listen=["127.0.0.1"],
        http_port=port,
        admin_csp=editor_policy,
    )
    nginx = Nginx(tmp_path / "prefix", nginx_config(opts))
    checked = nginx.test_config()
    assert checked.returncode == 0 and "[warn]" not in checked.stderr, checked.stderr
    nginx.start(port)
    try:
        for host in ("net.example", "prim.net.example"):
            status, headers, _ = get(port, host, "/admin/")
            assert status == 200 and headers["content-security-policy"] == editor_policy
            assert "'unsafe-eval'" in editor_policy
            status, headers, _ = get(port, host, "/")
            assert status == 200 and headers["content-security-policy"] == opts.csp
            assert "'unsafe-eval'" not in opts.csp and "'unsafe-eval'" not in headers["content-security-policy"]
    finally:
        nginx.stop()
