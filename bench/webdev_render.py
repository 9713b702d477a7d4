"""WebDev render rate of the built-in models: can they build an app on a fresh install?

Every model of the built-in roster gets 20 app prompts with the WebDev brief, as Arena
sends them (system prompt first). Each reply is run through Arena's own extraction
(``extract_app``); an HTML app is then loaded in headless Chromium (no network) and
counts as *rendered* when it throws no error and shows something (text, a control, a
canvas or an SVG). A React component counts as found, not rendered (it needs the
preview runtime). Prints, per model, found and rendered shares, with CPU and wall time.

The bar (issue 33): a built-in model lists ``webdev`` only if it renders at least
``BAR`` of the prompts; otherwise the arena is left to configured models and the arena
picker says what to configure.

    .venv/bin/python -m bench.webdev_render [--prompts 20] [--max-tokens 512]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from typing import Any

from arena.battles.webdev import extract_app, system_prompt
from arena.providers.base import ChatMessage, GenerationParams
from arena.providers.common import merge_params
from arena.providers.gguf_paths import resolve_gguf
from arena.providers.llama_server import shared_server
from arena.providers.local import LocalProvider, chunk_text, llama_request
from arena.registry import ModelSpec, load_registry

BAR = 0.5
PROMPTS = [
    "A Pomodoro timer with a dark theme",
    "A counter with plus and minus buttons",
    "A to-do list where I can add and remove items",
    "A tip calculator for a restaurant bill",
    "A digital clock that shows the current time",
    "A random quote generator with a button",
    "A color picker that shows the hex code",
    "A temperature converter between Celsius and Fahrenheit",
    "A simple calculator",
    "A stopwatch with start, stop and reset",
    "A dice roller",
    "A BMI calculator",
    "A landing page for a coffee shop",
    "A login form with validation",
    "A tic-tac-toe game",
    "A character counter for a text box",
    "A light/dark mode toggle page",
    "A countdown to New Year",
    "A password generator",
    "A shopping list with checkboxes",
]


async def replies(spec: ModelSpec, prompts: list[str], max_tokens: int) -> list[str]:
    """One reply per prompt, four at a time, with the WebDev brief as the system prompt."""
    provider = LocalProvider(spec)
    server = await asyncio.to_thread(shared_server, resolve_gguf(spec.path or ""), spec.n_ctx)
    limit = asyncio.Semaphore(4)
    brief = system_prompt()

    async def one(prompt: str) -> str:
        messages = [ChatMessage("system", brief), ChatMessage("user", prompt)]
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
            return False

        async with limit:
            await asyncio.to_thread(getattr(server, handler), request, on_chunk)
        return "".join(parts)

    return await asyncio.gather(*(one(p) for p in prompts))


def renders(browser: Any, html: str) -> bool:
    """Does the app load without an error and show something? (offline: every request
    other than the document itself is refused)."""
    context = browser.new_context()
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.set_content(html, wait_until="load", timeout=5_000)
        page.wait_for_timeout(300)
        shown = page.evaluate(
            """() => !!document.body && (document.body.innerText.trim().length > 0 ||
                 !!document.querySelector('button, input, canvas, svg, select, textarea'))"""
        )
    except Exception:
        return False
    finally:
        context.close()
    return shown and not errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=len(PROMPTS))
    parser.add_argument("--max-tokens", type=int, default=512)
    args = parser.parse_args()
    os.environ.setdefault("ARENA_LOCAL_THREADS", "1")
    from playwright.sync_api import sync_playwright

    prompts = PROMPTS[: args.prompts]
    print(f"{len(prompts)} app prompts, replies cut at {args.max_tokens} tokens; bar {BAR:.0%}")
    print(f"{'model':34} {'found':>6} {'rendered':>9} {'wall s':>7} {'cpu s':>6}  bar")
    chromium = os.environ.get("ARENA_CHROMIUM", "/usr/bin/chromium")
    generated = []  # every model first: Playwright's sync API keeps its own event loop
    for spec in load_registry().models:
        wall, cpu = time.monotonic(), time.process_time()
        texts = asyncio.run(replies(spec, prompts, args.max_tokens))
        generated.append((spec, texts, time.monotonic() - wall, time.process_time() - cpu))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for spec, texts, wall, cpu in generated:
            apps = [extract_app(t) for t in texts]
            found = sum(a.found for a in apps)
            shown = sum(a.kind == "html" and renders(browser, a.code) for a in apps)
            rate = shown / len(prompts)
            verdict = "passes" if rate >= BAR else "fails"
            print(
                f"{spec.name:34} {found:>3}/{len(prompts)} {shown:>5}/{len(prompts)} "
                f"{wall:7.0f} {cpu:6.0f}  {verdict}",
                flush=True,
            )
        browser.close()

if __name__ == "__main__":
    main()
