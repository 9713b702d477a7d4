"""``arena simulate --scenario rigging``: print the attack-by-defence table.

The defences compared are named settings from :mod:`arena.simulation.rigging_defences`;
the simulation itself is :func:`arena.simulation.rigging.simulate_rigging`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TypeVar

import typer

from arena.simulation.rigging import RiggingReport

REFERENCE = "scan"
T = TypeVar("T")


def run_rigging(
    *,
    seed: int,
    budget: int,
    honest_votes: int,
    attacks: list[str],
    defences: list[str],
    as_json: bool,
) -> None:
    from arena.simulation.rigging import simulate_rigging
    from arena.simulation.rigging_attacks import ATTACKS
    from arena.simulation.rigging_defences import DEFENCES

    chosen_attacks = _pick("--attack", attacks, {a.name: a for a in ATTACKS})
    chosen_defences = _pick("--defence", defences, {d.name: d for d in DEFENCES})
    with _Bar(enabled=not as_json) as tick:
        report = simulate_rigging(
            chosen_defences,
            attacks=chosen_attacks,
            seed=seed,
            budget=budget,
            honest_votes=honest_votes,
            progress=tick,
        )
    if as_json:
        typer.echo(json.dumps(asdict(report), indent=2, default=str))
    else:
        print_report(report)


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
