"""Nothing a client receives before the vote may reveal which model is on which side.

Every pre-vote response (status line aside: body and headers) is searched for any word
that would identify a model: its registry name and organization, its upstream model id,
a preview model's codename, the upstream URL and the provider's own error text. Headers
must come from an allow-list of headers that are the same whatever the models are.

The fake echo models start every reply with their upstream id ("Reply from echo-a: ...").
That sentence is the model's own output, which Arena relays verbatim by design (a reply
naming its model is flagged at vote time instead, see ``arena.integrity.validity``), so
exactly that sentence is masked; an id Arena itself put anywhere else is still caught.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.fake_upstream import FAIL_BODY, FakeUpstream
from tests.support.api import parse_sse, send_turn

PREVIEW = {
    "name": "phantom-preview-x",
    "model": "markdown",
    "organization": "Stealth Labs",
    "visibility": "preview",
    "codename": "moonbeam",
}
PAIR = [
    {"name": "zephyr-secret-7b", "model": "echo-a", "organization": "Hidden Labs"},
    {"name": "quasar-secret-9b", "model": "echo-b", "organization": "Covert AI"},
]
FAILING = {"name": "nebula-broken", "model": "fail-500", "organization": "Failing Corp"}
SECRETS_MODELS = [*PAIR, FAILING, PREVIEW]
SLOW_PAIR = [
    {"name": "glacier-secret-3b", "model": "slow", "organization": "Frozen Inc"},
    PAIR[0],
]

ALLOWED_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "transfer-encoding",
        "cache-control",
        "x-accel-buffering",
        "connection",
        "keep-alive",
        # The same on every response, whatever the battle (see arena.web.edge).
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "set-cookie",  # the client cookie: a random token, set on first contact only
    }
)
BLOCKED_TERM = "purple walrus"
MIN_BATTLES = 12
MAX_BATTLES = 60
"""The walk runs at least ``MIN_BATTLES`` and goes on until the failing and the preview
model have each been drawn; with four models that takes a handful of battles."""

# What the failing upstream says about itself: provider error text must never pass through.
PROVIDER_ERROR_WORDS = [
    FAIL_BODY["error"]["message"],
    "gpu-node-17",
    "secret-model-v3",
    "cuda",
    FAIL_BODY["error"]["code"],
    FAIL_BODY["error"]["type"],
]


@dataclass(frozen=True)
class Guard:
    """The words that would identify a roster's models, and the checks against them."""

    forbidden: list[str]
    """Nothing before the vote may contain any of these (lower case)."""
    hidden_after_vote: list[str]
    """Even the reveal may not contain these: preview identities and upstream details."""
    self_intros: list[str]

    @classmethod
    def for_roster(cls, upstream: FakeUpstream, roster: list[dict[str, Any]]) -> Guard:
        infra = [upstream.root_url, "127.0.0.1:", "openai", "chatcmpl", *PROVIDER_ERROR_WORDS]
        upstream_ids = [m["model"] for m in roster]
        forbidden = [*infra, *upstream_ids]
        hidden = [*infra, *upstream_ids]
        for model in roster:
            forbidden += [model["name"], model["organization"]]
            if model.get("visibility") == "preview":
                forbidden.append(model["codename"])  # shown in the reveal only
                hidden += [model["name"], model["organization"]]
        return cls(
            forbidden=[w.lower() for w in forbidden],
            hidden_after_vote=[w.lower() for w in hidden],
            self_intros=[f"Reply from {model_id}: " for model_id in upstream_ids],
        )

    def check(
        self, response: httpx.Response, *, also_allowed: frozenset[str] = frozenset()
    ) -> None:
        """Fail if a pre-vote response names a model in its body or its headers."""
        self._search(response, self.forbidden, also_allowed)

    def check_reveal(self, response: httpx.Response) -> None:
        """The reveal names public models, but a preview one only by its codename."""
        self._search(response, self.hidden_after_vote, frozenset())

    def _search(
        self, response: httpx.Response, words: list[str], also_allowed: frozenset[str]
    ) -> None:
        assert set(response.headers) <= ALLOWED_HEADERS | also_allowed, response.headers
        headers = " ".join(f"{k}:{v}" for k, v in response.headers.items())
        blob = f"{self._client_visible_text(response)} {headers}".lower()
        for word in words:
            assert word not in blob, (
                f"{word!r} leaked in {response.status_code} from {response.request.url}: "
                f"{response.text[:300]}"
            )

    def _client_visible_text(self, response: httpx.Response) -> str:
        """The body, with the echo models' own self-introductions masked.

        A stream's deltas are joined per side first: a streamed reply is split into
        chunks, so a word (Arena's or the model's) may straddle two events.
        """
        text = response.text
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            text = _join_deltas(text)
        for intro in self.self_intros:
            text = text.replace(intro, "Reply from <model>: ")
        return text


def _join_deltas(body: str) -> str:
    """Every line of a stream except the deltas, followed by each side's joined reply."""
    kept: list[str] = []
    said: dict[str, str] = {}
    for line in body.splitlines():
        event = json.loads(line[len("data: ") :]) if line.startswith("data: ") else None
        if isinstance(event, dict) and "delta" in event:
            said[event["side"]] = said.get(event["side"], "") + event.pop("delta")
            line = "data: " + json.dumps(event)
        kept.append(line)
    return "\n".join([*kept, *said.values()])


def _served_by(upstream: FakeUpstream, marker: str) -> set[str]:
    """Which upstream model ids were asked a conversation containing ``marker``.

    Read from the fake upstream's request log, never from Arena, so the walk knows
    which models it met without relying on the responses under test.
    """
    return {
        body["model"] for body in list(upstream.requests) if marker in json.dumps(body["messages"])
    }


def _create(client: httpx.Client, guard: Guard) -> str:
    created = client.post("/api/v1/battles", json={"mode": "anonymous"})
    assert created.status_code == 201, created.text
    guard.check(created)
    return created.json()["battle_id"]


def _walk_battle(client: httpx.Client, guard: Guard, marker: str) -> None:
    """One anonymous battle, through every pre-vote response a client can provoke."""
    battle_id = _create(client, guard)
    turns = f"/api/v1/battles/{battle_id}/turns"
    vote = f"/api/v1/battles/{battle_id}/vote"

    early_vote = client.post(vote, json={"winner": "tie"})
    assert early_vote.status_code == 409
    guard.check(early_vote)
    for url, body in ((vote, {"winner": "tie", "show": True}), (turns, {"prompt": "hi", "x": 1})):
        unknown_field = client.post(url, json=body)
        assert unknown_field.status_code == 422, unknown_field.text
        guard.check(unknown_field)
    refused, _ = send_turn(client, battle_id, f"please say {BLOCKED_TERM} {marker}")
    assert refused.status_code == 422, refused.text
    guard.check(refused)

    first, _ = send_turn(client, battle_id, f"who are you? {marker}")
    assert first.status_code == 200, first.text
    guard.check(first)
    guard.check(client.get(f"/api/v1/battles/{battle_id}"))
    second, _ = send_turn(client, battle_id, "tell me more")  # a 409 once a side failed
    guard.check(second)
    empty = client.post(turns, json={"prompt": ""})
    assert empty.status_code == 422
    guard.check(empty)

    voted = client.post(vote, json={"winner": "model_a"})
    if voted.status_code == 200:
        guard.check_reveal(voted)
    else:
        guard.check(voted)


def test_no_pre_vote_response_names_a_model(start_app, fake_upstream, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked.txt"
    blocked.write_text(f"{BLOCKED_TERM}\n")
    app = start_app(SECRETS_MODELS, blocked_terms_file=str(blocked))
    guard = Guard.for_roster(fake_upstream, SECRETS_MODELS)
    wanted = {FAILING["model"], PREVIEW["model"]}
    met: set[str] = set()
    with app.client() as client:
        for n in range(MAX_BATTLES):
            if n >= MIN_BATTLES and wanted <= met:
                break
            marker = f"walk-{uuid.uuid4().hex[:10]}"
            _walk_battle(client, guard, marker)
            met |= _served_by(fake_upstream, marker)
    # The failing model's error path and the preview model's disguise were both walked.
    assert wanted <= met, met


def test_concurrent_turn_conflict_names_no_model(start_app, fake_upstream) -> None:
    """A second turn while the first still streams gets a 409 that names nobody."""
    app = start_app(SLOW_PAIR)
    guard = Guard.for_roster(fake_upstream, SLOW_PAIR)
    # Another tab of the same browser: the same cookie, its own connection.
    with app.client() as client, app.client(cookies=client.cookies) as other_tab:
        battle_id = _create(client, guard)
        url = f"/api/v1/battles/{battle_id}/turns"
        with client.stream("POST", url, json={"prompt": "count to twenty"}) as first:
            # The turn is claimed before its stream starts, so it is running now;
            # the slow model keeps it running for seconds.
            assert first.status_code == 200
            second = other_tab.post(url, json={"prompt": "me too"})
            first.read()
        assert second.status_code == 409, second.text
        assert "running" in second.json()["error"]
        guard.check(second)
        assert not any("error" in e for e in parse_sse(first.text)), first.text
        guard.check(first)


def test_rate_limit_refusals_name_no_model(start_app, fake_upstream) -> None:
    """429s carry ``Retry-After`` (allowed here only) and nothing about the battle's models."""
    app = start_app(PAIR, rate_battles_per_minute=1, rate_votes_per_hour=1)
    guard = Guard.for_roster(fake_upstream, PAIR)
    retry = frozenset({"retry-after"})
    with app.client() as client:
        battle_id = _create(client, guard)
        too_many_battles = client.post("/api/v1/battles", json={"mode": "anonymous"})
        assert too_many_battles.status_code == 429, too_many_battles.text
        guard.check(too_many_battles, also_allowed=retry)

        # Every attempt counts: this early (refused) vote uses the hour's only vote,
        # so the real vote below is limited while its battle is still unrevealed.
        vote = f"/api/v1/battles/{battle_id}/vote"
        assert client.post(vote, json={"winner": "tie"}).status_code == 409
        turn, _ = send_turn(client, battle_id, "hello there")
        assert turn.status_code == 200
        too_many_votes = client.post(vote, json={"winner": "model_a"})
        assert too_many_votes.status_code == 429, too_many_votes.text
        guard.check(too_many_votes, also_allowed=retry)
