"""``arena simulate --scenario rigging``: the published attacks against the real vote path.

Invariant: every vote, honest or rigged, goes through :class:`BattleService`
(create, one streamed turn, vote) into a real store, and every defence runs on
that store exactly as the server or ``arena votes scan`` would; only the models
are fakes whose replies carry a style marker (all an attacker needs to spot the
target). Time is simulated: votes are back-dated after each batch, so identity
age and bursts are what the attack says, not how fast the machine is.

One run: 60 honest clients cast 2,400 votes over four weeks (plus 5 sleeper
identities with an honest history, used only by the mostly-honest attack). The
honest store is built once and copied for each (attack, defence) pair. Each
attack then adds rigged votes in batches, while honest traffic goes on at the
history's rate (a fifth of it from honest newcomers, fresh identities like the
attackers' own); after each batch the defence scans and
the board is refitted from the votes it counts. Reported per pair: rigged votes
until the target first sits one place higher than on the honest board, and, at
``measure_at`` rigged votes (the issue's 400), attacker and honest identities
flagged or held back.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from arena.simulation.rigging_attacks import ATTACKS, Attack, HonestVoter, choose
from arena.simulation.rigging_store import SimulatedArena, client_statuses, counted_board

__all__ = ["AttackResult", "Defence", "RiggingReport", "simulate_rigging"]

START = datetime(2026, 1, 1, tzinfo=UTC)  # the attack starts here; history is before it
HISTORY_DAYS = 28.0
NEWCOMER_SHARE = 0.2
NEWCOMER_VOTES = 8
POINTS_PER_LOGIT = 400.0 / np.log(10.0)

Scan = Callable[[Engine, datetime], None]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Defence:
    """A defence setting: hold new identities' votes at vote time, and a periodic scan."""

    name: str
    hold_new_clients: str | None = None
    """The trust rule in words (stored with each hold), or None: no holding."""
    scan: Scan | None = None


@dataclass(frozen=True)
class AttackResult:
    attack: str
    defence: str
    rigged_share: float
    """Expected share of the attackers' votes cast by the attack's rule (the rest honest)."""
    votes_to_lift: int | None
    """Rigged votes until the target first ranked one place higher; None: not within budget."""
    budget: int
    attackers: int
    attackers_flagged: int
    attackers_held: int
    honest: int
    honest_flagged: int
    honest_held: int
    newcomers: int
    """Honest identities first seen during the attack (their votes are pending by design)."""
    newcomers_flagged: int
    newcomers_held: int
    target_shift: float
    """Target's score at ``measure_at`` rigged votes minus its honest-board score (points)."""
    max_other_shift: float
    """Largest |score change| of another model at ``measure_at``, over its 95% half-width."""


@dataclass
class RiggingReport:
    seed: int
    models: int
    honest_clients: int
    honest_votes: int
    measure_at: int
    target: str
    target_rank: int
    honest_scores: dict[str, float]
    half_widths: dict[str, float]
    baseline: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per defence, with no attack: honest flagged/held and max board shift / half-width."""
    results: list[AttackResult] = field(default_factory=list)


def _rank(scores: dict[str, float], model: str) -> int:
    return 1 + sum(s > scores[model] for s in scores.values())


def simulate_rigging(
    defences: Sequence[Defence],
    *,
    attacks: Sequence[Attack] = ATTACKS,
    seed: int = 0,
    models: int = 8,
    honest_clients: int = 60,
    honest_votes: int = 2400,
    spread: float = 50.0,
    budget: int = 2500,
    batch: int = 25,
    measure_at: int = 400,
    workdir: str | None = None,
    progress: Progress | None = None,
) -> RiggingReport:
    """Run every attack against every defence on one honest history; see the module doc.

    ``spread`` is the true gap between neighbouring models, in points.
    """
    return asyncio.run(
        _simulate(
            defences, attacks, seed, models, honest_clients, honest_votes, spread, budget,
            batch, measure_at, workdir, progress,
        )
    )  # fmt: skip


async def _simulate(
    defences: Sequence[Defence],
    attacks: Sequence[Attack],
    seed: int,
    k: int,
    honest_clients: int,
    honest_votes: int,
    spread: float,
    budget: int,
    batch: int,
    measure_at: int,
    workdir: str | None,
    progress: Progress | None,
) -> RiggingReport:
    rng = random.Random(seed)
    names = [f"model-{i}" for i in range(k)]
    theta = tuple(float(i * spread / POINTS_PER_LOGIT) for i in range(k))  # model-0 weakest
    honest = HonestVoter(theta)
    clients = [f"honest-{i:03d}" for i in range(honest_clients)]
    sleepers = [f"sleeper-{i}" for i in range(5)]
    per_client = max(1, honest_votes // honest_clients)
    if workdir is None and Path("/dev/shm").is_dir():
        workdir = "/dev/shm"  # throw-away stores: no reason to wait for the disk
    with tempfile.TemporaryDirectory(dir=workdir, prefix="arena-rigging-") as tmp:
        base = Path(tmp) / "base.db"
        arena = SimulatedArena(base, names, seed, hold=None)
        await arena.service.sync_registry()
        schedule = [
            (START - timedelta(days=HISTORY_DAYS * rng.random()), c)
            for c in clients + sleepers
            for _ in range(per_client)
        ]
        for at, client in sorted(schedule):
            await arena.battle(client, at, lambda a, b: honest.vote(a, b, rng))
            if progress is not None:
                progress(1)
        arena.backdate()
        board = counted_board(arena.engine, "bootstrap")
        arena.close()
        scores = {m: s for m, (s, _) in board.items()}
        target = names[1]  # the second-weakest model, as in the issue
        target_rank = _rank(scores, target)
        ordered = sorted(scores, key=scores.__getitem__)
        above = frozenset(names.index(m) for m in ordered[ordered.index(target) + 1 :][:2])
        report = RiggingReport(
            seed=seed,
            models=k,
            honest_clients=honest_clients,
            honest_votes=per_client * honest_clients,
            measure_at=measure_at,
            target=target,
            target_rank=target_rank,
            honest_scores=scores,
            half_widths={m: hw for m, (_, hw) in board.items()},
        )
        copies = 0

        def copy() -> Path:
            nonlocal copies
            copies += 1
            path = Path(tmp) / f"run-{copies}.db"
            shutil.copyfile(base, path)
            return path

        for defence in defences:
            report.baseline[defence.name] = await _baseline(
                copy(), names, seed, defence, clients, report
            )
        for attack in attacks:
            for defence in defences:
                result = await _attack(
                    copy(), names, random.Random(f"{seed}:{attack.name}"), attack, defence, honest,
                    clients, sleepers, target, above, budget, batch, report, progress,
                )  # fmt: skip
                report.results.append(result)
    return report


async def _baseline(
    path: Path,
    names: list[str],
    seed: int,
    defence: Defence,
    clients: list[str],
    report: RiggingReport,
) -> dict[str, float]:
    """No attack: whom the defence flags or holds, and how far it moves the honest board."""
    arena = SimulatedArena(path, names, seed, defence.hold_new_clients)
    try:
        if defence.scan is not None:
            defence.scan(arena.engine, START)
        status = client_statuses(arena.engine)
        board = {m: s for m, (s, _) in counted_board(arena.engine).items()}
    finally:
        arena.close()
    shift = max(
        (abs(board[m] - s) / report.half_widths[m] for m, s in report.honest_scores.items()),
        default=0.0,
    )
    return {
        "honest_flagged": sum(status.get(c) == "flagged" for c in clients),
        "honest_held": sum(status.get(c) == "held" for c in clients),
        "max_shift_over_half_width": shift,
    }


async def _attack(
    path: Path,
    names: list[str],
    rng: random.Random,
    attack: Attack,
    defence: Defence,
    honest: HonestVoter,
    clients: list[str],
    sleepers: list[str],
    target: str,
    above: frozenset[int],
    budget: int,
    batch: int,
    report: RiggingReport,
    progress: Progress | None,
) -> AttackResult:
    arena = SimulatedArena(path, names, rng.randrange(2**31), defence.hold_new_clients)
    await arena.service.sync_registry()
    t = names.index(target)
    used: list[str] = []
    lifted: int | None = None
    measured: AttackResult | None = None
    cast = 0
    # Honest traffic goes on during the attack at the history's rate; a fifth of it comes
    # from newcomers (fresh identities of NEWCOMER_VOTES votes), who are new like the attackers.
    per_second = report.honest_votes / (HISTORY_DAYS * 86400.0)
    due = 0.0
    newcomers: list[str] = []
    honest_cast = 0

    def vote_honestly(a: int, b: int) -> str:
        return honest.vote(a, b, rng)

    try:
        while cast < budget and (lifted is None or measured is None):
            for _ in range(batch):
                client = _identity(attack, cast, sleepers)
                if client not in used:
                    used.append(client)
                at = START + timedelta(seconds=cast * attack.seconds_per_vote)
                await arena.battle(
                    client, at, lambda a, b: choose(attack, a, b, t, above, honest, rng)
                )
                cast += 1
                due += per_second * attack.seconds_per_vote
                while due >= 1.0:
                    due -= 1.0
                    if rng.random() < NEWCOMER_SHARE:
                        if not newcomers or honest_cast % NEWCOMER_VOTES == 0:
                            newcomers.append(f"newcomer-{len(newcomers):04d}")
                        who = newcomers[-1]
                        honest_cast += 1
                    else:
                        who = rng.choice(clients)
                    await arena.battle(who, at, vote_honestly)
            arena.backdate()
            now = START + timedelta(seconds=cast * attack.seconds_per_vote)
            if defence.scan is not None:
                defence.scan(arena.engine, now)
            board = counted_board(arena.engine)
            scores = {m: s for m, (s, _) in board.items()}
            if lifted is None and target in scores and _rank(scores, target) < report.target_rank:
                lifted = cast
            if measured is None and cast >= report.measure_at:
                measured = _measure(
                    arena.engine, attack, defence, used, clients, newcomers, scores, report
                )
            if progress is not None:
                progress(batch)
    finally:
        arena.close()
    if measured is None:  # budget below measure_at
        measured = _measure(arena.engine, attack, defence, used, clients, newcomers, scores, report)
    return AttackResult(**{**measured.__dict__, "votes_to_lift": lifted, "budget": budget})


def _identity(attack: Attack, n: int, sleepers: list[str]) -> str:
    if attack.kind == "sybil":
        return f"sybil-{n // attack.votes_per_identity:04d}"
    if attack.aged:
        return sleepers[n % len(sleepers)]
    return f"rig-{attack.kind}-{n % attack.identities}"


def _measure(
    engine: Engine,
    attack: Attack,
    defence: Defence,
    used: list[str],
    clients: list[str],
    newcomers: list[str],
    scores: dict[str, float],
    report: RiggingReport,
) -> AttackResult:
    status = client_statuses(engine)
    target = report.target
    others = [
        abs(scores[m] - s) / report.half_widths[m]
        for m, s in report.honest_scores.items()
        if m != target and m in scores
    ]
    # Votes cast by the attack's rule rather than honestly (the target is in 2/K battles).
    share = 2.0 / report.models * attack.rate if attack.kind == "mostly_honest" else 1.0
    return AttackResult(
        attack=attack.name,
        defence=defence.name,
        rigged_share=share,
        votes_to_lift=None,
        budget=0,
        attackers=len(used),
        attackers_flagged=sum(status.get(c) == "flagged" for c in used),
        attackers_held=sum(status.get(c) == "held" for c in used),
        honest=len(clients),
        honest_flagged=sum(status.get(c) == "flagged" for c in clients),
        honest_held=sum(status.get(c) == "held" for c in clients),
        newcomers=len(newcomers),
        newcomers_flagged=sum(status.get(c) == "flagged" for c in newcomers),
        newcomers_held=sum(status.get(c) == "held" for c in newcomers),
        target_shift=scores.get(target, float("nan")) - report.honest_scores[target],
        max_other_shift=max(others, default=0.0),
    )
