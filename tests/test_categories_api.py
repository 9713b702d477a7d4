"""Categories over real HTTP: tags stored per battle, category and language boards,
minimum votes, rank change, the overview grid, and ``arena categories retag``."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, select, update

from arena.categories.tagger import CLASSIFIER_NAME, classifier_version
from arena.store.server_secrets import public_battle_id, server_secret
from arena.store.tables import BattleTagRow
from tests.support.api import voted_battle

ARENA = str(Path(sys.executable).parent / "arena")
MODELS = [
    {"name": "plain-a", "model": "echo-a", "organization": "Org A"},
    {"name": "plain-b", "model": "echo-b", "organization": "Org B"},
]
# Exact rules decide these (LaTeX, code fences); the language is unambiguous.
MATH = r"Simplify $\frac{x^2-1}{x-1}$ for x = {i}."
CODE = "```python\nprint({i})\n```\nWhat does this print?"
CHINESE = "请告诉我第{i}个关于长城的历史事实，谢谢。"
POEM = "写一首关于春天的短诗"


def _server_key(db_url: str) -> str:
    engine = create_engine(db_url)
    try:
        return server_secret(engine)
    finally:
        engine.dispose()


def _stored_tags(db_url: str) -> dict[str, BattleTagRow]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {r.battle_id: r for r in conn.execute(select(BattleTagRow)).all()}
    finally:
        engine.dispose()


def _wait_for_tags(db_url: str, ids: list[str]) -> dict[str, BattleTagRow]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        stored = _stored_tags(db_url)
        if all(i in stored for i in ids):
            return stored
        time.sleep(0.1)
    raise AssertionError("battles were not tagged in time")


def test_tags_boards_min_votes_overview_and_release(start_app, db_url, tmp_path) -> None:
    app = start_app(MODELS, leaderboard_refresh_seconds=0, category_min_votes=4)
    with app.client() as client:
        ids = [
            voted_battle(client, MATH.replace("{i}", str(i)), winner="model_a") for i in range(5)
        ]
        ids += [
            voted_battle(client, CODE.replace("{i}", str(i)), winner="model_b") for i in range(4)
        ]
        ids += [
            voted_battle(client, CHINESE.replace("{i}", str(i)), winner="tie") for i in range(3)
        ]
        stored = _wait_for_tags(db_url, ids)
        for battle_id in ids:
            row = stored[battle_id]
            assert row.classifier == CLASSIFIER_NAME and row.version == classifier_version()
        assert all("math" in stored[i].tags for i in ids[:5])
        assert all("coding" in stored[i].tags for i in ids[5:9])
        assert [stored[i].language for i in ids[9:]] == ["zh"] * 3

        overall = client.get("/api/v1/leaderboard").json()
        assert overall.get("total_votes") == 12 and "zh" in overall["languages"], overall
        assert {"math", "coding"} <= set(overall["categories"])
        math = client.get("/api/v1/leaderboard?category=math").json()
        assert math.get("total_votes") == 5 and math["min_votes"] == 4, math
        assert {r["model"] for r in math["models"]} == {"plain-a", "plain-b"}
        for row in math["models"]:
            if row["rank"] is None or row["rank_overall"] is None:  # not rated: no arrow
                assert row["rank_change"] is None
            else:
                assert row["rank_change"] == row["rank_overall"] - row["rank"]
        # Three Chinese votes: below the minimum, no model is ranked there.
        chinese = client.get("/api/v1/leaderboard?language=zh").json()
        assert chinese["language"] == "zh" and chinese["total_votes"] == 3
        assert chinese["models"] == []
        both = client.get("/api/v1/leaderboard?category=math&language=zh")
        assert both.status_code == 422 and "error" in both.json()
        bad = client.get("/api/v1/leaderboard?language=z%3B")
        assert bad.status_code == 422 and "error" in bad.json()

        grid = client.get("/api/v1/leaderboard/overview").json()
        assert "categories" in grid, grid
        assert grid["categories"][0] == "overall" and {"math", "coding"} <= set(grid["categories"])
        assert {m["model"] for m in grid["models"]} == {"plain-a", "plain-b"}
        for model in grid["models"]:
            assert model["ranks"]["math"] in (1, 2, None)
            assert model["ranks"]["overall"] in (1, 2, None)

        meta = client.get("/api/v1/categories").json()
        by_name = {t["name"]: t for t in meta["tags"]}
        assert by_name["math"]["kind"] == "task" and isinstance(by_name["math"]["f1"], float)
        assert by_name["math"]["experimental"] == (by_name["math"]["f1"] < 0.8)
        assert meta["version"] == classifier_version() and "zh" in meta["languages"]

    # The release: votes carry our tags in category_tag, leaderboard.json a board per tag.
    out = tmp_path / "release"
    done = subprocess.run(
        [ARENA, "release", "--out", str(out), "--format", "jsonl", "--db", db_url,
         "--bootstrap", "20", "--min-votes", "0",
         "--cutoff", "2100-01-01"],  # the default cut-off (now, to the second) may miss a vote
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (out / "votes.jsonl").read_text().splitlines()]
    # A release names our battles by their keyed public ids.
    key = _server_key(db_url)
    by_id = {r["id"]: r for r in rows}
    released = [public_battle_id(key, i) for i in ids]
    assert all("math" in by_id[i]["category_tag"]["tags"] for i in released[:5])
    assert all(by_id[i]["category_tag"]["math_v0.1"]["math"] for i in released[:5])
    assert all(by_id[i]["language"] == "zh" for i in released[9:])
    published = json.loads((out / "leaderboard.json").read_text())
    assert published["categories"]["math"]["total_votes"] == 5
    assert published["categories"]["coding"]["total_votes"] == 4
    # Fewer than the minimum (10) votes in a category: no model is ranked there.
    assert published["categories"]["math"]["models"] == []
    board = subprocess.run(
        [ARENA, "leaderboard", "--votes", str(out / "votes.jsonl"), "--category", "math",
         "--format", "json", "--bootstrap", "20", "--min-votes", "0"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert board.returncode == 0, board.stderr
    assert json.loads(board.stdout)["total_votes"] == 5


def test_retag_moves_votes_between_boards_and_resumes(start_app, db_url) -> None:
    app = start_app(MODELS, leaderboard_refresh_seconds=0, category_min_votes=1)
    with app.client() as client:
        ids = [
            voted_battle(client, MATH.replace("{i}", str(i)), winner="model_a") for i in range(3)
        ]
        _wait_for_tags(db_url, ids)
        assert client.get("/api/v1/leaderboard?category=math").json()["total_votes"] == 3
        # An older classifier had tagged these battles as poems: the board follows the store.
        engine = create_engine(db_url)
        with engine.begin() as conn:
            conn.execute(update(BattleTagRow).values(version="0+old", tags=["creative_writing"]))
        engine.dispose()
        deadline = time.monotonic() + 10
        while client.get("/api/v1/leaderboard?category=math").json()["total_votes"] != 0:
            assert time.monotonic() < deadline, "the board did not follow the retag"
            time.sleep(0.1)
        poems = client.get("/api/v1/leaderboard?category=creative_writing").json()
        assert poems["total_votes"] == 3

        first = subprocess.run(
            [ARENA, "categories", "retag", "--db", db_url, "--limit", "2"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert first.returncode == 0, first.stderr
        assert "tagged 2 battles" in first.stdout and "1 left" in first.stdout
        second = subprocess.run(
            [ARENA, "categories", "retag", "--db", db_url],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert second.returncode == 0 and "tagged 1 battles" in second.stdout, second.stdout
        stored = _stored_tags(db_url)
        assert {stored[i].version for i in ids} == {classifier_version()}
        deadline = time.monotonic() + 10
        while client.get("/api/v1/leaderboard?category=math").json()["total_votes"] != 3:
            assert time.monotonic() < deadline, "the board did not pick up the new tags"
            time.sleep(0.1)


def test_imported_data_keeps_its_own_tags_and_gets_ours_otherwise(db_url, tmp_path) -> None:
    def conv(text: str) -> list[dict]:
        return [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]

    criteria = dict.fromkeys(
        ["specificity", "domain_knowledge", "complexity", "problem_solving", "creativity",
         "technical_accuracy"], True,
    ) | {"real_world": False}  # fmt: skip
    rows = [
        {  # the 140k release's nested struct
            "id": "imp-struct", "model_a": "x", "model_b": "y", "winner": "model_a",
            "conversation_a": conv("Tell me a story"), "conversation_b": conv("Tell me a story"),
            "category_tag": {"criteria_v0.1": criteria, "math_v0.1": {"math": True},
                             "if_v0.1": {"if": False, "score": 1}},
        },
        {  # our own export's list
            "id": "imp-list", "model_a": "x", "model_b": "y", "winner": "tie",
            "conversation_a": conv("hello"), "conversation_b": conv("hello"),
            "category_tag": ["law", "finance"],
        },
        {  # no tags: ours, from arena categories retag
            "id": "imp-none", "model_a": "x", "model_b": "y", "winner": "model_b",
            "conversation_a": conv(POEM), "conversation_b": conv(POEM),
        },
    ]  # fmt: skip
    votes = tmp_path / "votes.jsonl"
    votes.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    done = subprocess.run(
        [ARENA, "import", str(votes), "--db", db_url], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    retag = subprocess.run(
        [ARENA, "categories", "retag", "--db", db_url], capture_output=True, text=True, timeout=120
    )
    assert retag.returncode == 0 and "tagged 1 battles" in retag.stdout, retag.stdout
    engine = create_engine(db_url)
    with engine.connect() as conn:
        from arena.store.tables import BattleRow

        ext = dict(conn.execute(select(BattleRow.id, BattleRow.external_id)).all())
    engine.dispose()
    stored = {ext[k]: v for k, v in _stored_tags(db_url).items()}
    struct = stored["imp-struct"]
    assert struct.classifier == "imported" and struct.tags == ["hard_prompt", "math"]
    assert len(struct.criteria) == 6
    assert stored["imp-list"].tags == ["finance", "law"]
    ours = stored["imp-none"]
    assert ours.classifier == CLASSIFIER_NAME and ours.language == "zh"
    assert "creative_writing" in ours.tags
