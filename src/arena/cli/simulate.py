"""``arena simulate``: what a sampling policy buys, on an arena with known true strengths.

Nothing here touches the store or a provider: it drives the pure simulator in
:mod:`arena.simulation.simulate` and prints its checkpoints. Results are
deterministic for a given ``--seed``.
"""

from __future__ import annotations

import json
import math
from enum import StrEnum
from typing import Annotated, Any

import typer

from arena.simulation.simulate import Checkpoint, NewModelReport, PolicyRun


class PolicyChoice(StrEnum):
    uniform = "uniform"
    weighted = "weighted"
    active = "active"


class Scenario(StrEnum):
    scratch = "scratch"
    new_model = "new-model"
    rigging = "rigging"


class HistoryAge(StrEnum):
    aged = "aged"
    young = "young"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def simulate(
    models: Annotated[
        int,
        typer.Option(
            "--models", min=2, help="Models on the board (established ones for new-model)."
        ),
    ] = 50,
    votes: Annotated[
        int,
        typer.Option(
            "--votes", min=1, help="Votes to simulate (per policy; new-model stops early)."
        ),
    ] = 30_000,
    policy: Annotated[
        PolicyChoice, typer.Option("--policy", help="Sampling policy under test.")
    ] = PolicyChoice.active,
    seed: Annotated[int, typer.Option("--seed", help="Seed of strengths, pairs and outcomes.")] = 0,
    batch: Annotated[
        int, typer.Option("--batch", min=1, help="Votes between refits of the policy's stats.")
    ] = 500,
    scenario: Annotated[
        Scenario,
        typer.Option(
            "--scenario",
            help="scratch: a fresh board. new-model: a newcomer joins established models; "
            "the policy is compared with uniform pair sampling. rigging: the published "
            "vote-rigging attacks against each defence setting.",
        ),
    ] = Scenario.scratch,
    history: Annotated[
        int,
        typer.Option("--history", min=1, help="new-model: prior votes per established model."),
    ] = 3000,
    target: Annotated[
        float,
        typer.Option("--target", min=0.1, help="new-model: newcomer's 95% half-width to reach."),
    ] = 25.0,
    tie_rate: Annotated[
        float, typer.Option("--tie-rate", min=0.0, max=1.0, help="Tie rate between equals.")
    ] = 0.3,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.table,
    budget: Annotated[
        int,
        typer.Option("--budget", min=25, help="rigging: most rigged votes per attack and defence."),
    ] = 2500,
    honest_votes: Annotated[
        int,
        typer.Option("--honest-votes", min=60, help="rigging: honest history (60 clients)."),
    ] = 2400,
    attack: Annotated[
        list[str] | None,
        typer.Option("--attack", help="rigging: only this attack (repeatable), e.g. sybil."),
    ] = None,
    defence: Annotated[
        list[str] | None,
        typer.Option("--defence", help="rigging: only this setting: none, scan, defended."),
    ] = None,
    history_age: Annotated[
        HistoryAge,
        typer.Option(
            "--history-age",
            help="rigging: aged (honest voters with weeks of history) or young (none yet).",
        ),
    ] = HistoryAge.aged,
) -> None:
    """Simulate votes under a sampling policy and report interval widths and rank errors.

    Example: arena simulate --scenario new-model --policy active --seed 1
    Example: arena simulate --scenario rigging --attack sleeper --history-age young --budget 1500
    """
    if scenario is Scenario.rigging:
        from arena.cli.simulate_rigging import run_rigging

        run_rigging(
            seed=seed,
            budget=budget,
            honest_votes=honest_votes,
            attacks=attack or [],
            defences=defence or [],
            history_age=history_age.value,
            as_json=output_format is OutputFormat.json,
        )
        return
    from arena.battles.sampling import policy_by_name
    from arena.simulation.simulate import simulate_from_scratch, simulate_new_model

    chosen = policy_by_name(policy.value)
    show_progress = output_format is OutputFormat.table
    with _progress(votes * (2 if scenario is Scenario.new_model else 1), show_progress) as tick:
        if scenario is Scenario.new_model:
            report = simulate_new_model(
                chosen,
                policy_by_name("uniform"),
                established=models,
                history_per_model=history,
                budget=votes,
                batch=batch,
                target=target,
                seed=seed,
                tie_rate=tie_rate,
                progress=tick,
            )
        else:
            run = simulate_from_scratch(
                chosen,
                models=models,
                votes=votes,
                batch=batch,
                seed=seed,
                tie_rate=tie_rate,
                progress=tick,
            )
    if scenario is Scenario.new_model:
        if output_format is OutputFormat.json:
            typer.echo(json.dumps(_finite(report.to_dict()), indent=2))
        else:
            _print_new_model(report)
    elif output_format is OutputFormat.json:
        typer.echo(json.dumps(_finite({"policy": run.policy, "checkpoints": _rows(run)}), indent=2))
    else:
        _print_run(run, f"{run.policy}: {models} models, seed {seed}")


class _progress:
    """A rich progress bar over votes (or a no-op), usable as a context manager."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled = total, enabled

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not self.enabled:
            return None
        from rich.progress import Progress

        self._bar = Progress(transient=True)
        self._bar.start()
        task = self._bar.add_task("simulating votes", total=self.total)
        return lambda n: self._bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._bar.stop()


def _rows(run: PolicyRun) -> list[dict[str, Any]]:
    return [vars(c) for c in run.checkpoints]


def _finite(obj: Any) -> Any:
    """JSON has no infinity: a half-width not yet measurable becomes null."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def _thin(points: list[Checkpoint], limit: int = 15) -> list[Checkpoint]:
    """At most ``limit`` evenly spaced checkpoints, always keeping the last."""
    if len(points) <= limit:
        return points
    step = math.ceil(len(points) / limit)
    keep = points[step - 1 :: step]
    return keep if keep[-1] is points[-1] else [*keep, points[-1]]


def _print_run(run: PolicyRun, title: str, newcomer: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    cols = ["votes", "mean ±", "Spearman", "wrong", "|error|"]
    if newcomer:
        cols += ["new ±", "new votes", "est. widen"]
    for col in cols:
        table.add_column(col, justify="right")
    for c in _thin(run.checkpoints):
        cells = [
            str(c.votes),
            f"{c.mean_half_width:.1f}",
            f"{c.spearman:.4f}",
            str(c.wrong_ranks),
            f"{c.mean_abs_error:.1f}",
        ]
        if newcomer:
            cells += [
                f"{c.newcomer_half_width:.1f}",
                str(c.newcomer_votes),
                f"{100 * (c.max_established_widening or 0.0):+.1f}%",
            ]
        table.add_row(*cells)
    Console().print(table)


def _print_new_model(report: NewModelReport) -> None:
    from rich.console import Console

    title = f"newcomer (true score {report.newcomer_true_score:.0f}) joins {report.established}"
    for run in (report.policy, report.baseline):
        _print_run(run, f"{run.policy}: {title} models", newcomer=True)

    def votes(v: float | None) -> str:
        return "not reached" if v is None else f"{v:,.0f}"

    console = Console()
    console.print(f"votes to bring the newcomer to ±{report.target:g} points:")
    console.print(f"  {report.policy.policy}: {votes(report.policy_votes_to_target)}")
    console.print(f"  {report.baseline.policy}: {votes(report.baseline_votes_to_target)}")
    if report.ratio is not None:
        console.print(f"  ratio: {report.ratio:.2f} ({100 * (1 - report.ratio):.0f}% fewer votes)")
    if report.max_established_widening is not None:
        console.print(
            "max widening of an established interval vs. before the newcomer: "
            f"{100 * report.max_established_widening:+.1f}%"
        )
    if report.widening_vs_baseline is not None:
        console.print(
            f"max established half-width vs. {report.baseline.policy} at the same votes: "
            f"{100 * report.widening_vs_baseline:+.1f}%"
        )
