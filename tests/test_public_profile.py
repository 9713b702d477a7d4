"""The public profile (issue 22): one setting turns on holding, a required proof of work
and the periodic scan, and lets signed-in accounts mature faster; none can be switched
off under it."""

from __future__ import annotations

import pytest

from arena.errors import InvalidInput
from arena.integrity.trust import hold_policy
from arena.settings import Settings
from tests.support.api import battle_with_turns, vote
from tests.support.pow import solve

MODELS = [{"name": "q1", "model": "echo-a"}, {"name": "q2", "model": "echo-b"}]


def test_public_profile_is_one_setting() -> None:
    open_ = Settings()
    assert open_.trust_min_age_hours == 0 and not open_.pow_required
    public = Settings.from_env({"ARENA_PROFILE": "public"})
    assert public.trust_min_age_hours == 72 and public.trust_min_votes == 5
    assert public.pow_required and public.rigging_scan_seconds > 0
    policy = hold_policy(public)
    assert policy is not None and policy.account_age_factor == 0.25
    # Floors, not defaults: a public arena cannot switch a defence off.
    stubborn = Settings(profile="public", trust_min_age_hours=0, rigging_scan_seconds=0)
    assert stubborn.trust_min_age_hours == 72 and stubborn.rigging_scan_seconds == 600
    assert Settings(profile="public", trust_min_age_hours=168).trust_min_age_hours == 168
    with pytest.raises(InvalidInput, match="not a profile"):
        Settings(profile="fortress")


def test_public_arena_over_http(start_app) -> None:
    app = start_app(MODELS, profile="public", pow_base=500, leaderboard_refresh_seconds=0)
    with app.client() as client:
        battle = battle_with_turns(client)
        refused = vote(client, battle)
        assert refused.status_code == 403 and "proof of work" in refused.json()["error"]
        challenge = client.get(f"/api/v1/battles/{battle}/challenge").json()
        assert challenge["required"] is True
        assert vote(client, battle, altcha=solve(challenge)).status_code == 200
        board = client.get("/api/v1/leaderboard").json()
        # A new identity's first vote waits, shown as pending on the board.
        assert board["pending"]["votes"] == 1 and board["total_votes"] == 0
