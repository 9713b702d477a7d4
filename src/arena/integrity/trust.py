"""How much the board trusts an identity's votes: a weight that grows with age and history.

Invariant: the weight is a pure function of what the store knows about an identity
(hours since its first vote, votes cast, whether it is a signed-in account) and of
the policy; it never looks at how the identity voted (that is the detectors' job).
Votes count on the board once their identity's weight reaches 1; until then they
are *pending*: kept, shown as pending on the board, and counted the moment the
identity matures, unless a detector or a reviewer flags it first. This is what
makes fresh identities worthless to a Sybil attacker (issue 19) while an honest
newcomer's votes arrive on the board only late, never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from arena.settings import Settings

__all__ = ["TrustPolicy", "hold_policy", "trust_weights"]


@dataclass(frozen=True)
class TrustPolicy:
    """When an identity's votes start to count.

    Attributes
    ----------
    min_age_hours : float
        Hours from an identity's first vote until it can count (0: no age needed).
    min_votes : int
        Votes an identity must have cast (0: none needed).
    account_age_factor : float
        Signed-in accounts: their age requirement is multiplied by this
        (``ARENA_TRUST_ACCOUNT_AGE_FACTOR``; the public profile: 0.25), since an account
        has a sign-in with its own abuse limits behind it, a cookie nothing.
    """

    min_age_hours: float = 72.0
    min_votes: int = 5
    account_age_factor: float = 1.0

    @property
    def holds(self) -> bool:
        """Whether new identities wait at all."""
        return self.min_age_hours > 0 or self.min_votes > 0

    def describe(self) -> str:
        return (
            f"an identity's votes count once it is {self.min_age_hours:g} hours old "
            f"and has cast {self.min_votes} votes"
        )


def hold_policy(settings: Settings) -> TrustPolicy | None:
    """The server's new-identity hold (``ARENA_TRUST_*``), or None when it is off."""
    if settings.trust_min_age_hours <= 0:
        return None
    return TrustPolicy(
        settings.trust_min_age_hours, settings.trust_min_votes, settings.trust_account_age_factor
    )


def trust_weights(
    age_hours: np.ndarray,
    votes: np.ndarray,
    policy: TrustPolicy,
    signed_in: np.ndarray | None = None,
) -> np.ndarray:
    """Weight in [0, 1] per identity: product of age and history progress.

    Parameters
    ----------
    age_hours, votes : array-like, shape (C,)
        Hours since the identity's first vote; votes it cast.
    signed_in : array-like of bool, shape (C,), optional
        Signed-in accounts (their age requirement scales by ``account_age_factor``).

    Returns
    -------
    np.ndarray, shape (C,)
        1.0 means the votes count.
    """
    age = np.asarray(age_hours, dtype=np.float64)
    n = np.asarray(votes, dtype=np.float64)
    need_age = np.full(age.shape, float(policy.min_age_hours))
    if signed_in is not None:
        account = np.asarray(signed_in, bool)
        need_age = np.where(account, need_age * policy.account_age_factor, need_age)
    age_part = np.divide(age, need_age, out=np.ones_like(age), where=need_age > 0)
    vote_part = n / policy.min_votes if policy.min_votes > 0 else np.ones_like(n)
    return np.clip(age_part, 0.0, 1.0) * np.clip(vote_part, 0.0, 1.0)
