"""Import of public files: bad rows are reported and skipped, old shapes are understood."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from arena.cli import app
from arena.data.importer import import_files
from arena.errors import InvalidInput
from arena.store import migrate
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, MessageRow, ModelRow, VoteRow

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(db_url: str) -> Engine:
    engine = create_store_engine(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_bad_rows_are_reported_with_line_and_reason(store: Engine) -> None:
    path = FIXTURES / "open_data_broken.jsonl"
    report = import_files(store, [path])
    assert report.imported == 2
    reasons = {bad.line: bad.reason for bad in report.bad}
    assert set(reasons) == {2, 3, 4, 5, 6, 7, 8, 11}
    assert reasons[2].startswith("not valid JSON")
    assert "unknown winner 'model_c'" in reasons[3]
    assert reasons[4] == "missing model_a"
    assert "does not alternate" in reasons[5]
    assert "timestamp" in reasons[6]
    assert "role must be" in reasons[7]
    assert "object" in reasons[8]
    assert "missing id" in reasons[11]
    with store.connect() as conn:
        winners = dict(
            conn.execute(
                select(BattleRow.external_id, VoteRow.winner).join(
                    VoteRow, VoteRow.battle_id == BattleRow.id
                )
            ).all()
        )
        visibility = set(conn.execute(select(ModelRow.visibility)).scalars())
    assert winners == {"ok-1": "model_a", "ok-2": "both_bad"}
    assert visibility == {"public"}  # unknown models arrive as public


def test_cli_reports_bad_rows_and_exits_0_when_some_rows_imported(
    db_url: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app, ["import", str(FIXTURES / "open_data_broken.jsonl"), "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    assert "open_data_broken.jsonl:3: unknown winner 'model_c'" in result.output
    assert "imported 2" in result.stdout and "bad 8" in result.stdout


def test_cli_exits_1_when_every_row_is_bad(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\nnot json\n')
    result = CliRunner().invoke(app, ["import", str(bad), "--db", f"sqlite:///{tmp_path / 'a.db'}"])
    assert result.exit_code == 1


@pytest.mark.parametrize("name", ["missing.jsonl", "votes.txt", "corrupt.parquet"])
def test_unreadable_files_exit_2_before_writing(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name != "missing.jsonl":
        path.write_bytes(b"PAR1 definitely not parquet")
    db = tmp_path / "a.db"
    good = FIXTURES / "open_data_33k.jsonl"
    result = CliRunner().invoke(app, ["import", str(path), "--db", f"sqlite:///{db}"])
    assert result.exit_code == 2
    assert "error:" in result.output
    if name == "corrupt.parquet":
        with pytest.raises(InvalidInput):
            engine = create_store_engine(f"sqlite:///{db}")
            try:
                import_files(engine, [good, path])
            finally:
                engine.dispose()


def test_old_release_shapes_and_chat_logs(store: Engine) -> None:
    report = import_files(
        store,
        [
            FIXTURES / "open_data_33k.jsonl",
            FIXTURES / "open_data_55k.csv",
            FIXTURES / "open_data_chat1m.jsonl",
        ],
    )
    assert [(b.line, b.reason) for b in report.bad] == [
        (4, "winner_model_a/winner_model_b/winner_tie must be one-hot")
    ]
    assert report.imported == 2 + 2 + 2
    with store.connect() as conn:
        rows = conn.execute(
            select(BattleRow.external_id, BattleRow.mode, BattleRow.turns, VoteRow.winner)
            .outerjoin(VoteRow, VoteRow.battle_id == BattleRow.id)
            .order_by(BattleRow.external_id)
        ).all()
        kaggle_b = conn.execute(
            select(MessageRow.turn, MessageRow.role, MessageRow.content)
            .join(BattleRow, BattleRow.id == MessageRow.battle_id)
            .where(BattleRow.external_id == "30192", MessageRow.side == "b")
            .order_by(MessageRow.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("30192", "anonymous", 2, "model_a"),
        ("53567", "anonymous", 1, "tie"),
        ("c1a2b3", "direct", 1, None),
        ("c4d5e6", "direct", 2, None),
        ("q33-1", "anonymous", 1, "model_a"),
        ("q33-2", "side_by_side", 1, "both_bad"),
    ]
    assert [tuple(m) for m in kaggle_b] == [
        (1, "user", "Is it morally right?"),
        (1, "assistant", "Short, with a, comma\nand newline"),
        (2, "user", "And then?"),
        (2, "assistant", ""),
    ]
    assert _count(store, VoteRow) == 4
