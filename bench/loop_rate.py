"""Loop rate of the built-in models: how often a reply repeats itself.

A reply "loops" when some 20-character span occurs more than three times in it
(issue 18: Gemma 3 270M echoed prompts and repeated fragments). Every model of
the built-in roster answers the project's own 50 prompts
(``bench/prompts/first_impressions.txt``) twice in the same run: once with the
settings the roster had before issue 18 (the reference) and once with the
roster as it is now, sent to llama.cpp exactly as Arena sends them
(``llama_request``). Prints the loop share of each and the ratio.

    .venv/bin/python -m bench.loop_rate                 # 50 prompts, replies cut at 160 tokens
    .venv/bin/python -m bench.loop_rate --prompts 10    # quicker

Replies are capped (``--max-tokens``) and llama.cpp runs one thread per model
unless ``ARENA_LOCAL_THREADS`` says otherwise, to stay light on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from arena.providers.base import ChatMessage, GenerationParams
from arena.providers.common import merge_params, with_system_prompt
from arena.providers.gguf_paths import resolve_gguf
from arena.providers.llama_server import shared_server
from arena.providers.local import LocalProvider, chunk_text, llama_request
from arena.registry import ModelSpec, load_registry

PROMPTS = Path(__file__).resolve().parent / "prompts" / "first_impressions.txt"
SPAN = 20
TIMES = 3

# The roster as shipped before issue 18: the turn format for Gemma, plain sampling.
BEFORE: dict[str, dict[str, Any]] = {
    "smollm2-135m-instruct": {"temperature": 0.7, "max_tokens": 256},
    "smollm2-135m-instruct-creative": {"temperature": 1.2, "top_p": 0.95, "max_tokens": 256},
    "gemma-3-270m": {"temperature": 0.8, "max_tokens": 256, "chat_format": "gemma"},
}
# Settings the roster later gained; the reference run must not use them.
NEW_FIELDS = ("extra_params", "chat_format", "top_p", "context_tokens")


def loops(text: str, span: int = SPAN, times: int = TIMES) -> bool:
    """Whether some ``span``-character stretch occurs more than ``times`` times.

    Whitespace runs count as one space, and spans of fewer than five distinct
    characters (rules, table borders, indentation) are not counted as loops.
    """
    flat = " ".join(text.split())
    seen: set[str] = set()
    for start in range(len(flat) - span + 1):
        piece = flat[start : start + span]
        if piece in seen or len(set(piece)) < 5:
            continue
        seen.add(piece)
        if flat.count(piece) > times:
            return True
    return False


def before_spec(spec: ModelSpec) -> ModelSpec:
    """``spec`` with the pre-issue-18 settings (the reference run)."""
    old = BEFORE.get(spec.name, {})
    data = spec.model_dump()
    for name in NEW_FIELDS:
        data.pop(name, None)
    data.update(old)
    return ModelSpec.model_validate(data)


async def replies(spec: ModelSpec, prompts: Sequence[str], max_tokens: int) -> list[str]:
    """One reply per prompt, four at a time (the server's slots), as Arena sends them."""
    provider = LocalProvider(spec)
    server = await asyncio.to_thread(shared_server, resolve_gguf(spec.path or ""), spec.n_ctx)
    limit = asyncio.Semaphore(4)

    async def one(prompt: str) -> str:
        messages = with_system_prompt([ChatMessage("user", prompt)], spec.system_prompt)
        params = merge_params(provider.defaults, GenerationParams())
        capped = GenerationParams(
            params.temperature,
            min(params.max_tokens or max_tokens, max_tokens),
            params.top_p,
            params.extra,
        )
        handler, request = llama_request(spec, messages, capped)
        parts: list[str] = []

        def on_chunk(chunk: dict[str, Any]) -> bool:
            parts.append(chunk_text(chunk) or "")
            return False  # go on

        async with limit:
            await asyncio.to_thread(getattr(server, handler), request, on_chunk)
        return "".join(parts)

    return await asyncio.gather(*(one(p) for p in prompts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=50)
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--models", help="comma-separated roster names (default: all)")
    parser.add_argument("--show", action="store_true", help="print each looping reply")
    args = parser.parse_args()
    os.environ.setdefault("ARENA_LOCAL_THREADS", "1")
    prompts = PROMPTS.read_text(encoding="utf-8").splitlines()[: args.prompts]
    wanted = set(args.models.split(",")) if args.models else None
    print(
        f"loop = a {SPAN}-character span repeated more than {TIMES} times; "
        f"{len(prompts)} prompts, replies cut at {args.max_tokens} tokens"
    )
    print(f"{'model':34} {'before':>8} {'after':>8}  after/before")
    for spec in load_registry().models:
        if wanted and spec.name not in wanted:
            continue
        shares = []
        for run_spec in (before_spec(spec), spec):
            started = time.monotonic()
            texts = asyncio.run(replies(run_spec, prompts, args.max_tokens))
            looping = [t for t in texts if loops(t)]
            shares.append(len(looping) / len(texts))
            if args.show:
                for text in looping:
                    print(f"  [{spec.name}] {text[:300]!r}")
            print(
                f"  ({spec.name}: {len(looping)}/{len(texts)} loop, "
                f"{time.monotonic() - started:.0f} s)",
                flush=True,
            )
        ratio = f"{shares[1] / shares[0]:.2f}" if shares[0] else "n/a"
        print(f"{spec.name:34} {shares[0]:8.0%} {shares[1]:8.0%}  {ratio}", flush=True)


if __name__ == "__main__":
    main()
