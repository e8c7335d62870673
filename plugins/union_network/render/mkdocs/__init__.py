"""The MkDocs + Material renderer: the only part of union-network that imports MkDocs.

Replacing MkDocs means replacing this package: the core hands it a
:class:`~union_network.plan.planner.SitePlan` and a target folder, nothing else.
"""
