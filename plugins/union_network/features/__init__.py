"""Features: each module adds its pages and output files to site plans (registered in ``registry``)."""
