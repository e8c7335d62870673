"""Typed models of the input: the registry card (org.yml), post front matter, moderation.

These models are the single source of the rules in DESIGN §3–§4; the JSON
Schemas in ``schema/`` that editors' IDEs use are generated from them
(``python -m union_network.schema``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

SLUG_RE = re.compile(r"^[a-z0-9-]{2,40}$")
RESERVED_SLUGS = frozenset({"www"})
_URL_RE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: a Git hosting user or group: ``@ivanova``, ``@profsever/web-team`` (GitLab subgroups: ``@a/b/c``)
OWNER_RE = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")

Kind = Literal["federation", "territorial", "sectoral", "primary"]
Reach = Literal["self", "parent", "federation"]

KIND_LABELS = {
    "federation": "Федерация",
    "territorial": "Территориальная организация",
    "sectoral": "Отраслевая организация",
    "primary": "Первичная организация",
}


def check_slug(value: str) -> str:
    if not SLUG_RE.match(value or ""):
        raise ValueError(
            f"недопустимый slug {value!r}: только строчные латинские буквы, цифры и дефис, от 2 до 40 символов"
        )
    if value in RESERVED_SLUGS:
        raise ValueError(f"slug {value!r} зарезервирован")
    return value


def matching(pattern: re.Pattern[str], message: str) -> Callable[[str], str]:
    """A validator: the value if ``pattern`` matches it, else ValueError(``message``; ``{value!r}`` is the value)."""

    def check(value: str) -> str:
        if not pattern.match(value or ""):
            raise ValueError(message.format(value=value))
        return value

    return check


_url = matching(_URL_RE, "это не адрес сайта (нужен http:// или https://): {value!r}")
_email = matching(_EMAIL_RE, "это не адрес электронной почты: {value!r}")
check_owner = matching(OWNER_RE, "{value!r} — не имя пользователя или группы Git: нужно @имя или @группа/команда")


def _text(value: Any) -> Any:
    """Numbers and dates typed bare in YAML (``phone: 88005553535``) are fine as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Url = Annotated[str, AfterValidator(_url), Field(json_schema_extra={"format": "uri", "pattern": "^https?://"})]
Email = Annotated[str, AfterValidator(_email), Field(json_schema_extra={"format": "email"})]
Slug = Annotated[
    str, AfterValidator(check_slug), Field(json_schema_extra={"pattern": SLUG_RE.pattern, "not": {"const": "www"}})
]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1)]
Owner = Annotated[str, AfterValidator(check_owner), Field(json_schema_extra={"pattern": OWNER_RE.pattern})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def given(self) -> dict[str, Any]:
        """The fields that are filled in, in declaration order (contacts, social links, …)."""
        return {k: v for k, v in self.model_dump().items() if v}


class Contacts(_Strict):
    address: Text | None = None
    phone: Text | None = None
    email: Email | None = None
    hotline: Text | None = None
    feedback_url: Url | None = None


class InfoOfficer(_Strict):
    name: Text
    email: Email | None = None
    phone: Text | None = None


#: The social networks an org card may link to, in display order; a field's title is its label.
class Social(_Strict):
    vk: Url | None = Field(None, title="ВКонтакте")
    telegram: Url | None = Field(None, title="Telegram")
    ok: Url | None = Field(None, title="Одноклассники")
    dzen: Url | None = Field(None, title="Дзен")
    max: Url | None = Field(None, title="MAX")
    youtube: Url | None = Field(None, title="YouTube")
    rutube: Url | None = Field(None, title="Rutube")


SOCIAL_LABELS = {key: str(field.title) for key, field in Social.model_fields.items()}


class OrgCard(_Strict):
    """``org.yml``: the registry card of one organisation (DESIGN §3)."""

    slug: Slug | None = Field(None, description="root only; members: the folder name")
    name: Text
    short_name: Text | None = None
    kind: Kind
    parent: str | None = Field(None, description="slug of the parent organisation (members only)")
    members: int | None = Field(None, ge=0, strict=True)
    contacts: Contacts = Contacts()
    info_officer: InfoOfficer | None = None
    social: Social = Social()
    news_reach: Reach = "parent"
    moderation: Literal["auto", "review"] = "auto"
    editors: list[Owner] = Field(
        [], description="Git users or groups who edit this org's folder (CODEOWNERS): @ivanova, @profsever/web-team"
    )


class Event(_Strict):
    start: datetime
    end: datetime | None = None
    place: Text | None = None


class FrontMatter(_Strict):
    """Front matter of a news post (DESIGN §4)."""

    title: Text
    date: datetime | date
    summary: Text | None = None
    categories: list[str] = []
    tags: list[Text] = []
    reach: Reach | None = None
    support: bool = False
    broadcast: bool = False
    draft: bool = False
    event: Event | None = None
    image: Text | None = Field(
        None,
        description="the post's photo: a raster file (png, jpg, jpeg, webp, gif) in the org's folder, "
        "relative to the post (../images/photo.jpg) or to the folder (/images/photo.jpg)",
        json_schema_extra={"pattern": r"\.(png|jpe?g|webp|gif|PNG|JPE?G|WEBP|GIF)$"},
    )
    image_alt: Text | None = Field(None, description="the photo's text alternative, in Russian (required with image)")

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    f"дата {value!r} не в формате ГГГГ-ММ-ДД или ISO 8601 (2026-03-14T10:30:00+03:00)"
                ) from None
        return value

    @field_validator("categories", "tags", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Moderation(_Strict):
    """``moderation.yml``: an ancestor's decisions on news from below (DESIGN §5.3)."""

    hide: list[str] = []
    promote: list[str] = []


def aware(value: datetime | date, tz: ZoneInfo) -> datetime:
    """Make a front-matter date time-zone aware: a bare date is midnight, a naive time is local to ``tz``."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value
