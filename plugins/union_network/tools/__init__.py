"""Editors' and publishers' tools: scaffolding, ownership, nginx, live preview, JSON Schemas."""
