"""Benchmark: retrieval time per prompt in the search arena, before the first token.

What a side waits for before its model is asked: the corpus search (tantivy, BM25),
one passage per page cut to the budget, and the numbered-passages prompt. Measured
per prompt on the bundled corpus (Python's reference docs) and on a synthetic corpus
of ``--passages`` passages (1M by default) drawn from the bundled corpus's own words.
Prompts are the project's labelled prompts (``data/categories``). The in-process
reference is a plain scan of the bundled corpus (count of prompt words per passage)
on the same prompts; the issue's target is under 50 ms p95 on the bundled corpus.

Usage: .venv/bin/python bench/search_retrieval.py [--prompts 300] [--passages 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from arena.battles.arenas.search import fit_budget
from arena.search import Passage
from arena.search.citations import passages_prompt
from arena.search.corpus import (
    CorpusBackend,
    build_index,
    bundled_corpus,
    passages,
    python_docs_rows,
)

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "data/categories/heldout.jsonl"
WORD = re.compile(r"\w+")


def prompts(n: int) -> list[str]:
    base = [json.loads(line)["prompt"] for line in LABELS.read_text().splitlines()]
    return [base[i % len(base)] for i in range(n)]


def timed(fn: Callable[[str], object], queries: list[str]) -> tuple[list[float], float, float]:
    """(per-query wall ms, total wall s, total CPU s)."""
    lat = []
    wall, cpu = time.perf_counter(), time.process_time()
    for q in queries:
        t = time.perf_counter()
        fn(q)
        lat.append((time.perf_counter() - t) * 1000)
    return lat, time.perf_counter() - wall, time.process_time() - cpu


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def report(name: str, lat: list[float], wall: float, cpu: float) -> None:
    print(
        f"{name:<28} p50 {pct(lat, 50):7.2f} ms  p95 {pct(lat, 95):7.2f} ms  "
        f"max {max(lat):7.2f} ms  wall {wall:6.2f} s  cpu {cpu:6.2f} s"
    )


def synthetic(n: int, seed: int = 0) -> Iterator[Passage]:
    words = [w.lower() for _, _, text in python_docs_rows() for w in WORD.findall(text)]
    rng = random.Random(seed)
    for i in range(n):
        text = " ".join(rng.choices(words, k=60))
        yield Passage(f"https://synthetic.example/{i}", f"Passage {i}", text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prompts", type=int, default=300)
    parser.add_argument("--passages", type=int, default=1_000_000)
    args = parser.parse_args()
    queries = prompts(args.prompts)

    backend = bundled_corpus()
    wall, cpu = time.perf_counter(), time.process_time()
    backend.search_sync("warm up")  # builds the index
    print(
        f"bundled corpus index: {time.perf_counter() - wall:.2f} s wall, "
        f"{time.process_time() - cpu:.2f} s cpu"
    )

    def arena_search(b: CorpusBackend) -> Callable[[str], object]:
        return lambda q: passages_prompt(fit_budget(b.search_sync(q)))

    lat, w, c = timed(arena_search(backend), queries)
    report("bundled (tantivy)", lat, w, c)
    corpus = list(passages(python_docs_rows()))
    bags = [(p, set(WORD.findall(p.text.lower()))) for p in corpus]

    def scan(q: str) -> object:
        terms = set(WORD.findall(q.lower()))
        return sorted(bags, key=lambda pb: -len(terms & pb[1]))[:5]

    ref, rw, rc = timed(scan, queries)
    report("reference: plain scan", ref, rw, rc)
    print(f"p95 ratio tantivy / scan: {pct(lat, 95) / pct(ref, 95):.3f}")

    if args.passages:
        wall, cpu = time.perf_counter(), time.process_time()
        big = CorpusBackend("synthetic", list)
        big._index = build_index(synthetic(args.passages))
        print(
            f"{args.passages:,} passages index: {time.perf_counter() - wall:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s cpu"
        )
        big_lat, bw, bc = timed(arena_search(big), queries)
        report(f"{args.passages:,} passages", big_lat, bw, bc)
        print(f"p95 ratio {args.passages:,} / bundled: {pct(big_lat, 95) / pct(lat, 95):.2f}")


if __name__ == "__main__":
    main()
