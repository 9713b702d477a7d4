"""The bulk fingerprint (scheme ``vs2``) and the light ``--votes`` path.

The column-wise hash over Arrow buffers must equal the one-vote-at-a-time hash the
live board uses, for any ids (any length, any UTF-8); the fingerprint of a file must
not depend on row order or batch size and must cover exactly the counted votes. An
unknown winner drops its row, counted with its reason; only a file with no usable
winner fails. ``arena leaderboard --votes`` must not import the store or SciPy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from arena.cli import app
from arena.data import read_votes
from arena.data.vote_digest import PairSums, _id_lane, add_votes, digest_hex, id_lanes

runner = CliRunner()
WINNERS = ["model_a", "model_b", "tie", "both_bad"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=50), st.booleans())
def test_bulk_id_hash_is_the_one_vote_hash(ids: list[str], large: bool) -> None:
    arr = pa.array(ids, pa.large_string() if large else pa.string())
    for column in (arr, arr.slice(len(ids) // 2)):
        lanes = id_lanes(column)
        for i, vote_id in enumerate(column.to_pylist()):
            data = vote_id.encode()
            assert (int(lanes[0, i]), int(lanes[1, i])) == (_id_lane(data, 0), _id_lane(data, 1))


def test_ids_of_one_length_take_the_fast_path_and_agree() -> None:
    ids = [f"{i:08x}-aaaa-bbbb-cccc-{i * 7919:012x}" for i in range(70_000)]  # 36 characters
    lanes = id_lanes(pa.array(ids))
    for i in (0, 1, 32_767, 32_768, 69_999):
        data = ids[i].encode()
        assert (int(lanes[0, i]), int(lanes[1, i])) == (_id_lane(data, 0), _id_lane(data, 1))


@pytest.mark.parametrize("dense_max", [512, 3])
def test_pair_sums_match_the_sum_of_vote_hashes(monkeypatch, dense_max: int) -> None:
    """Dense and sparse pair tables alike; taking votes away undoes adding them."""
    monkeypatch.setattr(PairSums, "DENSE_MAX", dense_max)
    rng = np.random.default_rng(3)
    names = [f"m{i}" for i in range(6)]
    n = 500
    ids = [f"v{i}" for i in range(n)]
    a = rng.integers(0, 6, n)
    b = (a + rng.integers(1, 6, n)) % 6
    w = rng.integers(0, 4, n)
    votes = [(ids[i], names[a[i]], names[b[i]], WINNERS[w[i]]) for i in range(n)]
    sums = PairSums()
    h = id_lanes(pa.array(ids))
    sums.add(names[:4], h[:, :0], a[:0], b[:0], w[:0])  # names grow as batches come
    sums.add(names, h, a, b, w)
    lo, hi, limbs = sums.pairs()
    assert (lo < hi).all()
    from arena.data.vote_digest import limbs_to_int

    assert limbs_to_int(limbs) == add_votes(0, votes)
    sums.add(names, h[:, :50], a[:50], b[:50], w[:50], sign=-1)
    assert limbs_to_int(sums.pairs()[2]) == add_votes(0, votes[50:])


def _write(path: Path, rows: list[dict], row_group_size: int = 1 << 20) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=row_group_size)
    return path


def _rows(n: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    names = ["alpha", "beta", "gamma", "delta"]
    out = []
    for i in range(n):
        a, b = rng.choice(4, 2, replace=False)
        out.append(
            {"id": f"vote-{i}-{'x' * int(rng.integers(0, 12))}", "model_a": names[a],
             "model_b": names[b], "winner": WINNERS[int(rng.integers(0, 4))]}
        )  # fmt: skip
    return out


def test_fingerprint_ignores_order_and_batches_and_covers_the_counted_votes(
    tmp_path: Path,
) -> None:
    rows = _rows(300)
    counted = [(r["id"], r["model_a"], r["model_b"], r["winner"]) for r in rows]
    expected = digest_hex(add_votes(0, counted))
    first = _write(tmp_path / "a.parquet", rows)
    shuffled = list(reversed(rows))
    second = _write(tmp_path / "b.parquet", shuffled, row_group_size=37)
    assert read_votes(first, fingerprint=True).vote_set_sha256 == expected
    assert read_votes(second, fingerprint=True, batch_size=50).vote_set_sha256 == expected
    # a spelling of the same winner is the same vote
    respelled = [{**r, "winner": "tie (bothbad)" if r["winner"] == "both_bad" else r["winner"]}
                 for r in rows]  # fmt: skip
    third = _write(tmp_path / "c.parquet", respelled)
    assert read_votes(third, fingerprint=True).vote_set_sha256 == expected
    # one vote more, or one vote changed: another fingerprint
    extra = _write(tmp_path / "d.parquet", [*rows, {**rows[0], "id": "new"}])
    assert read_votes(extra, fingerprint=True).vote_set_sha256 != expected
    flipped = [{**rows[0], "winner": "model_b" if rows[0]["winner"] != "model_b" else "tie"},
               *rows[1:]]  # fmt: skip
    changed = _write(tmp_path / "e.parquet", flipped)
    assert read_votes(changed, fingerprint=True).vote_set_sha256 != expected


def test_repeated_ids_are_found_across_batches_first_row_wins(tmp_path: Path) -> None:
    rows = _rows(200)
    again = [{**rows[5], "winner": "model_b"}, {**rows[150], "model_a": "omega"}]
    path = _write(tmp_path / "v.parquet", [*rows, *again], row_group_size=64)
    table = read_votes(path, fingerprint=True, batch_size=64)
    assert table.dropped == {"duplicate id": 2}
    assert "omega" not in table.models
    counted = [(r["id"], r["model_a"], r["model_b"], r["winner"]) for r in rows]
    assert table.vote_set_sha256 == digest_hex(add_votes(0, counted))


def test_unknown_and_empty_winners_are_dropped_and_counted(tmp_path: Path) -> None:
    rows = _rows(40)
    spelled = {"u1": "nobody", "u2": None, "u3": "  ", "u4": "B"}
    bad = [{**rows[i], "id": k, "winner": v} for i, (k, v) in enumerate(spelled.items())]
    path = _write(tmp_path / "v.parquet", [*rows, *bad])
    table = read_votes(path, fingerprint=True)
    assert table.dropped == {"unknown winner": 1, "missing winner": 2}
    assert len(table.codes) == 41  # "B" is a spelling of model_b
    result = runner.invoke(app, ["leaderboard", "--votes", str(path), "--format", "json",
                                 "--min-votes", "0"])  # fmt: skip
    assert result.exit_code == 0, result.output
    board = json.loads(result.stdout)
    assert board["counted_votes"]["dropped_rows"] == {"unknown winner": 1, "missing winner": 2}
    assert "1 unknown winner" in result.stderr


def test_a_file_without_a_usable_winner_fails_with_a_message(tmp_path: Path) -> None:
    path = _write(tmp_path / "v.parquet", [{**r, "winner": "nobody"} for r in _rows(5)])
    result = runner.invoke(app, ["leaderboard", "--votes", str(path)])
    assert result.exit_code == 2
    assert "no usable winner" in result.stderr and "'nobody'" in result.stderr
    assert "Traceback" not in result.output
    no_column = _write(tmp_path / "w.parquet", [{"model_a": "a", "model_b": "b"}])
    result = runner.invoke(app, ["leaderboard", "--votes", str(no_column)])
    assert result.exit_code == 2 and "winner" in result.stderr


PROBE = """
import sys
from arena.cli import main
sys.argv = ["arena", "leaderboard", "--votes", sys.argv[1], "--format", "json",
            "--min-votes", "0", "--interval", sys.argv[2]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
heavy = ("sqlalchemy", "arena.store", "scipy", "arena.web", "arena.battles")
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy or m.startswith(heavy)),
      file=sys.stderr)
"""


@pytest.mark.parametrize("interval", ["sandwich", "bootstrap"])
def test_a_votes_board_imports_neither_the_store_nor_scipy(tmp_path: Path, interval: str) -> None:
    path = _write(tmp_path / "v.parquet", _rows(200))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), interval], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["models"]
    assert done.stderr.strip().splitlines()[-1] == "[]"
