"""A release holds only publishable votes, scrubbed, and anyone can recompute its board."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from arena.cli import app
from arena.data.export import public_battle_id
from arena.data.release import build_release
from arena.data.scrub import Scrubber, scrub_text
from arena.data.style_counts import conv_metadata, markdown_counts
from arena.store.server_secrets import server_secret
from tests.support.store import START, seed_store

CUTOFF = START + timedelta(hours=2)


@pytest.fixture
def source(tmp_path: Path) -> Engine:
    engine = seed_store(f"sqlite:///{tmp_path / 'source.db'}")
    yield engine
    engine.dispose()


def _release(engine: Engine, out: Path, **kw: object) -> None:
    build_release(engine, out, cutoff=CUTOFF, salt="s3cret", seed=3, rounds=20, **kw)  # type: ignore[arg-type]


def test_release_keeps_only_publishable_votes(source: Engine, tmp_path: Path) -> None:
    _release(source, tmp_path / "r")
    rows = pq.read_table(tmp_path / "r" / "votes.parquet").to_pylist()
    ids = {r["id"] for r in rows}
    # 0 flagged, 1 side-by-side, 2 preview model, 3 no vote, 4 failed; and each battle
    # under the release's own id (a keyed hash), never the internal one.
    key = server_secret(source)
    internal = [f"b{i:04d}-0000-0000-0000-000000000000" for i in range(5, 60)]
    assert ids == {public_battle_id(key, battle_id) for battle_id in internal}
    assert not ids & set(internal)
    assert all(r["anony"] and not r["is_flagged"] for r in rows)
    assert {r["model_a"] for r in rows} | {r["model_b"] for r in rows} == {
        "alpha", "beta", "gamma", "delta"
    }  # fmt: skip
    sessions = {r["evaluation_session_id"] for r in rows}
    assert len(sessions) == 4 and not any(s.startswith("client-") for s in sessions)


def test_release_scrubs_personal_data(source: Engine, tmp_path: Path) -> None:
    _release(source, tmp_path / "r", fmt="jsonl")
    text = (tmp_path / "r" / "votes.jsonl").read_text()
    for secret in ("Ada", "Lovelace", "ada.lovelace@example.com", "ada@example.org",
                   "10.0.0.7", "7946 0958", "adalove"):  # fmt: skip
        assert secret not in text
    assert "[NAME]" in text and "[EMAIL]" in text and "[IP]" in text and "[PHONE]" in text


def test_manifest_describes_the_files(source: Engine, tmp_path: Path) -> None:
    _release(source, tmp_path / "r")
    manifest = json.loads((tmp_path / "r" / "MANIFEST.json").read_text())
    assert manifest["rows"] == 55
    assert manifest["cutoff"] == CUTOFF.isoformat(timespec="seconds")
    assert manifest["code_version"].startswith("arena ")
    assert set(manifest["files"]) == {"votes.parquet", "leaderboard.json"}
    for name, entry in manifest["files"].items():
        digest = hashlib.sha256((tmp_path / "r" / name).read_bytes()).hexdigest()
        assert entry["sha256"] == digest


def test_same_inputs_give_the_same_release(source: Engine, tmp_path: Path) -> None:
    _release(source, tmp_path / "one")
    _release(source, tmp_path / "two")
    for name in ("votes.parquet", "leaderboard.json", "MANIFEST.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def _cli_board(votes: Path) -> dict:
    result = CliRunner().invoke(
        app,
        ["leaderboard", "--votes", str(votes), "--format", "json", "--seed", "3",
         "--bootstrap", "20"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_cli_leaderboard_reproduces_the_release_board(
    source: Engine, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "r"
    _release(source, out, fmt=fmt)
    published = json.loads((out / "leaderboard.json").read_text())
    assert published["computed_at"] == CUTOFF.isoformat(timespec="seconds")
    recomputed = _cli_board(out / f"votes.{fmt}")
    # computed_at is the cut-off in the release and the wall clock in the CLI.
    published.pop("computed_at")
    recomputed.pop("computed_at")
    published.pop("categories")  # one board per category: tests/test_categories_api.py
    assert recomputed == published
    assert published["total_votes"] == 55


def test_cli_leaderboard_reads_the_release_directory(source: Engine, tmp_path: Path) -> None:
    out = tmp_path / "r"
    _release(source, out)
    published = json.loads((out / "leaderboard.json").read_text())
    recomputed = _cli_board(out)
    published.pop("computed_at")
    recomputed.pop("computed_at")
    published.pop("categories")
    assert recomputed == published


def test_cli_release(source: Engine, tmp_path: Path) -> None:
    url = source.url.render_as_string(hide_password=False)
    args = ["release", "--out", str(tmp_path / "r"), "--cutoff", CUTOFF.isoformat(),
            "--salt", "x", "--seed", "3", "--bootstrap", "20", "--db", url]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "released 55 votes" in result.stdout


def test_scrub_rules() -> None:
    text = (
        "Mail ada@example.com or call +1 (555) 123-4567 / 06 12 34 56 78 from 192.168.1.20 "
        "or 2001:db8::1. Dates 2024-05-01, prices 1234.56, versions 1.2.3 stay."
    )
    assert scrub_text(text) == (
        "Mail [EMAIL] or call [PHONE] / [PHONE] from [IP] "
        "or [IP]. Dates 2024-05-01, prices 1234.56, versions 1.2.3 stay."
    )
    scrub = Scrubber({"u1": ["Grace Hopper"]})
    assert (
        scrub("grace said hi to Hopper and Gracey", "u1") == "[NAME] said hi to [NAME] and Gracey"
    )
    assert scrub("Grace", "u2") == "Grace"


def test_style_counts_skip_code_blocks() -> None:
    text = "# H1\n## H2\n```\n# comment\n- not a list\n```\n- item\n1. one\n**b** __u__"
    assert markdown_counts(text) == {
        "header_count": {"h1": 1, "h2": 1, "h3": 0, "h4": 0, "h5": 0, "h6": 0},
        "list_count": {"ordered": 1, "unordered": 1},
        "bold_count": {"**": 1, "__": 1},
    }
    meta = conv_metadata([("one two three", None), ("x", 10)], [])
    assert meta["sum_assistant_a_tokens"] == 13 and meta["sum_assistant_b_tokens"] == 0
