"""``arena simulate --scenario rigging``: print the attack-by-defence table.

The command runs the counts simulator (:mod:`arena.simulation.rigging_fast`), fast
enough for every attack on a young and an aged arena. ``print_report`` prints the
store-driven simulator's report (:mod:`arena.simulation.rigging`, the real vote path),
which ``bench/rigging.py`` runs.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TypeVar

import typer

from arena.simulation.rigging import RiggingReport
from arena.simulation.rigging_fast import FastResult

REFERENCE = "scan"
T = TypeVar("T")


def run_rigging(
    *,
    seed: int,
    budget: int,
    honest_votes: int,
    attacks: list[str],
    defences: list[str],
    history_age: str,
    as_json: bool,
) -> None:
    """Run the counts simulator (:mod:`arena.simulation.rigging_fast`) and print it."""
    from arena.simulation.rigging_fast import DEFENCE_NAMES, run_rigging_fast
    from arena.simulation.rigging_world import ATTACK_NAMES

    chosen_attacks = _pick("--attack", attacks, {a: a for a in ATTACK_NAMES})
    chosen_defences = _pick("--defence", defences, {d: d for d in DEFENCE_NAMES})
    with _Bar(enabled=not as_json) as tick:
        results = run_rigging_fast(
            chosen_attacks,
            chosen_defences,
            young=history_age == "young",
            budget=budget,
            seed=seed,
            honest_votes=honest_votes,
            progress=tick,
        )
    if as_json:
        typer.echo(json.dumps({"results": [asdict(r) for r in results]}, indent=2))
    else:
        print_fast(results)


def print_fast(results: list[FastResult]) -> None:
    """Votes per +1 place per defence, its ratio to no defence, and who was caught."""
    from rich.console import Console
    from rich.table import Table

    none = {r.attack: r.votes_to_lift for r in results if r.defence == "none"}
    table = Table(title="rigged votes to lift the target one place (7th of 8)")
    for col in (
        "attack", "arena", "defence", "votes to lift", "× none", "attackers caught",
        "rigged caught or held", "honest flagged", "honest votes held", "models flagged",
    ):  # fmt: skip
        table.add_column(col, justify="left" if col in ("attack", "defence") else "right")
    for r in results:
        lift = str(r.votes_to_lift) if r.votes_to_lift is not None else f"> {r.budget}"
        ref = none.get(r.attack)
        if ref and r.votes_to_lift is not None:
            ratio = f"{r.votes_to_lift / ref:.1f}"
        else:
            ratio = f"> {r.budget / ref:.1f}" if ref else "-"
        arena = r.history_age + (" (prior)" if r.young_reference else "")
        table.add_row(
            r.attack, arena, r.defence, lift, ratio, f"{r.attackers_caught}/{r.attackers}",
            f"{100 * r.rigged_caught_or_held:.0f}%", f"{r.honest_flagged}/{r.honest}",
            f"{100 * r.honest_votes_held:.0f}%", ",".join(map(str, r.models_flagged)) or "-",
        )  # fmt: skip
    Console(width=170).print(table)


def _pick(option: str, names: list[str], known: dict[str, T]) -> list[T]:
    """The named entries (all when none are named); a clean error for an unknown name."""
    unknown = [n for n in names if n not in known]
    if unknown:
        typer.echo(f"error: unknown {option} {unknown[0]!r}; choose from: {', '.join(known)}")
        raise typer.Exit(2)
    return [known[n] for n in names] if names else list(known.values())


class _Bar:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return None
        from rich.progress import Progress

        self._bar = Progress(transient=True)
        self._bar.start()
        task = self._bar.add_task("casting votes", total=None)
        return lambda n: self._bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._bar.stop()


def print_report(report: RiggingReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=170)
    console.print(
        f"{report.models} models, {report.honest_clients} honest clients, "
        f"{report.honest_votes} honest votes, seed {report.seed}; target {report.target} "
        f"(rank {report.target_rank} of {report.models} on the honest board)"
    )
    # Ratios are against today's scan (the "before"), else the first setting run.
    names = [r.defence for r in report.results]
    ref_name = REFERENCE if REFERENCE in names else names[0]
    first = {r.attack: r for r in report.results if r.defence == ref_name}
    table = Table(title=f"rigged votes to lift the target one place; flags at {report.measure_at}")
    for col in (
        "attack",
        "defence",
        "rigged share",
        "votes to lift",
        f"× {ref_name}",
        "attackers",
        "flagged",
        "held",
        "honest flagged",
        "honest held",
        "newcomers flagged/held",
        "target Δ",
        "others Δ/±",
    ):
        table.add_column(col, justify="left" if col in ("attack", "defence") else "right")
    for r in report.results:
        ref = first[r.attack].votes_to_lift
        lift = str(r.votes_to_lift) if r.votes_to_lift is not None else f"> {r.budget}"
        if r.votes_to_lift is not None and ref:
            ratio = f"{r.votes_to_lift / ref:.1f}"
        elif ref:
            ratio = f"> {r.budget / ref:.1f}"
        else:
            ratio = "-"
        table.add_row(
            r.attack, r.defence, f"{100 * r.rigged_share:.0f}%", lift, ratio, str(r.attackers),
            str(r.attackers_flagged), str(r.attackers_held),
            f"{r.honest_flagged}/{r.honest}", f"{r.honest_held}/{r.honest}",
            f"{r.newcomers_flagged}/{r.newcomers_held} of {r.newcomers}",
            f"{r.target_shift:+.0f}", f"{r.max_other_shift:.2f}",
        )  # fmt: skip
    console.print(table)
    for name, base in report.baseline.items():
        console.print(
            f"no attack, {name}: honest flagged {base['honest_flagged']:.0f}, held "
            f"{base['honest_held']:.0f}; board moved by at most "
            f"{base['max_shift_over_half_width']:.2f}× its 95% half-width"
        )
