"""Which models exist and how they may be named: the model side of ``BattleService``.

The store owns each model's status (admins change it while workers run), so every worker
keeps its own copy and re-reads it every ``MODEL_STATUS_TTL`` seconds. A voter sees a
preview model by codename only; the identity-leak check sees who a side really is. Kept
apart from the battle's life (create, turn, vote) in ``arena.battles.service``, which
inherits this.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from arena.battles.context import prompt_chars
from arena.battles.events import PublicModel
from arena.battles.roster import Contestant, Roster
from arena.errors import InvalidInput
from arena.integrity.validity import model_identity
from arena.store import repository as repo
from arena.store.writer import Writer
from arena.vocabulary import Arena

if TYPE_CHECKING:
    from arena.integrity.identity_terms import ModelIdentity

MODEL_STATUS_TTL = 2.0


class ModelStatus:
    """Mixin of ``BattleService``: the roster as the store has it, cached per worker."""

    engine: Engine
    writer: Writer
    roster: Roster
    max_prompt_chars: int
    _model_ids: dict[str, int]
    _models: dict[str, repo.StoredModel]
    _models_read_at: float

    # ------------------------------------------------------------ set-up

    async def sync_registry(self) -> None:
        specs = [
            {
                "name": c.spec.name,
                "codename": c.spec.codename,
                "organization": c.spec.organization,
                "license": c.spec.license,
                "provider": c.spec.provider,
                "visibility": c.spec.visibility.value,
            }
            for c in self.roster
        ]
        self._model_ids = await self.writer.write(lambda conn: repo.upsert_models(conn, specs))
        await self.refresh_models()

    async def refresh_models(self) -> None:
        models = await asyncio.to_thread(self._read, repo.list_models)
        self._models = {m.name: m for m in models}
        self._model_ids.update({m.name: m.id for m in models})
        self._models_read_at = time.monotonic()

    async def models(self) -> dict[str, repo.StoredModel]:
        """Model status as the store has it; other workers' changes show within seconds."""
        if time.monotonic() - self._models_read_at > MODEL_STATUS_TTL:
            await self.refresh_models()
        return self._models

    def stored_model(self, name: str) -> repo.StoredModel | None:
        """The store's record of a model as last read (refreshed every few seconds)."""
        return self._models.get(name)

    def status(self, name: str) -> str:
        stored = self._models.get(name)
        if stored is not None:
            return stored.visibility
        contestant = self.roster.get(name)
        return contestant.spec.visibility.value if contestant else "deprecated"

    def public_roster(self) -> list[tuple[Contestant, repo.StoredModel | None]]:
        """Models a voter may pick by name: not in preview."""
        return [
            (c, self._models.get(c.name)) for c in self.roster if self.status(c.name) != "preview"
        ]

    def battle_candidates(self, arena: Arena = Arena.text) -> list[Contestant]:
        return [
            c
            for c in self.roster
            if c.spec.sampling_weight > 0
            and self.status(c.name) != "deprecated"
            and c.spec.serves(arena)
        ]

    def arenas(self) -> dict[Arena, int]:
        """Battle-ready models per arena, for the arenas that have at least two."""
        counts = {arena: len(self.battle_candidates(arena)) for arena in Arena}
        return {arena: n for arena, n in counts.items() if n >= 2}

    def prompt_chars(self, arena: Arena) -> int:
        """The longest prompt any model this arena may draw can read (a page says it first)."""
        return prompt_chars(self.battle_candidates(arena), self.max_prompt_chars)

    def _read(self, fn: Any, *args: Any) -> Any:
        with self.engine.connect() as conn:
            return fn(conn, *args)

    def _public_contestant(self, name: str) -> Contestant:
        contestant = self.roster.get(name)
        status = self.status(name)
        if contestant is None or status == "preview":
            raise InvalidInput(f"unknown model {name!r}; see GET /api/v1/models")
        if status == "deprecated":
            raise InvalidInput(f"model {name!r} is deprecated and takes no new battles")
        return contestant

    def public_model(self, name: str) -> PublicModel:
        """How a model may be named outside this class (history, personal boards)."""
        return self._public(name)

    def _public(self, name: str) -> PublicModel:
        """How a model may be named to a voter: preview models by codename only."""
        stored = self._models.get(name)
        if stored is None:
            return PublicModel(name, None)
        if stored.visibility == "preview":
            return PublicModel(stored.codename or "anonymous", None)
        return PublicModel(stored.name, stored.organization)

    def _identity(self, name: str) -> ModelIdentity:
        """Who a side is, for the identity-leak check: the store's record and the registry's."""
        contestant = self.roster.get(name)
        return model_identity(name, self._models.get(name), contestant.spec if contestant else None)
