"""`serve` on 127.0.0.1 against raw HTTP requests: no redirect off-site, the preview's state only
for preview hosts, and every bad path answered (400/404/414), never a dropped connection."""

from __future__ import annotations

import json
import socket
import threading

import pytest
from netfactory import write_network

from union_network.render.mkdocs.render import MkDocsRenderer
from union_network.tools.serve import STATE_PATH, Preview, serve


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve-safety")
    cfg = write_network(root, posts=[dict(org="prim", stem="2026-01-10-a", title="Собрание", date="2026-01-10")])
    lines: list[str] = []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    preview = Preview(cfg, MkDocsRenderer, port, jobs=1, echo=lines.append)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1780315200")
        assert preview.rebuild() is not None, lines
    httpd = serve(preview, "127.0.0.1", port)
    preview.state.error = "orgs/prim/news/x.md:3: секретная ошибка сборки"  # what only preview hosts may see
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield port, lines
    httpd.shutdown()
    httpd.server_close()


def raw(port: int, target: bytes | str, host: str | None = "localhost", method: str = "GET"):
    """Send one request as bytes; return (status, headers, body). A dropped connection fails."""
    if isinstance(target, str):
        target = target.encode()
    request = method.encode() + b" " + target + b" HTTP/1.1\r\n"
    if host is not None:
        request += b"Host: " + host.encode() + b"\r\n"
    request += b"Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data, f"connection dropped without an answer: {target[:80]!r}"
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("iso-8859-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def test_a_folder_without_its_slash_redirects_on_the_same_origin(server):
    port, _ = server
    status, headers, _ = raw(port, "/news")
    assert (status, headers["location"]) == (301, "/news/")
    status, headers, _ = raw(port, "/%2F%2Fnews")  # "///news": still a plain path
    assert (status, headers["location"]) == (301, "/news/")


@pytest.mark.parametrize(
    "target",
    [
        "/%2Fevil.example/..",
        "/%2Fevil.example/%2e%2e",
        "//evil.example/",
        "//evil.example/..",
        "/%5Cevil.example/..",
        "/%5C%5Cevil.example",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "/%09/evil.example",
        "http://evil.example/",
    ],
)
def test_no_redirect_leaves_the_site(server, target):
    port, _ = server
    status, headers, _ = raw(port, target)
    assert status in (301, 400, 404), status
    location = headers.get("location")
    if location is not None:
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (b"/a\x00b", 400),
        ("/a%00b", 400),
        ("/news/%00", 400),
        ("/../../../../etc/passwd", 400),
        ("/news/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400),
        ("/news/..%2F..%2F..%2Fetc%2Fpasswd", 400),
        ("/%zz", 400),
        ("/news%", 400),
        ("/%e0%80%af", 400),  # not UTF-8
        ("/%ff", 400),
        ("/a\x7fb", 400),
        ("/" + "a" * 5000, 414),
        ("/" + "б" * 300, 404),  # one name longer than the file system allows
        ("/" + "a/" * 900, 404),
        ("/.union-network/manifest.json", 404),
        ("/news/.hidden", 404),
        ("/no-such-page/", 404),
        ("*", 400),
    ],
)
def test_bad_paths_get_an_answer_not_a_dropped_connection(server, target, expected):
    port, lines = server
    status, _, body = raw(port, target)
    assert status == expected, body[:200]
    assert not [line for line in lines if line.startswith("serve:")], lines  # no exception in the handler
    assert b"/etc/passwd" not in body and b"root:" not in body


def test_the_state_endpoint_answers_only_preview_hosts(server):
    port, _ = server
    for host in ("localhost", f"localhost:{port}", "127.0.0.1", f"127.0.0.1:{port}", f"prim.localhost:{port}"):
        status, headers, body = raw(port, STATE_PATH, host=host)
        assert status == 200 and headers["content-type"] == "application/json", host
        assert "секретная" in json.loads(body)["error"]
    for host in (
        "evil.example",
        f"evil.example:{port}",
        "localhost.evil.example",
        "prim.localhost.evil.example",
        "a.b.localhost",
        "localhost:80x",
        "[::1]",
        "",
        None,
    ):
        for target in (STATE_PATH, "/__union-network/live.js", "/", "/news/"):
            status, _, body = raw(port, target, host=host)
            assert status == 404, (host, target, status)
            assert "секретная".encode() not in body, (host, target)


def test_the_sites_are_still_served(server):
    port, _ = server
    status, headers, body = raw(port, "/", host=f"localhost:{port}")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"__union-network/live.js" in body
    status, _, body = raw(port, "/news/2026-01-10-a/?utm=1#x", host=f"prim.localhost:{port}")
    assert status == 200 and "Собрание".encode() in body
    status, headers, body = raw(port, "/", host=f"prim.localhost:{port}", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
