"""What a person sees from the CLI: fast start, clean help, uncut names, readable plots."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from arena.cli import COMMANDS

ARENA = str(Path(sys.executable).parent / "arena")
HEAVY = ("scipy", "alembic", "fastapi", "sqlalchemy", "matplotlib", "pyarrow", "numpy", "uvicorn")
LONG_NAMES = ["smollm2-135m-instruct", "smollm2-135m-instruct-creative", "mistral-small-24b-2501"]


def _arena(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "dumb"}
    return subprocess.run(
        [ARENA, *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )


def test_importing_the_cli_pulls_in_no_heavy_library() -> None:
    code = f"import sys, arena.cli; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert out == ""


def test_top_level_help_lists_every_command_without_importing_them() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['arena', '--help']\n"
        "from arena.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.rstrip().endswith("HEAVY:")
    for name in [*COMMANDS["arena"], "db", "models", "tokens", "votes"]:
        assert f"  {name} " in out


@pytest.mark.parametrize("columns", [40, 60, 80, 132])
def test_the_fast_top_level_help_is_what_click_prints(columns: int) -> None:
    """``arena --help`` skips typer; it must still match the typer app's own help."""
    typer_help = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv = ['arena', '--help']\n"
            "from arena.cli.typer_app import app\napp()",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": str(columns)},
    ).stdout
    assert _arena("--help", columns=columns).stdout == typer_help


@pytest.mark.parametrize("group", sorted(COMMANDS))
def test_the_command_table_says_what_each_command_says(group: str) -> None:
    for name, (target, short_help) in COMMANDS[group].items():
        module, _, attr = target.partition(":")
        doc = inspect.getdoc(getattr(importlib.import_module(module), attr)) or ""
        first = " ".join(doc.split("\n\n")[0].split())
        assert short_help == first, f"{group} {name}"


@pytest.mark.parametrize(
    "args",
    [["--help"], ["models", "--help"], ["models", "list", "--help"], ["db", "upgrade", "--help"]],
)
def test_help_screens_show_no_bool_type_on_flags(args: list[str]) -> None:
    result = _arena(*args)
    assert result.returncode == 0, result.stderr
    assert "--help" in result.stdout
    assert "<bool>" not in result.stdout


def test_a_lazily_loaded_command_runs_and_reports_errors_cleanly(tmp_path: Path) -> None:
    result = _arena("leaderboard", "--votes", str(tmp_path / "missing.parquet"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr


def test_models_list_shows_whole_names_at_80_columns() -> None:
    result = _arena("models", "list")
    assert result.returncode == 0, result.stderr
    assert "smollm2-135m-instruct-creative" in result.stdout
    assert "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_models_list_explains_a_skipped_model_below_the_table(tmp_path: Path) -> None:
    registry = tmp_path / "models.yaml"
    registry.write_text(
        "models:\n  - {name: a-rather-long-model-name-v2, provider: local, path: /nope/x.gguf}\n"
    )
    result = _arena("models", "list", "--models", str(registry))
    assert result.returncode == 0, result.stderr
    assert "a-rather-long-model-name-v2 is skipped: GGUF model file not found" in result.stdout


@pytest.fixture(scope="module")
def long_named_votes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("votes") / "votes.jsonl"
    rows = []
    for i in range(300):
        a, b = LONG_NAMES[i % 3], LONG_NAMES[(i + 1) % 3]
        rows.append(
            {"model_a": a, "model_b": b, "winner": ["model_a", "model_b", "tie"][i % 4 % 3]}
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_leaderboard_table_shows_whole_names_at_80_columns(long_named_votes: Path) -> None:
    result = _arena(
        "leaderboard", "--votes", str(long_named_votes), "--bootstrap", "20", "--min-votes", "0"
    )
    assert result.returncode == 0, result.stderr
    for name in LONG_NAMES:
        assert name in result.stdout
    assert "…" not in result.stdout


def test_plot_numbers_every_heatmap_cell_and_keeps_titles_inside(
    long_named_votes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib.figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from typer.testing import CliRunner

    from arena.cli import app

    figures: list[matplotlib.figure.Figure] = []
    original = matplotlib.figure.Figure.savefig

    def keep(self: matplotlib.figure.Figure, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        figures.append(self)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    out = tmp_path / "board.png"
    result = CliRunner().invoke(
        app,
        [
            "leaderboard",
            "--votes",
            str(long_named_votes),
            "--bootstrap",
            "20",
            "--min-votes",
            "0",
            "--plot",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000
    (figure,) = figures
    heatmap = figure.axes[1]
    cells = [t.get_text() for t in heatmap.texts if t.get_text()]
    assert len(cells) == len(LONG_NAMES) * (len(LONG_NAMES) - 1)
    assert all(c == "–" or 0 <= float(c) <= 1 for c in cells)
    renderer = FigureCanvasAgg(figure).get_renderer()
    page = figure.bbox
    for axis in figure.axes[:2]:
        box = axis.title.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1, axis.title.get_text()
    # Stacked panels: no empty band between them wider than a title line.
    top, bottom = (a.get_tightbbox(renderer) for a in figure.axes[:2])
    assert top.y0 - bottom.y1 < 0.1 * page.height
