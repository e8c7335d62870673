"""Network options: the ``union-network`` entry under ``plugins:`` in mkdocs.yml.

Read here with plain YAML so that the core does not depend on MkDocs; the
MkDocs adapter reads the same keys through its own typed config.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from union_network.core.models import Owner
from union_network.core.problems import Problems
from union_network.read.yamlsrc import YamlDoc, YamlError, load_yaml

PLUGIN_NAME = "union-network"

DEFAULT_CATEGORIES = {
    "meetings": "Собрания и заседания",
    "bargaining": "Колдоговорная кампания",
    "actions": "Акции",
    "youth": "Молодёжь",
    "safety": "Охрана труда",
    "wages": "Заработная плата и занятость",
    "partnership": "Социальное партнёрство",
    "announcements": "Анонсы",
}


EditorBackend = Literal["github", "gitlab", "gitea", "forgejo"]
_HTTPS_URL = r"^https?://[^\s/]+(/[^\s]*)?$"


class EditorOptions(BaseModel):
    """``editor:``: the web editor (Decap CMS) at ``admin/`` of every site; see docs/editors-web.md."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    backend: EditorBackend = Field(description="the Git host: github, gitlab, gitea or forgejo")
    repo: str = Field(pattern=r"^[\w.-]+(/[\w.-]+)+$", description="owner/name of the network's repository")
    branch: str = Field("main", pattern=r"^[\w./-]+$")
    root: str = Field("", pattern=r"^([\w.-]+(/[\w.-]+)*)?$", description="the network root's folder in the repo")
    base_url: str | None = Field(None, pattern=_HTTPS_URL, description="OAuth server (GitHub) or the host's URL")
    auth_endpoint: str | None = Field(None, pattern=r"^[\w./-]+$", description="OAuth path on base_url (GitHub)")
    api_root: str | None = Field(None, pattern=_HTTPS_URL, description="API of a self-hosted GitLab/Gitea/Forgejo")
    app_id: str | None = Field(None, pattern=r"^[\w.-]+$", description="OAuth application (client) id for PKCE")
    local_backend: bool | str = Field(
        False,
        description="true (or the proxy's URL, http://localhost:8081/api/v1): on localhost, edit the working"
        " copy through decap-server",
    )

    @field_validator("local_backend")
    @classmethod
    def _local_url(cls, value: bool | str) -> bool | str:
        if isinstance(value, str) and not re.fullmatch(r"http://(localhost|127\.0\.0\.1)(:\d+)?/api/v1", value):
            raise ValueError("local_backend: true или адрес decap-server вида http://localhost:8081/api/v1")
        return value

    @model_validator(mode="after")
    def _auth(self) -> EditorOptions:
        if self.backend == "github" and not self.base_url:
            raise ValueError("для GitHub укажите base_url: адрес OAuth-сервера (см. docs/editors-web.md)")
        if self.backend != "github" and not self.app_id:
            raise ValueError(f"для {self.backend} укажите app_id: идентификатор OAuth-приложения (PKCE)")
        if self.backend in ("gitea", "forgejo") and not (self.base_url and self.api_root):
            raise ValueError(f"для {self.backend} укажите base_url и api_root вашего сервера")
        return self


class NetworkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    domain: str = Field("profsoyuz.example", pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
    timezone: str = "Europe/Moscow"
    feed_size: int = Field(50, ge=1, le=1000)
    per_page: int = Field(10, ge=1, le=200, description="items per page of news lists")
    home_items: int = Field(5, ge=1, le=50, description="items per block on home pages")
    url_style: Literal["subdomain", "path"] = Field(
        "subdomain", description="subdomain: members at https://<slug>.<domain>/; path: at https://<domain>/<slug>/"
    )
    web_team: Owner | None = Field(None, description="Git user or group of the federation's web team (CODEOWNERS)")
    categories: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_CATEGORIES))
    editor: EditorOptions | None = Field(None, description="the web editor at admin/ (none when not set)")
    maturity: Literal["public", "hidden", "off"] = Field(
        "hidden",
        description=(
            "the maturity/ dashboard: public (in the navigation), hidden (built, not linked, noindex), off (not built)"
        ),
    )

    @field_validator("maturity", mode="before")
    @classmethod
    def _yaml_off(cls, value: object) -> object:
        return "off" if value is False else value  # YAML reads a bare «off» as false

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"неизвестный часовой пояс {value!r}") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def read_options(config_file: Path, problems: Problems) -> NetworkOptions:
    """Read network options from mkdocs.yml; report problems and fall back to defaults."""
    from union_network.read.validation import report_validation_error

    try:
        doc = load_yaml(config_file.read_text(encoding="utf-8"), tolerant=True)
    except OSError as exc:
        problems.error(config_file, None, f"не удаётся прочитать файл: {exc.strerror}")
        return NetworkOptions()
    except YamlError as exc:
        problems.error(config_file, exc.line, exc.message)
        return NetworkOptions()
    plugins = (doc.data or {}).get("plugins") if isinstance(doc.data, dict) else None
    for index, entry in enumerate(plugins or []):
        if isinstance(entry, dict) and PLUGIN_NAME in entry:
            prefix = ("plugins", index, PLUGIN_NAME)
            raw = entry[PLUGIN_NAME] or {}
            break
    else:
        return NetworkOptions()
    try:
        return NetworkOptions(**raw)
    except ValidationError as exc:
        sub = YamlDoc(
            raw, {k[3:]: v for k, v in doc.lines.items() if k[:3] == prefix}, first_line=doc.lines.get(prefix, 1)
        )
        report_validation_error(exc, sub, config_file, problems, NetworkOptions)
        return NetworkOptions()
