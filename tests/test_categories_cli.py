"""``arena categories tag|eval``, the labelled set's split, and the shipped figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from arena.categories.names import HARD_MIN
from arena.categories.tagger import tag_prompts

ARENA = str(Path(sys.executable).parent / "arena")
ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT / "data" / "categories" / "train.jsonl"
HELDOUT = ROOT / "data" / "categories" / "heldout.jsonl"
SHIPPED = ROOT / "src" / "arena" / "categories" / "heldout_eval.json"


def _arena(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ARENA, *args], capture_output=True, text=True, timeout=120)


def _prompts(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_tag_prints_tags_language_and_criteria() -> None:
    done = _arena("categories", "tag", r"Simplify $\frac{x^2-1}{x-1}$ please", "--format", "json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert set(found) == {"tags", "language", "criteria"}
    assert "math" in found["tags"] and found["language"] == "en"
    poem = "写一首关于春天的短诗"
    chinese = json.loads(_arena("categories", "tag", poem, "--format", "json").stdout)
    assert chinese["language"] == "zh"
    text = _arena("categories", "tag", "```js\nconsole.log(1)\n```")
    assert text.returncode == 0 and "coding" in text.stdout and "criteria:" in text.stdout


def test_bad_input_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    empty = _arena("categories", "tag", "   ")
    assert empty.returncode == 2 and "error:" in empty.stderr and "Traceback" not in empty.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "ok", "tags": []}\nnot json\n')
    done = _arena("categories", "eval", "--labels", str(bad))
    assert done.returncode == 2 and "bad.jsonl:2" in done.stderr
    assert "Traceback" not in done.stderr
    missing = _arena("categories", "eval", "--labels", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "no such labels file" in missing.stderr


def test_eval_on_the_held_out_set_matches_the_shipped_figures() -> None:
    done = _arena("categories", "eval", "--labels", str(HELDOUT), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for figures in report["tags"].values():
        assert set(figures) == {"precision", "recall", "f1", "support"}
    # The UI's experimental marks come from this file: it must be today's figures.
    assert report == json.loads(SHIPPED.read_text())
    assert report["language"]["accuracy"] >= 0.95


def test_held_out_prompts_never_trained_on_and_every_tag_covered() -> None:
    train = {r["prompt"] for r in _prompts(TRAIN)}
    heldout = _prompts(HELDOUT)
    assert not train & {r["prompt"] for r in heldout}
    languages = {r["language"] for r in heldout}
    assert len(languages) >= 6
    tags = {t for r in heldout for t in r["tags"]}
    assert len(tags) == 16


def test_hard_prompt_means_at_least_six_criteria() -> None:
    for row in _prompts(HELDOUT):
        found = tag_prompts([row["prompt"]])
        assert ("hard_prompt" in found.tags) == (len(found.criteria) >= HARD_MIN)
