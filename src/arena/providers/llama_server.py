"""One in-process llama.cpp server per GGUF file, shared by every registry entry using it.

Two sampling variants of one model must not load the weights twice, so servers
are keyed by the resolved file and created lazily under a lock (loading takes
seconds and happens on a worker thread, never on the event loop). Each server
has several slots with continuous batching, so concurrent replies share one
forward pass instead of queueing.

``xllamacpp`` is imported only here and only when a model is first used, so
Arena runs (with remote models only) even where the native wheel is missing.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arena.errors import ProviderUnavailable

if TYPE_CHECKING:
    import xllamacpp

SLOTS = 4
THREADS_ENV = "ARENA_LOCAL_THREADS"

_servers: dict[Path, xllamacpp.Server] = {}
_loading: dict[Path, threading.Lock] = {}
_registry_lock = threading.Lock()


def default_threads() -> int:
    """Threads per server: all cores (capped), or ``ARENA_LOCAL_THREADS``.

    The CPU backend runs on OpenMP, so two servers (two GGUF files) that both
    decode share the cores badly. Measured on 2 cores with SmolLM2 and Gemma 3
    270M loaded:
    - with 1 thread each instead of 2, a SmolLM2-vs-Gemma battle took 1.7 s
      instead of 2.1-2.4 s;
    - but a battle between two SmolLM2 variants, batched on one server, took
      2.3 s instead of 1.65 s.
    The built-in roster draws both kinds, so all cores stays the default and
    the variable is the knob.
    """
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(os.cpu_count() or 1, 8))


def server_params(model: Path, n_ctx_per_slot: int, slots: int = SLOTS) -> Any:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_parallel = slots
    params.cont_batching = True
    params.n_ctx = n_ctx_per_slot * slots  # the KV cache is split evenly between slots
    threads = default_threads()
    for cpu in (params.cpuparams, params.cpuparams_batch):
        cpu.n_threads = threads
        cpu.poll = 0  # no spin-waiting in builds on ggml's own thread pool
    params.verbosity = -1  # llama.cpp logs model paths and internals to stderr otherwise
    return params


def shared_server(model: Path, n_ctx_per_slot: int) -> xllamacpp.Server:
    """The server for ``model``, loading it on first call. Blocking: call from a thread.

    The first caller's context size wins; later entries share the loaded server.
    """
    key = model.resolve()
    with _registry_lock:
        server = _servers.get(key)
        if server is not None:
            return server
        lock = _loading.setdefault(key, threading.Lock())
    with lock:
        server = _servers.get(key)
        if server is None:
            server = _load(key, n_ctx_per_slot)
            with _registry_lock:
                _servers[key] = server
    return server


def _load(model: Path, n_ctx_per_slot: int) -> xllamacpp.Server:
    try:
        import xllamacpp
    except ImportError as exc:
        raise ProviderUnavailable("local models need the 'xllamacpp' package") from exc
    try:
        return xllamacpp.Server(server_params(model, n_ctx_per_slot))
    except Exception as exc:
        raise ProviderUnavailable(f"llama.cpp could not load {model.name}: {exc}") from exc


def loaded_models() -> list[Path]:
    with _registry_lock:
        return list(_servers)
