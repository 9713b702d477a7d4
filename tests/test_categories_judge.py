"""The LLM judge of categories over real HTTP against the loopback fake upstream:
check mode keeps its verdicts beside the embedded tags, replace mode moves the boards,
its own rate limit leaves battles for ``arena categories judge``, bad answers are
ignored, and it only ever sees the user's prompts."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from arena.categories.judge import RateLimit, parse_verdict
from arena.categories.names import CRITERIA
from arena.categories.tagger import CLASSIFIER_NAME
from arena.errors import InvalidInput
from arena.settings import Settings
from arena.store.battle_tags import JUDGE_EVENT
from arena.store.tables import BattleTagRow, EventRow
from arena.web.app import create_app
from tests.app_fixtures import write_registry
from tests.fake_upstream import JUDGE_GARBAGE_WORD
from tests.support.api import voted_battle

ARENA = str(Path(sys.executable).parent / "arena")
JUDGE = "judge-model"
CLASSIFIER = f"llm-judge:{JUDGE}"
MODELS = [
    {"name": "plain-a", "model": "echo-a"},
    {"name": "plain-b", "model": "echo-b"},
    # Never drawn into a battle (weight 0), only asked to judge.
    {"name": JUDGE, "model": "judge", "sampling_weight": 0},
]
# What the fake judge's verdict becomes: unknown tag and criterion dropped, hard_prompt
# from its six criteria, the language lower-cased.
JUDGED_TAGS = ["finance", "hard_prompt", "law"]
JUDGED_CRITERIA = [c for c in CRITERIA if c != "creativity"]


def _read(db_url: str) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Stored tags by battle, and the judge's verdict events by battle."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            # Events first: a verdict seen here has its replaced tags in the read after.
            verdicts: dict[str, list[dict[str, Any]]] = {}
            for e in conn.execute(select(EventRow).where(EventRow.kind == JUDGE_EVENT)).all():
                assert e.actor == CLASSIFIER
                verdicts.setdefault(str(e.subject), []).append(dict(e.payload))
            tags = {r.battle_id: r for r in conn.execute(select(BattleTagRow)).all()}
            return tags, verdicts
    finally:
        engine.dispose()


def _wait(db_url: str, ready, what: str):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        tags, verdicts = _read(db_url)
        if ready(tags, verdicts):
            return tags, verdicts
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen in time")


def _judge_requests(fake_upstream, marker: str) -> list[str]:
    """The texts the judge model was sent that contain ``marker``."""
    texts = []
    for body in list(fake_upstream.requests):
        if body.get("model") != "judge":
            continue
        text = "\n".join(str(m.get("content")) for m in body.get("messages", []))
        if marker in text:
            texts.append(text)
    return texts


def _board_votes(client, category: str) -> int:
    """Votes on a category's board; 0 when no vote is in it (the API does not know it)."""
    board = client.get(f"/api/v1/leaderboard?category={category}").json()
    if "unknown category" in board.get("error", ""):
        return 0
    return board["total_votes"]


def _wait_board(client, category: str, votes: int) -> None:
    deadline = time.monotonic() + 10
    while _board_votes(client, category) != votes:
        assert time.monotonic() < deadline, f"the {category} board did not reach {votes}"
        time.sleep(0.1)


def _judge_cli(db_url: str, models: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ARENA, "categories", "judge", "--db", db_url, "--models", models, "--judge", JUDGE,
         *extra],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_mode_keeps_the_verdict_beside_the_embedded_tags(
    start_app, db_url, fake_upstream
) -> None:
    app = start_app(
        MODELS, category_judge_model=JUDGE, leaderboard_refresh_seconds=0, category_min_votes=1
    )
    mark = f"(check-{uuid.uuid4().hex[:8]})"  # the fake's request log spans the session
    prompt = f"Hello there, could you tell me a short joke about cats? {mark}"
    with app.client() as client:
        battle = voted_battle(client, prompt)
        tags, verdicts = _wait(db_url, lambda t, v: battle in t and battle in v, "judging")
        # The boards keep the embedded classifier's tags...
        assert tags[battle].classifier == CLASSIFIER_NAME
        assert "law" not in tags[battle].tags and tags[battle].language == "en"
        # ...and the judge's verdict is recorded beside them, cleaned.
        [verdict] = verdicts[battle]
        assert verdict["version"] == "judge-v1" and verdict["mode"] == "check"
        assert verdict["tags"] == JUDGED_TAGS
        assert verdict["criteria"] == JUDGED_CRITERIA and verdict["language"] == "fr"
        _wait_board(client, "overall", 1)
        assert _board_votes(client, "law") == 0
    # The judge got the versioned prompt with the user's words and nothing a model said.
    [sent] = _judge_requests(fake_upstream, mark)
    assert "Answer with one JSON object" in sent and prompt in sent
    assert "Reply from" not in sent


def test_replace_mode_moves_the_boards_within_the_rate_limit(
    start_app, db_url, fake_upstream
) -> None:
    app = start_app(
        MODELS,
        category_judge_model=JUDGE,
        category_judge_mode="replace",
        category_judge_per_minute=1,
        leaderboard_refresh_seconds=0,
        category_min_votes=1,
    )
    models = str(app.settings.models_file)
    mark = uuid.uuid4().hex[:8]
    with app.client() as client:
        first = voted_battle(client, f"What is a good name for a goldfish? (one-{mark})")
        tags, _ = _wait(db_url, lambda t, v: first in v and first in t, "judging")
        assert tags[first].classifier == CLASSIFIER and list(tags[first].tags) == JUDGED_TAGS
        _wait_board(client, "law", 1)
        # Over the limit (one call a minute): the second battle keeps its embedded tags.
        second = voted_battle(
            client, f"Name a goldfish, please. (two-{mark})", "And a cat? (turn-2)"
        )
        tags, verdicts = _wait(db_url, lambda t, v: second in t, "tagging")
        time.sleep(1.0)  # time enough for a judge call that should not happen
        tags, verdicts = _read(db_url)
        assert second not in verdicts and tags[second].classifier == CLASSIFIER_NAME
        assert not _judge_requests(fake_upstream, f"(two-{mark})")

        # The batch command judges what the live path left, then has nothing to do.
        done = _judge_cli(db_url, models, "--mode", "replace")
        assert done.returncode == 0, done.stderr
        assert "judged 1 battles" in done.stdout and "0 left" in done.stdout, done.stdout
        tags, verdicts = _read(db_url)
        assert set(verdicts) == {first, second}
        assert set(tags[second].tags) == set(JUDGED_TAGS) | {"multi_turn"}
        _wait_board(client, "law", 2)
        again = _judge_cli(db_url, models, "--mode", "replace")
        assert again.returncode == 0 and "judged 0 battles" in again.stdout, again.stdout
        # A retag of the embedded classifier leaves the judge's tags alone.
        retag = subprocess.run(
            [ARENA, "categories", "retag", "--db", db_url],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert retag.returncode == 0, retag.stderr
        assert {r.classifier for r in _read(db_url)[0].values()} == {CLASSIFIER}
    # Both turns' prompts went to the judge; neither model's replies did.
    [sent] = _judge_requests(fake_upstream, f"(two-{mark})")
    assert "(turn-2)" in sent and "Reply from" not in sent


def test_a_bad_verdict_is_ignored(start_app, db_url, fake_upstream) -> None:
    app = start_app(
        MODELS, category_judge_model=JUDGE, category_judge_mode="replace", category_min_votes=1
    )
    mark = f"(bad-{uuid.uuid4().hex[:8]})"
    prompt = f"Tell me about contracts please. {JUDGE_GARBAGE_WORD} {mark}"
    with app.client() as client:
        battle = voted_battle(client, prompt)
        _wait(db_url, lambda t, v: battle in t, "tagging")
        deadline = time.monotonic() + 10
        while not _judge_requests(fake_upstream, mark):
            assert time.monotonic() < deadline, "the judge was never asked"
            time.sleep(0.1)
        time.sleep(0.5)
        tags, verdicts = _read(db_url)
        assert verdicts == {} and tags[battle].classifier == CLASSIFIER_NAME
        done = _judge_cli(db_url, str(app.settings.models_file))
        assert done.returncode == 0 and "judged 0 battles" in done.stdout, done.stdout
        assert "1 failed" in done.stdout and "1 left" in done.stdout
        assert _read(db_url)[0][battle].classifier == CLASSIFIER_NAME


def test_parsing_drops_unknown_tags_and_derives_hard_prompt() -> None:
    five = ["specificity", "complexity", "problem_solving", "creativity", "nonsense"]
    answer = json.dumps({"tags": ["math", "astrology", "hard_prompt"], "criteria": five})
    found = parse_verdict(f"sure {{not json}}: {answer} ok {{}}", ["p"], 1)
    assert found is not None and found.tags == ("math",) and found.language is None
    assert found.criteria == ("specificity", "complexity", "problem_solving", "creativity")
    six = json.dumps({"tags": [], "criteria": list(CRITERIA[:6]), "language": "de"})
    long = "word " * 600
    hard = parse_verdict(six, [long], 2)
    assert hard is not None and hard.tags == ("hard_prompt", "long_query", "multi_turn")
    assert hard.language == "de"
    for bad in ("no json here", "{not: json}", '["math"]', '{"tags": "math"}'):
        assert parse_verdict(bad, ["p"], 1) is None


def test_rate_limit_counts_a_sliding_minute() -> None:
    now = [0.0]
    limit = RateLimit(2, clock=lambda: now[0])
    assert limit.try_acquire()
    now[0] = 30.0
    assert limit.try_acquire() and not limit.try_acquire()
    now[0] = 59.9
    assert not limit.try_acquire()
    now[0] = 60.0  # the call at 0 has left the window, the one at 30 has not
    assert limit.try_acquire() and not limit.try_acquire()
    assert all(RateLimit(0).try_acquire() for _ in range(100))


def test_eval_scores_the_judge_and_a_bad_judge_is_refused(tmp_path, fake_upstream) -> None:
    models = write_registry(tmp_path / "models.yaml", fake_upstream.base_url, MODELS)
    labels = tmp_path / "labels.jsonl"
    rows = [
        {"prompt": "Can my landlord keep the deposit?", "language": "fr", "tags": ["law"]},
        {"prompt": f"Integrate x squared. {JUDGE_GARBAGE_WORD}", "language": "en",
         "tags": ["math"]},
    ]  # fmt: skip
    labels.write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = subprocess.run(
        [ARENA, "categories", "eval", "--labels", str(labels), "--judge", JUDGE,
         "--models", str(models), "--format", "json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["tags"]["law"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert report["tags"]["finance"]["precision"] == 0.0
    assert report["tags"]["math"]["recall"] == 0.0
    assert report["language"] == {"accuracy": 0.5, "support": 2}
    unknown = subprocess.run(
        [ARENA, "categories", "eval", "--labels", str(labels), "--judge", "nope",
         "--models", str(models)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert unknown.returncode == 2 and "no model 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    with pytest.raises(InvalidInput, match="no model 'nope'"):
        create_app(Settings(models_file=str(models), category_judge_model="nope"))
    with pytest.raises(InvalidInput, match="judge mode"):
        create_app(
            Settings(models_file=str(models), category_judge_model=JUDGE, category_judge_mode="x")
        )


def test_the_batch_judge_leaves_imported_tags_alone(db_url, tmp_path, fake_upstream) -> None:
    models = write_registry(tmp_path / "models.yaml", fake_upstream.base_url, MODELS)

    def conv(text: str) -> list[dict]:
        return [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]

    rows = [
        {"id": "imp-tagged", "model_a": "x", "model_b": "y", "winner": "tie",
         "conversation_a": conv("hello"), "conversation_b": conv("hello"),
         "category_tag": ["math"]},
        {"id": "imp-bare", "model_a": "x", "model_b": "y", "winner": "model_a",
         "conversation_a": conv("hi there"), "conversation_b": conv("hi there")},
    ]  # fmt: skip
    votes = tmp_path / "votes.jsonl"
    votes.write_text("".join(json.dumps(r) + "\n" for r in rows))
    imported = subprocess.run(
        [ARENA, "import", str(votes), "--db", db_url], capture_output=True, text=True, timeout=120
    )
    assert imported.returncode == 0, imported.stderr
    done = _judge_cli(db_url, str(models), "--mode", "replace")
    assert done.returncode == 0, done.stderr
    assert "judged 1 battles" in done.stdout and "0 left" in done.stdout, done.stdout
    tags, verdicts = _read(db_url)
    assert len(verdicts) == 1
    by_classifier = sorted((r.classifier, list(r.tags)) for r in tags.values())
    assert by_classifier == [("imported", ["math"]), (CLASSIFIER, JUDGED_TAGS)]
