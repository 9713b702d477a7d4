"""The defence settings the rigging simulator compares, as the server would run them.

``none``: nothing but the board. ``scan``: ``arena votes scan`` as it stood before
issue 19 (a per-client likelihood test, refitted once without flagged clients).
``defended``: new identities held back at their first vote until they mature
(:class:`TrustPolicy` defaults), and after each batch the likelihood scan plus the
favouritism and coordination tests against ratings fitted on established clients.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from arena.integrity.trust import TrustPolicy
from arena.simulation.rigging import Defence


def _likelihood_scan(engine: Engine, now: datetime) -> None:
    from arena.integrity.anomaly_scan import scan_voters

    scan_voters(engine, actor="simulate")


def _full_scan(engine: Engine, now: datetime) -> None:
    from arena.integrity.anomaly_scan import scan_voters
    from arena.integrity.rigging_scan import scan_rigging

    scan_voters(engine, actor="simulate")
    scan_rigging(engine, now=now, actor="simulate")


DEFENCES = (
    Defence("none"),
    Defence("scan", scan=_likelihood_scan),
    Defence("defended", hold_new_clients=TrustPolicy().describe(), scan=_full_scan),
)
