"""Scan voters for anomalous records and flag them for review.

Invariant: the scan never edits or deletes a vote. It only adds rows to
``flagged_clients`` (which the board's vote queries exclude) and writes one
``client_flagged`` audit event per client it newly flags. Already flagged
clients stay flagged and are left out of the reference fit; clearing a flag is
a reviewer's decision, not the scan's, and it stands: a scan never flags a
cleared client again (a reviewer can, with ``arena votes review``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine

from arena.ratings.anomaly import DEFAULT_Z_THRESHOLD, VoterScore, robust_voter_scores
from arena.store import repository as repo

__all__ = ["ScanReport", "scan_voters"]


@dataclass(frozen=True)
class ScanReport:
    """What one scan saw and did.

    Attributes
    ----------
    votes, clients : int
        Valid anonymous votes with a client hash, and distinct clients among them.
    scored : int
        Clients with at least ``min_votes`` votes (the only ones that can be flagged).
    flagged : list of VoterScore
        Clients below the threshold in this scan, lowest z first.
    newly_flagged : list of str
        Client hashes this scan added to ``flagged_clients``.
    """

    votes: int
    clients: int
    scored: int
    flagged: list[VoterScore] = field(default_factory=list)
    newly_flagged: list[str] = field(default_factory=list)


def scan_voters(
    engine: Engine,
    *,
    min_votes: int = 20,
    z_threshold: float = DEFAULT_Z_THRESHOLD,
    actor: str = "scan",
) -> ScanReport:
    """Score every client's votes under the current ratings; flag the anomalous ones.

    The statistic and its two-pass robust fit are in :mod:`arena.ratings.anomaly`.
    Reading and flagging happen in two transactions: votes cast in between are
    simply scored by the next scan.
    """
    with engine.connect() as conn:
        rows = repo.client_votes(conn)
        # Flagged or cleared: both are decided. Held-back and trusted identities may be flagged.
        already = repo.flagged_client_hashes(conn, "flagged") | repo.flagged_client_hashes(
            conn, "cleared"
        )
        off_board = repo.flagged_client_hashes(conn, "flagged") | repo.flagged_client_hashes(
            conn, "held"
        )
    if not rows:
        return ScanReport(votes=0, clients=0, scored=0)
    client, model_a, model_b, winner = (
        np.array(col, dtype=object) for col in zip(*rows, strict=True)
    )
    scores = robust_voter_scores(
        client,
        model_a,
        model_b,
        winner,
        min_votes=min_votes,
        z_threshold=z_threshold,
        exclude_from_fit=off_board,
    )
    flagged = [s for s in scores if s.flagged]
    newly: list[str] = []
    with engine.begin() as conn:
        for s in flagged:
            if s.client in already:
                continue
            reason = (
                f"vote likelihood z={s.z:.2f} < {z_threshold:g} over {s.votes} votes "
                f"(mean log-likelihood {s.mean_loglik:.3f}, expected {s.expected_loglik:.3f})"
            )
            payload = {
                "score": s.z,
                "votes": s.votes,
                "mean_loglik": s.mean_loglik,
                "expected_loglik": s.expected_loglik,
                "z_threshold": z_threshold,
                "min_votes": min_votes,
            }
            if repo.flag_client(conn, s.client, s.z, reason, actor, payload):
                newly.append(s.client)
    return ScanReport(
        votes=len(rows),
        clients=len(scores),
        scored=sum(s.votes >= min_votes for s in scores),
        flagged=flagged,
        newly_flagged=newly,
    )
