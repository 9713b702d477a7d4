"""The battle life cycle over a stateless store: any worker can serve any step.

Everything a battle needs (its pair, its history, its lock) lives in the
database, so several app workers can sit behind one load balancer. What a
client receives before the vote is built from ``TurnEvent`` values that carry
only a side letter and text: the model behind a side never enters them.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from arena.battles.arenas import ArenaRules, rules_for
from arena.battles.categories import looks_like_code
from arena.battles.context import ensure_fits, finish_fields
from arena.battles.events import CreatedBattle, Mode, PublicModel, TurnEvent
from arena.battles.pictures import BattlePictures
from arena.battles.previews import WebdevPreviews
from arena.battles.recent import BattleSnapshot, RecentBattles
from arena.battles.refusals import check_owner, turn_refusal, vote_refusal
from arena.battles.roster import Contestant, Roster
from arena.battles.sampling import SamplingPolicy, SamplingStats, WeightedRandomPolicy
from arena.categories.background import tag_in_background
from arena.clock import SYSTEM_CLOCK, Clock
from arena.data.style_counts import conv_metadata
from arena.errors import Conflict, InvalidInput, ProviderError
from arena.integrity.validity import code_leaked, model_identity, side_leaked, vote_flags
from arena.providers.base import ChatMessage, GenerationParams
from arena.store import repository as repo
from arena.store import trust_repo
from arena.store.blobs import BlobStore
from arena.store.repository import as_utc
from arena.store.requester import Requester
from arena.store.writer import Writer
from arena.vocabulary import Arena, Winner

if TYPE_CHECKING:
    from arena.categories.judge import LlmJudge

log = logging.getLogger(__name__)

MODEL_STATUS_TTL = 2.0

# Battles sample with the registry's settings, which each provider already holds.
REGISTRY_PARAMS = GenerationParams()

SIDE_FAILED = "This model could not answer. Please start a new battle."
# A later turn that fails is not kept, so the turns before it can still be voted on.
LATER_TURN_FAILED = (
    "This model could not answer this message, so this turn was not kept. "
    "You can still vote on the earlier answers, or start a new battle."
)
TURN_NOT_SAVED = "This turn could not be saved. Please try again or start a new battle."


@dataclass(slots=True)
class _SideResult:
    text: list[str] = field(default_factory=list)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    first_token_ms: float | None = None
    duration_ms: float | None = None
    finish_reason: str | None = None
    failed: bool = False
    image_ids: list[str] = field(default_factory=list)


class BattleService:
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

    def _read(self, fn: Any, *args: Any) -> Any:
        with self.engine.connect() as conn:
            return fn(conn, *args)

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
    ) -> CreatedBattle:
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
                    label = rules_for(arena).label
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
            return CreatedBattle(battle_id, None)
        shown = [self._public(c.name) for c in (a, b) if c is not None]
        return CreatedBattle(battle_id, shown)

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

    # ------------------------------------------------------------ turns

    async def turn(
        self,
        battle_id: str,
        prompt: str,
        requester: Requester | None = None,
        image_ids: Sequence[str] = (),
    ) -> AsyncIterator[TurnEvent]:
        """Validate, claim the battle, and return the stream of events for one turn.

        Checks run before the first byte, so a bad request gets a plain 4xx. A battle
        this worker just served starts from its snapshot; the claim re-checks it.
        ``requester`` None is a trusted in-process caller; the web layer always sets it.
        """
        snapshot = self.recent.get(battle_id)
        if snapshot is not None:
            check_owner(snapshot.battle, requester)
        if snapshot is not None and turn_refusal(snapshot.battle, self.clock.now()) is None:
            events = await self._start_turn(snapshot, prompt, image_ids)
            if events is not None:
                return events
            self.recent.drop(battle_id)  # another worker moved it on: read afresh
        battle, history = await asyncio.to_thread(self._load_for_turn, battle_id, requester)
        events = await self._start_turn(BattleSnapshot(battle, tuple(history)), prompt, image_ids)
        if events is None:
            raise Conflict("another turn of this battle is running; wait for it to finish")
        return events

    async def _start_turn(
        self, snapshot: BattleSnapshot, prompt: str, image_ids: Sequence[str] = ()
    ) -> AsyncIterator[TurnEvent] | None:
        """Start both sides and claim the battle; None if the claim fails."""
        battle, history = snapshot.battle, list(snapshot.history)
        rules = rules_for(battle.arena)
        rules.check_images(battle.turns, image_ids)
        sides = {"a": battle.model_a} if battle.model_b is None else {
            "a": battle.model_a, "b": battle.model_b
        }  # fmt: skip
        contestants: dict[str, Contestant] = {}
        for side, name in sides.items():
            contestant = self.roster.get(name)
            if contestant is None:
                raise Conflict("this battle's models are no longer available; start a new battle")
            contestants[side] = contestant
        conversations = await self._conversations(rules, history, contestants, prompt, image_ids)
        await ensure_fits(contestants, conversations)  # before the claim: nothing runs
        longest = max(c.spec.timeout_total for c in contestants.values())
        now = self.clock.now()
        lock_until = now + timedelta(seconds=longest + 30)
        # Claim first, then start the models. Overlapping the two was slower: while
        # the loop built both upstream requests, the writer thread waited for the
        # GIL, and the claim came back later than the first token.
        locked = await self.writer.write(
            lambda conn: repo.lock_turn(
                conn, battle.id, battle.turns, lock_until, self.worker_id, now
            ),
            durable=False,
        )
        if not locked:
            return None
        queue: asyncio.Queue[TurnEvent] = asyncio.Queue()
        results = {side: _SideResult() for side in contestants}
        tasks = [
            asyncio.create_task(
                self._stream_side(side, c, conversations[side], results[side], queue)
            )
            for side, c in contestants.items()
        ]
        return self._run_turn(snapshot, prompt, results, tasks, queue, list(image_ids))

    async def _conversations(
        self,
        rules: ArenaRules,
        history: list[dict[str, Any]],
        contestants: dict[str, Contestant],
        prompt: str,
        image_ids: Sequence[str],
    ) -> dict[str, list[ChatMessage]]:
        """Each side's messages for this turn; pictures are read off the loop when needed."""

        def build() -> dict[str, list[ChatMessage]]:
            return {
                side: rules.conversation(history, side, prompt, image_ids, self.pictures.load)
                for side in contestants
            }

        if rules.arena is Arena.text:
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

    async def _run_turn(
        self,
        snapshot: BattleSnapshot,
        prompt: str,
        results: dict[str, _SideResult],
        tasks: list[asyncio.Task[None]],
        queue: asyncio.Queue[TurnEvent],
        image_ids: list[str],
    ) -> AsyncIterator[TurnEvent]:
        battle_id = snapshot.battle.id
        saved = False
        try:
            finished = 0
            while finished < len(tasks):
                event = await queue.get()
                if event.done or event.error is not None:
                    finished += 1
                    if finished == len(tasks):
                        # Store the turn before the client sees it end, so a vote
                        # sent straight after the last event always finds it.
                        try:
                            await self._save_turn(snapshot, prompt, results, image_ids)
                            saved = True
                        except Exception:
                            log.exception("could not store a turn of battle %s", battle_id)
                            event = TurnEvent(event.side, error=TURN_NOT_SAVED)
                if event.error == SIDE_FAILED and snapshot.battle.turns > 0:
                    event = TurnEvent(event.side, error=LATER_TURN_FAILED)
                yield event
        finally:
            _cancel(tasks)
            if not saved:
                # The client left mid-turn: nothing of this turn is kept.
                await asyncio.shield(
                    self.writer.write(
                        lambda conn: repo.release_turn(conn, battle_id), durable=False
                    )
                )

    async def _stream_side(
        self,
        side: str,
        contestant: Contestant,
        messages: list[ChatMessage],
        result: _SideResult,
        queue: asyncio.Queue[TurnEvent],
    ) -> None:
        """Forward one side's deltas; always end with exactly one done or error event."""
        spec = contestant.spec
        started = time.perf_counter()
        final = TurnEvent(side, error=SIDE_FAILED)
        try:
            # Providers guard themselves with their registry time-outs.
            async for delta in contestant.provider.stream(messages, REGISTRY_PARAMS):
                if delta.text:
                    if result.first_token_ms is None:
                        result.first_token_ms = (time.perf_counter() - started) * 1000
                    result.text.append(delta.text)
                    queue.put_nowait(TurnEvent(side, delta=delta.text))
                if delta.image is not None:
                    image_id = await asyncio.to_thread(self.pictures.keep, delta.image)
                    if result.first_token_ms is None:
                        result.first_token_ms = (time.perf_counter() - started) * 1000
                    result.image_ids.append(image_id)
                    queue.put_nowait(TurnEvent(side, image=image_id))
                if delta.usage is not None:
                    result.prompt_tokens = delta.usage.prompt_tokens
                    result.completion_tokens = delta.usage.completion_tokens
                if delta.finish_reason is not None:
                    result.finish_reason = delta.finish_reason
            limit = getattr(contestant.provider, "max_tokens", None)
            cut = finish_fields(result.finish_reason, result.completion_tokens, limit)
            final = TurnEvent(side, done=True, finish=cut)
        except ProviderError as exc:
            log.warning("model %s failed in a battle: %s", spec.name, exc)
        except Exception:
            log.exception("model %s failed unexpectedly in a battle", spec.name)
        finally:
            result.failed = final.error is not None
            result.duration_ms = (time.perf_counter() - started) * 1000
            queue.put_nowait(final)

    async def _save_turn(
        self,
        snapshot: BattleSnapshot,
        prompt: str,
        results: dict[str, _SideResult],
        image_ids: list[str],
    ) -> None:
        battle_id, turn = snapshot.battle.id, snapshot.battle.turns + 1
        if turn > 1 and any(r.failed for r in results.values()):
            # Keep the completed turns votable: this turn is dropped, not the battle.
            log.warning("turn %d of battle %s failed; not kept", turn, battle_id)
            self.recent.drop(battle_id)
            await asyncio.shield(
                self.writer.write(lambda conn: repo.release_turn(conn, battle_id), durable=False)
            )
            return
        history = list(snapshot.history)
        now = self.clock.now()
        rows: list[dict[str, Any]] = []
        for side, result in results.items():
            rows.append(
                {
                    "side": side,
                    "role": "user",
                    "content": prompt,
                    "created_at": now,
                    "image_ids": image_ids or None,
                    "parts": self.pictures.parts(prompt, image_ids),
                }
            )
            rows.append(
                {
                    "side": side,
                    "role": "assistant",
                    "created_at": now,
                    "content": "".join(result.text),
                    "prompt_tokens": result.prompt_tokens,
                    "completion_tokens": result.completion_tokens,
                    "first_token_ms": result.first_token_ms,
                    "duration_ms": result.duration_ms,
                    "finish_reason": "error" if result.failed else result.finish_reason,
                    "image_ids": result.image_ids or None,
                    "parts": self.pictures.parts("".join(result.text), result.image_ids),
                }
            )
        failed = [side for side, r in results.items() if r.failed]
        reason = f"side {', '.join(failed)} failed" if failed else None
        details = _battle_details(history + rows, prompt)
        self.recent.drop(battle_id)
        await asyncio.shield(
            self.writer.write(
                lambda conn: repo.save_turn(conn, battle_id, turn, rows, reason, details)
            )
        )
        self.recent.put(snapshot.after_turn([{**r, "turn": turn} for r in rows], bool(failed)))
        if turn == 1:  # categories, off the streaming path (arena.categories.background)
            tag_in_background(self.writer, battle_id, [prompt], turn, self.judge)

    # ------------------------------------------------------------ vote

    async def vote(
        self,
        battle_id: str,
        winner: Winner,
        client_hash: str | None,
        user_id: str | None,
        requester: Requester | None = None,
    ) -> tuple[PublicModel, PublicModel]:
        snapshot = self.recent.get(battle_id)
        if snapshot is not None:
            check_owner(snapshot.battle, requester)
        if snapshot is not None and vote_refusal(snapshot.battle, self.clock.now()) is None:
            # The write re-checks that the battle is still as cached; if not, read afresh.
            revealed = await self._record_vote(
                snapshot.battle, list(snapshot.history), winner, client_hash, user_id, True
            )
            if revealed is not None:
                return revealed

        def load(conn: Any) -> tuple[repo.StoredBattle | None, list[dict[str, Any]]]:
            return repo.get_battle(conn, battle_id), repo.list_messages(conn, battle_id)

        self.recent.drop(battle_id)
        battle, messages = await asyncio.to_thread(self._read, load)
        check_owner(battle, requester)
        assert battle is not None
        refusal = vote_refusal(battle, self.clock.now())
        if refusal is not None:
            raise Conflict(refusal)
        revealed = await self._record_vote(battle, messages, winner, client_hash, user_id, False)
        if revealed is None:
            raise Conflict("this battle already has a vote")
        return revealed

    async def _record_vote(
        self,
        battle: repo.StoredBattle,
        messages: list[dict[str, Any]],
        winner: Winner,
        client_hash: str | None,
        user_id: str | None,
        from_snapshot: bool,
    ) -> tuple[PublicModel, PublicModel] | None:
        """Store the vote; None if it was not counted (already voted, or the snapshot was stale)."""
        if battle.model_a not in self._models or battle.model_b not in self._models:
            await self.refresh_models()
        # Off the event loop: a long conversation takes milliseconds to check.
        flags = await asyncio.to_thread(self._flags, battle, messages)
        expected_turns = battle.turns if from_snapshot else None
        hold = self.hold_new_clients
        now = self.clock.now()

        def write(conn: Any) -> bool:
            counted = repo.record_vote(
                conn, battle.id, winner.value, client_hash, user_id, flags, expected_turns, now
            )
            if counted and hold and client_hash:
                trust_repo.hold_if_new(conn, client_hash, hold, now)
            return counted

        counted = await self.writer.write(write)
        self.recent.drop(battle.id)
        if not counted:
            return None
        return self._public(battle.model_a), self._public(battle.model_b)

    def _flags(self, battle: repo.StoredBattle, messages: list[dict[str, Any]]) -> dict[str, Any]:
        leaked = []
        for side, name in (("a", battle.model_a), ("b", battle.model_b)):
            contestant = self.roster.get(name or "")
            identity = model_identity(
                name or "", self._models.get(name or ""), contestant.spec if contestant else None
            )
            replies = [
                m["content"] for m in messages if m["side"] == side and m["role"] == "assistant"
            ]
            # WebDev code may sign itself (a comment, the title): see code_names_own_model.
            check = code_leaked if battle.arena == Arena.webdev.value else side_leaked
            if check(replies, identity):
                leaked.append(side)
        last = max((as_utc(m["created_at"]) for m in messages), default=None)
        return vote_flags(
            leaked_sides=leaked,
            last_token_at=last,
            voted_at=self.clock.now(),
            min_vote_seconds=self.min_vote_seconds,
        )

    # ------------------------------------------------------------ read

    async def view(self, battle_id: str, requester: Requester | None = None) -> dict[str, Any]:
        def load(conn: Any) -> tuple[repo.StoredBattle | None, list[dict[str, Any]]]:
            return repo.get_battle(conn, battle_id), repo.list_messages(conn, battle_id)

        battle, messages = await asyncio.to_thread(self._read, load)
        check_owner(battle, requester)
        assert battle is not None
        previews: list[dict[str, Any]] = []
        if battle.arena == Arena.webdev.value:
            previews = await asyncio.to_thread(self._read, repo.preview_outcomes, battle_id)
        revealed = battle.winner is not None or battle.mode != Mode.anonymous.value
        sides: dict[str, Any] = {}
        for side, name in (("a", battle.model_a), ("b", battle.model_b)):
            if name is None:
                continue
            entry: dict[str, Any] = {
                "messages": [
                    {"role": m["role"], "content": m["content"]}
                    | ({"images": m["image_ids"]} if m.get("image_ids") else {})
                    for m in messages
                    if m["side"] == side
                ]
            }
            if revealed:
                public = self._public(name)
                entry["model"] = {"name": public.name, "organization": public.organization}
            sides[side] = entry
        return {
            "battle_id": battle.id,
            "mode": battle.mode,
            "arena": battle.arena,
            "status": battle.status,
            "turns": battle.turns,
            "winner": battle.winner,
            "sides": sides,
        } | ({"previews": previews} if battle.arena == Arena.webdev.value else {})

def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()


def _battle_details(messages: list[dict[str, Any]], prompt: str) -> dict[str, Any]:
    """Style counts and category facts of the whole conversation so far."""
    prompts = [m["content"] for m in messages if m["role"] == "user"] + [prompt]

    def replies(side: str) -> list[tuple[str, int | None]]:
        return [
            (m["content"], m.get("completion_tokens"))
            for m in messages
            if m["side"] == side and m["role"] == "assistant"
        ]

    meta = conv_metadata(replies("a"), replies("b"))
    meta["longest_prompt_chars"] = max(len(p) for p in prompts)
    return {"conv_metadata": meta, "is_code": looks_like_code(prompts)}
