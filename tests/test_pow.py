"""Proof of work on vote (ALTCHA): optional by default, required when configured; a
challenge is bound to one battle, expires, and gets harder for identities that look
automated."""

from __future__ import annotations

import base64
import json

from arena.integrity.pow import BASE_MAX_NUMBER, PowPolicy, difficulty
from tests.support.api import battle_with_turns, vote
from tests.support.pow import solve

MODELS = [{"name": "p1", "model": "echo-a"}, {"name": "p2", "model": "echo-b"}]


def test_required_proof_of_work(start_app) -> None:
    app = start_app(MODELS, pow_required=True, pow_base=2000)
    with app.client() as client:
        battle = battle_with_turns(client)
        refused = vote(client, battle)
        assert refused.status_code == 403
        assert "proof of work" in refused.json()["error"]

        challenge = client.get(f"/api/v1/battles/{battle}/challenge").json()
        assert challenge["required"] is True and challenge["maxNumber"] == 2000
        assert challenge["algorithm"] == "SHA-256" and f"battle={battle}" in challenge["salt"]
        assert not {"p1", "p2", "echo-a", "echo-b"} & set(json.dumps(challenge).split('"'))

        other = battle_with_turns(client)
        wrong_battle = vote(client, other, altcha=solve(challenge))
        assert wrong_battle.status_code == 422 and "another battle" in wrong_battle.json()["error"]
        forged = json.loads(base64.b64decode(solve(challenge)))
        forged["number"] += 1
        bad = vote(client, battle, altcha=base64.b64encode(json.dumps(forged).encode()).decode())
        assert bad.status_code == 422 and "not accepted" in bad.json()["error"]
        garbage = vote(client, battle, altcha="not base64 at all")
        assert garbage.status_code == 422

        voted = vote(client, battle, altcha=solve(challenge))
        assert voted.status_code == 200, voted.text
        # The same solution can never count twice: its battle takes one vote.
        assert vote(client, battle, altcha=solve(challenge)).status_code == 409


def test_optional_proof_of_work_still_checks_what_is_sent(start_app) -> None:
    app = start_app(MODELS)
    with app.client() as client:
        plain = battle_with_turns(client)
        assert vote(client, plain).status_code == 200  # API clients without a solver
        battle = battle_with_turns(client)
        challenge = client.get(f"/api/v1/battles/{battle}/challenge").json()
        assert challenge["required"] is False and challenge["maxNumber"] == BASE_MAX_NUMBER
        assert vote(client, battle, altcha="e30=").status_code == 422  # "{}": a wrong solution
        assert vote(client, battle, altcha=solve(challenge)).status_code == 200


def test_automated_identities_work_harder() -> None:
    assert difficulty(1000, 0, None) == (1000, [])
    assert difficulty(1000, 0, "held")[0] == 4000
    assert difficulty(1000, 31, None)[0] == 10_000
    harder, why = difficulty(1000, 100, "flagged")
    assert harder == 500_000 and len(why) == 2
    policy = PowPolicy("secret", base=1000)
    assert policy.challenge("b1", 100, "held")["maxNumber"] == 40_000
    expired = PowPolicy("secret", base=10, ttl_seconds=-1).challenge("b1")
    try:
        PowPolicy("secret").check(solve(expired), "b1")
    except Exception as exc:
        assert "expired" in str(exc)
    else:
        raise AssertionError("an expired challenge was accepted")
    other_secret = PowPolicy("other", base=10).challenge("b1")
    assert PowPolicy("other").check(solve(other_secret), "b1") is True
    try:
        PowPolicy("secret").check(solve(other_secret), "b1")
    except Exception as exc:
        assert "not accepted" in str(exc)
    else:
        raise AssertionError("a challenge signed with another secret was accepted")
