"""The web editor's configuration (features/admin.py) and its option (read/options.py), without a browser.

The browser drives it in tests/browser/test_web_editor.py."""

from __future__ import annotations

import pytest
import yaml
from conftest import run_cli
from netfactory import write_network

from union_network.features.admin import EDITORIAL_WORKFLOW, admin_config, admin_csp, admin_html
from union_network.read.options import EditorOptions, NetworkOptions


def options(**editor) -> NetworkOptions:
    return NetworkOptions(editor=EditorOptions(**editor), categories={"meetings": "Собрания", "wages": "Зарплата"})


GITLAB = dict(backend="gitlab", repo="profsever/network", app_id="abc")


def news_fields(config: dict) -> dict[str, dict]:
    return {f["name"]: f for f in config["collections"][0]["fields"]}


def test_no_admin_without_the_option(small_network):
    _, site = small_network
    assert (site / "prim" / "index.html").is_file()
    assert list(site.glob("*/admin")) == []


def test_collections_media_and_fields_of_one_org():
    config = admin_config(options(**GITLAB), "zavod", "orgs/zavod", "https://zavod.net.example/", False, "Профком")
    assert [(c["name"], c["folder"]) for c in config["collections"]] == [
        ("news", "orgs/zavod/news"),
        ("pages", "orgs/zavod"),
    ]
    assert config["media_folder"] == "orgs/zavod/images"
    assert config["locale"] == "ru" and config["publish_mode"] == "editorial_workflow"
    fields = news_fields(config)
    assert fields["categories"]["options"] == [
        {"label": "Собрания", "value": "meetings"},
        {"label": "Зарплата", "value": "wages"},
    ]
    assert fields["categories"]["multiple"] is True
    assert [o["value"] for o in fields["reach"]["options"]] == ["parent", "self", "federation"]
    assert {fields[k]["widget"] for k in ("support", "draft")} == {"boolean"}
    assert [f["name"] for f in fields["event"]["fields"]] == ["start", "end", "place"]
    assert fields["image"]["widget"] == "image" and "image_alt" in fields
    assert "broadcast" not in fields  # refused on an org without members
    assert "local_backend" not in config
    member = admin_config(options(**GITLAB), "terr", "orgs/terr", "https://terr.net.example/", True, "Терком")
    assert news_fields(member)["broadcast"]["widget"] == "boolean"


def test_root_org_and_a_network_root_below_the_repository_top():
    config = admin_config(
        options(**GITLAB, root="sites/net"), "fed", "content", "https://net.example/", True, "Федерация"
    )
    assert [c["folder"] for c in config["collections"]] == ["sites/net/content/news", "sites/net/content"]
    assert config["media_folder"] == "sites/net/content/images"


@pytest.mark.parametrize(
    ("editor", "backend", "hosts"),
    [
        (
            dict(backend="github", repo="a/b", base_url="https://auth.net.example"),
            {"name": "github"},
            ["https://api.github.com", "https://auth.net.example"],
        ),
        (GITLAB, {"name": "gitlab", "auth_type": "pkce", "app_id": "abc"}, ["https://gitlab.com"]),
        (
            dict(
                backend="gitea",
                repo="a/b",
                app_id="x",
                base_url="https://git.net.example",
                api_root="https://git.net.example/api/v1",
            ),
            {"name": "gitea", "auth_type": "pkce", "api_root": "https://git.net.example/api/v1"},
            ["https://git.net.example"],
        ),
        (
            dict(
                backend="forgejo",
                repo="a/b",
                app_id="x",
                base_url="https://code.net.example",
                api_root="https://code.net.example/api/v1",
            ),
            {"name": "forgejo", "auth_type": "pkce"},
            ["https://code.net.example"],
        ),
    ],
)
def test_backends_review_and_csp(editor, backend, hosts):
    opts = options(**editor)
    config = admin_config(opts, "zavod", "orgs/zavod", "https://zavod.net.example/", False, "Профком")
    assert backend.items() <= config["backend"].items()
    assert ("publish_mode" in config) == (editor["backend"] in EDITORIAL_WORKFLOW)
    assert editor["backend"] != "gitea" or "publish_mode" not in config  # Decap's Gitea backend has none
    csp = admin_csp(opts.editor)
    connect = next(d for d in csp.split("; ") if d.startswith("connect-src"))
    assert connect.split()[3:] == hosts
    assert "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval';" in csp  # no host, no 'unsafe-inline' for scripts


def test_local_backend_lets_the_preview_hosts_reach_the_proxy():
    opts = options(**GITLAB, local_backend=True)
    config = admin_config(opts, "zavod", "orgs/zavod", "https://zavod.net.example/", False, "Профком")
    assert config["local_backend"] == {
        "url": "http://localhost:8081/api/v1",
        "allowed_hosts": ["localhost", "127.0.0.1", "zavod.localhost"],
    }
    assert "http://localhost:8081" in admin_csp(opts.editor)


def test_admin_page_escapes_the_org_name():
    html = admin_html('Профком <script>alert("x")</script>', "default-src 'self'", ("assets/un-brand.css",))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert '<script src="decap-cms.js"></script>' in html and 'data-preview="../assets/un-brand.css"' in html


@pytest.mark.parametrize(
    ("editor", "message"),
    [
        ("{backend: github, repo: a/b}", "для GitHub укажите base_url"),
        ("{backend: gitlab, repo: a/b}", "для gitlab укажите app_id"),
        ("{backend: gitea, repo: a/b, app_id: x}", "для gitea укажите base_url и api_root"),
        ("{backend: bitbucket, repo: a/b}", "editor.backend"),
        ("{backend: gitlab, repo: a/b, app_id: x, local_backend: 'http://example.org/api/v1'}", "local_backend"),
        ("{backend: gitlab, repo: a/b, app_id: x, colour: red}", "colour"),
    ],
)
def test_bad_editor_option_is_a_path_line_problem(tmp_path, editor, message):
    cfg = write_network(tmp_path)
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("      domain: net.example\n", f"      domain: net.example\n      editor: {editor}\n"))
    result = run_cli("check", "-f", str(cfg))
    assert result.exit_code == 1
    line = next(n for n, t in enumerate(cfg.read_text().splitlines(), 1) if "editor:" in t)
    assert f"mkdocs.yml:{line}:" in result.output and message in result.output, result.output
    assert "Traceback" not in result.output


def test_config_yml_is_yaml_decap_can_read(tmp_path):
    from union_network.features.admin import write_admin_config

    config = admin_config(options(**GITLAB), "zavod", "orgs/zavod", "https://zavod.net.example/", False, "Профком")
    text = write_admin_config(config).decode("utf-8")
    assert text.startswith("# ") and yaml.safe_load(text) == config
