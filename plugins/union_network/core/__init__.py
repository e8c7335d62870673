"""Plain data of a network: models of the input files, the network, site plans, problems, dates, URLs."""
