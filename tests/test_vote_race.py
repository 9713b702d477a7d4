"""The database itself refuses a second vote on a battle, whatever the workers do.

Two app workers (two app instances, each with its own writer and connections, on one
store) get votes on the same battles at the same moment. Neither has the battles in its
snapshot cache (a third worker ran them), so each decides from a fresh read that the
battle is open: only the store's unique constraint on a battle's vote stops the second
insert. Without it, this test stores up to twice as many votes as battles.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from arena.store.engine import create_store_engine
from arena.store.tables import VoteRow
from tests.app_fixtures import first_contact_cookies
from tests.support.api import send_turn

PAIR = [
    {"name": "alpha-model", "model": "echo-a"},
    {"name": "beta-model", "model": "echo-b"},
]
BATTLES = 30


def test_two_workers_racing_votes_store_one_per_battle(start_app, db_url) -> None:
    runner, one, two = start_app(PAIR), start_app(PAIR), start_app(PAIR)
    cookies = first_contact_cookies(runner.base_url)  # one voter, whichever worker answers
    with runner.client(cookies=cookies) as client:
        ids = []
        for _ in range(BATTLES):
            battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
            assert send_turn(client, battle_id, "go")[0].status_code == 200
            ids.append(battle_id)

    async def race() -> list[tuple[int, int]]:
        async with one.async_client(cookies=cookies) as a, two.async_client(cookies=cookies) as b:

            async def both(battle_id: str) -> tuple[int, int]:
                url = f"/api/v1/battles/{battle_id}/vote"
                first, second = await asyncio.gather(
                    a.post(url, json={"winner": "model_a"}), b.post(url, json={"winner": "model_b"})
                )
                return first.status_code, second.status_code

            return await asyncio.gather(*(both(battle_id) for battle_id in ids))

    outcomes = asyncio.run(race())
    engine = create_store_engine(db_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(VoteRow)).scalar_one()
            per_battle = conn.execute(
                select(VoteRow.battle_id, func.count()).group_by(VoteRow.battle_id)
            ).all()
    finally:
        engine.dispose()
    assert stored == BATTLES and all(count == 1 for _, count in per_battle)
    # Each battle: one worker's vote counted (200), the other's refused (409).
    assert all(sorted(pair) == [200, 409] for pair in outcomes), outcomes
