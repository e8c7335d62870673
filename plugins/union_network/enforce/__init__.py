"""The tenant boundary: what an organisation's folder may hold, and sanitizing what is rendered from it."""
