"""The simulator and ``arena simulate``: the active policy must pay for itself."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from arena.battles.sampling import policy_by_name
from arena.cli import app
from arena.simulation.simulate import simulate_from_scratch, simulate_new_model

SMALL_NEW_MODEL = dict(established=12, history_per_model=800, budget=8000, batch=250, target=40.0)


def test_active_brings_a_newcomer_to_target_with_fewer_votes_than_uniform() -> None:
    report = simulate_new_model(
        policy_by_name("active"), policy_by_name("uniform"), seed=2, **SMALL_NEW_MODEL
    )
    assert report.policy_votes_to_target is not None
    assert report.baseline_votes_to_target is not None
    assert report.policy_votes_to_target < report.baseline_votes_to_target
    assert (
        report.ratio is not None and report.ratio < 0.5
    )  # the bar: at least 50% fewer votes
    assert report.max_established_widening is not None
    assert report.max_established_widening < 0.10
    assert report.history_votes == 12 * 800 // 2
    last = report.policy.checkpoints[-1]
    assert last.newcomer_half_width is not None and last.newcomer_half_width <= 40.0


def test_simulation_is_reproducible_and_converges_to_the_truth() -> None:
    run = simulate_from_scratch(policy_by_name("uniform"), models=8, votes=6000, batch=1000, seed=4)
    again = simulate_from_scratch(
        policy_by_name("uniform"), models=8, votes=6000, batch=1000, seed=4
    )
    assert run == again
    assert [c.votes for c in run.checkpoints] == [1000, 2000, 3000, 4000, 5000, 6000]
    widths = [c.mean_half_width for c in run.checkpoints]
    assert widths[-1] < widths[0]
    assert widths[-1] == pytest.approx(widths[0] / np.sqrt(6), rel=0.25)  # ~ 1/sqrt(votes)
    assert run.checkpoints[-1].spearman > 0.9
    assert run.checkpoints[-1].mean_abs_error < 2 * widths[-1]


def run_cli(*args: str):
    result = CliRunner().invoke(app, ["simulate", *args])
    return result, result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_cli_scratch_json() -> None:
    result, out = run_cli("--models", "6", "--votes", "2000", "--batch", "500", "--format", "json")
    assert result.exit_code == 0, out
    data = json.loads(result.stdout)
    assert data["policy"] == "active/v1"
    assert [c["votes"] for c in data["checkpoints"]] == [500, 1000, 1500, 2000]


def test_cli_new_model_table() -> None:
    result, out = run_cli(
        "--scenario", "new-model", "--models", "8", "--history", "500", "--votes", "4000",
        "--batch", "500", "--target", "60", "--seed", "1",
    )  # fmt: skip
    assert result.exit_code == 0, out
    assert "votes to bring the newcomer to ±60 points" in out
    assert "uniform/v1" in out and "active/v1" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--models", "1"], "--models"),
        (["--policy", "thompson"], "--policy"),
        (["--votes", "0"], "--votes"),
        (["--scenario", "zombie"], "--scenario"),
        (["--format", "xml"], "--format"),
    ],
)
def test_cli_bad_arguments_exit_non_zero_without_a_traceback(args, message) -> None:
    result, out = run_cli(*args)
    assert result.exit_code == 2
    assert message in out
    assert "Traceback" not in out
