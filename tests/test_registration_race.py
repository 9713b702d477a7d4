"""Model registration racing on a fresh store (issue 31 item 6): every worker of
``arena serve --workers N`` registers the same roster at start; none may fail on the
unique model name, and each model is registered (and audited) once. SQLite serialises
writers, so the race is PostgreSQL's; SQLite checks the same outcome."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from arena.store import migrate
from arena.store import repository as repo
from arena.store.engine import create_store_engine
from arena.store.tables import EventRow, ModelRow

WORKERS = 4
ROUNDS = 6


def _specs(round_: int) -> list[dict[str, str]]:
    return [
        {"name": f"m{round_}-{i}", "provider": "openai", "organization": "Org", "license": "MIT"}
        for i in range(8)
    ]


def test_workers_registering_at_once_all_start(db_url: str) -> None:
    engine = create_store_engine(db_url)
    try:
        migrate.upgrade(engine)
        failures: list[BaseException] = []
        results: list[dict[str, int]] = []

        def register(barrier: threading.Barrier, specs: list[dict[str, str]]) -> None:
            barrier.wait()
            try:
                with engine.connect() as conn:
                    conn.info["write"] = True  # as the Writer opens it (SQLite: IMMEDIATE)
                    with conn.begin():
                        results.append(repo.upsert_models(conn, specs))
            except BaseException as exc:  # the test reports any failure
                failures.append(exc)

        for round_ in range(ROUNDS):  # each round: new names, all workers at the same moment
            barrier = threading.Barrier(WORKERS)
            threads = [
                threading.Thread(target=register, args=(barrier, _specs(round_)))
                for _ in range(WORKERS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert failures == []
        with engine.connect() as conn:
            ids = dict(conn.execute(select(ModelRow.name, ModelRow.id)).all())
            events = conn.execute(
                select(func.count()).where(EventRow.kind == "model_registered")
            ).scalar_one()
        assert len(ids) == ROUNDS * 8 and events == ROUNDS * 8
        assert all(result.items() <= ids.items() for result in results)  # all agree on ids
        assert len(results) == ROUNDS * WORKERS
    finally:
        engine.dispose()
