"""Reading, shaping and seeding a test's store directly, beside the app that serves it."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update

from arena.store import migrate
from arena.store import repository as repo
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, ModelRow, UserProfileRow, VoteRow


def stored_rows(db_url: str, stmt: Any) -> list:
    """The rows a statement reads from the store at ``db_url``."""
    engine = create_store_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(stmt))
    finally:
        engine.dispose()


def age_votes(db_url: str, hours: float) -> None:
    """Move every vote ``hours`` into the past (the report counts whole past hours)."""
    engine = create_store_engine(db_url)
    with engine.begin() as conn:
        for vote_id, at in conn.execute(select(VoteRow.id, VoteRow.created_at)).all():
            conn.execute(
                update(VoteRow)
                .where(VoteRow.id == vote_id)
                .values(created_at=at - timedelta(hours=hours))
            )
    engine.dispose()


START = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
MODELS = [
    ("alpha", "public"),
    ("beta", "public"),
    ("gamma", "deprecated"),
    ("delta", "public"),
    ("secret-preview", "preview"),
]
REPLIES = [
    "# Title\n\nSome **bold** text and __more__.\n\n- one\n- two\n\n1. first\n2. second",
    "Plain answer with ```python\n# not a header\nprint(1)\n``` code.",
    "## Sub\n### Subsub\nA short reply.",
    "Reply mentioning ada@example.org and 10.0.0.7, call +44 20 7946 0958.",
]


def _model_specs() -> list[dict[str, Any]]:
    return [
        {"name": n, "provider": "openai", "visibility": v, "organization": "Org", "license": "MIT"}
        for n, v in MODELS
    ]


def seed_store(url: str, n: int = 60, seed: int = 7) -> Engine:
    """A store with ``n`` battles of every kind the release must tell apart.

    Battle 0 is flagged, 1 is side-by-side, 2 involves the preview model, 3 has no
    vote, 4 failed; battles of user ``u-ada`` carry her name, e-mail, phone and IP.
    """
    rng = random.Random(seed)
    engine = create_store_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        ids = repo.upsert_models(conn, _model_specs())
        conn.execute(
            insert(UserProfileRow).values(
                user_id="u-ada", display_name="adalove", full_name="Ada Lovelace",
                email="ada.lovelace@example.com",
            )
        )  # fmt: skip
        public = ["alpha", "beta", "gamma", "delta"]
        for i in range(n):
            a, b = rng.sample(public, 2)
            if i == 2:
                b = "secret-preview"
            created = START + timedelta(minutes=i, microseconds=i * 7)
            bid = f"b{i:04d}-0000-0000-0000-000000000000"
            user = "u-ada" if i % 5 == 0 else f"u-{i % 3}"
            conn.execute(
                insert(BattleRow).values(
                    id=bid,
                    mode="side_by_side" if i == 1 else "anonymous",
                    model_a_id=ids[a],
                    model_b_id=ids[b],
                    sampling_policy="uniform",
                    status="failed" if i == 4 else "open",
                    turns=1 + (i % 3 == 0),
                    client_hash=f"client-{i % 4}",
                    user_id=user,
                    created_at=created,
                )
            )
            prompt = (
                "Hi, I am Ada Lovelace, mail me at ada.lovelace@example.com"
                if i % 5 == 0
                else f"Question {i}?"
            )
            rows = []
            for turn in range(1, 2 + (i % 3 == 0)):
                for side in "ab":
                    rows.append({"side": side, "role": "user", "content": prompt})
                    rows.append(
                        {
                            "side": side,
                            "role": "assistant",
                            "content": rng.choice(REPLIES),
                            "completion_tokens": rng.choice([None, rng.randint(5, 400)]),
                        }
                    )
                repo.save_turn(conn, bid, turn, [{**r, "created_at": created} for r in rows], None)
                rows = []
            if i == 3:
                continue
            conn.execute(
                insert(VoteRow).values(
                    battle_id=bid,
                    winner=rng.choice(["model_a", "model_b", "tie", "both_bad"]),
                    client_hash=f"client-{i % 4}",
                    user_id=user,
                    flags={"identity_leak": True} if i == 0 else {},
                    valid=i != 0,  # as record_vote stores a flagged vote
                    created_at=created + timedelta(seconds=30),
                )
            )
    return engine


def add_votes(db_url: str, model_a: str, model_b: str, n: int, at: datetime) -> None:
    """``n`` anonymous battles of two stored models, each with a valid vote at ``at``:
    thousands in one bulk insert, for thresholds counted in votes (provisional scores)."""
    engine = create_store_engine(db_url)
    try:
        with engine.begin() as conn:
            ids = dict(conn.execute(select(ModelRow.name, ModelRow.id)).all())
            battles = [
                {
                    "id": str(uuid.uuid4()),
                    "mode": "anonymous",
                    "model_a_id": ids[model_a],
                    "model_b_id": ids[model_b],
                    "sampling_policy": "uniform",
                    "status": "voted",
                    "turns": 1,
                    "created_at": at,
                }
                for _ in range(n)
            ]
            conn.execute(insert(BattleRow), battles)
            conn.execute(
                insert(VoteRow),
                [
                    {
                        "battle_id": b["id"],
                        "winner": "tie",
                        "flags": {},
                        "valid": True,
                        "created_at": at,
                    }
                    for b in battles
                ],
            )
    finally:
        engine.dispose()
