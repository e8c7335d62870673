"""Planning: the network -> one :class:`~union_network.core.siteplan.SitePlan` per organisation (pure)."""
