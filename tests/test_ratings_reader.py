"""Reading public-schema votes files: formats, winner spellings, one-hot, filters, style counts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arena.data import VoteFilters, parse_time, read_votes
from arena.errors import InvalidInput
from arena.ratings import PairCounts

# Every test here runs in UTC and in Asia/Kathmandu: stored times are UTC, naive or not.
pytestmark = pytest.mark.usefixtures("time_zone")

WINNERS = ["model_a", "model_b", "tie", "both_bad", "tie (bothbad)"]


def public_rows(n: int = 60, seed: int = 0) -> list[dict]:
    """Rows in the shape of arena-human-preference-100k/140k."""
    rng = np.random.default_rng(seed)
    models = ["alpha", "beta", "gamma", "delta"]
    rows = []
    for i in range(n):
        a, b = rng.choice(4, 2, replace=False)
        meta = {}
        for side in ("a", "b"):
            meta[f"sum_assistant_{side}_tokens"] = int(rng.integers(10, 900))
            meta[f"header_count_{side}"] = {f"h{j}": int(rng.integers(0, 3)) for j in range(1, 7)}
            meta[f"list_count_{side}"] = {
                "ordered": int(rng.integers(0, 4)),
                "unordered": int(rng.integers(0, 4)),
            }
            meta[f"bold_count_{side}"] = {"**": int(rng.integers(0, 5)), "__": 0}
        rows.append(
            {
                "id": f"v{i}",
                "model_a": models[a],
                "model_b": models[b],
                "winner": WINNERS[i % 5],
                "anony": bool(i % 3),
                "language": "English" if i % 2 else "Chinese",
                "timestamp": 1_700_000_000 + 3600 * i,
                "is_code": i % 4 == 0,
                "flagged": i % 10 == 0,
                "category_tag": {
                    "math_v0.1": {"math": i % 5 == 0},
                    "criteria_v0.1": {f"c{j}": j < i % 8 for j in range(7)},
                },
                "conversation_a": [{"role": "user", "content": "hi"}],
                "conv_metadata": meta,
            }
        )
    return rows


def _expected_counts(rows: list[dict]) -> PairCounts:
    return PairCounts.from_votes(
        [r["model_a"] for r in rows], [r["model_b"] for r in rows], [r["winner"] for r in rows]
    )


def _same(c1: PairCounts, c2: PairCounts) -> None:
    assert c1.models == c2.models
    for f in ("a", "b", "wins_a", "wins_b", "ties"):
        np.testing.assert_array_equal(getattr(c1, f), getattr(c2, f))


@pytest.fixture
def rows() -> list[dict]:
    return public_rows()


@pytest.fixture
def parquet_file(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "votes.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=17)
    return path


@pytest.fixture
def jsonl_file(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "votes.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


ALL = VoteFilters(include_named=True)  # every row, named battles included


def test_parquet_and_jsonl_agree(parquet_file: Path, jsonl_file: Path, rows) -> None:
    want = _expected_counts(rows)
    _same(read_votes(parquet_file, batch_size=7, filters=ALL).pair_counts(), want)
    _same(read_votes(jsonl_file, filters=ALL).pair_counts(), want)
    # by default only anonymous votes count, in both formats
    anonymous = _expected_counts([r for r in rows if r["anony"]])
    _same(read_votes(parquet_file, batch_size=7).pair_counts(), anonymous)
    _same(read_votes(jsonl_file).pair_counts(), anonymous)


def test_directory_concatenates(tmp_path: Path, rows) -> None:
    d = tmp_path / "dir"
    d.mkdir()
    pq.write_table(pa.Table.from_pylist(rows[:25]), d / "part1.parquet")
    (d / "part2.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[25:]))
    (d / "README.txt").write_text("ignored")
    table = read_votes(d, filters=ALL)
    assert table.rows_read == len(rows)
    _same(table.pair_counts(), _expected_counts(rows))


def test_kaggle_55k_csv_one_hot(tmp_path: Path) -> None:
    path = tmp_path / "train.csv"
    path.write_text(
        "id,model_a,model_b,prompt,response_a,response_b,winner_model_a,winner_model_b,winner_tie\n"
        '1,x,y,"[""hi""]","[""a\nmultiline""]","[""b""]",1,0,0\n'
        '2,x,y,"[""hi""]","[""a""]","[""b""]",0,1,0\n'
        '3,y,z,"[""hi""]","[""a""]","[""b""]",0,0,1\n'
    )
    c = read_votes(path).pair_counts()
    assert c.models == ["x", "y", "z"]
    assert c.total == 3
    np.testing.assert_array_equal(c.ties, [0, 1])
    bad = tmp_path / "bad.csv"
    bad.write_text("model_a,model_b,winner_model_a,winner_model_b,winner_tie\nx,y,1,1,0\n")
    with pytest.raises(InvalidInput, match="one-hot"):
        read_votes(bad)


def test_filters(parquet_file: Path, rows) -> None:
    def count(**kw) -> int:
        return len(read_votes(parquet_file, filters=VoteFilters(**kw)).outcome)

    assert count(include_named=True) == 60
    assert count() == count(anonymous_only=True) == sum(r["anony"] for r in rows)
    assert count(exclude_flagged=True, include_named=True) == sum(not r["flagged"] for r in rows)
    assert count(category="code", include_named=True) == sum(r["is_code"] for r in rows)
    math = sum(r["category_tag"]["math_v0.1"]["math"] for r in rows)
    assert count(category="math", include_named=True) == math
    english = sum(r["language"] == "English" for r in rows)
    assert count(category="english", include_named=True) == english
    assert count(category="overall", include_named=True) == 60
    hard = sum(sum(r["category_tag"]["criteria_v0.1"].values()) >= 6 for r in rows)
    assert count(category="hard_prompt", include_named=True) == hard
    t0 = 1_700_000_000
    assert count(since=t0 + 3600 * 10, until=t0 + 3600 * 20, include_named=True) == 10
    with pytest.raises(InvalidInput, match="category"):
        read_votes(parquet_file, filters=VoteFilters(category="no-such-thing-xyz")).outcome  # noqa: B018


def test_style_counts(parquet_file: Path, rows) -> None:
    t = read_votes(parquet_file, style=True, filters=ALL)
    assert t.style_a is not None and t.style_a.shape == (60, 4)
    r0 = rows[0]["conv_metadata"]
    want = [
        r0["sum_assistant_a_tokens"],
        sum(r0["header_count_a"].values()),
        sum(r0["list_count_a"].values()),
        sum(r0["bold_count_a"].values()),
    ]
    np.testing.assert_array_equal(t.style_a[0], want)
    assert t.style_data().x.shape == (60, 4)


def test_style_missing_metadata(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    path.write_text(json.dumps({"model_a": "a", "model_b": "b", "winner": "model_a"}) + "\n")
    with pytest.raises(InvalidInput, match="conv_metadata"):
        read_votes(path, style=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"model_a":"a","model_b":"b","winner":"nobody"}\n', "unknown winner"),
        ('{"model_a":"a","model_b":"b"}\n', "winner"),
        ('{"model_a":"a","winner":"tie"}\n', "model_b"),
    ],
)
def test_bad_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "v.jsonl"
    path.write_text(content)
    with pytest.raises(InvalidInput, match=message):
        read_votes(path)


def test_missing_and_unsupported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        read_votes(tmp_path / "nope.parquet")
    (tmp_path / "x.xlsx").write_text("")
    with pytest.raises(InvalidInput, match="unsupported"):
        read_votes(tmp_path / "x.xlsx")
    with pytest.raises(InvalidInput, match="--anonymous-only"):
        p = tmp_path / "v.jsonl"
        p.write_text('{"model_a":"a","model_b":"b","winner":"tie"}\n')
        read_votes(p, filters=VoteFilters(anonymous_only=True))


def test_parse_time() -> None:
    assert parse_time("2024-01-01") == 1704067200.0
    assert parse_time("1704067200") == 1704067200.0
    assert parse_time(None) is None
    with pytest.raises(InvalidInput):
        parse_time("yesterday")


def test_times_without_a_zone_are_utc(tmp_path: Path) -> None:
    """Naive times in a votes file are UTC, whatever the reader's local zone (issue 31):
    the mixed column (numbers, offsets, naive ISO) is read value by value."""
    t0 = 1_700_000_000  # 2023-11-14 22:13:20 UTC
    times = ["2023-11-14 22:13:20", "2023-11-14T22:13:20", str(t0), "2023-11-15T03:58:20+05:45"]
    p = tmp_path / "v.jsonl"
    p.write_text(
        "".join(
            json.dumps({"model_a": "a", "model_b": "b", "winner": "tie", "tstamp": t}) + "\n"
            for t in times
        )
    )
    window = VoteFilters(anonymous_only=False, include_named=True, since=t0 - 1, until=t0 + 1)
    assert len(read_votes(p, filters=window).outcome) == len(times)
