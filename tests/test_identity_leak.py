"""The identity-leak check: the labelled set meets its targets, the issue's spellings are
caught, mentions are not, and the app reads each side's registry aliases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from arena.integrity.identity import identity_of, names_own_model, normalize
from arena.integrity.leak_eval import evaluate, load_set
from arena.integrity.model_families import FAMILIES
from arena.registry import ModelSpec
from arena.store.engine import create_store_engine
from arena.store.tables import VoteRow
from tests.support.api import send_turn, side_by_side

ARENA = str(Path(sys.executable).parent / "arena")


# ---------------------------------------------------------------- the labelled set


def test_labelled_set_is_large_multilingual_and_has_hard_negatives() -> None:
    records = load_set()
    assert len(records) >= 200
    assert len({r["lang"] for r in records}) >= 8
    kinds = {r["kind"] for r in records}
    assert {"self_id", "own_name", "mention", "hedge", "other_family", "neutral"} <= kinds
    assert sum(r["kind"] == "mention" for r in records) >= 60
    assert {r["split"] for r in records} == {"tune", "heldout", "fresh"}


@pytest.mark.parametrize("split", ["all", "heldout", "fresh"])
def test_labelled_set_meets_the_targets(split: str) -> None:
    """Recall >= 0.95 on self-identification, false flags <= 2%: fails if the match becomes
    case-sensitive, the family table is dropped, or mentions start to count."""
    scores = evaluate(load_set())[split]
    missed = [r["id"] for r in scores.errors if r["label"]]
    flagged = [r["id"] for r in scores.errors if not r["label"]]
    assert scores.self_id_recall >= 0.95, missed
    assert scores.false_flag_rate <= 0.02, flagged
    assert scores.precision >= 0.95, flagged


# ---------------------------------------------------------------- the spellings

OPENAI = {"name": "gpt-4o", "organization": "OpenAI, Inc."}


@pytest.mark.parametrize(
    ("model", "reply"),
    [
        (OPENAI, "I am ChatGPT, made by OpenAI."),
        (
            {"name": "claude-3-opus", "organization": "Anthropic PBC"},
            "I am Claude, made by Anthropic",
        ),
        ({"name": "llama-3-70b", "organization": "Meta Platforms"}, "I'm Llama, trained by Meta."),
        ({"name": "gemini-pro", "organization": "Google DeepMind"}, "I am Gemini, a Google model."),
        ({"name": "qwen-max", "organization": "Alibaba Cloud"}, "我是通义千问。"),
        (OPENAI, "I am GPT4."),
        (OPENAI, "I was trained by Open AI."),
        (OPENAI, "I am \uff27\uff30\uff34-\uff14."),  # full-width
        (OPENAI, "I am Chat\u200bGPT."),  # zero-width space inside the name
        (OPENAI, "I am **GPT**-**4**."),
        (OPENAI, "Je suis ChatGPT."),
        (OPENAI, "I'M CHATGPT."),
    ],
)
def test_self_identification_is_caught_in_any_spelling(model: dict, reply: str) -> None:
    assert names_own_model(reply, model)


@pytest.mark.parametrize(
    "reply",
    [
        "OpenAI's API uses a bearer token; Anthropic's API uses an x-api-key header.",
        "I think OpenAI's pricing page is the best place to check.",
        "Here is the client:\n```python\nfrom openai import OpenAI\nclient = OpenAI()\n```",
        "You asked whether I am ChatGPT; in this arena the models stay anonymous.",
        "I'm not ChatGPT.",
    ],
)
def test_mentioning_the_company_is_not_a_leak(reply: str) -> None:
    assert not names_own_model(reply, OPENAI)


def test_normalisation_folds_width_case_invisible_characters_and_emphasis() -> None:
    assert normalize("**ＧＰＴ**-_4_\u200d") == "gpt-4"
    assert normalize("Ich HEISSE") == normalize("ich heiße")


def test_organization_with_a_legal_suffix_joins_its_family() -> None:
    for organization in ("OpenAI, Inc.", "OpenAI LLC", "Open AI Ltd", "OPENAI GmbH"):
        assert "ChatGPT" in identity_of("some-model", organization).terms


def test_registry_aliases_and_spec_objects_are_read() -> None:
    spec = ModelSpec(
        name="house-model",
        provider="openai",
        base_url="http://127.0.0.1:1/v1",
        organization="Acme Labs Ltd",
        aliases=[" Nimbus "],
    )
    assert names_own_model("Hi, I'm Nimbus!", spec)
    assert names_own_model("I was made by Acme.", spec)  # organization without "Labs Ltd"
    assert not names_own_model("A nimbus is a rain cloud.", spec)
    no_alias = spec.model_copy(update={"aliases": []})
    assert not names_own_model("Hi, I'm Nimbus!", no_alias)


def test_a_specific_deployed_name_counts_anywhere_a_family_word_does_not() -> None:
    assert names_own_model("Reply from alpha-model: hi", {"name": "alpha-model"})
    assert not names_own_model("Claude Monet painted water lilies.", {"name": "claude"})
    assert not names_own_model("anything at all", {"name": "m-17"})


# ---------------------------------------------------------------- the app


MODELS = [
    # Flagged only through the registry alias: its organization says nothing.
    {"name": "house-model", "model": "leaky", "organization": "Quiet Org", "aliases": ["Claude"]},
    # Anthropic with a legal suffix; its echo reply names no one, so it is not flagged.
    {"name": "echo-side", "model": "echo-a", "organization": "Anthropic, PBC"},
]


def test_the_app_flags_the_side_that_claims_a_registry_alias(start_app, db_url) -> None:
    app = start_app(MODELS)
    with app.client() as client:
        battle_id = side_by_side(client, "house-model", "echo-side")
        send_turn(client, battle_id, "who are you?")
        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_b"})
        assert vote.status_code == 200
        assert client.get("/api/v1/leaderboard").json()["total_votes"] == 0
    engine = create_store_engine(db_url)
    with engine.connect() as conn:
        (row,) = conn.execute(select(VoteRow.flags, VoteRow.valid)).all()
    engine.dispose()
    assert row.flags == {"identity_leak": ["a"]} and row.valid is False


# ---------------------------------------------------------------- the command


def test_leak_eval_command_prints_the_figures_and_checks_the_targets() -> None:
    done = subprocess.run(
        [ARENA, "votes", "leak-eval", "--check", "--by-language"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line.split() for line in done.stdout.splitlines()[1:]}
    assert {"all", "tune", "heldout", "fresh", "lang:zh", "lang:ja"} <= set(lines)
    assert float(lines["all"][3]) >= 0.95  # precision
    assert float(lines["heldout"][5]) >= 0.95  # self-identification recall


def test_leak_eval_on_a_failing_set_exits_1_and_on_bad_input_explains(tmp_path: Path) -> None:
    missed = tmp_path / "missed.jsonl"
    record = {"text": "Hello.", "label": True, "kind": "self_id", "model": {"name": "x"}}
    missed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    done = subprocess.run(
        [ARENA, "votes", "leak-eval", "--file", str(missed), "--check", "--errors"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "missed" in done.stdout and "targets missed" in done.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    done = subprocess.run(
        [ARENA, "votes", "leak-eval", "--file", str(bad)], capture_output=True, text=True
    )
    assert done.returncode == 2 and "bad.jsonl:1: not JSON" in done.stderr
    assert "Traceback" not in done.stderr


FAMILY_CASES = [
    (key, template.format(word), family.makers[0])
    for key, family in FAMILIES.items()
    for template, words in (("I am {}.", family.products), ("I was made by {}.", family.makers))
    for word in words
]


@pytest.mark.parametrize(("family", "reply", "maker"), FAMILY_CASES)
def test_every_family_entry_is_caught(family: str, reply: str, maker: str) -> None:
    """Table-driven over ``model_families``: a model of the family (known only by its
    maker's name) gives itself away by each product and each maker of the table, so a
    family or a spelling dropped from the table fails here (issue 31)."""
    assert names_own_model(reply, {"name": "test-model", "organization": maker}), family


# Written out here, not read from the table, so a family dropped from ``model_families``
# fails: (a deployed name of the family, its maker, one of its products).
KNOWN_FAMILIES = [
    ("gpt-4o-mini", "OpenAI", "ChatGPT"),
    ("claude-3-haiku", "Anthropic", "Claude"),
    ("llama-3-8b", "Meta", "Llama"),
    ("gemma-2-9b", "Google", "Gemini"),
    ("qwen-2-7b", "Alibaba Cloud", "通义千问"),
    ("mixtral-8x7b", "Mistral AI", "Le Chat"),
    ("deepseek-v3", "DeepSeek", "DeepSeek"),
    ("phi-3-mini", "Microsoft", "Copilot"),
    ("grok-2-mini", "xAI", "Grok"),
    ("smollm-2-135m", "Hugging Face", "SmolLM"),
    ("command-r-plus", "Cohere", "Command R"),
    ("chatglm-3-6b", "Zhipu AI", "ChatGLM"),
    ("kimi-k2-base", "Moonshot AI", "Kimi"),
    ("ernie-4-turbo", "Baidu", "文心一言"),
    ("yi-1.5-34b", "01.AI", "Yi"),
    ("doubao-pro-32k", "ByteDance", "豆包"),
    ("hunyuan-large-v2", "Tencent", "Hunyuan"),
    ("spark-4-ultra", "iFlytek", "讯飞星火"),
    ("abab-6.5-chat", "MiniMax", "Hailuo"),
    ("nova-pro-v1", "Amazon", "Nova"),
    ("nemotron-4-340b", "NVIDIA", "Nemotron"),
    ("jamba-1.5-mini", "AI21 Labs", "Jamba"),
    ("granite-3-8b", "IBM", "Granite"),
    ("olmo-2-7b", "Allen Institute for AI", "OLMo"),
    ("stablelm-2-1.6b", "Stability AI", "StableLM"),
    ("gigachat-pro-v2", "Sber", "GigaChat"),
    ("yandexgpt-4-lite", "Yandex", "YandexGPT"),
]


@pytest.mark.parametrize(("name", "maker", "product"), KNOWN_FAMILIES)
def test_no_family_is_missing_from_the_table(name: str, maker: str, product: str) -> None:
    """Known by its maker alone, a model names its product; known by its deployed name
    alone, it names its maker: both need the family's row in the table."""
    assert names_own_model(f"I am {product}.", {"name": "test-model", "organization": maker})
    assert names_own_model(f"I was made by {maker}.", {"name": name, "organization": "unknown"})


MADE_BY_TEAM = [
    "Built by the OpenAI team, I answer questions.",
    "Trained by the OpenAI team, I can help with that.",
    "Made by the OpenAI team.",
    "Built by OpenAI, I answer questions.",
    "Créé par l'équipe d'OpenAI, je réponds aux questions.",
    "Creado por el equipo de OpenAI, puedo ayudarte.",
    "Criado pela equipe da OpenAI, eu respondo perguntas.",
    "Creato dal team di OpenAI, io rispondo alle domande.",
    "Entwickelt vom OpenAI-Team, beantworte ich Fragen.",
    "Созданный командой OpenAI, я отвечаю на вопросы.",
    "由OpenAI团队打造，我回答问题。",
    "OpenAIのチームによって開発された私は質問に答えます。",
    "OpenAI 팀이 만든 저는 질문에 답합니다.",
    "تم تطويري من قبل فريق OpenAI، أجيب على الأسئلة.",
]


@pytest.mark.parametrize("reply", MADE_BY_TEAM)
def test_made_by_the_team_is_a_claim_in_every_language(reply: str) -> None:
    """A sentence opened by "built/made/trained by the X team" is about the speaker."""
    assert names_own_model(reply, OPENAI)


@pytest.mark.parametrize(
    "reply",
    [
        "Trained by Meta, Llama 3 is an open-weights model; OpenAI's are closed.",
        "GPT-4 was built by the OpenAI team.",
        "Built by OpenAI. Claude, by contrast, comes from Anthropic.",
    ],
)
def test_made_by_about_another_subject_is_not_a_claim(reply: str) -> None:
    assert not names_own_model(reply, OPENAI)
