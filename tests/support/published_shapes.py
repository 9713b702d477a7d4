"""Small files in each shape LMArena/LMSYS published, written by hand from the public schemas.

Nested Parquet types follow the dataset cards (arena-human-preference-140k and
-100k, chatbot_arena_conversations (33k), lmsys-chat-1m) and the Kaggle 55k CSV:
typed content parts, ``num_tokens``, struct ``conv_metadata``/``category_tag``/
``dedup_tag``, moderation results as structs (a list of them, one per message,
in lmsys-chat-1m). Values carry the nasties public data has: Chinese, Arabic,
emoji, model names with ``/`` and ``.``, ``tie (bothbad)``, named battles,
string and float timestamps, and published style counts that differ from the text.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

I64 = pa.int64()
HEADERS = pa.struct([(f"h{n}", I64) for n in range(1, 7)])
LISTS = pa.struct([("ordered", I64), ("unordered", I64)])
BOLD = pa.struct([("**", I64), ("__", I64)])
CONV_METADATA = pa.struct(
    [
        ("sum_user_tokens", I64),
        ("sum_assistant_a_tokens", I64),
        ("sum_assistant_b_tokens", I64),
        ("context_a_tokens", I64),
        ("context_b_tokens", I64),
        ("turns", I64),
        ("header_count_a", HEADERS),
        ("list_count_a", LISTS),
        ("bold_count_a", BOLD),
        ("header_count_b", HEADERS),
        ("list_count_b", LISTS),
        ("bold_count_b", BOLD),
    ]
)
CRITERIA_NAMES = (
    "complexity", "creativity", "domain_knowledge", "problem_solving",
    "real_world", "specificity", "technical_accuracy",
)  # fmt: skip
CRITERIA = pa.struct([(k, pa.bool_()) for k in CRITERIA_NAMES])
TAG_100K = pa.struct(
    [
        ("criteria_v0.1", CRITERIA),
        ("if_v0.1", pa.struct([("if", pa.bool_()), ("score", I64)])),
        ("math_v0.1", pa.struct([("math", pa.bool_())])),
    ]
)
TAG_140K = pa.struct(
    [
        ("criteria_v0.1", CRITERIA),
        (
            "creative_writing_v0.1",
            pa.struct([("creative_writing", pa.bool_()), ("score", pa.string())]),
        ),
        ("if_v0.1", pa.struct([("if", pa.bool_()), ("score", I64)])),
        ("math_v0.1", pa.struct([("math", pa.bool_())])),
    ]
)
PART = pa.struct(
    [
        ("type", pa.string()),
        ("text", pa.string()),
        ("image", pa.string()),
        ("mimeType", pa.string()),
    ]
)
MESSAGE_140K = pa.struct(
    [("role", pa.string()), ("content", pa.list_(PART)), ("num_tokens", pa.float64())]
)
MESSAGE_100K = pa.struct([("content", pa.string()), ("num_tokens", I64), ("role", pa.string())])
MESSAGE_OLD = pa.struct([("content", pa.string()), ("role", pa.string())])
MODERATION_KEYS = (
    "harassment", "harassment/threatening", "hate", "hate/threatening", "self-harm",
    "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors", "violence",
    "violence/graphic",
)  # fmt: skip
MODERATION = pa.struct(
    [
        ("categories", pa.struct([(k, pa.bool_()) for k in MODERATION_KEYS])),
        ("category_scores", pa.struct([(k, pa.float64()) for k in MODERATION_KEYS])),
        ("flagged", pa.bool_()),
    ]
)
TOXIC = pa.struct(
    [
        ("roberta-large", pa.struct([("flagged", pa.bool_()), ("probability", pa.float64())])),
        ("t5-large", pa.struct([("flagged", pa.bool_()), ("score", pa.float64())])),
    ]
)

PROMPTS = [
    "Explain recursion briefly.",
    "用一句话解释量子纠缠。",
    "اكتب جملة عن البحر.",
    "Write a haiku about cats 🐱🐈",
    "Solve 12 * 7 and show the steps.",
    "Give me a Python one-liner to reverse a list.",
]
REPLY_A = "# Answer\n\n- one **point**\n- two\n\n1. first"
REPLY_B = "Plain text reply, no markdown at all."
MODELS = ["gpt-4o-2024-05-13", "meta-llama/Llama-3.1-8B-Instruct", "claude-3.5-sonnet", "qwen2.5"]


def _counts(h1: int, lists: int, bold: int) -> dict[str, Any]:
    return {
        "header_count": {f"h{n}": (h1 if n == 1 else 0) for n in range(1, 7)},
        "list_count": {"ordered": lists, "unordered": lists},
        "bold_count": {"**": bold, "__": 0},
    }


def published_meta(i: int) -> dict[str, Any]:
    """Published style counts that deliberately differ from what the text would give."""
    a, b = _counts(7 + i, 3, 5), _counts(0, 9, 1 + i)
    return {
        "sum_user_tokens": 11 + i,
        "sum_assistant_a_tokens": 300 + i,
        "sum_assistant_b_tokens": 120 + i,
        "context_a_tokens": 411 + i,
        "context_b_tokens": 231 + i,
        "turns": 1,
        "header_count_a": a["header_count"],
        "list_count_a": a["list_count"],
        "bold_count_a": a["bold_count"],
        "header_count_b": b["header_count"],
        "list_count_b": b["list_count"],
        "bold_count_b": b["bold_count"],
    }


def tag(i: int, with_creative: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "criteria_v0.1": {k: (j <= i) for j, k in enumerate(CRITERIA.names)},
        "if_v0.1": {"if": i % 2 == 0, "score": i},
        "math_v0.1": {"math": i == 4},
    }
    if with_creative:
        out["creative_writing_v0.1"] = {"creative_writing": i == 3, "score": "high"}
    return out


def language(i: int) -> str:
    return ["English", "Chinese", "Arabic", "English", "English", "English"][i]


WINNERS_140K = ["model_a", "model_b", "tie", "both_bad", "model_a", "model_b"]
TIMES_140K = [
    datetime(2025, 6, 5, 3, 0, tzinfo=UTC),
    datetime(2025, 6, 5, 4, 0, tzinfo=UTC),
    datetime(2025, 6, 4, 23, 0, tzinfo=UTC),
    datetime(2025, 6, 5, 5, 0, tzinfo=UTC),
    datetime(2025, 6, 6, 1, 0, tzinfo=UTC),
    datetime(2025, 6, 3, 12, 0, tzinfo=UTC),
]


def rows_140k() -> list[dict[str, Any]]:
    rows = []
    for i, prompt in enumerate(PROMPTS):
        user_parts = [{"type": "text", "text": prompt, "image": None, "mimeType": None}]
        if i == 0:  # a vision-arena style message: text and an image part
            user_parts.append(
                {"type": "image", "text": None, "image": "https://example.org/cat.png",
                 "mimeType": "image/png"}
            )  # fmt: skip

        def conv(reply: str, tokens: float, user_parts=user_parts) -> list[dict[str, Any]]:
            return [
                {"role": "user", "content": user_parts, "num_tokens": None},
                {"role": "assistant", "num_tokens": tokens,
                 "content": [{"type": "text", "text": reply, "image": None, "mimeType": None}]},
            ]  # fmt: skip

        rows.append(
            {
                "id": f"0197{i:04d}-aaaa-7bbb-8ccc-{i:012d}",
                "model_a": MODELS[i % 4],
                "model_b": MODELS[(i + 1) % 4],
                "winner": WINNERS_140K[i],
                "evaluation_session_id": f"sess-{i // 2}",
                "evaluation_order": i % 2 + 1,
                "conversation_a": conv(REPLY_A, 300.0 + i),
                "conversation_b": conv(REPLY_B, 120.0 + i),
                "conv_metadata": published_meta(i),
                "category_tag": tag(i, with_creative=True),
                "language": language(i),
                "is_code": i == 5,
                "timestamp": TIMES_140K[i],
            }
        )
    return rows


SCHEMA_140K = pa.schema(
    [
        ("id", pa.string()),
        ("model_a", pa.string()),
        ("model_b", pa.string()),
        ("winner", pa.string()),
        ("evaluation_session_id", pa.string()),
        ("evaluation_order", pa.int32()),
        ("conversation_a", pa.list_(MESSAGE_140K)),
        ("conversation_b", pa.list_(MESSAGE_140K)),
        ("conv_metadata", CONV_METADATA),
        ("category_tag", TAG_140K),
        ("language", pa.string()),
        ("is_code", pa.bool_()),
        ("timestamp", pa.timestamp("ns")),
    ]
)


def write_140k(path: Path) -> Path:
    rows = rows_140k()
    for r in rows:  # the published column is a naive timestamp[ns] (UTC)
        r["timestamp"] = r["timestamp"].replace(tzinfo=None)
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA_140K), path)
    return path


def rows_100k() -> list[dict[str, Any]]:
    rows = []
    for i, prompt in enumerate(PROMPTS):
        rows.append(
            {
                "question_id": f"q100k{i:03d}",
                "model_a": MODELS[i % 4],
                "model_b": MODELS[(i + 2) % 4],
                "winner": ["model_a", "model_b", "tie", "tie (bothbad)", "model_b", "model_a"][i],
                "judge_hash": f"{i:x}" * 8,
                "conversation_a": [
                    {"content": prompt, "num_tokens": 7 + i, "role": "user"},
                    {"content": REPLY_A, "num_tokens": 300 + i, "role": "assistant"},
                ],
                "conversation_b": [
                    {"content": prompt, "num_tokens": 7 + i, "role": "user"},
                    {"content": REPLY_B, "num_tokens": 120 + i, "role": "assistant"},
                ],
                "turn": 1,
                "anony": i != 1,  # row 1 is a named (side-by-side) battle
                "language": language(i),
                "tstamp": 1_722_000_000.5 + 3600 * i,
                "conv_metadata": published_meta(i),
                "is_code": i == 5,
                "is_refusal": i == 2,
                "dedup_tag": {"high_freq": i == 4, "sampled": i != 4},  # row 4 down-sampled
                "category_tag": tag(i, with_creative=False),
            }
        )
    return rows


SCHEMA_100K = pa.schema(
    [
        ("question_id", pa.string()),
        ("model_a", pa.string()),
        ("model_b", pa.string()),
        ("winner", pa.string()),
        ("judge_hash", pa.string()),
        ("conversation_a", pa.list_(MESSAGE_100K)),
        ("conversation_b", pa.list_(MESSAGE_100K)),
        ("turn", I64),
        ("anony", pa.bool_()),
        ("language", pa.string()),
        ("tstamp", pa.float64()),
        ("conv_metadata", CONV_METADATA),
        ("is_code", pa.bool_()),
        ("is_refusal", pa.bool_()),
        ("dedup_tag", pa.struct([("high_freq", pa.bool_()), ("sampled", pa.bool_())])),
        ("category_tag", TAG_100K),
    ]
)


def write_100k(path: Path) -> Path:
    pq.write_table(pa.Table.from_pylist(rows_100k(), schema=SCHEMA_100K), path)
    return path


def _moderation(flagged: bool) -> dict[str, Any]:
    return {
        "categories": {k: (flagged and k == "violence") for k in MODERATION_KEYS},
        "category_scores": {
            k: (0.91 if flagged and k == "violence" else 1e-6) for k in MODERATION_KEYS
        },
        "flagged": flagged,
    }


def rows_33k() -> list[dict[str, Any]]:
    rows = []
    for i, prompt in enumerate(PROMPTS[:4]):
        rows.append(
            {
                "question_id": f"q33k{i:03d}",
                "model_a": MODELS[i % 4],
                "model_b": MODELS[(i + 3) % 4],
                "winner": ["model_a", "tie (bothbad)", "model_b", "tie"][i],
                "judge": f"arena_user_{i}",
                "conversation_a": [
                    {"content": prompt, "role": "user"},
                    {"content": REPLY_A, "role": "assistant"},
                ],
                "conversation_b": [
                    {"content": prompt, "role": "user"},
                    {"content": REPLY_B, "role": "assistant"},
                ],
                "turn": 1,
                "anony": i != 2,
                "language": language(i),
                "tstamp": 1_682_000_000.25 + 60 * i,
                "openai_moderation": _moderation(i == 1),
                "toxic_chat_tag": {
                    "roberta-large": {"flagged": i == 1, "probability": 0.01 * (i + 1)},
                    "t5-large": {"flagged": False, "score": 0.001 * (i + 1)},
                },
            }
        )
    return rows


SCHEMA_33K = pa.schema(
    [
        ("question_id", pa.string()),
        ("model_a", pa.string()),
        ("model_b", pa.string()),
        ("winner", pa.string()),
        ("judge", pa.string()),
        ("conversation_a", pa.list_(MESSAGE_OLD)),
        ("conversation_b", pa.list_(MESSAGE_OLD)),
        ("turn", pa.int32()),
        ("anony", pa.bool_()),
        ("language", pa.string()),
        ("tstamp", pa.float64()),
        ("openai_moderation", MODERATION),
        ("toxic_chat_tag", TOXIC),
    ]
)


def write_33k(path: Path) -> Path:
    pq.write_table(pa.Table.from_pylist(rows_33k(), schema=SCHEMA_33K), path)
    return path


KAGGLE_ROWS = [
    # id, model_a, model_b, prompt, response_a, response_b, one-hot
    (30192, MODELS[0], MODELS[1], ["Is it morning?", "And now?"], ["Yes.", None], ["No.", ""],
     (1, 0, 0)),
    (53567, MODELS[2], MODELS[3], ["مرحبا"], ["أهلا"], [None], (0, 0, 1)),
    (65089, MODELS[1], MODELS[3], ["你好"], ["你好！"], ["Hello"], (0, 1, 0)),
]  # fmt: skip


def write_kaggle(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["id", "model_a", "model_b", "prompt", "response_a", "response_b",
             "winner_model_a", "winner_model_b", "winner_tie"]
        )  # fmt: skip
        for rid, a, b, prompt, ra, rb, hot in KAGGLE_ROWS:
            writer.writerow(
                [rid, a, b, json.dumps(prompt, ensure_ascii=False),
                 json.dumps(ra, ensure_ascii=False), json.dumps(rb, ensure_ascii=False), *hot]
            )  # fmt: skip
    return path


def rows_chat_1m() -> list[dict[str, Any]]:
    return [
        {
            "conversation_id": f"c1m-{i}",
            "model": MODELS[i % 4],
            "conversation": [
                {"content": PROMPTS[i], "role": "user"},
                {"content": REPLY_B, "role": "assistant"},
            ],
            "turn": 1,
            "language": language(i),
            "openai_moderation": [_moderation(False), _moderation(i == 1)],
            "redacted": i == 2,
        }
        for i in range(3)
    ]


SCHEMA_CHAT_1M = pa.schema(
    [
        ("conversation_id", pa.string()),
        ("model", pa.string()),
        ("conversation", pa.list_(MESSAGE_OLD)),
        ("turn", I64),
        ("language", pa.string()),
        ("openai_moderation", pa.list_(MODERATION)),
        ("redacted", pa.bool_()),
    ]
)


def write_chat_1m(path: Path) -> Path:
    pq.write_table(pa.Table.from_pylist(rows_chat_1m(), schema=SCHEMA_CHAT_1M), path)
    return path


def rows_search_arena() -> list[dict[str, Any]]:
    """search-arena-24k: no id column (the side A conversation id names a battle),
    ``messages_a``/``messages_b``, and rows without a vote (an empty winner)."""
    winners = ["model_a", "tie", None, "model_b", "both_bad", None]
    return [
        {
            "model_a": MODELS[i % 4],
            "model_b": MODELS[(i + 1) % 4],
            "winner": winners[i],
            "judge": f"{i:064x}",
            "turn": 1,
            "timestamp": datetime(2025, 3, 18, 16, 39, i, tzinfo=UTC),
            "messages_a": [
                {"content": PROMPTS[i % len(PROMPTS)], "role": "user"},
                {"content": REPLY_A, "role": "assistant"},
            ],
            "messages_b": [
                {"content": PROMPTS[i % len(PROMPTS)], "role": "user"},
                {"content": REPLY_B, "role": "assistant"},
            ],
            "system_a_metadata": {"conv_id": f"{i:032x}a", "client_country": None},
            "system_b_metadata": {"conv_id": f"{i:032x}b", "client_country": None},
            "primary_intent": "Info",
            "languages": ["English"],
        }
        for i in range(6)
    ]


def write_search_arena(path: Path) -> Path:
    pq.write_table(pa.Table.from_pylist(rows_search_arena()), path)
    return path
