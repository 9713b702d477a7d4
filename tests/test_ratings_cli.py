"""``arena leaderboard`` on public-schema files: JSON/CSV/table output, style control, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from arena.cli.leaderboard import leaderboard
from arena.ratings import PairCounts, build_leaderboard
from arena.ratings.synthetic import simulate_votes

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("leaderboard")(leaderboard)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps "leaderboard" as a sub-command
        pass

    return app


@pytest.fixture(scope="module")
def votes_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sv = simulate_votes(6, 3000, seed=3, style_effect=1.0, tie_rate=0.1)
    ma, mb = sv.names()
    winner = ["model_a" if y == 1 else "model_b" if y == 0 else "tie" for y in sv.outcome]
    meta = [
        {
            "sum_assistant_a_tokens": int(sa[0]),
            "sum_assistant_b_tokens": int(sb[0]),
            "header_count_a": {"h1": int(sa[1])},
            "header_count_b": {"h1": int(sb[1])},
            "list_count_a": {"ordered": int(sa[2]), "unordered": 0},
            "list_count_b": {"ordered": int(sb[2]), "unordered": 0},
            "bold_count_a": {"**": int(sa[3]), "__": 0},
            "bold_count_b": {"**": int(sb[3]), "__": 0},
        }
        for sa, sb in zip(sv.style_a, sv.style_b, strict=True)
    ]
    table = pa.table(
        {
            "model_a": list(ma),
            "model_b": list(mb),
            "winner": winner,
            "anony": [i % 2 == 0 for i in range(len(winner))],
            "conv_metadata": meta,
        }
    )
    path = tmp_path_factory.mktemp("cli") / "votes.parquet"
    pq.write_table(table, path)
    return path


def _json(args: list[str]) -> dict:
    result = runner.invoke(_app(), ["leaderboard", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_matches_api_rows(votes_file: Path) -> None:
    args = ["--votes", str(votes_file), "--format", "json", "--seed", "5", "--bootstrap", "50"]
    assert _json(args)["total_votes"] == 1500  # anonymous votes only, by default
    out = _json([*args, "--include-named"])
    assert out["total_votes"] == 3000 and "computed_at" in out
    tbl = pq.read_table(votes_file).to_pydict()
    counts = PairCounts.from_votes(tbl["model_a"], tbl["model_b"], tbl["winner"])
    assert out["models"] == build_leaderboard(counts, rounds=50, seed=5).to_dicts()
    again = _json([*args, "--include-named"])
    assert again["models"] == out["models"]


def test_style_control_and_options(votes_file: Path) -> None:
    out = _json(
        [
            "--votes", str(votes_file), "--format", "json", "--style-control",
            "--interval", "sandwich", "--anchor", "model-0000=1200", "--anonymous-only",
        ]
    )  # fmt: skip
    rows = {r["model"]: r for r in out["models"]}
    assert rows["model-0000"]["score"] == 1200.0
    assert all("raw_score" in r for r in out["models"])
    assert out["total_votes"] == 1500


def test_table_csv_and_plot(votes_file: Path, tmp_path: Path) -> None:
    png = tmp_path / "board.png"
    result = runner.invoke(_app(), ["leaderboard", "--votes", str(votes_file), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert "model-0000" in result.stdout
    assert png.stat().st_size > 1000
    result = runner.invoke(
        _app(), ["leaderboard", "--votes", str(votes_file), "--format", "csv", "--bootstrap", "20"]
    )
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "rank,rank_ub,rank_lb,model,score,ci_lower,ci_upper,votes,rated"
    assert len(lines) == 7


@pytest.mark.parametrize(
    "args",
    [
        ["--votes", "/nonexistent/votes.parquet"],
        ["--category", "no-such-category"],
        ["--anchor", "nobody=1000"],
        ["--anchor", "no-equals-sign"],
    ],
)
def test_errors_are_clean(votes_file: Path, args: list[str]) -> None:
    full = ["leaderboard", "--votes", str(votes_file), *args]
    result = runner.invoke(_app(), full)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_style_without_metadata(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    path.write_text('{"model_a":"a","model_b":"b","winner":"tie (bothbad)"}\n')
    result = runner.invoke(_app(), ["leaderboard", "--votes", str(path), "--style-control"])
    assert result.exit_code == 2
    assert "conv_metadata" in result.stderr
