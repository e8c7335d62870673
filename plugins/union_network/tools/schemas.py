"""JSON Schemas for editors' IDEs, generated from the pydantic models.

``python -m union_network.tools.schemas`` rewrites ``schema/*.json``; a test checks the
committed files match the models, so the schemas never drift from the rules.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from union_network.core.models import FrontMatter, Moderation, OrgCard

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "org.schema.json": (OrgCard, "Registry card of a union organisation (org.yml)"),
    "post.schema.json": (FrontMatter, "Front matter of a news post (news/*.md)"),
    "moderation.schema.json": (Moderation, "Moderation decisions (moderation.yml)"),
}


def schema_texts() -> dict[str, str]:
    out = {}
    for name, (model, title) in SCHEMAS.items():
        schema = model.model_json_schema()
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": name, "title": title, **schema}
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out


def write_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas():
        print(path)
