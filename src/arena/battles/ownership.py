"""Who may touch a battle: the one rule, in one place.

A battle is read, continued and voted on only by the client that created it. The web
layer gives every browser or API client a random token in an HTTP-only cookie; the store
keeps only a keyed hash of it (``owner_key``), so a database dump does not hand out
working cookies. Anyone else gets the same "not found" as for an id that does not exist,
so a guessed or leaked id (a release row, a log line) tells nothing.

Accounts will add a second way in: a battle whose ``user_id`` is set is also open to that
signed-in user. That is one more clause in ``may_touch``; nothing else changes.
"""

from __future__ import annotations

import hashlib
import hmac

from arena.store.requester import Requester

__all__ = ["client_key", "may_touch"]


def client_key(secret: str, token: str) -> str:
    """The stored form of a client token: HMAC-SHA256 under the server secret, hex."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def may_touch(owner_key: str | None, owner_user_id: str | None, requester: Requester) -> bool:
    """True if ``requester`` may read, continue or vote on a battle with these owners.

    A battle with no owner (imported data, or made before owners were stored) is open
    to no one over HTTP.
    """
    by_client = (
        owner_key is not None
        and requester.client_key is not None
        and hmac.compare_digest(owner_key, requester.client_key)
    )
    by_user = (
        owner_user_id is not None
        and requester.user_id is not None
        and hmac.compare_digest(owner_user_id, requester.user_id)
    )
    return by_client or by_user
