"""An LLM judge of prompt categories: any registry model, a prompt versioned in the repo.

It checks the embedded classifier (``check``: its verdicts are kept as audit events
beside the embedded tags) or replaces it (``replace``: its tags become the battle's
tags). It sees the user's prompts only, never a model's reply; its answer is parsed
defensively (unknown tags dropped, ``hard_prompt`` only from six criteria of seven,
structural tags computed exactly as the embedded tagger does). Every failure is
logged and gives ``None``: a battle the judge could not do keeps its embedded tags.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arena.categories.names import CLASSIFIED_TAGS, CRITERIA, HARD_MIN
from arena.categories.tagger import PromptTags, structural_tags

if TYPE_CHECKING:
    from arena.providers import Provider
    from arena.registry import ModelSpec, Registry
    from arena.settings import Settings

log = logging.getLogger(__name__)

# The judge prompt in use; a new prompt is a new file (and so a new version on each row).
PROMPT_VERSION = "judge-v1"
PROMPTS_DIR = Path(__file__).with_name("prompts")
MODES = ("check", "replace")
# Enough for the JSON answer; a judge that rambles past it is cut and fails to parse.
MAX_TOKENS = 400
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


@lru_cache(maxsize=4)
def judge_prompt(version: str = PROMPT_VERSION) -> str:
    return (PROMPTS_DIR / f"{version}.md").read_text(encoding="utf-8")


def judge_text(prompts: Sequence[str], version: str = PROMPT_VERSION) -> str:
    """The one message the judge gets: the versioned instructions and the user's prompts."""
    shown = "\n\n".join(f"[prompt {i}]\n{p}" for i, p in enumerate(prompts, 1))
    return judge_prompt(version).replace("{prompts}", shown)


def parse_verdict(text: str, prompts: Sequence[str], turns: int) -> PromptTags | None:
    """The judge's answer as tags, or ``None`` when it holds no usable JSON object."""
    data = _first_object(text)
    if data is None:
        return None
    raw_tags, raw_criteria = data.get("tags", []), data.get("criteria", [])
    if not isinstance(raw_tags, list) or not isinstance(raw_criteria, list):
        return None
    # hard_prompt is never taken from the judge's word: only from its criteria.
    tags = {t for t in raw_tags if t in CLASSIFIED_TAGS and t != "hard_prompt"}
    criteria = tuple(c for c in CRITERIA if c in raw_criteria)
    if len(criteria) >= HARD_MIN:
        tags.add("hard_prompt")
    tags |= structural_tags(prompts, turns)
    language = data.get("language")
    if not isinstance(language, str) or not _LANGUAGE.match(language.strip().lower()):
        language = None
    else:
        language = language.strip().lower()
    return PromptTags(tuple(sorted(tags)), language, criteria)


def _first_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in ``text`` (models wrap it in prose or code fences)."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            data, _ = decoder.raw_decode(text, start)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        start = text.find("{", start + 1)
    return None


class RateLimit:
    """At most ``per_minute`` calls in any 60 seconds (0: unlimited); thread-safe."""

    def __init__(self, per_minute: int, clock: Any = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        """Take a call if one is free now; never waits (the live path skips instead)."""
        return self._take() == 0.0

    async def acquire(self) -> None:
        """Wait for a free call (batch commands keep to the same limit)."""
        while (wait := self._take()) > 0:
            await asyncio.sleep(wait)

    def _take(self) -> float:
        """0 when a call was taken, else the seconds until one frees."""
        if self.per_minute <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            while self._calls and now - self._calls[0] >= 60.0:
                self._calls.popleft()
            if len(self._calls) < self.per_minute:
                self._calls.append(now)
                return 0.0
            return max(60.0 - (now - self._calls[0]), 0.01)


@dataclass
class LlmJudge:
    name: str
    provider: Provider
    mode: str = "check"
    limit: RateLimit = field(default_factory=lambda: RateLimit(30))
    version: str = PROMPT_VERSION

    @property
    def classifier(self) -> str:
        from arena.store.battle_tags import JUDGE_PREFIX

        return f"{JUDGE_PREFIX}{self.name}"[:64]

    @property
    def replaces(self) -> bool:
        return self.mode == "replace"

    @classmethod
    def build(
        cls, registry: Registry, name: str, mode: str = "check", per_minute: int = 30
    ) -> LlmJudge:
        """A judge over the registry model ``name``; ``ValueError`` says what is wrong."""
        from arena.errors import ProviderError
        from arena.providers import build_provider

        spec = cls.spec_of(registry, name, mode)
        try:
            provider = build_provider(spec)
        except ProviderError as exc:
            raise ValueError(str(exc)) from exc
        return cls(name, provider, mode, RateLimit(per_minute))

    @staticmethod
    def spec_of(registry: Registry, name: str, mode: str) -> ModelSpec:
        """The judge's registry entry; ``ValueError`` on an unknown mode or model."""
        if mode not in MODES:
            raise ValueError(f"judge mode must be one of {', '.join(MODES)}, not {mode!r}")
        spec = registry.get(name)
        if spec is None:
            raise ValueError(f"no model {name!r} in the registry for the category judge")
        if spec.provider == "openai_images":
            raise ValueError(f"model {name!r} makes images; the category judge needs a chat model")
        return spec

    @classmethod
    def from_settings(cls, settings: Settings, registry: Registry) -> LlmJudge | None:
        """The configured judge, or ``None`` (none configured, or misconfigured: logged)."""
        if not settings.category_judge_model:
            return None
        try:
            return cls.build(
                registry,
                settings.category_judge_model,
                settings.category_judge_mode,
                settings.category_judge_per_minute,
            )
        except ValueError as exc:
            log.error("category judge off: %s", exc)
            return None

    async def judge(self, prompts: Sequence[str], turns: int = 1) -> PromptTags | None:
        """The judge's tags for a battle's user prompts; ``None`` on any failure (logged)."""
        from arena.providers.base import ChatMessage, GenerationParams

        messages = [ChatMessage(role="user", content=judge_text(prompts, self.version))]
        params = GenerationParams(temperature=0.0, max_tokens=MAX_TOKENS)
        parts: list[str] = []
        try:
            async for delta in self.provider.stream(messages, params):
                parts.append(delta.text)
        except Exception as exc:  # a judge failure must never reach a battle
            log.warning("category judge %s failed: %s", self.name, exc)
            return None
        verdict = parse_verdict("".join(parts), prompts, turns)
        if verdict is None:
            log.warning("category judge %s gave no usable verdict", self.name)
        return verdict

    async def aclose(self) -> None:
        try:
            await self.provider.aclose()
        except Exception:
            log.exception("closing the category judge")
