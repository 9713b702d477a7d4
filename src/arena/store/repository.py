"""Reads and writes, as plain functions over a SQLAlchemy connection: the store's one
import for callers (``from arena.store import repository as repo``).

Writes take the connection the ``Writer`` opened (inside its transaction); reads take any
connection. Nothing here knows about HTTP or statistics. Each table's functions live in
their own module (models, battles, votes, flagged clients, the audit trail); this module
gathers their names so callers, and tests that patch ``repository.save_turn``, keep one
address.
"""

from __future__ import annotations

from arena.store.audit import append_event, as_utc
from arena.store.battles_repo import (
    Owners,
    StoredBattle,
    get_battle,
    insert_battle,
    list_messages,
    lock_turn,
    preview_outcomes,
    record_preview_outcome,
    release_turn,
    reply_text,
    save_turn,
)
from arena.store.flags_repo import (
    REVIEW_DECISIONS,
    client_votes,
    flag_client,
    flagged_client_hashes,
    flagged_clients_version,
    review_client,
)
from arena.store.models_repo import (
    StoredModel,
    board_models,
    count_preview_variants,
    get_model,
    list_models,
    update_model_status,
    upsert_models,
    votes_since,
)
from arena.store.votes_repo import (
    OFF_BOARD_STATUSES,
    battle_shares,
    count_votes,
    counted_votes,
    grouped_votes,
    not_deduplicated,
    not_from_flagged_client,
    record_vote,
)

__all__ = [
    "OFF_BOARD_STATUSES",
    "REVIEW_DECISIONS",
    "Owners",
    "StoredBattle",
    "StoredModel",
    "append_event",
    "as_utc",
    "battle_shares",
    "board_models",
    "client_votes",
    "count_preview_variants",
    "count_votes",
    "counted_votes",
    "flag_client",
    "flagged_client_hashes",
    "flagged_clients_version",
    "get_battle",
    "get_model",
    "grouped_votes",
    "insert_battle",
    "list_messages",
    "list_models",
    "lock_turn",
    "not_deduplicated",
    "not_from_flagged_client",
    "preview_outcomes",
    "record_preview_outcome",
    "record_vote",
    "release_turn",
    "reply_text",
    "review_client",
    "save_turn",
    "update_model_status",
    "upsert_models",
    "votes_since",
]
