"""Every published shape in, the 140k shape out, and nothing published lost on the way.

The input files are written by hand from the public schemas
(tests/support/published_shapes.py).
Store-side tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from arena.cli import app
from arena.data import VoteFilters, parse_time, read_votes
from arena.data.export import ExportOptions, export_votes
from arena.data.importer import import_files
from arena.data.public_schema import CONV_METADATA_FIELDS
from arena.data.vote_digest import SCHEME, digest_hex
from arena.store import migrate
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, MessageRow
from tests.support import published_shapes as shapes

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path / "published"
    d.mkdir()
    return {
        "140k": shapes.write_140k(d / "arena-human-preference-140k.parquet"),
        "100k": shapes.write_100k(d / "arena-human-preference-100k.parquet"),
        "33k": shapes.write_33k(d / "chatbot_arena_conversations.parquet"),
        "55k": shapes.write_kaggle(d / "train.csv"),
        "chat": shapes.write_chat_1m(d / "lmsys-chat-1m.parquet"),
    }


def _store(url: str) -> Engine:
    engine = create_store_engine(url)
    migrate.upgrade(engine)
    return engine


@pytest.fixture
def store(db_url: str) -> Engine:
    engine = _store(db_url)
    yield engine
    engine.dispose()


def _rows(path: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in pq.read_table(path).to_pylist()}


def _board(args: list[str]) -> tuple[dict[str, Any], str]:
    result = runner.invoke(
        app, ["leaderboard", *args, "--format", "json", "--bootstrap", "20", "--min-votes", "0"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


# ---------------------------------------------------------------- item 1: the 140k shape


def test_the_140k_shape_imports_with_typed_parts_and_num_tokens(
    store: Engine, files: dict[str, Path]
) -> None:
    report = import_files(store, [files["140k"]])
    assert (report.imported, report.bad_count) == (6, 0), report.bad
    with store.connect() as conn:
        battles = {
            b.external_id: b
            for b in conn.execute(select(BattleRow).where(BattleRow.external_id.is_not(None)))
        }
        first = battles["01970000-aaaa-7bbb-8ccc-000000000000"]
        messages = conn.execute(
            select(MessageRow).where(MessageRow.battle_id == first.id).order_by(MessageRow.id)
        ).all()
    assert {b.mode for b in battles.values()} == {"anonymous"}  # no anony column: anonymous
    assert first.session_id == "sess-0" and first.evaluation_order == 1
    assert first.created_at.replace(tzinfo=None).isoformat() == "2025-06-05T03:00:00"
    user = next(m for m in messages if m.side == "a" and m.role == "user")
    assert user.content == shapes.PROMPTS[0]
    assert user.parts[1] == {
        "type": "image", "image": "https://example.org/cat.png", "mimeType": "image/png"
    }  # fmt: skip
    reply = next(m for m in messages if m.side == "a" and m.role == "assistant")
    assert (reply.content, reply.completion_tokens, reply.parts) == (shapes.REPLY_A, 300, None)
    # published style counts kept as published, not recounted from the text
    assert first.conv_metadata["header_count_a"]["h1"] == 7
    assert first.conv_metadata["context_a_tokens"] == 411
    assert first.published["category_tag"]["if_v0.1"] == {"if": True, "score": 0}
    assert "computed" not in first.published
    winners = {b.external_id[-1]: b.status for b in battles.values()}
    assert set(winners.values()) == {"voted"}


def test_export_and_release_write_the_140k_shape(store: Engine, files, tmp_path: Path) -> None:
    import_files(store, [files["140k"]])
    out = export_votes(store, tmp_path / "x", ExportOptions())
    schema = pq.read_schema(out.path)
    published = pq.read_schema(files["140k"])
    for name in published.names:  # every 140k column, with its nested type
        assert name in schema.names, name
    message = schema.field("conversation_a").type.value_type
    assert message.field("content").type.value_type.names == ["type", "text", "image", "mimeType"]
    assert schema.field("conv_metadata").type.names == list(CONV_METADATA_FIELDS)
    assert "turn" not in schema.names and schema.field("arena").type == "string"
    release = runner.invoke(
        app, ["release", "--db", store.url.render_as_string(hide_password=False),
              "--out", str(tmp_path / "r"), "--bootstrap", "20"],
    )  # fmt: skip
    assert release.exit_code == 0, release.output
    assert pq.read_schema(tmp_path / "r" / "votes.parquet").names == schema.names


# ---------------------------------------------------------------- item 2: metadata survives

PUBLISHED = {
    "140k": ("conv_metadata", "category_tag", "evaluation_session_id", "evaluation_order",
             "language", "is_code", "timestamp"),
    "100k": ("conv_metadata", "category_tag", "judge_hash", "is_refusal", "dedup_tag",
             "language", "is_code", "tstamp"),
    "33k": ("judge", "openai_moderation", "toxic_chat_tag", "language", "tstamp"),
}  # fmt: skip


def _exported_value(field: str, row: dict[str, Any]) -> Any:
    if field == "tstamp":
        return row["timestamp"].timestamp()
    if field == "timestamp":
        return row["timestamp"].replace(tzinfo=None)
    if field in ("openai_moderation", "toxic_chat_tag"):
        return json.loads(row[field])
    if field == "category_tag":
        return {k: v for k, v in row[field].items() if v is not None and k != "tags"}
    return row[field]


def test_every_published_field_survives_import_and_export(
    store: Engine, files, tmp_path: Path
) -> None:
    import_files(store, [files[k] for k in ("140k", "100k", "33k", "55k")])
    rows = _rows(export_votes(store, tmp_path / "x", ExportOptions()).path)
    for shape, fields in PUBLISHED.items():
        source = pq.read_table(files[shape]).to_pylist()
        for src in source:
            row = rows[src.get("id") or src["question_id"]]
            for field in fields:
                want = src[field]
                if field == "category_tag":
                    want = {k: v for k, v in want.items() if v is not None}
                assert _exported_value(field, row) == want, (shape, field)
            for side in ("a", "b"):  # text, typed parts and num_tokens, message by message
                got = [
                    ("".join(p["text"] for p in m["content"] if p["type"] == "text"),
                     m["num_tokens"])
                    for m in row[f"conversation_{side}"]
                ]  # fmt: skip
                want = [
                    (m["content"] if isinstance(m["content"], str)
                     else "".join(p["text"] or "" for p in m["content"]),
                     None if m.get("num_tokens") is None else int(m["num_tokens"]))
                    for m in src[f"conversation_{side}"]
                ]  # fmt: skip
                assert got == want, (shape, side)
    image = rows["01970000-aaaa-7bbb-8ccc-000000000000"]["conversation_a"][0]["content"][1]
    assert image == {"type": "image", "text": None, "image": "https://example.org/cat.png",
                     "mimeType": "image/png"}  # fmt: skip
    # what the file lacked is computed, and says so; what it published is not marked
    assert rows["q33k000"]["computed_fields"] == list(CONV_METADATA_FIELDS)
    assert rows["q33k000"]["conv_metadata"]["header_count_a"]["h1"] == 1  # from the text
    assert rows["q100k000"]["computed_fields"] == []
    assert rows["q100k001"]["anony"] is False and rows["q100k003"]["winner"] == "both_bad"


def test_kaggle_null_replies_stay_apart_from_empty_ones(store: Engine, files, tmp_path) -> None:
    import_files(store, [files["55k"]])
    rows = _rows(export_votes(store, tmp_path / "x", ExportOptions()).path)
    a, b = rows["30192"]["conversation_a"], rows["30192"]["conversation_b"]
    assert a[3]["content"] == []  # published null: no reply at all
    assert b[3]["content"] == [{"type": "text", "text": "", "image": None, "mimeType": None}]
    assert rows["53567"]["conversation_b"][1]["content"] == []


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_export_import_export_keeps_every_field(
    store: Engine, files, tmp_path: Path, fmt: str
) -> None:
    import_files(store, [files[k] for k in ("140k", "100k", "33k", "55k", "chat")])
    first = export_votes(store, tmp_path / "one", ExportOptions(fmt=fmt))
    again = _store(f"sqlite:///{tmp_path / 'again.db'}")
    try:
        report = import_files(again, [first.path])
        assert (report.imported, report.bad_count) == (19, 0), report.bad
        second = export_votes(again, tmp_path / "two", ExportOptions(fmt=fmt))
    finally:
        again.dispose()
    assert first.path.read_bytes() == second.path.read_bytes()


def test_chat_1m_moderation_is_kept_per_message(store: Engine, files) -> None:
    import_files(store, [files["chat"]])
    with store.connect() as conn:
        published = dict(conn.execute(select(BattleRow.external_id, BattleRow.published)).all())
    moderation = published["c1m-1"]["openai_moderation"]
    assert [m["flagged"] for m in moderation] == [False, True]  # one entry per message
    assert published["c1m-2"]["redacted"] is True


# ---------------------------------------------------------------- item 3: time zones


def test_since_and_until_honour_zone_offsets(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "model_a": "a", "model_b": "b", "winner": "model_a",
         "timestamp": "2025-06-04T20:00:00-07:00"},  # 03:00 UTC on 5 June
        {"id": "2", "model_a": "a", "model_b": "b", "winner": "model_b",
         "timestamp": "2025-06-05T03:00:00Z"},
        {"id": "3", "model_a": "a", "model_b": "b", "winner": "tie",
         "timestamp": "2025-06-04T23:30:00"},  # no offset: UTC
    ]  # fmt: skip
    import pyarrow as pa

    mixed = tmp_path / "mixed.parquet"  # timestamps as a string column, as some files have
    pq.write_table(pa.Table.from_pylist(rows), mixed)
    zoned = tmp_path / "zoned.parquet"  # every time with an offset: parsed in one call
    pq.write_table(pa.Table.from_pylist(rows[:2]), zoned)
    as_json = tmp_path / "v.jsonl"
    as_json.write_text("".join(json.dumps(r) + "\n" for r in rows))

    def count(path: Path, since: str | None, until: str | None = None) -> int:
        flt = VoteFilters(since=parse_time(since), until=parse_time(until))
        return len(read_votes(path, filters=flt).outcome)

    for path in (mixed, as_json):
        assert count(path, "2025-06-05T00:00:00Z") == 2
        assert count(path, "2025-06-04T17:00:00-07:00") == 2  # the same instant, in PDT
        assert count(path, "2025-06-05T03:00:00+00:00", "2025-06-05T03:00:01Z") == 2
        assert count(path, None, "2025-06-05T00:00:00Z") == 1
    assert count(zoned, "2025-06-05T00:00:00Z") == 2
    assert count(zoned, None, "2025-06-05T03:00:00Z") == 0
    board, _ = _board(["--votes", str(mixed), "--since", "2025-06-05T00:00:00Z"])
    assert board["total_votes"] == 2


def test_import_stores_zoned_string_times_in_utc(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    path.write_text(
        json.dumps({"id": "z1", "model_a": "a", "model_b": "b", "winner": "tie",
                    "timestamp": "2025-06-04T20:00:00-07:00"}) + "\n"
    )  # fmt: skip
    import_files(store, [path])
    with store.connect() as conn:
        created = conn.execute(select(BattleRow.created_at)).scalar_one()
    assert created.replace(tzinfo=None).isoformat() == "2025-06-05T03:00:00"


# ---------------------------------------------------------------- item 4: categories


def test_categories_match_on_a_file_and_on_its_export(store: Engine, files, tmp_path) -> None:
    import_files(store, [files["140k"], files["100k"]])
    out = export_votes(store, tmp_path / "x", ExportOptions())
    for source, n_math in ((files["100k"], 1), (files["140k"], 1)):
        board, _ = _board(["--votes", str(source), "--category", "math", "--include-deduped"])
        assert board["total_votes"] == n_math
    export_math, _ = _board(["--votes", str(out.path), "--category", "math", "--include-deduped"])
    assert export_math["total_votes"] == 2
    chinese, _ = _board(["--votes", str(out.path), "--category", "chinese", "--include-named"])
    assert chinese["total_votes"] == 2  # language column, though category_tag holds a struct
    writing, _ = _board(["--votes", str(out.path), "--category", "creative_writing"])
    assert writing["total_votes"] == 1


# ---------------------------------------------------------------- item 5: which votes count


def test_default_board_counts_anonymous_sampled_votes_and_says_so(files) -> None:
    board, said = _board(["--votes", str(files["100k"])])
    assert board["total_votes"] == 4  # 6 rows: one named, one down-sampled
    assert "counted 4 of 6 rows" in said
    assert "1 named left out" in said and "--include-named" in said
    assert "dedup_tag.sampled rows only (1 left out" in said
    assert board["counted_votes"]["filters"]["anonymous_only"] is True
    assert _board(["--votes", str(files["100k"]), "--include-named"])[0]["total_votes"] == 5
    everything, said = _board(
        ["--votes", str(files["100k"]), "--include-named", "--include-deduped"]
    )
    assert everything["total_votes"] == 6 and "anonymous and named" in said
    board, said = _board(["--votes", str(files["33k"])])
    assert board["total_votes"] == 3 and "1 named left out" in said
    board, said = _board(["--votes", str(files["140k"])])
    assert board["total_votes"] == 6 and "no 'anony' column" in said


# ---------------------------------------------------------------- item 6: smaller


def test_reusing_an_id_for_another_vote_is_a_conflict(store: Engine, files, tmp_path) -> None:
    url = store.url.render_as_string(hide_password=False)
    assert runner.invoke(app, ["import", str(files["33k"]), "--db", url]).exit_code == 0
    rows = shapes.rows_33k()
    rows[0]["winner"] = "model_b"  # same question_id, another vote
    clash = tmp_path / "clash.jsonl"
    clash.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = runner.invoke(app, ["import", str(clash), "--db", url])
    assert result.exit_code == 0, result.output
    assert "already present 3, conflicting 1" in result.stdout
    assert "conflict: id 'q33k000' is already in the store for a different vote" in result.stderr
    twice = tmp_path / "twice.jsonl"
    twice.write_text(
        json.dumps({**rows[0], "question_id": "new-1"}) + "\n"
        + json.dumps({**rows[1], "question_id": "new-1"}) + "\n"
    )  # fmt: skip
    report = import_files(store, [twice])
    assert (report.imported, report.skipped, report.conflict_count) == (1, 0, 1)
    assert import_files(store, [files["33k"]]).conflict_count == 0  # the same file: no conflict


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_a_conversations_file_has_no_votes(files, tmp_path: Path, suffix: str) -> None:
    path = files["chat"]
    if suffix == ".jsonl":
        path = tmp_path / "chat.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in shapes.rows_chat_1m()))
    result = runner.invoke(app, ["leaderboard", "--votes", str(path)])
    assert result.exit_code != 0
    assert "this file has no votes" in result.stderr
    assert "Traceback" not in result.output


def test_every_shape_has_a_fingerprint_matching_its_store(store: Engine, files) -> None:
    """The file's vote_set_sha256 (ids derived as import derives them) is the store's."""
    url = store.url.render_as_string(hide_password=False)
    for shape in ("33k", "55k", "100k", "140k"):
        flags = ["--include-named", "--include-deduped"]
        from_file, _ = _board(["--votes", str(files[shape]), *flags])
        assert from_file["counted_votes"]["vote_set_sha256"], shape
    # integer ids, question_id, tie (bothbad), named battles, dedup_tag.sampled = false
    four = [files["55k"], files["140k"], files["33k"], files["100k"]]
    import_files(store, four)
    from_store, _ = _board(["--db", url])
    digests = [_board(["--votes", str(p)])[0]["counted_votes"]["vote_set_sha256"] for p in four]
    # a fingerprint is a sum: the four files' add up to the store's
    total = sum(int(d.removeprefix(f"{SCHEME}:"), 16) for d in digests)
    assert from_store["counted_votes"]["vote_set_sha256"] == digest_hex(total)
    assert from_store["total_votes"] == 3 + 6 + 3 + 4  # named and down-sampled rows left out


def test_a_release_of_imported_votes_has_the_store_fingerprint(
    store: Engine, files, tmp_path: Path
) -> None:
    url = store.url.render_as_string(hide_password=False)
    import_files(store, [files["100k"], files["33k"]])
    out = tmp_path / "release"
    result = runner.invoke(
        app, ["release", "--db", url, "--out", str(out), "--bootstrap", "20",
              "--cutoff", "2030-01-01T00:00:00Z"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    released, _ = _board(["--votes", str(out)])
    from_store, _ = _board(["--db", url])
    assert released["total_votes"] == from_store["total_votes"] == 4 + 3
    digest = from_store["counted_votes"]["vote_set_sha256"]
    assert released["counted_votes"]["vote_set_sha256"] == digest
    # the release holds exactly the counted votes: no named, no down-sampled rows
    assert json.loads((out / "MANIFEST.json").read_text())["rows"] == 7
