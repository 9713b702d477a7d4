"""Model life cycle: preview → public → deprecated, every change audited.

Rules kept here:
- a preview model battles under its codename and never appears on the board or roster;
- releasing a model whose organization has had more than ``PREVIEW_VARIANT_LIMIT``
  models in preview marks its score provisional until it has ``PROVISIONAL_VOTES``
  votes collected after release (so testing many private variants and keeping the
  luckiest cannot buy a confident rank);
- deprecated models take no new battles but stay on the board, marked, with the date;
- nothing is deleted, and each change records who made it and why.
"""

from __future__ import annotations

from sqlalchemy import Connection

from arena.errors import Conflict, InvalidInput, NotFound
from arena.registry import Visibility
from arena.store import repository as repo
from arena.store.tables import utcnow

PREVIEW_VARIANT_LIMIT = 10
PROVISIONAL_VOTES = 2000


def set_model_status(
    conn: Connection, name: str, status: Visibility, actor: str, reason: str
) -> repo.StoredModel:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a reason is required for every status change")
    model = repo.get_model(conn, name)
    if model is None:
        raise NotFound(f"no model named {name!r}")
    if model.visibility == status.value:
        raise Conflict(f"{name} is already {status.value}")
    now = utcnow()
    values: dict[str, object] = {"visibility": status.value, "status_changed_at": now}
    provisional = False
    if model.visibility == Visibility.preview.value and status is Visibility.public:
        variants = repo.count_preview_variants(conn, model.organization)
        provisional = variants > PREVIEW_VARIANT_LIMIT
        values.update(released_at=now, provisional=provisional)
    if status is Visibility.preview and model.visibility != Visibility.preview.value:
        raise Conflict("a public or deprecated model cannot go back into preview")
    payload = {
        "from": model.visibility,
        "to": status.value,
        "reason": reason,
        "provisional": provisional,
        "at": now.isoformat(),
    }
    repo.update_model_status(conn, name, values, actor, payload)
    updated = repo.get_model(conn, name)
    assert updated is not None
    return updated
