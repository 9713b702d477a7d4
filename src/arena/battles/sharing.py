"""Share links: a read-only, scrubbed snapshot of a battle that its owner chose to show.

Only the owner shares or revokes (anyone else gets the same 404 as for an unknown id).
An anonymous battle is shared only after its vote: before it, the snapshot would name
nothing yet a viewer could not vote either, and a later reveal would leak through a link
that was already out. The share id is random (``secrets.token_urlsafe``) and unrelated to
the battle id, which a snapshot never carries. Revoking deletes the share row, so the link
is dead on the next request; deleting the battle cascades to its share.

A snapshot holds what the owner saw after the vote: each side's messages (text scrubbed of
e-mails, phone numbers and addresses; image ids), the vote, and the public names (a preview
model by its codename only). Nothing about who asked: no owner key, client hash or user.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from sqlalchemy.exc import IntegrityError

from arena.battles.events import Mode
from arena.battles.refusals import check_owner
from arena.battles.service import BattleService
from arena.data.scrub import scrub_text
from arena.errors import Conflict, NotFound
from arena.store import repository as repo
from arena.store import shares
from arena.store.requester import Requester

__all__ = ["SHARE_NOT_FOUND", "ShareLinks", "describe", "share_url"]

SHARE_NOT_FOUND = "no such shared battle"
SHARE_ID_BYTES = 18  # 144 random bits, 24 URL-safe characters
DESCRIPTION_CHARS = 200


def share_url(share_id: str) -> str:
    return f"/s/{share_id}"


def _valid_share_id(share_id: str) -> bool:
    return 0 < len(share_id) <= 64 and all(c.isalnum() or c in "-_" for c in share_id)


class ShareLinks:
    """Share, revoke and read shared battles over the battle service's store."""

    def __init__(self, battles: BattleService) -> None:
        self.battles = battles

    async def _owned(self, battle_id: str, requester: Requester) -> repo.StoredBattle:
        if len(battle_id) > 64:
            raise NotFound("no such battle")
        battle = await asyncio.to_thread(self.battles._read, repo.get_battle, battle_id)
        check_owner(battle, requester)
        assert battle is not None
        return battle

    async def share(self, battle_id: str, requester: Requester) -> str:
        """The battle's live share id, made on the first call and the same after."""
        battle = await self._owned(battle_id, requester)
        if battle.mode == Mode.anonymous.value and battle.winner is None:
            raise Conflict("vote first: an anonymous battle is shared after its vote")
        candidate = secrets.token_urlsafe(SHARE_ID_BYTES)
        try:
            return await self.battles.writer.write(
                lambda conn: shares.put_share(conn, battle_id, candidate)
            )
        except IntegrityError:  # another worker shared it at the same moment
            existing = await asyncio.to_thread(self.battles._read, shares.live_share, battle_id)
            if existing is None:
                raise
            return existing

    async def revoke(self, battle_id: str, requester: Requester) -> None:
        """Idempotent for the owner: revoking an unshared battle is not an error."""
        await self._owned(battle_id, requester)
        await self.battles.writer.write(lambda conn: shares.delete_share(conn, battle_id))

    async def snapshot(self, share_id: str) -> dict[str, Any]:
        """What a share link shows; a 404 once revoked or when the battle is gone."""
        if not _valid_share_id(share_id):
            raise NotFound(SHARE_NOT_FOUND)
        battle_id = await asyncio.to_thread(self.battles._read, shares.battle_of_share, share_id)
        if battle_id is None:
            raise NotFound(SHARE_NOT_FOUND)
        try:
            # No requester: the share itself is the permission (checked just above).
            view = await self.battles.view(battle_id, None)
        except NotFound:
            raise NotFound(SHARE_NOT_FOUND) from None
        sides: dict[str, Any] = {}
        for side, entry in view["sides"].items():
            sides[side] = {
                # What the arena shows of each message, with the text scrubbed.
                "messages": [m | {"content": scrub_text(m["content"])} for m in entry["messages"]],
                "model": entry.get("model"),
            }
        return {
            "share_id": share_id,
            "mode": view["mode"],
            "arena": view["arena"],
            "turns": view["turns"],
            "winner": view["winner"],
            "sides": sides,
        }


def describe(snapshot: dict[str, Any]) -> tuple[str, str]:
    """An Open Graph title and description: the names, and the first prompt (scrubbed)."""
    sides = snapshot["sides"]
    names = [(sides[s].get("model") or {}).get("name") for s in ("a", "b") if s in sides]
    names = [n for n in names if n]
    title = " vs ".join(names) if len(names) == 2 else (names[0] if names else "A battle")
    title = f"{title} · Arena"
    prompt = next(
        (m["content"] for m in sides.get("a", {}).get("messages", []) if m["role"] == "user"),
        "",
    )
    prompt = " ".join(prompt.split())
    if len(prompt) > DESCRIPTION_CHARS:
        prompt = prompt[: DESCRIPTION_CHARS - 1].rstrip() + "…"
    return title, prompt or "A shared Arena battle."
