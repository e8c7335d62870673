"""Writers: bytes (feeds, CSV, SVG, package assets) from plan data."""
