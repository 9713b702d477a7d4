"""Defences against vote rigging that run on the store: favouritism, coordination, trust.

Invariant: like :mod:`arena.integrity.anomaly_scan`, this never edits a vote. It
flags clients (``flagged_clients`` rows, one ``client_flagged`` audit event each,
payload naming the test, the model and the figures) and releases held-back
identities that have matured (``client_released`` events). A cleared client is
never flagged again by a scan; a flagged one is never released by it. Every
decision can be reversed with ``arena votes review`` or the admin API.

Order matters: detectors run before releases, so an identity caught while still
held goes from held to flagged without its votes ever touching the board.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import Engine

from arena.clock import SYSTEM_CLOCK, Clock
from arena.integrity.model_scan import ModelScanReport, scan_models
from arena.integrity.trust import TrustPolicy, trust_weights
from arena.ratings.favouritism import FAVOURITISM_Z, Favouritism, favouritism_scan
from arena.store import repository as repo
from arena.store import trust_repo
from arena.store.tables import utcnow

__all__ = ["RiggingScanReport", "periodic_rigging_scan", "scan_rigging"]

log = logging.getLogger(__name__)

#: New identities whose first vote falls within this many hours are judged as a group.
COORDINATION_HOURS = 72.0
#: A held identity that leaned with a coordinated group is released only after this many
#: times the policy's minimum votes (Sybils cast a few votes each and never get there).
SUSPECT_VOTES_FACTOR = 4


@dataclass(frozen=True)
class RiggingScanReport:
    clients: int
    established: int
    flagged: list[Favouritism] = field(default_factory=list)
    newly_flagged: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    held: int = 0
    suspects: int = 0
    """Held identities that leaned with a coordinated group: they need a longer history."""
    models: ModelScanReport | None = None
    """The model-level tests (selective voting pooled across identities, sleepers)."""


def scan_rigging(
    engine: Engine,
    *,
    policy: TrustPolicy | None = None,
    now: datetime | None = None,
    z_threshold: float = FAVOURITISM_Z,
    coordination_hours: float = COORDINATION_HOURS,
    actor: str = "scan",
    models: bool = True,
) -> RiggingScanReport:
    """Flag favouritism and coordinated new identities; release matured held identities.

    ``policy`` says when an identity is established (its votes may form the reference
    fit, and a held one is released); the default is :class:`TrustPolicy`'s.
    """
    policy = policy or TrustPolicy()
    now = now or utcnow()
    with engine.connect() as conn:
        rows = trust_repo.client_history(conn)
        status = trust_repo.statuses(conn)
    if not rows:
        return RiggingScanReport(clients=0, established=0)
    client, model_a, model_b, winner, voted_at, signed = zip(*rows, strict=True)
    names, first, votes, signed_in = _histories(client, voted_at, signed)
    age_hours = np.array([(now - t).total_seconds() / 3600.0 for t in first])
    weight = trust_weights(age_hours, votes, policy, signed_in)
    excluded = {c for c, s in status.items() if s in ("flagged", "held")}
    established = {c for c, w in zip(names, weight, strict=True) if w >= 1.0} - excluded
    # New identities, and held ones of any age: a Sybil swarm stays a group until it counts.
    new = {c for c, h in zip(names, age_hours, strict=True) if h < coordination_hours}
    new |= {c for c, s in status.items() if s == trust_repo.HELD}
    found = favouritism_scan(
        np.array(client, dtype=object),
        np.array(model_a, dtype=object),
        np.array(model_b, dtype=object),
        np.array(winner, dtype=object),
        established=established,
        new=new,
        excluded=excluded,
        z_threshold=z_threshold,
    )
    decided = {c for c, s in status.items() if s in ("flagged", "cleared")}
    newly: list[str] = []
    released: list[str] = []
    caught = {f.client for f in found if f.test != "suspect"}
    # Leaned with a coordinated group but too little evidence to flag: such an identity
    # must build a longer history of its own before it counts (a Sybil never does).
    suspects = {f.client: f for f in found if f.test == "suspect"}
    with engine.begin() as conn:
        for f in found:
            if f.client in decided or f.test == "suspect":
                continue
            # Stored score: lower is more anomalous, as for the likelihood scan's z.
            if repo.flag_client(conn, f.client, -abs(f.z), _reason(f), actor, _payload(f)):
                newly.append(f.client)
        for c, w, h, n in zip(names, weight, age_hours, votes, strict=True):
            if status.get(c) != trust_repo.HELD or w < 1.0 or c in caught:
                continue
            if c in suspects and n < SUSPECT_VOTES_FACTOR * policy.min_votes:
                continue
            reason = f"matured: {h:.0f} hours old, {n} votes ({policy.describe()})"
            payload = {"weight": float(w), "age_hours": float(h), "votes": int(n)}
            if trust_repo.release_client(conn, c, actor, reason, payload):
                released.append(c)
    held = sum(1 for s in status.values() if s == trust_repo.HELD) - len(released)
    by_model = scan_models(engine, policy=policy, now=now, actor=actor) if models else None
    if by_model is not None:
        newly += by_model.newly_flagged
    return RiggingScanReport(
        clients=len(names),
        established=len(established),
        flagged=[f for f in found if f.test != "suspect"],
        suspects=len(suspects),
        newly_flagged=newly,
        released=released,
        held=held,
        models=by_model,
    )


def _histories(
    client: tuple[str, ...], voted_at: tuple[datetime, ...], signed: tuple[bool, ...]
) -> tuple[list[str], list[datetime], np.ndarray, np.ndarray]:
    """Per client: first vote time, votes, signed in (any vote)."""
    first: dict[str, datetime] = {}
    votes: dict[str, int] = {}
    account: dict[str, bool] = {}
    for c, t, s in zip(client, voted_at, signed, strict=True):
        if c not in first or t < first[c]:
            first[c] = t
        votes[c] = votes.get(c, 0) + 1
        account[c] = account.get(c, False) or s
    names = sorted(first)
    return (
        names,
        [first[c] for c in names],
        np.array([votes[c] for c in names]),
        np.array([account[c] for c in names]),
    )


def _reason(f: Favouritism) -> str:
    side = "for" if f.z > 0 else "against"
    if f.test == "coordinated":
        return (
            f"coordinated: {f.group} new identities voted {side} {f.model} beyond its rating "
            f"(pooled z={f.z:.2f}); this one: {f.wins:g} wins in {f.battles} battles, "
            f"expected {f.expected:.1f}"
        )
    return (
        f"favouritism: voted {side} {f.model} beyond its rating: {f.wins:g} wins in "
        f"{f.battles} battles, expected {f.expected:.1f} (z={f.z:.2f})"
    )


def _payload(f: Favouritism) -> dict[str, object]:
    return {
        "test": f.test,
        "model": f.model,
        "battles": f.battles,
        "wins": f.wins,
        "expected": f.expected,
        "z": f.z,
        "group": f.group,
    }


class _Invalidates:
    """Anything with ``invalidate(full=...)``, such as the web board's cache."""

    invalidate: Callable[..., None]


async def periodic_rigging_scan(
    engine: Engine,
    policy: TrustPolicy,
    every_seconds: float,
    board: _Invalidates,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Run :func:`scan_rigging` every ``every_seconds`` while the server runs; identity
    ages are measured on ``clock``, the one the votes were stamped by.

    Several workers may run it at once: flags and releases are idempotent (a
    conditional insert or update), so the second one finds nothing left to do.
    """
    while True:
        await asyncio.sleep(every_seconds)
        try:
            report = await asyncio.to_thread(
                scan_rigging, engine, policy=policy, now=clock.now(), actor="auto"
            )
        except Exception:
            log.exception("the rigging scan failed; retrying at the next interval")
            continue
        if report.newly_flagged or report.released or (report.models and report.models.held):
            board.invalidate(full=True)
