"""Accounts in the store: users, their sessions, joining battles, deleting and exporting.

Functions take an ``Engine`` and run synchronously; the web layer calls them on a worker
thread. Session tokens never reach the database: only their SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from arena.errors import Conflict
from arena.store.tables import (
    BattleRow,
    EventRow,
    MessageRow,
    ModelRow,
    SessionRow,
    UserIdentityRow,
    UserProfileRow,
    UserRow,
    VoteRow,
    utcnow,
)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedIn:
    user_id: str
    username: str


def create_user(engine: Engine, username: str, password_hash: str) -> str:
    """A new account; its username also goes to ``user_profiles`` so releases scrub it
    from prompt text like any other name a user gave."""
    user_id = str(uuid.uuid4())
    try:
        with engine.begin() as conn:
            conn.execute(
                UserRow.__table__.insert().values(
                    id=user_id, username=username, password_hash=password_hash, created_at=utcnow()
                )
            )
            conn.execute(
                UserProfileRow.__table__.insert().values(
                    user_id=user_id, display_name=username, created_at=utcnow()
                )
            )
    except IntegrityError as exc:
        raise Conflict("that username is taken") from exc
    return user_id


def user_by_name(engine: Engine, username: str) -> tuple[str, str] | None:
    """(user id, password hash) of an account, or ``None``."""
    with engine.connect() as conn:
        row = conn.execute(
            select(UserRow.id, UserRow.password_hash).where(UserRow.username == username)
        ).first()
    return (row.id, row.password_hash) if row else None


def start_session(
    engine: Engine,
    user_id: str,
    token: str,
    lifetime: timedelta,
    replaces: str | None,
    now: datetime | None = None,
) -> None:
    """Store a new session, dropping the one the browser had (a new id at every sign-in)
    and the user's expired ones (so the table does not grow with every sign-in).
    ``now`` is the caller's clock (the system's if None)."""
    now = now or utcnow()
    with engine.begin() as conn:
        conn.execute(
            delete(SessionRow).where(SessionRow.user_id == user_id, SessionRow.expires_at <= now)
        )
        if replaces:
            conn.execute(
                delete(SessionRow).where(SessionRow.token_sha256 == token_digest(replaces))
            )
        conn.execute(
            SessionRow.__table__.insert().values(
                token_sha256=token_digest(token),
                user_id=user_id,
                created_at=now,
                expires_at=now + lifetime,
            )
        )


def session_user(engine: Engine, token: str, now: datetime | None = None) -> SignedIn | None:
    """Who a session token belongs to, if it exists and has not expired.

    The lookup is by the token's hash, an indexed equality on a value an attacker cannot
    choose to be near a real one, so it leaks nothing through timing.
    """
    with engine.connect() as conn:
        row = conn.execute(
            select(UserRow.id, UserRow.username, SessionRow.expires_at)
            .join(UserRow, UserRow.id == SessionRow.user_id)
            .where(SessionRow.token_sha256 == token_digest(token))
        ).first()
    if row is None or _aware(row.expires_at) <= (now or utcnow()):
        return None
    return SignedIn(row.id, row.username)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(SessionRow).where(SessionRow.token_sha256 == token_digest(token)))


def end_all_sessions(engine: Engine, user_id: str) -> int:
    """Sign out everywhere: every session ends, and every browser lets go of the account's
    battles (their ``owner_key`` is cleared), so a client cookie left on a shared computer
    no longer lists, reads or continues them. They stay with the account."""
    with engine.begin() as conn:
        conn.execute(update(BattleRow).where(BattleRow.user_id == user_id).values(owner_key=None))
        return conn.execute(delete(SessionRow).where(SessionRow.user_id == user_id)).rowcount


def join_battles(engine: Engine, user_id: str, owner_key: str | None) -> int:
    """The browser's anonymous battles (owned by its client cookie) join the account."""
    if owner_key is None:
        return 0
    with engine.begin() as conn:
        joined = conn.execute(
            update(BattleRow)
            .where(BattleRow.owner_key == owner_key, BattleRow.user_id.is_(None))
            .values(user_id=user_id)
        ).rowcount
        mine = select(BattleRow.id).where(BattleRow.user_id == user_id)
        conn.execute(
            update(VoteRow)
            .where(VoteRow.battle_id.in_(mine), VoteRow.user_id.is_(None))
            .values(user_id=user_id)
        )
    return joined


NO_PASSWORD = "!"
"""The password hash of an account made by OpenID Connect: no password ever matches it."""


def identity_user(engine: Engine, issuer: str, subject: str, wanted: str) -> tuple[str, str]:
    """(user id, username) of an OpenID Connect identity; a new account on first sign-in,
    named ``wanted`` (or ``wanted-2``, ... when taken)."""
    with engine.begin() as conn:
        row = conn.execute(
            select(UserRow.id, UserRow.username)
            .join(UserIdentityRow, UserIdentityRow.user_id == UserRow.id)
            .where(UserIdentityRow.issuer == issuer, UserIdentityRow.subject == subject)
        ).first()
        if row is not None:
            return row.id, row.username
        taken = set(
            conn.execute(select(UserRow.username).where(UserRow.username.like(f"{wanted}%")))
            .scalars()
            .all()
        )
        username = wanted
        n = 1
        while username in taken:
            n += 1
            username = f"{wanted[:60]}-{n}"
        user_id = str(uuid.uuid4())
        now = utcnow()
        conn.execute(
            UserRow.__table__.insert().values(
                id=user_id, username=username, password_hash=NO_PASSWORD, created_at=now
            )
        )
        conn.execute(
            UserProfileRow.__table__.insert().values(
                user_id=user_id, display_name=username, created_at=now
            )
        )
        conn.execute(
            UserIdentityRow.__table__.insert().values(
                issuer=issuer, subject=subject, user_id=user_id, created_at=now
            )
        )
    return user_id, username


def delete_user(engine: Engine, user_id: str) -> None:
    """Remove the account and what links data to it. Votes stay (the board counts them)
    but no longer point at anyone: battles and votes lose ``user_id``, and battles their
    ``owner_key``, so no cookie reaches them again."""
    with engine.begin() as conn:
        conn.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
        conn.execute(
            update(BattleRow)
            .where(BattleRow.user_id == user_id)
            .values(user_id=None, owner_key=None)
        )
        conn.execute(update(VoteRow).where(VoteRow.user_id == user_id).values(user_id=None))
        conn.execute(update(EventRow).where(EventRow.actor == user_id).values(actor=None))
        conn.execute(delete(UserProfileRow).where(UserProfileRow.user_id == user_id))
        conn.execute(delete(UserIdentityRow).where(UserIdentityRow.user_id == user_id))
        conn.execute(delete(UserRow).where(UserRow.id == user_id))


def export_user(engine: Engine, user_id: str) -> dict[str, Any]:
    """Everything stored about a user, as JSON-ready data.

    Model names of an anonymous battle appear only once it is voted, as in the UI.
    """
    with engine.connect() as conn:
        user = conn.execute(select(UserRow).where(UserRow.id == user_id)).one()
        sessions = conn.execute(
            select(SessionRow.created_at, SessionRow.expires_at)
            .where(SessionRow.user_id == user_id)
            .order_by(SessionRow.created_at)
        ).all()
        battles = conn.execute(
            select(BattleRow.__table__)
            .where(BattleRow.user_id == user_id)
            .order_by(BattleRow.created_at, BattleRow.id)
        ).all()
        ids = [b.id for b in battles]
        votes = {
            v.battle_id: v
            for v in conn.execute(select(VoteRow.__table__).where(VoteRow.battle_id.in_(ids)))
        }
        messages: dict[str, list[dict[str, Any]]] = {}
        for m in conn.execute(
            select(MessageRow.__table__)
            .where(MessageRow.battle_id.in_(ids))
            .order_by(MessageRow.id)
        ):
            messages.setdefault(m.battle_id, []).append(
                {"side": m.side, "turn": m.turn, "role": m.role, "content": m.content}
            )
        names = {r.id: r.name for r in conn.execute(select(ModelRow.id, ModelRow.name))}
    out = []
    for b in battles:
        vote = votes.get(b.id)
        item: dict[str, Any] = {
            "battle_id": b.id,
            "mode": b.mode,
            "arena": b.arena,
            "status": b.status,
            "created_at": _iso(b.created_at),
            "messages": messages.get(b.id, []),
            "vote": {"winner": vote.winner, "created_at": _iso(vote.created_at)} if vote else None,
        }
        if vote is not None or b.mode != "anonymous":
            item["model_a"] = names.get(b.model_a_id)
            item["model_b"] = names.get(b.model_b_id) if b.model_b_id else None
        out.append(item)
    return {
        "account": {"username": user.username, "created_at": _iso(user.created_at)},
        "sessions": [
            {"created_at": _iso(s.created_at), "expires_at": _iso(s.expires_at)} for s in sessions
        ],
        "battles": out,
    }


def _iso(moment: datetime) -> str:
    return _aware(moment).isoformat(timespec="seconds")
