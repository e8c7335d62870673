"""Readers: files on disk -> domain objects, reporting every problem found."""
