"""An arena is a plug-in: one object per arena, and nothing else asks which arena it is.

The checks: every arena name has its object and its UI entry; no code outside the
arenas' own modules compares against an arena's name (in Python and in the UI); the
stream events keep the wire format; and a new kind of arena (a job that reports
progress, adds its own ``done`` fields, shows a field only after the vote and refuses
early votes) runs through the unchanged service and routes over real HTTP.
"""

from __future__ import annotations

import ast
import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from arena.battles import arenas
from arena.battles.arenas.text import TextArena
from arena.battles.events import SideDelta, SideDone, SideEvent, SideFailed, SideImage
from arena.battles.side_run import REGISTRY_PARAMS, SideRun
from arena.vocabulary import Arena
from tests.app_fixtures import LiveApp
from tests.support.api import parse_sse

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "arena"
UI = ROOT / "ui" / "src"


def test_every_arena_has_one_object_and_one_ui_entry() -> None:
    assert set(arenas.ARENAS) == set(Arena)
    for name, plugin in arenas.ARENAS.items():
        assert plugin.name is name
        assert arenas.arena_plugin(name.value) is plugin
        assert plugin.served_by and plugin.served_by <= {"chat", "images"}
    registry = (UI / "arenas" / "index.ts").read_text()
    listed = registry[registry.index("ARENA_UI") : registry.index("};")]
    ui_names = set(re.findall(r"^\s+(\w+)[,:]", listed, re.M))
    assert ui_names == {a.value for a in Arena}


def _names_an_arena(node: ast.AST, strings: set[str]) -> bool:
    """``Arena.webdev``, ``Arena.webdev.value`` or the string ``"webdev"``."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_an_arena(e, strings) for e in node.elts)
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "Arena" and node.attr in Arena.__members__
    return isinstance(node, ast.Constant) and node.value in strings


def test_no_code_outside_the_arenas_branches_on_an_arena_name() -> None:
    # "text" is also a typed part's type and an input's type; its branches show as
    # Arena.text, which is checked.
    strings = {a.value for a in Arena} - {"text"}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith("battles/arenas/") or relative == "vocabulary.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            operands: list[ast.AST] = []
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
            elif isinstance(node, ast.MatchValue):
                operands = [node.value]
            if any(_names_an_arena(o, strings) for o in operands):
                found.append(f"{relative}:{node.lineno}")  # type: ignore[attr-defined]
    assert found == []


def test_no_ui_code_outside_the_arena_registry_names_an_arena() -> None:
    names = "|".join(a.value for a in Arena if a is not Arena.text)
    # (?<!=): an HTML attribute (role="search", type="search") is not the arena's name.
    named = re.compile(rf"""(?<!=)["']({names})["']|[!=]==?\s*["']text["']""")
    found = [
        f"{path.relative_to(UI)}:{n}"
        for path in sorted(UI.rglob("*.ts*"))
        if "arenas" not in path.relative_to(UI).parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if named.search(line)
    ]
    assert found == []


def test_side_events_keep_the_wire_format() -> None:
    def wire(event: SideEvent) -> str:  # as web/sse.py writes a data: line
        return json.dumps(event.as_json(), ensure_ascii=False)

    assert wire(SideDelta("a", "hi")) == '{"side": "a", "delta": "hi"}'
    assert wire(SideImage("b", "f00")) == '{"side": "b", "image": "f00"}'
    assert wire(SideDone("a")) == '{"side": "a", "done": true}'
    cut = SideDone("a", {"finish_reason": "length", "max_tokens": 9})
    assert wire(cut) == '{"side": "a", "done": true, "finish_reason": "length", "max_tokens": 9}'
    assert wire(SideFailed("b", "nope")) == '{"side": "b", "error": "nope"}'
    # Any side event answers .delta, so callers that only want text need no type switch.
    assert SideDelta("a", "x").delta == "x" and SideDone("a").delta is None


# ------------------------------------------------------------ a new kind of arena


@dataclass(frozen=True, slots=True)
class SideProgress(SideEvent):
    """An event kind the service has never heard of."""

    progress: float

    def as_json(self) -> dict[str, Any]:
        return {"side": self.side, "progress": self.progress}


class JobArena(TextArena):
    """A job, not a stream: started, polled with progress, its result fetched at the end."""

    async def run_side(self, run: SideRun) -> AsyncIterator[SideEvent]:  # type: ignore[override]
        chunks = [
            d.text async for d in run.contestant.provider.stream(run.messages, REGISTRY_PARAMS)
        ]
        for progress in (0.5, 1.0):
            yield SideProgress(run.side, progress)
        run.result.text.append("".join(chunks))
        run.result.done_fields["clip"] = f"clip-{run.turn}"

    def shown_message(self, message: dict[str, Any], revealed: bool) -> dict[str, Any]:
        shown = super().shown_message(message, revealed)
        if message["role"] == "assistant":
            shown["length"] = len(message["content"])
            if revealed:
                shown["trace"] = "polled twice"
        return shown

    async def vote_refusal(self, battle: Any, engine: Any) -> str | None:
        return "watch both clips twice first" if battle.turns < 2 else None

    def leaks_identity(self, replies: Sequence[dict[str, Any]], identity: Any) -> bool:
        return False


class PaidJobArena(JobArena):
    """Its sides are jobs worth finishing: a person who leaves still gets the turn."""

    finishes_without_client = True

    async def run_side(self, run: SideRun) -> AsyncIterator[SideEvent]:  # type: ignore[override]
        yield SideProgress(run.side, 0.1)
        await asyncio.sleep(1.0)  # the page goes away meanwhile
        async for event in super().run_side(run):
            yield event


PAIR = [{"name": "echo-a", "model": "echo-a"}, {"name": "echo-b", "model": "echo-b"}]


@pytest.fixture
def job_battle(
    start_app: Callable[..., LiveApp], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[JobArena], tuple[httpx.Client, str]]]:
    """An app whose text arena is the given object, a client, and a new battle's URL."""
    clients: list[httpx.Client] = []

    def start(plugin: JobArena) -> tuple[httpx.Client, str]:
        monkeypatch.setitem(arenas.ARENAS, Arena.text, plugin)
        client = start_app(PAIR).client()
        clients.append(client)
        battle_id = client.post("/api/v1/battles", json={"mode": "anonymous"}).json()["battle_id"]
        return client, f"/api/v1/battles/{battle_id}"

    yield start
    for client in clients:
        client.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_new_kind_of_arena_needs_no_change_to_the_service_or_routes(
    job_battle: Callable[[JobArena], tuple[httpx.Client, str]],
) -> None:
    client, url = job_battle(JobArena())
    events = parse_sse(client.post(f"{url}/turns", json={"prompt": "a cat"}).text)
    for side in ("a", "b"):
        mine = [e for e in events if e["side"] == side]
        assert mine == [
            {"side": side, "progress": 0.5},
            {"side": side, "progress": 1.0},
            {"side": side, "done": True, "clip": "clip-1"},
        ]
    early = client.post(f"{url}/vote", json={"winner": "tie"})
    assert early.status_code == 409 and early.json() == {"error": "watch both clips twice first"}
    before = client.get(url).json()["sides"]["a"]["messages"]
    assert before[1]["length"] > 0 and "trace" not in before[1]

    client.post(f"{url}/turns", json={"prompt": "a dog"}).raise_for_status()
    assert client.post(f"{url}/vote", json={"winner": "tie"}).status_code == 200
    after = client.get(url).json()["sides"]["a"]["messages"]
    assert after[1]["trace"] == "polled twice" and after[3]["content"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_arena_of_jobs_stores_the_turn_of_a_person_who_left(
    job_battle: Callable[[JobArena], tuple[httpx.Client, str]],
) -> None:
    client, url = job_battle(PaidJobArena())
    with client.stream("POST", f"{url}/turns", json={"prompt": "a cat"}) as stream:
        first = next(line for line in stream.iter_lines() if line.startswith("data:"))
    assert json.loads(first[len("data:") :])["progress"] == 0.1  # then the reload
    deadline = time.monotonic() + 20
    while (battle := client.get(url).json())["turns"] == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert battle["turns"] == 1
    assert all(side["messages"][1]["content"] for side in battle["sides"].values())
