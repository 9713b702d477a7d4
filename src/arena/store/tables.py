"""The schema. Every change here needs an Alembic revision in ``migrations/versions``.

Votes are append-only and unique per battle (a database constraint, so two
workers can never count the same battle twice). Each battle records the
probability with which its pair was drawn and the policy that drew it, so
sampling can be audited and inverse-propensity weighting is possible later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from arena.clock import SYSTEM_CLOCK

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a real BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """The system's time, for column defaults and offline callers; the live app passes
    its injected clock's time instead (see ``arena.clock``)."""
    return SYSTEM_CLOCK.now()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


# Models whose votes the public board fits and a release publishes; preview ones wait.
PUBLIC_VISIBILITY = ("public", "deprecated")


class ModelRow(Base):
    __tablename__ = "models"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    codename: Mapped[str | None] = mapped_column(String(128))
    organization: Mapped[str] = mapped_column(String(128), default="unknown")
    license: Mapped[str] = mapped_column(String(128), default="unknown")
    provider: Mapped[str] = mapped_column(String(32))
    visibility: Mapped[str] = mapped_column(String(16), default="public")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Integrity (revision 0003): when a preview model went public, and whether its score
    # is provisional because its organization tested many private variants first.
    released_at: Mapped[datetime | None] = mapped_column()
    provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class BattleRow(Base):
    __tablename__ = "battles"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))
    model_a_id: Mapped[int] = mapped_column(ForeignKey("models.id"))
    model_b_id: Mapped[int | None] = mapped_column(ForeignKey("models.id"))
    sampling_policy: Mapped[str] = mapped_column(String(64))
    pair_probability: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="open")
    failure_reason: Mapped[str | None] = mapped_column(Text)
    turns: Mapped[int] = mapped_column(Integer, default=0)
    turn_lock_until: Mapped[datetime | None] = mapped_column()
    client_hash: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Open data (revision 0002): what a public votes file carries beyond our own columns.
    # external_id is the file's id/question_id, unique so that imports are idempotent.
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    source: Mapped[str | None] = mapped_column(String(64))
    session_id: Mapped[str | None] = mapped_column(String(128))
    evaluation_order: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(64))
    category_tag: Mapped[str | None] = mapped_column(String(64))
    is_code: Mapped[bool | None] = mapped_column(Boolean)
    # Revision 0004: style counts of both sides' replies so far (the public conv_metadata).
    conv_metadata: Mapped[dict[str, Any] | None] = mapped_column()
    # Revision 0007: what an imported file published beyond our columns (category_tag struct,
    # judge, judge_hash, dedup_tag, is_refusal, openai_moderation, toxic_chat_tag, and which
    # conv_metadata fields were computed because the file had none), kept to export again.
    published: Mapped[dict[str, Any] | None] = mapped_column()
    # Revision 0013: which arena (text, vision, text_to_image, ...) the battle is in.
    arena: Mapped[str] = mapped_column(String(32), default="text", server_default="text")
    # Revision 0006: a hash of the creating client's cookie (only that client may touch
    # the battle), and the worker that holds the turn lease, so a restart can tell a
    # dead worker's lease from a live one's.
    owner_key: Mapped[str | None] = mapped_column(String(64))
    turn_lock_owner: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_battles_created_at", "created_at"),)


class MessageRow(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    battle_id: Mapped[str] = mapped_column(ForeignKey("battles.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(1))
    turn: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    first_token_ms: Mapped[float | None] = mapped_column(Float)
    duration_ms: Mapped[float | None] = mapped_column(Float)
    finish_reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Revision 0007: the typed content parts when they are not one text part equal to
    # ``content`` (images, several parts); ``[]`` for a reply published as null (Kaggle).
    parts: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # Revision 0013: ids of the images a message carries (blob store keys, never bytes).
    image_ids: Mapped[list[str] | None] = mapped_column(JSON)
    # Revision 0017: what an arena keeps with a reply beyond its text (a search answer's
    # sources and search trace); its arena's ``shown_message`` decides what is shown.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("battle_id", "side", "turn", "role", name="uq_messages_turn"),
    )


class PreviewOutcomeRow(Base):
    """Whether a WebDev side's app rendered in the voter's browser, or the error it threw.

    Part of what a release says about a WebDev battle: an app that never ran lost for a
    different reason than one that ran badly. One row per side and turn; the first report
    stands, so a reload cannot rewrite it.
    """

    __tablename__ = "preview_outcomes"

    battle_id: Mapped[str] = mapped_column(
        ForeignKey("battles.id", ondelete="CASCADE"), primary_key=True
    )
    side: Mapped[str] = mapped_column(String(1), primary_key=True)
    turn: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VoteRow(Base):
    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    battle_id: Mapped[str] = mapped_column(ForeignKey("battles.id"), unique=True)
    winner: Mapped[str] = mapped_column(String(16))
    client_hash: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(128))
    flags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # False when any flag excludes the vote from the board (kept in the data regardless).
    valid: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    # Revision 0009: a client's votes are looked up at its first vote and by the scans.
    __table_args__ = (Index("ix_votes_client_hash", "client_hash"),)


class UserProfileRow(Base):
    """What a user told us about themselves; a release scrubs these names from the text."""

    __tablename__ = "user_profiles"

    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(256))
    full_name: Mapped[str | None] = mapped_column(String(256))
    email: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiTokenRow(Base):
    """Bearer tokens kept in the database; only a hash of each token is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FlaggedClientRow(Base):
    """Clients whose votes look anomalous, and what a reviewer decided about them.

    While ``status`` is ``flagged`` the client's votes stay in the data but off the
    board; a reviewer who finds them honest sets ``cleared`` and they count again.
    The row is kept either way, so a scan never flags a cleared client a second time.
    """

    __tablename__ = "flagged_clients"

    client_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    flagged_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="flagged", server_default="flagged")
    reviewed_at: Mapped[datetime | None] = mapped_column()
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    review_reason: Mapped[str | None] = mapped_column(Text)


class WorkerRow(Base):
    """A running app worker and its last heartbeat: who may still hold a turn lease."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServerSecretRow(Base):
    """Secrets the server makes once and shares between workers and the CLI (e.g. the
    key of public release ids), unless ``ARENA_SECRET_KEY`` is set."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventRow(Base):
    """Append-only audit log: battles created, votes cast, flags, status changes."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(128))
    actor: Mapped[str | None] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_events_kind_created", "kind", "created_at"),)


class BattleTagRow(Base):
    """A battle's categories, as one classifier version decided them (revision 0008).

    One row per battle: ``arena categories retag`` overwrites it, and finds the
    battles still to do by ``version``.
    """

    __tablename__ = "battle_tags"

    battle_id: Mapped[str] = mapped_column(
        ForeignKey("battles.id", ondelete="CASCADE"), primary_key=True
    )
    classifier: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    tagged_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_battle_tags_version", "version"),
        Index("ix_battle_tags_tagged_at", "tagged_at"),
    )


class ExpertiseRow(Base):
    """Fields a requester says they know (revision 0016), from the occupational tags.

    ``owner`` is ``u:<user_id>`` for a signed-in user or ``c:<client key>`` for a cookie
    (the same keyed hash as ``battles.owner_key``), so the expert board can join it to
    the battles either way without storing anything more personal.
    """

    __tablename__ = "expertise"

    owner: Mapped[str] = mapped_column(String(160), primary_key=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BattleShareRow(Base):
    """A battle's live share link (revision 0015): at most one per battle, deleted on revoke.

    ``share_id`` is random (``secrets.token_urlsafe``), never derived from the battle id, so
    a share link reveals nothing else and cannot be guessed from one.
    """

    __tablename__ = "battle_shares"

    share_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    battle_id: Mapped[str] = mapped_column(
        ForeignKey("battles.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserRow(Base):
    """An account (revision 0014). Only an Argon2 hash of the password is kept."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Lower-cased, so "Ada" and "ada" are one account.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionRow(Base):
    """A signed-in browser (revision 0014): only the SHA-256 of its cookie token is kept,
    so a database dump does not hand out working sessions."""

    __tablename__ = "sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()

    __table_args__ = (Index("ix_sessions_user_id", "user_id"),)


class UserIdentityRow(Base):
    """An OpenID Connect identity (issuer, subject) that signs in as a user (revision 0014)."""

    __tablename__ = "user_identities"

    issuer: Mapped[str] = mapped_column(String(255), primary_key=True)
    subject: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "PUBLIC_VISIBILITY",
    "ApiTokenRow",
    "Base",
    "BattleRow",
    "BattleShareRow",
    "BattleTagRow",
    "EventRow",
    "ExpertiseRow",
    "FlaggedClientRow",
    "MessageRow",
    "ModelRow",
    "PreviewOutcomeRow",
    "ServerSecretRow",
    "SessionRow",
    "UserIdentityRow",
    "UserProfileRow",
    "UserRow",
    "VoteRow",
    "WorkerRow",
]
