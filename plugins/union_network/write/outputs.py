"""Write a plan's extra files (feeds, calendars, downloads) into a rendered site folder."""

from __future__ import annotations

from pathlib import Path

from union_network.core.files import write_atomic
from union_network.core.siteplan import SitePlan


def write_outputs(plan: SitePlan, site_dir: Path) -> int:
    """Write every :class:`~union_network.core.siteplan.OutputFile` of ``plan``; returns how many."""
    for output in plan.files:
        target = site_dir / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, output.write(output.data))
    return len(plan.files)
