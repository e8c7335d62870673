"""union-network: one Git repository, a whole trade-union network of sites.

The package is a renderer-independent core (readers -> flow/sites -> writers)
plus a thin MkDocs adapter in :mod:`union_network.render.mkdocs`.
"""

__version__ = "0.1.0"
