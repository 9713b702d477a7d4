"""Export and import: a round trip through an empty store gives back the same file.

The source store is filled through the repository (as the app fills it), the
target is the ``db_url`` fixture (SQLite and PostgreSQL), and files are compared
byte for byte.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from arena.cli import app
from arena.data.export import ExportOptions, export_votes
from arena.data.importer import import_files
from arena.store import migrate
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, MessageRow
from tests.support.store import START, seed_store

# Every test here runs in UTC and in Asia/Kathmandu: stored times are UTC, naive or not.
pytestmark = pytest.mark.usefixtures("time_zone")


@pytest.fixture
def source(tmp_path: Path) -> Engine:
    engine = seed_store(f"sqlite:///{tmp_path / 'source.db'}")
    yield engine
    engine.dispose()


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_export_import_export_is_byte_identical(
    source: Engine, db_url: str, tmp_path: Path, fmt: str
) -> None:
    first = export_votes(source, tmp_path / "first", ExportOptions(fmt=fmt))  # type: ignore[arg-type]
    assert first.rows == 59  # every voted battle, flagged and failed ones included

    target = create_store_engine(db_url)
    try:
        migrate.upgrade(target)
        report = import_files(target, [first.path], batch_size=16)
        assert (report.imported, report.skipped, report.bad_count) == (59, 0, 0)
        second = export_votes(target, tmp_path / "second", ExportOptions(fmt=fmt))  # type: ignore[arg-type]
        assert second.path.read_bytes() == first.path.read_bytes()

        again = import_files(target, [first.path])
        assert (again.imported, again.skipped) == (0, 59)
        with target.connect() as conn:
            assert conn.execute(select(func.count()).select_from(BattleRow)).scalar_one() == 59
    finally:
        target.dispose()


def test_reimporting_an_export_into_its_own_store_adds_nothing(
    source: Engine, tmp_path: Path
) -> None:
    out = export_votes(source, tmp_path, ExportOptions(fmt="jsonl"))
    report = import_files(source, [out.path])
    assert (report.imported, report.skipped) == (0, 59)


def test_export_rows_follow_the_public_schema(source: Engine, tmp_path: Path) -> None:
    out = export_votes(source, tmp_path, ExportOptions())
    table = pq.read_table(out.path)
    rows = table.to_pylist()
    assert [(r["timestamp"], r["id"]) for r in rows] == sorted(
        (r["timestamp"], r["id"]) for r in rows
    )
    first = rows[0]
    assert first["id"] == "b0000-0000-0000-0000-000000000000"
    assert first["is_flagged"] and first["moderation_flags"] == ["identity_leak"]
    assert first["conversation_a"][0]["role"] == "user"
    # the 140k shape: content is a list of typed parts
    assert first["conversation_a"][0]["content"][0]["type"] == "text"
    assert first["arena"] == "text"
    meta = first["conv_metadata"]
    assert set(meta) == {
        "sum_user_tokens", "sum_assistant_a_tokens", "sum_assistant_b_tokens",
        "context_a_tokens", "context_b_tokens", "turns", "header_count_a", "header_count_b",
        "list_count_a", "list_count_b", "bold_count_a", "bold_count_b",
    }  # fmt: skip
    assert set(meta["header_count_a"]) == {f"h{i}" for i in range(1, 7)}
    side_by_side = next(r for r in rows if r["id"].startswith("b0001"))
    assert side_by_side["anony"] is False
    assert not any(r["id"].startswith("b0003") for r in rows)  # no vote, no row


def test_since_and_until_bound_the_export(source: Engine, tmp_path: Path) -> None:
    opts = ExportOptions(
        fmt="jsonl", since=START + timedelta(minutes=10), until=START + timedelta(minutes=20)
    )
    out = export_votes(source, tmp_path, opts)
    ids = [json.loads(line)["id"][:5] for line in out.path.read_text().splitlines()]
    assert ids == [f"b{i:04d}" for i in range(10, 20)]


def test_export_feeds_the_style_controlled_leaderboard(source: Engine, tmp_path: Path) -> None:
    out = export_votes(source, tmp_path, ExportOptions())
    result = CliRunner().invoke(
        app,
        ["leaderboard", "--votes", str(out.path), "--format", "json", "--style-control",
         "--bootstrap", "20"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    board = json.loads(result.stdout)
    assert {m["model"] for m in board["models"]} >= {"alpha", "beta", "gamma", "delta"}


def test_cli_export_and_import(source: Engine, tmp_path: Path) -> None:
    url = source.url.render_as_string(hide_password=False)
    runner = CliRunner()
    result = runner.invoke(
        app, ["export", "--out", str(tmp_path / "x"), "--format", "jsonl", "--db", url]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 59 votes" in result.stdout
    target = f"sqlite:///{tmp_path / 'target.db'}"
    result = runner.invoke(app, ["import", str(tmp_path / "x" / "votes.jsonl"), "--db", target])
    assert result.exit_code == 0, result.output
    assert "imported 59" in result.stdout
    engine = create_store_engine(target)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(MessageRow)).scalar_one() > 59 * 4
    finally:
        engine.dispose()
