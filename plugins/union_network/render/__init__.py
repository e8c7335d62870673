"""Renderers: a site plan -> HTML. Only ``render.mkdocs`` imports MkDocs."""
