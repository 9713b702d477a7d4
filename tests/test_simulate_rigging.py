"""The rigging simulator drives the real vote path and the real scans (issue 19)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from arena.cli import app
from arena.simulation.rigging import simulate_rigging
from arena.simulation.rigging_attacks import ATTACKS
from arena.simulation.rigging_defences import DEFENCES


def test_defences_hold_a_sybil_swarm_that_lifts_the_undefended_target() -> None:
    sybil = next(a for a in ATTACKS if a.kind == "sybil")
    none, _, defended = DEFENCES
    report = simulate_rigging(
        [none, defended], attacks=[sybil], honest_votes=1200, budget=300, measure_at=300
    )
    assert report.target == "model-1"
    by_defence = {r.defence: r for r in report.results}
    open_board, guarded = by_defence["none"], by_defence["defended"]
    assert open_board.votes_to_lift is not None and open_board.votes_to_lift <= 300
    assert open_board.target_shift > 30
    assert open_board.attackers_flagged == open_board.attackers_held == 0
    assert guarded.votes_to_lift is None
    assert guarded.attackers == 30
    assert guarded.attackers_flagged + guarded.attackers_held == 30
    assert guarded.honest_flagged == guarded.honest_held == 0
    assert abs(guarded.target_shift) < 1e-6  # not one rigged vote reached the board
    assert report.baseline["defended"]["max_shift_over_half_width"] == 0.0


def test_cli_prints_the_design_shape_as_json() -> None:
    result = CliRunner().invoke(
        app,
        ["simulate", "--scenario", "rigging", "--attack", "selective", "--attack", "spread",
         "--history-age", "young", "--budget", "100", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    results = json.loads(result.output)["results"]
    keys = {"attack", "defence", "votes_to_lift", "budget", "attackers", "attackers_caught",
            "honest", "honest_flagged"}  # fmt: skip
    assert all(keys <= set(r) for r in results)
    assert {(r["attack"], r["defence"]) for r in results} == {
        (a, d) for a in ("selective", "spread") for d in ("none", "scan", "defended")
    }
    assert all(r["budget"] == 100 and r["history_age"] == "young" for r in results)


def test_cli_refuses_an_unknown_attack() -> None:
    result = CliRunner().invoke(app, ["simulate", "--scenario", "rigging", "--attack", "ddos"])
    assert result.exit_code == 2
    assert "unknown --attack 'ddos'" in result.output and "sleeper" in result.output
