"""The model-level rigging scan on the store: selective voting pooled across identities,
and sleepers judged by their whole history (issue 22).

Invariant: like the other scans this never edits or deletes a vote. It holds votes for
review (:mod:`arena.store.vote_holds`: the board shows them as pending) and flags
identities (``flagged_clients``); each is an audit event and is reversible
(``arena votes release-held``, ``arena votes review``). The reference it judges by is
fitted on veterans only; in a young arena (too few veterans) it is the prior, the
report says so, and no identity is judged against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import Engine

from arena.integrity.selective import (
    IDENTITY_Z,
    VETERAN_HOURS,
    VETERAN_VOTES,
    ModelFlag,
    VoteLog,
    change_point_z,
    model_flags,
    reference_theta,
    suspect_rows,
)
from arena.integrity.trust import TrustPolicy
from arena.store import repository as repo
from arena.store import trust_repo, vote_holds
from arena.store.tables import utcnow

__all__ = ["ModelScanReport", "scan_models"]

OUTCOME = {"model_a": 1.0, "model_b": 0.0}


@dataclass(frozen=True)
class ModelScanReport:
    young: bool
    """Too few veterans: the reference was the prior and no identity was judged."""
    veterans: int
    flags: list[tuple[str, str, float]] = field(default_factory=list)
    """(model, test, z) per flagged model."""
    held: int = 0
    """Votes newly held for review."""
    newly_flagged: list[str] = field(default_factory=list)


def scan_models(
    engine: Engine,
    *,
    policy: TrustPolicy | None = None,
    now: datetime | None = None,
    prior: dict[str, float] | None = None,
    actor: str = "scan",
) -> ModelScanReport:
    """Test every model pooled across identities; hold suspect votes on flagged ones;
    flag identities whose agreement with the reference broke (sleepers).

    ``prior``: model strengths (logits) to judge by while the arena is young, such as a
    frozen earlier board; flat when None.
    """
    policy = policy or TrustPolicy()
    now = now or utcnow()
    with engine.connect() as conn:
        rows = vote_holds.battle_log(conn)
        status = trust_repo.statuses(conn)
    if not rows:
        return ModelScanReport(young=True, veterans=0)
    client_names, log, vote_ids, models, signed = _log(rows, now)
    n, k = len(client_names), len(models)
    voted = log.voted
    first = np.full(n, np.inf)
    np.minimum.at(first, log.client[voted], log.t[voted])
    votes = np.bincount(log.client[voted], minlength=n)
    need = np.where(signed, VETERAN_HOURS * policy.account_age_factor, VETERAN_HOURS)
    excluded = np.array([status.get(c) in ("flagged", "held") for c in client_names])
    veteran = (-first >= need) & (votes >= VETERAN_VOTES) & ~excluded
    prior_theta = None if prior is None else np.array([prior.get(m, 0.0) for m in models])
    theta, young = reference_theta(log, veteran[log.client], k, prior_theta)
    newly: list[str] = []
    decided = {c for c, s in status.items() if s in ("flagged", "cleared")}
    with engine.begin() as conn:
        if not young:
            z = change_point_z(log, theta, n)
            for i in np.flatnonzero(z <= -IDENTITY_Z):
                c = client_names[i]
                reason = (
                    f"change point: its recent votes broke from its own history's agreement "
                    f"with the board (z={z[i]:.2f})"
                )
                payload = {"test": "change_point", "z": float(z[i])}
                if c not in decided and repo.flag_client(conn, c, float(z[i]), reason, actor,
                                                         payload):  # fmt: skip
                    newly.append(c)
        flags = model_flags(log, k, theta, ~veteran[log.client], young_arena=young)
        held = _hold(conn, log, flags, veteran, vote_ids, models, actor)
    return ModelScanReport(
        young=young,
        veterans=int(veteran.sum()),
        flags=[(models[f.model], f.test, f.z) for f in flags],
        held=held,
        newly_flagged=newly,
    )


def _log(
    rows: list[tuple[str, str, str, datetime, int | None, str | None, bool]], now: datetime
) -> tuple[list[str], VoteLog, np.ndarray, list[str], np.ndarray]:
    client, a, b, at, vote_id, winner, signed = zip(*rows, strict=True)
    client_names = sorted(set(client))
    index = {c: i for i, c in enumerate(client_names)}
    models = sorted(set(a) | set(b))
    mindex = {m: i for i, m in enumerate(models)}
    account = np.zeros(len(client_names), bool)
    for c, s in zip(client, signed, strict=True):
        account[index[c]] |= s
    log = VoteLog(
        client=np.array([index[c] for c in client]),
        a=np.array([mindex[m] for m in a]),
        b=np.array([mindex[m] for m in b]),
        voted=np.array([v is not None for v in vote_id]),
        outcome=np.array([OUTCOME.get(w or "", 0.5) for w in winner]),
        t=np.array([(t - now).total_seconds() / 3600.0 for t in at]),
    )
    ids = np.array([v if v is not None else -1 for v in vote_id])
    return client_names, log, ids, models, account


def _hold(
    conn: object,
    log: VoteLog,
    flags: list[ModelFlag],
    veteran: np.ndarray,
    vote_ids: np.ndarray,
    models: list[str],
    actor: str,
) -> int:
    held = 0
    for f in flags:
        rows = suspect_rows(log, [f], veteran[log.client])
        ids = [int(v) for v in vote_ids[rows] if v >= 0]
        reason = f"{models[f.model]}: {f.test} z={f.z:.2f}, pending review"
        payload = {"model": models[f.model], "test": f.test, "z": f.z}
        held += vote_holds.hold_votes(conn, ids, reason, actor, payload)  # type: ignore[arg-type]
    return held
