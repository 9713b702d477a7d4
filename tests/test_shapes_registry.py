"""One module per published shape, one registry (issue 30, item 3).

Every shape the support module writes is told apart by its columns alone; a shape
added as a module is found without another edit; the search-arena shape, the
newest, reads and imports through the same paths as the others: rows without a
vote are battles without a vote, never counted on a board.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from arena.cli import app
from arena.data.importer import import_files
from arena.data.shapes import all_shapes, shape_of
from arena.store import migrate
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, VoteRow
from tests.support import published_shapes as shapes

runner = CliRunner()


def _columns(path: Path) -> list[str]:
    if path.suffix == ".csv":
        return path.read_text().splitlines()[0].split(",")
    return pq.read_schema(path).names


@pytest.mark.parametrize(
    ("writer", "name"),
    [
        (shapes.write_140k, "140k"),
        (shapes.write_100k, "100k"),
        (shapes.write_33k, "33k"),
        (shapes.write_kaggle, "55k"),
        (shapes.write_chat_1m, "chat-1m"),
        (shapes.write_search_arena, "search-arena"),
    ],
)
def test_each_published_file_is_told_apart_by_its_columns(tmp_path: Path, writer, name) -> None:
    suffix = ".csv" if name == "55k" else ".parquet"
    assert shape_of(_columns(writer(tmp_path / f"votes{suffix}"))).name == name


def test_every_shape_module_is_in_the_registry() -> None:
    modules = {p.stem for p in Path(shape_of.__code__.co_filename).parent.glob("*.py")}
    names = {s.name for s in all_shapes()}
    assert len(names) == len(modules - {"__init__"})
    assert {"140k", "100k", "33k", "55k", "chat-1m", "search-arena"} <= names
    assert shape_of(["model_a", "model_b", "winner"]).name == "140k"  # the public default


def test_search_arena_boards_count_votes_and_import_keeps_unvoted_battles(
    tmp_path: Path,
) -> None:
    path = shapes.write_search_arena(tmp_path / "search-arena.parquet")
    result = runner.invoke(
        app, ["leaderboard", "--votes", str(path), "--format", "json", "--min-votes", "0"]
    )
    assert result.exit_code == 0, result.output
    board = json.loads(result.stdout)
    assert board["total_votes"] == 4
    assert board["counted_votes"]["dropped_rows"] == {"missing winner": 2}
    from_file = board["counted_votes"]["vote_set_sha256"]
    assert from_file  # ids from system_a_metadata.conv_id

    url = f"sqlite:///{tmp_path / 'arena.db'}"
    engine = create_store_engine(url)
    migrate.upgrade(engine)
    report = import_files(engine, [path])
    assert (report.imported, report.bad_count) == (6, 0)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(BattleRow)) == 6
        assert conn.scalar(select(func.count()).select_from(VoteRow)) == 4
    engine.dispose()
    stored = runner.invoke(
        app, ["leaderboard", "--db", url, "--format", "json", "--min-votes", "0"]
    )
    assert stored.exit_code == 0, stored.output
    assert json.loads(stored.stdout)["counted_votes"]["vote_set_sha256"] == from_file
