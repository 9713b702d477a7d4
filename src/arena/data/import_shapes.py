"""Turn one row of a public dataset into an :class:`ImportRecord`, or say why not.

Accepted shapes (DESIGN.md, "Votes file"; each one a module of
:mod:`arena.data.shapes`, which says what sets it apart):

- the 140k release, which is also what ``arena export`` writes (``id``,
  ``winner`` with ``both_bad``, ``timestamp``, no ``anony`` or ``turn``,
  messages whose ``content`` is a list of typed parts, ``num_tokens``);
- the 100k release (``question_id``, ``tstamp``, ``judge_hash``, ``anony``,
  ``dedup_tag``, ``is_refusal``, string ``content``);
- the 33k release (``question_id``, ``judge``, ``tstamp``, ``tie (bothbad)``,
  ``openai_moderation``, ``toxic_chat_tag``);
- the 55k Kaggle shape (``prompt``/``response_a``/``response_b`` as JSON lists
  of strings, one-hot ``winner_model_a``/``winner_model_b``/``winner_tie``);
- ``lmsys-chat-1m`` conversations (``conversation_id``, ``model``,
  ``conversation``), which carry no vote and become direct-mode battles;
- ``search-arena-24k`` (``messages_a``/``messages_b``, ids in
  ``system_a_metadata.conv_id``; a row without a winner is a battle without a vote).

Invariant: a record that passes :func:`normalize` fits every column of the
store (lengths, one message per (side, turn, role)), so a batch insert of valid
records cannot fail on one bad row.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from arena.data.published import (
    PUBLISHED_KEYS,
    BadContent,
    parse_content,
    published_extras,
    published_metadata,
)
from arena.data.shapes import shape_of
from arena.vocabulary import FILE_WINNERS, Arena, Winner

ARENA_NAMES = frozenset(a.value for a in Arena)

__all__ = ["BadRow", "ImportRecord", "normalize", "normalize_columns"]

ONE_HOT = ("winner_model_a", "winner_model_b", "winner_tie")
ROLES = {"user", "assistant", "system"}
WINNERS = dict(FILE_WINNERS)  # exact spellings, for the column-wise fast path
MAX_ID = 128
MAX_NAME = 128
MAX_TAG = 64


class BadRow(ValueError):
    """A row that cannot be imported; the message is the reason shown to the user."""


@dataclass(slots=True)
class ImportRecord:
    external_id: str
    model_a: str
    model_b: str | None
    winner: str | None
    mode: str
    source: str
    # (turn, role, content, num_tokens, typed parts or None) per side, in conversation order
    messages_a: list[Message] = field(default_factory=list)
    messages_b: list[Message] = field(default_factory=list)
    turns: int = 0
    created_at: datetime | None = None
    session_id: str | None = None
    evaluation_order: int | None = None
    language: str | None = None
    category_tag: str | None = None
    is_code: bool | None = None
    flags: list[str] = field(default_factory=list)
    # the battle's conv_metadata (published fields, computed ones filled in) and what
    # else the file published (see arena.data.published)
    conv_metadata: dict[str, Any] | None = None
    published: dict[str, Any] | None = None
    arena: str = Arena.text.value


Message = tuple[int, str, str, int | None, list[dict[str, Any]] | None]


def _text(raw: dict[str, Any], key: str, limit: int, required: bool = False) -> str | None:
    return _text_value(raw.get(key), key, limit, required)


def _text_value(value: Any, key: str, limit: int, required: bool = False) -> str | None:
    if type(value) is str and 0 < len(value) <= limit:  # the common case, first
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        if required:
            raise BadRow(f"missing {key}")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadRow(f"{key} must be a string, got {type(value).__name__}")
    text = str(value)
    if len(text) > limit:
        raise BadRow(f"{key} longer than {limit} characters")
    return text


def _int(raw: dict[str, Any], key: str) -> int | None:
    return _int_value(raw.get(key), key)


def _int_value(value: Any, key: str) -> int | None:
    if type(value) is int:  # the common case, first
        return value
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRow(f"{key} must be an integer, got {value!r}") from None


def _bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "t"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "f"):
        return False
    raise BadRow(f"not a boolean: {value!r}")


def _time(raw: dict[str, Any]) -> datetime | None:
    value = raw.get("timestamp", raw.get("tstamp"))
    if type(value) is datetime and value.tzinfo is UTC:
        return value
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise BadRow(f"timestamp is not a number: {value!r}")
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return _time({"timestamp": float(value)})
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise BadRow(f"timestamp is not ISO 8601 or Unix seconds: {value!r}") from None
        return _time({"timestamp": parsed})
    raise BadRow(f"timestamp has an unexpected type {type(value).__name__}")


def _json_list(value: Any, key: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise BadRow(f"{key} is not valid JSON: {exc.msg}") from None
    if not isinstance(value, list):
        raise BadRow(f"{key} must be a list")
    return value


def _conversation(
    value: Any, key: str
) -> list[tuple[str, str, int | None, list[dict[str, Any]] | None]]:
    """(role, text, num_tokens, parts) per message; content a string or typed parts."""
    out = []
    for i, msg in enumerate(_json_list(value, key)):
        tokens = None
        if isinstance(msg, tuple):  # (role, content), from the columnar Parquet reader
            role, content = msg
        elif isinstance(msg, dict):
            role, content = msg.get("role"), msg.get("content")
            tokens = msg.get("num_tokens")
        else:
            raise BadRow(f"{key}[{i}] must be an object with role and content")
        if role not in ROLES:
            raise BadRow(f"{key}[{i}].role must be user, assistant or system, got {role!r}")
        if content is None and isinstance(msg, dict) and "content" not in msg:
            raise BadRow(f"{key}[{i}] has no content")
        try:
            text, parts = parse_content(content)
        except BadContent as exc:
            raise BadRow(f"{key}[{i}].{exc}") from None
        if tokens is not None:
            if isinstance(tokens, float) and tokens != tokens:  # NaN: no count
                tokens = None
            else:
                tokens = _int_value(tokens, f"{key}[{i}].num_tokens")
        out.append((role, text, tokens, parts))
    return out


def _numbered(
    conv: list[tuple[str, str, int | None, list[dict[str, Any]] | None]], key: str
) -> list[Message]:
    """Number turns (a user message opens one) and check one message per (turn, role)."""
    out = []
    turn = 0
    seen: set[tuple[int, str]] = set()
    for role, content, tokens, parts in conv:
        if role == "user":
            turn += 1
        if (turn, role) in seen:
            raise BadRow(f"{key} does not alternate user and assistant messages")
        seen.add((turn, role))
        out.append((turn, role, content, tokens, parts))
    return out


def _flags(raw: dict[str, Any]) -> list[str]:
    return _flag_values(raw.get("moderation_flags"), raw.get("is_flagged", raw.get("flagged")))


def _flag_values(flags: Any, flagged: Any) -> list[str]:
    if isinstance(flags, list) and all(isinstance(f, str) for f in flags):
        return sorted(set(flags))
    return ["flagged"] if _bool(flagged) else []


def _winner(raw: dict[str, Any]) -> str:
    value = raw.get("winner")
    if value not in (None, ""):
        known = Winner.lookup(value)
        if known is None:
            raise BadRow(f"unknown winner {value!r}")
        return known.value
    if all(k in raw for k in ONE_HOT):
        hot = [_bool(raw[k]) for k in ONE_HOT]
        if sum(bool(h) for h in hot) != 1:
            raise BadRow("winner_model_a/winner_model_b/winner_tie must be one-hot")
        return ("model_a", "model_b", "tie")[hot.index(True)]
    raise BadRow("missing winner")


def _with_metadata(record: ImportRecord, meta: Any, get: Any) -> ImportRecord:
    """Attach the conv_metadata and the extras the file published.

    Fields the file lacks are not computed here but when exporting (as for live
    battles), where they are marked as computed: importing stays cheap.
    """
    record.published = published_extras(get) or None
    arena = (record.published or {}).get("arena", Arena.text.value)
    if arena not in ARENA_NAMES:
        raise BadRow(f"unknown arena {str(arena)[:40]!r}; arenas: {', '.join(sorted(ARENA_NAMES))}")
    record.arena = arena
    if record.winner is not None:
        record.conv_metadata = published_metadata(meta, record.messages_a)
    return record


def normalize(raw: dict[str, Any], source: str) -> ImportRecord:
    """One raw row (any accepted shape) -> a record ready to insert; raises :class:`BadRow`."""
    if not isinstance(raw, dict):
        raise BadRow("a row must be a JSON object")
    if "model_a" not in raw and "conversation_id" in raw:
        return chat_record(raw, source)
    shape = shape_of(raw.keys())
    if shape.record is not None:
        return shape.record(raw, source)
    ext = _row_id(raw, shape.id_columns)
    if ext is None:
        raise BadRow(f"missing id ({' or '.join(shape.id_columns)})")
    model_a = _text(raw, "model_a", MAX_NAME, required=True)
    model_b = _text(raw, "model_b", MAX_NAME, required=True)
    no_vote = shape.optional_winner and raw.get("winner") in (None, "")
    winner = None if no_vote else _winner(raw)
    if shape.conversations is not None:
        conv_a, conv_b = shape.conversations(raw)
    else:
        conv_a = _conversation(raw.get("conversation_a"), "conversation_a")
        conv_b = _conversation(raw.get("conversation_b"), "conversation_b")
    messages_a = _numbered(conv_a, "conversation_a")
    messages_b = _numbered(conv_b, "conversation_b")
    anony = _bool(raw.get("anony"))
    category = _tag(raw.get("category_tag"))
    record = ImportRecord(
        external_id=ext,
        model_a=model_a or "",
        model_b=model_b,
        winner=winner,
        mode="side_by_side" if anony is False else "anonymous",
        source=source,
        messages_a=messages_a,
        messages_b=messages_b,
        turns=_int(raw, "turn") or max((m[0] for m in messages_a), default=0),
        created_at=_time(raw),
        session_id=_text(raw, "evaluation_session_id", MAX_ID),
        evaluation_order=_int(raw, "evaluation_order"),
        language=_text(raw, "language", MAX_TAG),
        # Nested tag structs (100k/140k releases) are kept whole in `published`.
        category_tag=_text_value(category, "category_tag", MAX_TAG),
        is_code=_bool(raw.get("is_code")),
        flags=_flags(raw),
    )
    return _with_metadata(record, raw.get("conv_metadata"), raw.get)


def _tag(value: Any) -> str | None:
    """The plain category tag: a string, or the first of Arena's own tags in a struct."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return value
    if isinstance(value, dict):
        tags = value.get("tags")
        return tags[0] if isinstance(tags, list) and tags and isinstance(tags[0], str) else None
    return value if isinstance(value, str) else None


def _row_id(raw: dict[str, Any], columns: tuple[str, ...]) -> str | None:
    """The first id the shape names (``a.b``: field ``b`` of the object ``a``)."""
    for column in columns:
        head, _, field_name = column.partition(".")
        value = raw.get(head)
        if field_name:
            value = value.get(field_name) if isinstance(value, dict) else None
        text = _text_value(value, head, MAX_ID)
        if text is not None:
            return text
    return None


def chat_record(raw: dict[str, Any], source: str) -> ImportRecord:
    """A conversation without a vote (lmsys-chat-1m): a direct-mode battle."""
    ext = _text(raw, "conversation_id", MAX_ID, required=True) or ""
    model = _text(raw, "model", MAX_NAME, required=True) or ""
    conversation = _conversation(raw.get("conversation"), "conversation")
    messages = _numbered(conversation, "conversation")
    record = ImportRecord(
        external_id=ext,
        model_a=model,
        model_b=None,
        winner=None,
        mode="direct",
        source=source,
        messages_a=messages,
        turns=_int(raw, "turn") or max((m[0] for m in messages), default=0),
        created_at=_time(raw),
        language=_text(raw, "language", MAX_TAG),
    )
    return _with_metadata(record, None, raw.get)


SESSION = "evaluation_session_id"
_PUBLIC_COLUMNS = ("id", "model_a", "model_b", "winner", "conversation_a", "conversation_b")


def _fast_conversation(conv: Any, key: str) -> list[Message]:
    """``_numbered(_conversation(...))``, with the one-turn exchange spelled out."""
    if type(conv) is list and len(conv) == 2:
        first, second = conv
        if (
            type(first) is tuple
            and type(second) is tuple
            and first[0] == "user"
            and second[0] == "assistant"
            and type(first[1]) is str
            and type(second[1]) is str
        ):
            return [(1, "user", first[1], None, None), (1, "assistant", second[1], None, None)]
    if type(conv) is not list:
        raise BadRow(key)  # strings, None ...: the row-wise path decides
    return _numbered(_conversation(conv, key), key)


def normalize_columns(
    columns: dict[str, list[Any]], rows: int, source: str
) -> list[ImportRecord | None]:
    """:func:`normalize` for a batch of rows given column-wise (as a Parquet file has them).

    Handles the public schema's usual rows without building a dict per row. A row
    it does not handle, bad ones included, is ``None``: the caller passes it to
    :func:`normalize`, so records and error messages are exactly that function's.
    """
    if any(k not in columns for k in _PUBLIC_COLUMNS) or (
        "prompt" in columns and "response_a" in columns
    ):
        return [None] * rows
    absent: list[Any] = [None] * rows

    def col(*keys: str) -> list[Any]:
        # raw.get(k1, raw.get(k2)): the first key present wins, even when its value is None
        return next((columns[k] for k in keys if k in columns), absent)

    category = col("category_tag")
    extras = [k for k in (*PUBLISHED_KEYS, "category_tag", "computed_fields") if k in columns]
    out: list[ImportRecord | None] = []
    append = out.append
    for i, (ext, model_a, model_b, winner, conv_a, conv_b, meta, turn, stamp, session, order, lang, cat, code, anony, mod_flags, flagged) in enumerate(zip(  # noqa: E501
        columns["id"], columns["model_a"], columns["model_b"], columns["winner"],
        columns["conversation_a"], columns["conversation_b"], col("conv_metadata"),
        col("turn"), col("timestamp", "tstamp"), col("evaluation_session_id"),
        col("evaluation_order"), col("language"), category, col("is_code"), col("anony"),
        col("moderation_flags"), col("is_flagged", "flagged"),
        strict=True,
    )):  # fmt: skip
        if (
            type(ext) is not str
            or not 0 < len(ext) <= MAX_ID
            or type(model_a) is not str
            or not 0 < len(model_a) <= MAX_NAME
            or type(model_b) is not str
            or not 0 < len(model_b) <= MAX_NAME
            or type(winner) is not str
            or winner not in WINNERS
        ):
            append(None)
            continue
        try:
            messages_a = _fast_conversation(conv_a, "conversation_a")
            messages_b = _fast_conversation(conv_b, "conversation_b")
            mode = "anonymous" if anony is True or _bool(anony) is not False else "side_by_side"
            created = stamp if type(stamp) is datetime and stamp.tzinfo is UTC else None
            if created is None and stamp is not None:
                created = _time({"timestamp": stamp})
            record = ImportRecord(
                ext, model_a, model_b, WINNERS[winner], mode, source,
                messages_a, messages_b,
                _int_value(turn, "turn") or max((m[0] for m in messages_a), default=0),
                created,
                None if session is None else _text_value(session, SESSION, MAX_ID),
                None if order is None else _int_value(order, "evaluation_order"),
                _text_value(lang, "language", MAX_TAG),
                None if cat is None else _text_value(_tag(cat), "category_tag", MAX_TAG),
                None if code is None else _bool(code),
                [] if mod_flags is flagged is None else _flag_values(mod_flags, flagged),
            )  # fmt: skip
            row = {k: columns[k][i] for k in extras}
            append(_with_metadata(record, meta, row.get))
        except BadRow:
            append(None)
    return out
