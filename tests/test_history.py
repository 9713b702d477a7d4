"""History and personal boards over real HTTP, on SQLite and PostgreSQL.

A client's own battles (listed, searched, filtered, continued, deleted), a deleted battle
leaving `arena release`, my leaderboard from my votes only, and the expert board from
declared experts' votes on prompts tagged with their field. A second httpx client has its
own cookie: it is "another user".
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select, update

from arena.store.tables import BattleTagRow
from tests.support.api import (
    battle_with_turns,
    finished_turn,
    side_by_side,
    voted_battle,
)
from tests.support.rosters import ECHO_PAIR as PAIR

WITH_MARKDOWN = [*PAIR, {"name": "md-model", "model": "markdown"}]
NOT_FOUND = {"error": "no such battle"}
ARENA = str(Path(sys.executable).parent / "arena")


def _ids(client: httpx.Client, **params: str) -> list[str]:
    response = client.get("/api/v1/me/battles", params=params)
    assert response.status_code == 200, response.text
    return [b["battle_id"] for b in response.json()["battles"]]


def test_history_is_mine_newest_first_paginated_searchable_and_filtered(start_app) -> None:
    app = start_app(WITH_MARKDOWN)
    with app.client() as me, app.client() as other:
        first = side_by_side(me, "alpha-model", "beta-model")
        finished_turn(me, first, "first prompt")
        second = side_by_side(me, "alpha-model", "md-model")
        finished_turn(me, second, "second prompt")
        third = battle_with_turns(me, "third prompt")
        theirs = side_by_side(other, "alpha-model", "beta-model")
        finished_turn(other, theirs, "stranger prompt")

        listed = me.get("/api/v1/me/battles").json()
        assert [b["battle_id"] for b in listed["battles"]] == [third, second, first]
        assert listed["next"] is None
        by_id = {b["battle_id"]: b for b in listed["battles"]}
        assert by_id[second]["prompts"] == ["second prompt"]
        assert by_id[second]["models"] == {"a": "alpha-model", "b": "md-model"}
        assert "Sorting in Python" in by_id[second]["sides"]["b"]["replies"][0]
        # An anonymous battle before its vote names no model, anywhere in the item.
        assert by_id[third]["models"] == {} and by_id[third]["winner"] is None
        text = str(by_id[third])
        assert all(name not in text for name in ("alpha-model", "beta-model", "md-model"))

        page = me.get("/api/v1/me/battles", params={"limit": 2}).json()
        assert [b["battle_id"] for b in page["battles"]] == [third, second]
        rest = me.get("/api/v1/me/battles", params={"limit": 2, "cursor": page["next"]}).json()
        assert [b["battle_id"] for b in rest["battles"]] == [first] and rest["next"] is None

        # A word only a reply holds finds its battle; case does not matter.
        # (The echo models answer "Reply from ...: you said «PROMPT»"; no prompt says "said".)
        assert _ids(me, q="you said «second") == [second]
        assert _ids(me, q="YOU SAID «FIRST") == [first]
        # Full text: every word, in any order, each as a prefix; punctuation is no word.
        assert _ids(me, q="prompt SECON") == [second]
        assert _ids(me, q="pelican prompt") == []
        assert _ids(me, q="«»") == []
        assert _ids(me, q="stranger") == []
        assert _ids(me, q="100%") == []
        assert _ids(me, arena="vision") == []
        assert _ids(me, arena="text") == [third, second, first]

        assert _ids(other) == [theirs]
        assert _ids(other, q="prompt") == [theirs]
        bad = me.get("/api/v1/me/battles", params={"cursor": "x"})
        assert bad.status_code == 422 and "error" in bad.json()


def test_voted_anonymous_stays_closed_while_named_chats_continue(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as me:
        voted = voted_battle(me, "one", winner="tie")
        again = me.post(f"/api/v1/battles/{voted}/turns", json={"prompt": "two"})
        assert again.status_code == 409
        for body in (
            {"mode": "side_by_side", "models": ["alpha-model", "beta-model"]},
            {"mode": "direct", "models": ["beta-model"]},
        ):
            battle_id = me.post("/api/v1/battles", json=body).json()["battle_id"]
            finished_turn(me, battle_id, "yesterday")
            # Opened again from the history, it takes the next turn.
            listed = me.get("/api/v1/me/battles").json()["battles"]
            item = next(b for b in listed if b["battle_id"] == battle_id)
            assert item["turns"] == 1 and item["models"]
            finished_turn(me, battle_id, "today")
            view = me.get(f"/api/v1/battles/{battle_id}").json()
            assert view["turns"] == 2
        listed = me.get("/api/v1/me/battles").json()["battles"]
        closed = next(b for b in listed if b["battle_id"] == voted)
        assert closed["turns"] == 1 and closed["winner"] == "tie"
        assert set(closed["models"].values()) == {"alpha-model", "beta-model"}


def _release_text(db_url: str, out: Path) -> tuple[int, str]:
    """How many votes `arena release` publishes, and their rows as text."""
    args = ["release", "--db", db_url, "--out", str(out), "--cutoff", "2100-01-01",
            "--bootstrap", "20", "--min-votes", "0", "--salt", "s"]  # fmt: skip
    result = subprocess.run([ARENA, *args], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    import pyarrow.parquet as pq

    rows = pq.read_table(out / "votes.parquet").to_pylist()
    return len(rows), str(rows)


def test_delete_one_and_all_leaves_history_and_releases(start_app, db_url, tmp_path) -> None:
    app = start_app(PAIR, leaderboard_refresh_seconds=0)
    with app.client() as me, app.client() as other:
        gone = voted_battle(me, "delete-me please", winner="model_a")
        kept = voted_battle(me, "keep-me please", winner="model_b")
        theirs = voted_battle(other, "stranger text", winner="tie")
        count, before = _release_text(db_url, tmp_path / "before")
        assert count == 3
        assert all(w in before for w in ("delete-me", "keep-me", "stranger text"))

        # Someone else's battle and an unknown id: the same 404, and nothing happens.
        for client, battle_id in ((other, gone), (me, theirs), (me, "no-such-id")):
            response = client.delete(f"/api/v1/me/battles/{battle_id}")
            assert response.status_code == 404 and response.json() == NOT_FOUND
        assert _ids(me) == [kept, gone]

        assert me.delete(f"/api/v1/me/battles/{gone}").status_code == 204
        assert _ids(me) == [kept]
        assert _ids(me, q="delete-me") == []
        assert me.get(f"/api/v1/battles/{gone}").json() == NOT_FOUND
        for path, body in (("turns", {"prompt": "again"}), ("vote", {"winner": "tie"})):
            response = me.post(f"/api/v1/battles/{gone}/{path}", json=body)
            assert response.status_code == 404 and response.json() == NOT_FOUND
        assert me.delete(f"/api/v1/me/battles/{gone}").status_code == 404
        count, after = _release_text(db_url, tmp_path / "after")
        assert count == 2
        assert "delete-me" not in after and "keep-me" in after and "stranger text" in after
        # The vote itself still counts on the live board (see arena.store.history).
        assert me.get("/api/v1/leaderboard").json()["total_votes"] == 3

        assert me.delete("/api/v1/me/battles").status_code == 204
        assert _ids(me) == []
        assert _ids(other) == [theirs]
        count, final = _release_text(db_url, tmp_path / "final")
        assert count == 1
        assert "keep-me" not in final and "stranger text" in final


def _wait_for_tags(db_url: str, ids: list[str]) -> None:
    engine = create_engine(db_url)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                have = set(conn.execute(select(BattleTagRow.battle_id)).scalars())
            if set(ids) <= have:
                return
            time.sleep(0.1)
        raise AssertionError("battles were not tagged in time")
    finally:
        engine.dispose()


def _tag(db_url: str, ids: list[str], tags: list[str]) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                update(BattleTagRow).where(BattleTagRow.battle_id.in_(ids)).values(tags=tags)
            )
    finally:
        engine.dispose()


def test_my_leaderboard_and_the_expert_board(start_app, db_url) -> None:
    app = start_app(PAIR)
    with app.client() as me, app.client() as other:
        mine = [voted_battle(me, f"my question {i}", winner="model_a") for i in range(3)]
        theirs = [voted_battle(other, f"their question {i}", winner="tie") for i in range(2)]

        board = me.get("/api/v1/me/leaderboard").json()
        assert board["total_votes"] == 3
        assert {m["model"] for m in board["models"]} == {"alpha-model", "beta-model"}
        assert all("ci_lower" in m and "ci_upper" in m for m in board["models"])
        assert other.get("/api/v1/me/leaderboard").json()["total_votes"] == 2
        with app.client() as newcomer:
            empty = newcomer.get("/api/v1/me/leaderboard").json()
            assert empty["total_votes"] == 0 and empty["models"] == []

        assert me.put("/api/v1/me/expertise", json={"fields": ["astrology"]}).status_code == 422
        assert me.put("/api/v1/me/expertise", json={"fields": ["medicine"]}).is_success
        assert me.get("/api/v1/me/expertise").json()["fields"] == ["medicine"]
        assert other.get("/api/v1/me/expertise").json()["fields"] == []

        _wait_for_tags(db_url, mine + theirs)
        _tag(db_url, mine[:2] + theirs, ["medicine"])
        _tag(db_url, mine[2:], ["law"])

        def expert(field: str) -> int:
            response = me.get("/api/v1/leaderboard/expert", params={"field": field})
            assert response.status_code == 200, response.text
            return response.json()["total_votes"]

        # My two medicine prompts; not my law prompt, not the undeclared other's votes.
        assert expert("medicine") == 2
        assert expert("law") == 0
        assert other.put("/api/v1/me/expertise", json={"fields": ["medicine"]}).is_success
        assert expert("medicine") == 4
        assert me.put("/api/v1/me/expertise", json={"fields": []}).is_success
        assert expert("medicine") == 2
        bad = me.get("/api/v1/leaderboard/expert", params={"field": "astrology"})
        assert bad.status_code == 422


def test_the_migration_indexes_the_messages_already_stored(db_url) -> None:
    """Battles from before revision 0016 are found by a search right after the upgrade,
    and the index follows later inserts and deletes."""
    from sqlalchemy import delete, insert

    from arena.store.history import list_mine
    from arena.store.migrate import upgrade
    from arena.store.requester import Requester
    from arena.store.tables import BattleRow, MessageRow, ModelRow

    engine = create_engine(db_url)
    try:
        upgrade(engine, "0009")
        with engine.begin() as conn:
            model = conn.execute(
                insert(ModelRow).values(name="m", provider="local").returning(ModelRow.id)
            ).scalar_one()
            for battle_id, words in (("old", "an albatross flew"), ("new", "a cormorant dove")):
                conn.execute(
                    insert(BattleRow).values(
                        id=battle_id,
                        mode="direct",
                        model_a_id=model,
                        sampling_policy="named",
                        owner_key="k",
                    )
                )
                if battle_id == "old":
                    conn.execute(
                        insert(MessageRow).values(
                            battle_id="old", side="a", turn=1, role="user", content=words
                        )
                    )
        upgrade(engine, "head")
        me = Requester(client_key="k")

        def found(q: str) -> list[str]:
            with engine.connect() as conn:
                rows = list_mine(conn, me, q=q, arena=None, limit=10, offset=0)
            return [r["battle_id"] for r in rows]

        assert found("albatross") == ["old"]
        with engine.begin() as conn:
            conn.execute(
                insert(MessageRow).values(
                    battle_id="new", side="a", turn=1, role="user", content="a cormorant dove"
                )
            )
        assert found("cormorant") == ["new"]
        with engine.begin() as conn:
            conn.execute(delete(MessageRow).where(MessageRow.battle_id == "old"))
        assert found("albatross") == []
    finally:
        engine.dispose()
