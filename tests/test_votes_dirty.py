"""Dirty votes files never turn into silent wrong numbers (issue 16, items 4-7 and 9).

Empty names, bad style counts, repeated ids and self-battles are dropped with a
count per reason; the fingerprint covers exactly the counted votes; the style
coefficients are printed with intervals.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from arena.cli import app
from arena.data import read_votes
from arena.data.importer import import_files
from arena.data.vote_digest import add_votes, digest_hex
from arena.ratings import build_leaderboard, style_features
from arena.ratings.synthetic import simulate_votes
from arena.store import migrate
from arena.store.engine import create_store_engine

runner = CliRunner()
WIN = np.array(["model_a", "model_b", "tie"])


def _cli_json(*args: str) -> dict:
    result = runner.invoke(app, ["leaderboard", *args, "--format", "json", "--min-votes", "0"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _winners(outcome: np.ndarray) -> list[str]:
    return list(np.where(outcome == 1.0, "model_a", np.where(outcome == 0.0, "model_b", "tie")))


def test_empty_csv_cell_and_json_null_are_missing_everywhere(tmp_path: Path) -> None:
    csv = tmp_path / "votes.csv"
    lines = ["id,model_a,model_b,winner"]
    lines += [f"v{i},{'x' if i % 2 else 'y'},{'y' if i % 2 else 'x'},model_a" for i in range(8)]
    lines += ["e1,,x,model_a", "e2,x,,model_b", "e3,  ,y,model_a"]
    csv.write_text("\n".join(lines) + "\n")
    table = read_votes(csv)
    assert table.models == ["x", "y"]
    assert table.dropped == {"missing model name": 3}
    board = _cli_json("--votes", str(csv))
    assert "" not in {r["model"] for r in board["models"]}
    assert board["counted_votes"]["dropped_rows"] == {"missing model name": 3}
    assert board["total_votes"] == 8

    jsonl = tmp_path / "votes.jsonl"
    rows = [{"id": f"v{i}", "model_a": "x", "model_b": "y", "winner": "tie"} for i in range(4)]
    rows.append({"id": "n", "model_a": None, "model_b": "y", "winner": "model_a"})
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    table = read_votes(jsonl)
    assert table.dropped == {"missing model name": 1}
    assert table.ia.size == 4


def _style_file(path: Path, n: int = 4000, seed: int = 0) -> tuple[dict, np.ndarray, np.ndarray]:
    sv = simulate_votes(5, n, seed=seed, style_effect=1.5)
    a, b = sv.names()

    def meta(side: np.ndarray) -> list[dict]:
        return [
            {"tokens": float(r[0]), "headers": {"h1": int(r[1])}, "lists": {"ordered": int(r[2])},
             "bold": {"**": int(r[3])}}
            for r in side
        ]  # fmt: skip

    ma, mb = meta(sv.style_a), meta(sv.style_b)
    conv = [
        {
            "sum_assistant_a_tokens": x["tokens"],
            "sum_assistant_b_tokens": y["tokens"],
            "header_count_a": x["headers"],
            "header_count_b": y["headers"],
            "list_count_a": x["lists"],
            "list_count_b": y["lists"],
            "bold_count_a": x["bold"],
            "bold_count_b": y["bold"],
        }
        for x, y in zip(ma, mb, strict=True)
    ]
    data = {
        "id": [f"v{i}" for i in range(n)],
        "model_a": list(a),
        "model_b": list(b),
        "winner": _winners(sv.outcome),
        "conv_metadata": conv,
    }
    return data, sv.style_a, sv.style_b


def _write(path: Path, data: dict) -> Path:
    pq.write_table(pa.table(data), path)
    return path


def test_one_nan_token_count_does_not_switch_off_length_control(tmp_path: Path) -> None:
    data, _, _ = _style_file(tmp_path)
    clean = _cli_json("--votes", str(_write(tmp_path / "clean.parquet", data)), "--style-control")
    coef = clean["style_coefficients"]["tokens"]
    assert coef["coefficient"] > 0.2 and coef["ci_lower"] < coef["coefficient"] < coef["ci_upper"]
    assert set(clean["style_coefficients"]) == {"tokens", "headers", "lists", "bold"}
    conv = data["conv_metadata"]
    conv[0] = {**conv[0], "sum_assistant_a_tokens": float("nan")}
    conv[1] = {**conv[1], "sum_assistant_b_tokens": None}
    conv[2] = {**conv[2], "sum_assistant_a_tokens": -5.0}
    conv[3] = None
    dirty = _cli_json("--votes", str(_write(tmp_path / "dirty.parquet", data)), "--style-control")
    assert dirty["counted_votes"]["dropped_rows"] == {
        "no conv_metadata": 1,
        "null, NaN or negative style count": 3,
    }
    assert dirty["total_votes"] == clean["total_votes"] - 4
    dirty_coef = dirty["style_coefficients"]["tokens"]["coefficient"]
    assert dirty_coef == pytest.approx(coef["coefficient"], abs=0.05)
    # The raw board still counts those rows: only style control needs the counts.
    raw = _cli_json("--votes", str(tmp_path / "dirty.parquet"))
    assert raw["total_votes"] == clean["total_votes"]


def test_style_features_refuse_nan_and_negative_counts() -> None:
    good = np.array([[3.0, 0.0], [1.0, 2.0]])
    x = style_features(good, good[::-1])
    assert np.isfinite(x).all()
    for bad in (np.nan, -1.0, np.inf):
        sa = good.copy()
        sa[0, 0] = bad
        with pytest.raises(ValueError, match="finite and non-negative"):
            style_features(sa, good)


def test_style_feature_is_the_documented_formula() -> None:
    # (a - b) / (a + b + 1), then z-scored: docstring, DESIGN.md and code agree.
    a = np.array([[0.0], [3.0], [10.0], [1.0]])
    b = np.array([[0.0], [1.0], [0.0], [4.0]])
    raw = ((a - b) / (a + b + 1.0))[:, 0]
    want = (raw - raw.mean()) / raw.std()
    np.testing.assert_allclose(style_features(a, b)[:, 0], want)
    assert "(a - b) / (a + b + 1)" in (style_features.__doc__ or "")


@pytest.fixture
def store(db_url: str) -> Engine:
    engine = create_store_engine(db_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def test_duplicate_ids_counted_once_like_import(tmp_path: Path, store: Engine) -> None:
    sv = simulate_votes(4, 300, seed=3)
    a, b = sv.names()
    once = {
        "id": [f"v{i}" for i in range(300)],
        "model_a": list(a),
        "model_b": list(b),
        "winner": _winners(sv.outcome),
    }
    ten = {k: v * 10 for k, v in once.items()}
    path_once = _write(tmp_path / "once.parquet", once)
    path_ten = _write(tmp_path / "ten.parquet", ten)
    table = read_votes(path_ten, fingerprint=True)
    assert table.ia.size == 300
    assert table.dropped == {"duplicate id": 2700}
    first = read_votes(path_once, fingerprint=True)
    assert table.vote_set_sha256 == first.vote_set_sha256
    b10 = _cli_json("--votes", str(path_ten), "--interval", "sandwich")
    b1 = _cli_json("--votes", str(path_once), "--interval", "sandwich")
    assert b10["models"] == b1["models"] and b10["total_votes"] == 300
    assert b10["counted_votes"]["dropped_rows"] == {"duplicate id": 2700}
    # arena import keeps the same 300 (the first row of each id).
    report = import_files(store, [path_ten])
    assert report.imported == 300


def test_fingerprint_is_exactly_the_counted_votes(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 5000
    ids = [f"id-{i}" for i in range(n)]
    ma = [f"m{x}" for x in rng.integers(0, 6, n)]
    mb = [f"m{x}" for x in rng.integers(0, 6, n)]
    w = list(WIN[rng.integers(0, 3, n)])
    path = _write(tmp_path / "v.parquet", {"id": ids, "model_a": ma, "model_b": mb, "winner": w})
    table = read_votes(path, fingerprint=True, batch_size=777)
    rows = list(zip(ids, ma, mb, w, strict=True))
    counted = [r for r in rows if r[1] != r[2]]
    assert table.dropped == {"model against itself": n - len(counted)}
    assert table.vote_set_sha256 == digest_hex(add_votes(0, counted))
    # A board that leaves models out fingerprints only the votes it kept.
    keep = {"m0", "m1", "m2"}
    assert table.fingerprint(keep) == digest_hex(
        add_votes(0, [r for r in counted if r[1] in keep and r[2] in keep])
    )


def test_cli_fingerprint_leaves_out_models_below_min_votes(tmp_path: Path) -> None:
    rows = [(f"v{i}", "x" if i % 2 else "y", "y" if i % 2 else "x", "model_a") for i in range(30)]
    rows += [("r1", "rare", "x", "model_b"), ("s1", "x", "x", "tie")]
    ids, a, b, w = (list(c) for c in zip(*rows, strict=True))
    path = _write(tmp_path / "v.parquet", {"id": ids, "model_a": a, "model_b": b, "winner": w})
    result = runner.invoke(app, ["leaderboard", "--votes", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    board = json.loads(result.stdout)
    assert board["min_votes"] == 20 and board["too_few_votes"] == ["rare"]
    assert board["counted_votes"]["vote_set_sha256"] == digest_hex(add_votes(0, rows[:30]))
    assert board["counted_votes"]["dropped_rows"] == {"model against itself": 1}
    assert board["total_votes"] == 30


def test_plain_board_unchanged_by_dropping_rules_on_clean_data(tmp_path: Path) -> None:
    sv = simulate_votes(4, 500, seed=1)
    a, b = sv.names()
    data = {"id": [f"v{i}" for i in range(500)], "model_a": list(a), "model_b": list(b),
            "winner": _winners(sv.outcome)}  # fmt: skip
    table = read_votes(_write(tmp_path / "v.parquet", data))
    assert table.dropped == {}
    board = build_leaderboard(table.pair_counts(), interval="sandwich")
    assert board.total_votes == 500


def test_fast_counts_equal_the_reference_aggregation() -> None:
    from arena.ratings import PairCounts

    rng = np.random.default_rng(7)
    k, n = 9, 20_000
    ia = rng.integers(0, k, n)
    ib = (ia + rng.integers(1, k, n)) % k
    codes = rng.integers(0, 3, n).astype(np.int8)
    models = [f"m{i}" for i in range(k)]
    fast = PairCounts.from_codes(models, ia.astype(np.int32), ib.astype(np.int32), codes)
    ref = PairCounts.from_indices(models, ia, ib, codes)
    for name in ("a", "b", "wins_a", "wins_b", "ties"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(ref, name))
