"""The battle life cycle over a stateless store: any worker can serve any step.

Everything a battle needs (its pair, its history, its lock) lives in the
database, so several app workers can sit behind one load balancer. What a
client receives before the vote is built from side events (``events.py``) that
carry only a side letter and what the side produced: the model behind a side
never enters them.

The life is the same in every arena; where arenas differ (what a turn brings, what
a side is sent and returns, how it is checked, shown and exported) the service
asks the battle's arena object (``battles/arenas/``) and never its name.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from arena.battles.arenas import ArenaPlugin, TurnInput, arena_plugin
from arena.battles.context import ensure_fits
from arena.battles.events import (
    BattleCreated,
    Mode,
    TurnStarted,
    VoteCast,
)
from arena.battles.model_status import ModelStatus
from arena.battles.pictures import BattlePictures
from arena.battles.previews import WebdevPreviews
from arena.battles.recent import BattleSnapshot, RecentBattles
from arena.battles.refusals import check_owner, turn_refusal, vote_refusal
from arena.battles.roster import Contestant, Roster
from arena.battles.sampling import SamplingPolicy, SamplingStats, WeightedRandomPolicy
from arena.battles.turns import RunningTurn
from arena.battles.voting import battle_view, flags_for_vote
from arena.clock import SYSTEM_CLOCK, Clock
from arena.errors import Conflict, InvalidInput
from arena.integrity.validity import uncounted_reason
from arena.providers.base import ChatMessage
from arena.store import repository as repo
from arena.store import trust_repo
from arena.store.blobs import BlobStore
from arena.store.requester import Requester
from arena.store.writer import Writer
from arena.vocabulary import Arena, Winner

if TYPE_CHECKING:
    from arena.categories.judge import LlmJudge

log = logging.getLogger(__name__)


class BattleService(ModelStatus):
    """A battle's life: create, turns, vote, read. Which models exist and how a voter may
    name them comes from ``ModelStatus``."""

    def __init__(
        self,
        engine: Engine,
        writer: Writer,
        roster: Roster,
        policy: SamplingPolicy | None = None,
        rng: random.Random | None = None,
        stats_source: Callable[[Arena], SamplingStats | None] | None = None,
        images: BlobStore | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.engine = engine
        self.clock = clock  # leases, vote timing and holds (see arena.clock)
        self.writer = writer
        self.roster = roster
        self.policy = policy or WeightedRandomPolicy()
        self.min_vote_seconds = 0.0
        self.max_prompt_chars = 16_000
        # Issue 19: when set, a new identity's votes wait off the board (see store/trust_repo).
        self.hold_new_clients: str | None = None
        # Current vote counts and fitted scores for policies that adapt to them.
        self.stats_source = stats_source or (lambda _arena: None)
        # Where uploaded and generated pictures live; only image arenas need it.
        self.pictures = BattlePictures(images)
        self.previews = WebdevPreviews(engine, writer)
        self._rng = rng or random.SystemRandom()
        self._model_ids: dict[str, int] = {}
        self._models: dict[str, repo.StoredModel] = {}
        self._models_read_at = 0.0
        # Skips the read before a turn or vote on battles this worker just served.
        self.recent = RecentBattles()
        # Names this worker on the turn leases it takes (see arena.store.workers).
        self.worker_id: str | None = None
        # Issue 11: an LLM judge of categories, when one is configured (after the tagger).
        self.judge: LlmJudge | None = None

    # ------------------------------------------------------------ create

    async def create(
        self,
        mode: Mode,
        models: list[str] | None,
        client_hash: str | None,
        user_id: str | None,
        arena: Arena = Arena.text,
        *,
        owner_key: str | None = None,
    ) -> BattleCreated:
        if mode is Mode.anonymous:
            if models:
                raise InvalidInput("anonymous battles draw their own models; omit 'models'")
            await self.models()
            pairing = self.policy.draw(
                self.battle_candidates(arena), self._rng, stats=self.stats_source(arena)
            )
            pair = [pairing.model_a, pairing.model_b]
            self._rng.shuffle(pair)
            a, b = pair
            policy, probability = pairing.policy, pairing.probability
        else:
            wanted = 2 if mode is Mode.side_by_side else 1
            if not models or len(models) != wanted:
                raise InvalidInput(f"{mode.value} needs exactly {wanted} model name(s) in 'models'")
            if len(set(models)) != len(models):
                raise InvalidInput("pick two different models")
            await self.models()
            chosen = [self._public_contestant(name) for name in models]
            for contestant in chosen:
                if not contestant.spec.serves(arena):
                    label = arena_plugin(arena).label
                    raise InvalidInput(f"model {contestant.name!r} does not battle in {label}")
            a = chosen[0]
            b = chosen[1] if wanted == 2 else None
            policy, probability = f"user_choice/{mode.value}", None

        battle_id = str(uuid.uuid4())
        values = {
            "id": battle_id,
            "mode": mode.value,
            "model_a_id": self._model_ids[a.name],
            "model_b_id": self._model_ids[b.name] if b else None,
            "sampling_policy": policy,
            "pair_probability": probability,
            "client_hash": client_hash,
            "user_id": user_id,
            "arena": arena.value,
            "owner_key": owner_key,
        }
        await self.writer.write(lambda conn: repo.insert_battle(conn, **values))
        stored = repo.StoredBattle(
            id=battle_id,
            mode=mode.value,
            model_a=a.name,
            model_b=b.name if b else None,
            status="open",
            failure_reason=None,
            turns=0,
            turn_lock_until=None,
            created_at=self.clock.now(),
            winner=None,
            arena=arena.value,
            owner_key=owner_key,
            user_id=user_id,
        )
        self.recent.put(BattleSnapshot(stored, ()))
        if mode is Mode.anonymous:
            return BattleCreated(battle_id, None)
        shown = [self._public(c.name) for c in (a, b) if c is not None]
        return BattleCreated(battle_id, shown)

    # ------------------------------------------------------------ turns

    async def turn(
        self,
        battle_id: str,
        prompt: str,
        requester: Requester | None = None,
        image_ids: Sequence[str] = (),
    ) -> TurnStarted:
        """Validate, claim the battle, and return the stream of events for one turn.

        Checks run before the first byte, so a bad request gets a plain 4xx. A battle
        this worker just served starts from its snapshot; the claim re-checks it.
        ``requester`` None is a trusted in-process caller; the web layer always sets it.
        """
        snapshot = self.recent.get(battle_id)
        if snapshot is not None:
            check_owner(snapshot.battle, requester)
        if snapshot is not None and turn_refusal(snapshot.battle, self.clock.now()) is None:
            started = await self._start_turn(snapshot, prompt, image_ids)
            if started is not None:
                return started
            self.recent.drop(battle_id)  # another worker moved it on: read afresh
        battle, history = await asyncio.to_thread(self._load_for_turn, battle_id, requester)
        started = await self._start_turn(BattleSnapshot(battle, tuple(history)), prompt, image_ids)
        if started is None:
            raise Conflict("another turn of this battle is running; wait for it to finish")
        return started

    async def _start_turn(
        self, snapshot: BattleSnapshot, prompt: str, image_ids: Sequence[str] = ()
    ) -> TurnStarted | None:
        """Start both sides and claim the battle; None if the claim fails."""
        battle, history = snapshot.battle, list(snapshot.history)
        plugin = arena_plugin(battle.arena)
        turn = TurnInput(prompt, tuple(image_ids), battle.turns)
        plugin.check_turn(turn)
        sides = {"a": battle.model_a} if battle.model_b is None else {
            "a": battle.model_a, "b": battle.model_b
        }  # fmt: skip
        contestants: dict[str, Contestant] = {}
        for side, name in sides.items():
            contestant = self.roster.get(name)
            if contestant is None:
                raise Conflict("this battle's models are no longer available; start a new battle")
            contestants[side] = contestant
        conversations = await self._conversations(plugin, history, contestants, turn)
        # before the claim: nothing runs
        stated = self.prompt_chars(Arena(battle.arena)) if battle.turns == 0 else None
        await ensure_fits(contestants, conversations, stated)
        longest = max(c.spec.timeout_total for c in contestants.values())
        now = self.clock.now()
        lock_until = now + timedelta(seconds=longest + 30)
        # Claim first, then start the models. Overlapping the two was slower: while
        # the loop built both upstream requests, the writer thread waited for the
        # GIL, and the claim came back later than the first token.
        locked = await self.writer.write(
            lambda conn: repo.lock_turn(
                conn,
                battle.id,
                battle.turns,
                lock_until,
                self.worker_id,
                now,
                (battle.owner_key, battle.user_id),
            ),
            durable=False,
        )
        if not locked:
            return None
        running = RunningTurn(
            snapshot, plugin, turn, self.writer, self.recent, self.pictures, self.judge, self.clock
        )
        return running.start(contestants, conversations)

    async def _conversations(
        self,
        plugin: ArenaPlugin,
        history: list[dict[str, Any]],
        contestants: dict[str, Contestant],
        turn: TurnInput,
    ) -> dict[str, list[ChatMessage]]:
        """Each side's messages for this turn; off the loop when the arena reads files."""

        def build() -> dict[str, list[ChatMessage]]:
            return {
                side: plugin.side_messages(history, side, turn, self.pictures.load)
                for side in contestants
            }

        if not plugin.messages_in_thread:
            return build()
        return await asyncio.to_thread(build)

    def _load_for_turn(
        self, battle_id: str, requester: Requester | None
    ) -> tuple[repo.StoredBattle, list[dict[str, Any]]]:
        with self.engine.connect() as conn:
            battle = repo.get_battle(conn, battle_id)
            check_owner(battle, requester)
            assert battle is not None
            refusal = turn_refusal(battle, self.clock.now())
            if refusal is not None:
                raise Conflict(refusal)
            return battle, repo.list_messages(conn, battle_id)

    # ------------------------------------------------------------ vote

    async def vote(
        self,
        battle_id: str,
        winner: Winner,
        client_hash: str | None,
        user_id: str | None,
        requester: Requester | None = None,
    ) -> VoteCast:
        snapshot = self.recent.get(battle_id)
        if snapshot is not None:
            check_owner(snapshot.battle, requester)
        if snapshot is not None and vote_refusal(snapshot.battle, self.clock.now()) is None:
            # The write re-checks that the battle is still as cached; if not, read afresh.
            cast = await self._record_vote(
                snapshot.battle, list(snapshot.history), winner, client_hash, user_id, True
            )
            if cast is not None:
                return cast

        def load(conn: Any) -> tuple[repo.StoredBattle | None, list[dict[str, Any]]]:
            return repo.get_battle(conn, battle_id), repo.list_messages(conn, battle_id)

        self.recent.drop(battle_id)
        battle, messages = await asyncio.to_thread(self._read, load)
        check_owner(battle, requester)
        assert battle is not None
        refusal = vote_refusal(battle, self.clock.now())
        if refusal is not None:
            raise Conflict(refusal)
        cast = await self._record_vote(battle, messages, winner, client_hash, user_id, False)
        if cast is None:
            raise Conflict("this battle already has a vote")
        return cast

    async def _record_vote(
        self,
        battle: repo.StoredBattle,
        messages: list[dict[str, Any]],
        winner: Winner,
        client_hash: str | None,
        user_id: str | None,
        from_snapshot: bool,
    ) -> VoteCast | None:
        """Store the vote; None if it was not counted (already voted, or the snapshot was stale)."""
        plugin = arena_plugin(battle.arena)
        refusal = await plugin.vote_refusal(battle, self.engine)
        if refusal is not None:
            raise Conflict(refusal)
        if battle.model_a not in self._models or battle.model_b not in self._models:
            await self.refresh_models()
        # Off the event loop: a long conversation takes milliseconds to check.
        now = self.clock.now()
        flags = await asyncio.to_thread(
            flags_for_vote, plugin, battle, messages, self._identity, self.min_vote_seconds, now
        )
        expected_turns = battle.turns if from_snapshot else None
        hold = self.hold_new_clients

        def write(conn: Any) -> tuple[bool, str | None]:
            counted = repo.record_vote(
                conn,
                battle.id,
                winner.value,
                client_hash,
                user_id,
                flags,
                expected_turns,
                now,
                (battle.owner_key, battle.user_id),
            )
            if counted and hold and client_hash:
                trust_repo.hold_if_new(conn, client_hash, hold, now)
            return counted, trust_repo.client_status(conn, client_hash) if counted else None

        stored, status = await self.writer.write(write)
        self.recent.drop(battle.id)
        if not stored:
            return None
        reason = uncounted_reason(
            flags,
            status,
            mode=battle.mode,
            min_vote_seconds=self.min_vote_seconds,
            hold_rule=hold,
        )
        model_b = battle.model_b or ""
        return VoteCast(
            battle.id, winner.value, self._public(battle.model_a), self._public(model_b), reason
        )

    # ------------------------------------------------------------ read

    async def check_access(self, battle_id: str, requester: Requester) -> None:
        """404 unless ``requester`` may touch this battle (the same answer as for an
        unknown id): for routes that serve a battle's owner without reading the battle."""
        snapshot = self.recent.get(battle_id)
        if snapshot is not None:
            check_owner(snapshot.battle, requester)
            return
        battle = await asyncio.to_thread(self._read, repo.get_battle, battle_id)
        check_owner(battle, requester)

    async def view(self, battle_id: str, requester: Requester | None = None) -> dict[str, Any]:
        def load(conn: Any) -> tuple[repo.StoredBattle, list[dict[str, Any]], dict[str, Any]]:
            battle = repo.get_battle(conn, battle_id)
            check_owner(battle, requester)
            assert battle is not None
            fields = arena_plugin(battle.arena).battle_fields(conn, battle_id)
            return battle, repo.list_messages(conn, battle_id), fields

        battle, messages, fields = await asyncio.to_thread(self._read, load)
        return battle_view(arena_plugin(battle.arena), battle, messages, fields, self._public)
