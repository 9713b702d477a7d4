"""Accounts over real HTTP, on SQLite and PostgreSQL: sign-up and sign-in, sessions and
their expiry, CSRF, brute-force limits, weak passwords, sign-out everywhere, deleting an
account, and battles that follow the account across browsers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

from arena.clock import ManualClock
from arena.data.release import build_release
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, SessionRow, UserProfileRow, UserRow, VoteRow
from tests.support.api import battle_with_turns, send_turn, vote, voted_battle
from tests.support.rosters import ORG_PAIR as PAIR
from tests.support.store import stored_rows

PASSWORD = "correct horse battery"


def _sign_in(client: httpx.Client, username: str, password: str = PASSWORD) -> str:
    """Sign up (if new) and sign in; the CSRF token, also set as the client's header."""
    client.post("/api/v1/auth/signup", json={"username": username, "password": password})
    login = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert login.status_code == 200, login.text
    token = login.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return token


def test_signup_login_me_logout(start_app, db_url) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        signup = client.post("/api/v1/auth/signup", json={"username": "Ada", "password": PASSWORD})
        assert signup.status_code == 201
        assert signup.json() == {"username": "ada"}
        taken = client.post("/api/v1/auth/signup", json={"username": "ada", "password": PASSWORD})
        assert taken.status_code == 409 and "error" in taken.json()
        assert client.get("/api/v1/me").status_code == 401

        login = client.post("/api/v1/auth/login", json={"username": "ADA", "password": PASSWORD})
        assert login.status_code == 200
        body = login.json()
        assert set(body) == {"username", "csrf_token"} and body["username"] == "ada"
        cookie = next(
            v for k, v in login.headers.multi_items() if k == "set-cookie" and "arena_session" in v
        )
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain HTTP here; over HTTPS it is Secure
        first_token = client.cookies["arena_session"]
        # The store keeps a hash of the token, never the token itself.
        stored = [r.token_sha256 for r in stored_rows(db_url, select(SessionRow.token_sha256))]
        assert stored and first_token not in stored
        (user,) = stored_rows(db_url, select(UserRow.password_hash))
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash

        me = client.get("/api/v1/me")
        assert me.status_code == 200 and me.json() == body

        # A new session id at every sign-in: the old token stops working.
        again = client.post(
            "/api/v1/auth/login",
            json={"username": "ada", "password": PASSWORD},
            headers={"X-CSRF-Token": body["csrf_token"]},
        )
        assert again.status_code == 200
        assert client.cookies["arena_session"] != first_token
        with httpx.Client(base_url=app.base_url) as replay:
            old = replay.get("/api/v1/me", headers={"cookie": f"arena_session={first_token}"})
            assert old.status_code == 401

        token = client.cookies["arena_session"]
        out = client.post(
            "/api/v1/auth/logout", headers={"X-CSRF-Token": again.json()["csrf_token"]}
        )
        assert out.status_code == 204
        assert client.get("/api/v1/me").status_code == 401
        with httpx.Client(base_url=app.base_url) as replay:  # dead on the server, not just here
            assert (
                replay.get("/api/v1/me", headers={"cookie": f"arena_session={token}"}).status_code
                == 401
            )


def test_session_expires_on_the_server(start_app) -> None:
    clock = ManualClock()
    app = start_app(PAIR, clock=clock, session_hours=2 / 3600)
    with app.client() as client:
        _sign_in(client, "grace")
        token = client.cookies["arena_session"]
    # The token is sent by hand, so only the server's own expiry can refuse it.
    with httpx.Client(base_url=app.base_url) as raw:
        cookie = {"cookie": f"arena_session={token}"}
        assert raw.get("/api/v1/me", headers=cookie).status_code == 200
        clock.advance(2.5)
        assert raw.get("/api/v1/me", headers=cookie).status_code == 401


def test_csrf_token_required_with_a_session(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        token = _sign_in(client, "alan")
        del client.headers["X-CSRF-Token"]
        missing = client.post("/api/v1/battles", json={"mode": "anonymous"})
        assert missing.status_code == 403 and "X-CSRF-Token" in missing.json()["error"]
        wrong = client.post(
            "/api/v1/battles", json={"mode": "anonymous"}, headers={"X-CSRF-Token": "0" * 64}
        )
        assert wrong.status_code == 403
        assert client.post("/api/v1/auth/logout").status_code == 403  # still signed in
        assert client.get("/api/v1/me").status_code == 200
        assert client.delete("/api/v1/me").status_code == 403
        ok = client.post(
            "/api/v1/battles", json={"mode": "anonymous"}, headers={"X-CSRF-Token": token}
        )
        assert ok.status_code == 201
    # Anonymous use is unaffected: no session cookie, no token needed.
    with app.client() as anonymous:
        assert anonymous.post("/api/v1/battles", json={"mode": "anonymous"}).status_code == 201


def test_wrong_credentials_are_generic_and_rate_limited(start_app) -> None:
    app = start_app(
        PAIR, rate_login_attempts=3, rate_login_account_attempts=3, trusted_proxies="127.0.0.1/32"
    )
    with app.client() as client:

        def login(username: str, password: str, address: str) -> httpx.Response:
            return client.post(
                "/api/v1/auth/login",
                json={"username": username, "password": password},
                headers={"X-Forwarded-For": address},
            )

        signup = client.post(
            "/api/v1/auth/signup",
            json={"username": "linus", "password": PASSWORD},
            headers={"X-Forwarded-For": "10.0.0.9"},
        )
        assert signup.status_code == 201
        wrong_password = login("linus", "not the password", "10.0.0.1")
        unknown_user = login("nobody", PASSWORD, "10.0.0.2")
        assert wrong_password.status_code == unknown_user.status_code == 401
        assert (
            wrong_password.json() == unknown_user.json() == {"error": "wrong username or password"}
        )

        # Per account: guesses from many addresses still run out on the one account,
        # and then even the right password waits, from a browser that never signed in.
        assert login("linus", "guess two", "10.0.0.3").status_code == 401
        assert login("linus", "guess three", "10.0.0.4").status_code == 401
        limited = login("linus", PASSWORD, "10.0.0.5")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0

        # Per client: one address trying many accounts runs out too.
        for name in ("a1-user", "a2-user", "a3-user"):
            assert login(name, PASSWORD, "10.0.1.1").status_code == 401
        assert login("a4-user", PASSWORD, "10.0.1.1").status_code == 429


def _login(client: httpx.Client, username: str, password: str, address: str) -> int:
    return client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        headers={"X-Forwarded-For": address},
    ).status_code


def test_nobody_can_lock_an_account_out(start_app) -> None:
    """Issue 31 item 4. Guesses from many addresses run out the account's limit, but the
    owner's browser (a known device: it signed in before) still signs in; and with the
    default limits, ten wrong guesses from ten addresses leave the account open to the
    right password from an eleventh, even from a browser that never signed in."""
    proxies = "127.0.0.1/32"
    app = start_app(
        PAIR, rate_login_attempts=3, rate_login_account_attempts=5, trusted_proxies=proxies
    )
    with app.client() as owner, app.client() as attacker, app.client() as stranger:
        for n, client in enumerate((owner, attacker, stranger)):  # own address each
            client.headers["X-Forwarded-For"] = f"10.0.9.{n}"
        _sign_in(owner, "bob")
        assert owner.post("/api/v1/auth/logout").status_code == 204  # keeps arena_device
        del owner.headers["X-CSRF-Token"]
        assert "arena_device" in owner.cookies
        answers = [_login(attacker, "bob", f"guess {i}", f"10.1.0.{i}") for i in range(10)]
        assert answers == [401] * 5 + [429] * 5
        assert _login(owner, "bob", PASSWORD, "10.1.0.11") == 200
        # A browser that never signed in to bob waits, password unchecked.
        assert _login(stranger, "bob", PASSWORD, "10.1.0.12") == 429
        # A device cookie of another account, or a forged one, is no key to bob's.
        _sign_in(attacker, "mallory")
        assert _login(attacker, "bob", PASSWORD, "10.1.0.13") == 429

    defaults = start_app(PAIR, trusted_proxies=proxies)
    with defaults.client() as client, defaults.client() as attacker, defaults.client() as fresh:
        _sign_in(client, "carol")
        for i in range(10):
            assert _login(attacker, "carol", f"guess {i}", f"10.2.0.{i}") == 401
        assert _login(fresh, "carol", PASSWORD, "10.2.0.11") == 200


def test_brute_force_from_one_address_is_slowed(start_app) -> None:
    app = start_app(PAIR, rate_login_attempts=3, trusted_proxies="127.0.0.1/32")
    with app.client() as client, app.client() as guesser:
        _sign_in(client, "dave")
        assert [_login(guesser, "dave", f"guess {i}", "10.3.0.1") for i in range(3)] == [401] * 3
        assert _login(guesser, "dave", "guess 4", "10.3.0.1") == 429
        assert _login(guesser, "dave", PASSWORD, "10.3.0.1") == 429
        # A known device tries under its own limit, and it runs out too.
        assert [_login(client, "dave", f"guess {i}", "10.3.0.2") for i in range(3)] == [401] * 3
        assert _login(client, "dave", PASSWORD, "10.3.0.2") == 429


def test_weak_passwords_and_bad_usernames_refused(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:

        def signup(username: str, password: str) -> httpx.Response:
            return client.post(
                "/api/v1/auth/signup", json={"username": username, "password": password}
            )

        short = signup("margaret", "abc123")
        assert short.status_code == 422 and "at least 8" in short.json()["error"]
        common = signup("margaret", "Password123")
        assert common.status_code == 422 and "common" in common.json()["error"]
        same = signup("margaret1", "Margaret1")
        assert same.status_code == 422 and "username" in same.json()["error"]
        assert signup("x", PASSWORD).status_code == 422
        assert signup("no spaces here", PASSWORD).status_code == 422
        assert signup("margaret@example.org", PASSWORD).status_code == 201


def test_logout_everywhere(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as laptop, app.client() as phone:
        _sign_in(laptop, "barbara")
        _sign_in(phone, "barbara")
        assert phone.get("/api/v1/me").status_code == 200
        assert laptop.post("/api/v1/auth/logout-all").status_code == 204
        assert laptop.get("/api/v1/me").status_code == 401
        assert phone.get("/api/v1/me").status_code == 401


def test_logout_everywhere_detaches_every_browser_from_the_battles(start_app) -> None:
    """Issue 31 item 3: after "sign out everywhere" on K, browser J (signed out by it)
    no longer lists, reads, continues or votes on the battles it made while signed in,
    even those its worker still holds in its cache; the account keeps them."""
    app = start_app(PAIR)
    with app.client() as j_browser, app.client() as k_browser:
        _sign_in(j_browser, "joan")
        voted = voted_battle(j_browser, "hello there")
        going = battle_with_turns(j_browser, "still going")  # in J's worker cache
        assert {b["battle_id"] for b in j_browser.get("/api/v1/me/battles").json()["battles"]} == {
            voted,
            going,
        }
        _sign_in(k_browser, "joan")
        assert k_browser.post("/api/v1/auth/logout-all").status_code == 204

        del j_browser.headers["X-CSRF-Token"]  # J keeps its cookies: it never signed out
        assert j_browser.get("/api/v1/me").status_code == 401
        assert j_browser.get("/api/v1/me/battles").json()["battles"] == []
        for battle_id in (voted, going):
            assert j_browser.get(f"/api/v1/battles/{battle_id}").status_code == 404
        assert send_turn(j_browser, going, "continue it")[0].status_code == 404
        assert vote(j_browser, going, "tie").status_code == 404
        assert j_browser.delete(f"/api/v1/me/battles/{going}").status_code in (204, 404)

        # The account still holds both: J signing in again gets them back.
        _sign_in(j_browser, "joan")
        assert j_browser.get(f"/api/v1/battles/{voted}").status_code == 200
        assert send_turn(j_browser, going, "continue it")[0].status_code == 200


def test_battles_join_the_account_and_follow_it(start_app, db_url) -> None:
    app = start_app(PAIR)
    with app.client() as laptop, app.client() as phone, app.client() as stranger:
        earlier = voted_battle(laptop, "hello there")  # made anonymously, before signing in
        _sign_in(laptop, "katherine")
        (owner,) = stored_rows(db_url, select(BattleRow.user_id).where(BattleRow.id == earlier))
        (user_id,) = stored_rows(db_url, select(UserRow.id).where(UserRow.username == "katherine"))
        assert owner.user_id == user_id.id
        (vote,) = stored_rows(db_url, select(VoteRow.user_id).where(VoteRow.battle_id == earlier))
        assert vote.user_id == user_id.id

        # Another browser (another client cookie) of the same user sees the battle ...
        assert phone.get(f"/api/v1/battles/{earlier}").status_code == 404
        _sign_in(phone, "katherine")
        assert phone.get(f"/api/v1/battles/{earlier}").status_code == 200
        # ... and what it starts while signed in is the user's, on the first browser too.
        later = phone.post("/api/v1/battles", json={"mode": "anonymous"}).json()["battle_id"]
        (row,) = stored_rows(db_url, select(BattleRow.user_id).where(BattleRow.id == later))
        assert row.user_id == user_id.id
        response, _ = send_turn(laptop, later, "from the laptop")
        assert response.status_code == 200

        # Another user gets the same 404 as for a battle that does not exist.
        _sign_in(stranger, "eve-other")
        for battle_id in (earlier, later):
            assert stranger.get(f"/api/v1/battles/{battle_id}").status_code == 404
            assert send_turn(stranger, battle_id, "mine now")[0].status_code == 404
            vote = stranger.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"})
            assert vote.status_code == 404

        # Signed out (a shared computer, say), the browser is a new anonymous client: the
        # battles it made stay with the account, and its next ones are its own again.
        assert laptop.post("/api/v1/auth/logout").status_code == 204
        del laptop.headers["X-CSRF-Token"]
        for battle_id in (earlier, later):
            assert laptop.get(f"/api/v1/battles/{battle_id}").status_code == 404
        fresh = laptop.post("/api/v1/battles", json={"mode": "anonymous"}).json()["battle_id"]
        assert laptop.get(f"/api/v1/battles/{fresh}").status_code == 200
        assert phone.get(f"/api/v1/battles/{earlier}").status_code == 200


def test_delete_account_keeps_votes_unlinked(start_app, db_url) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        _sign_in(client, "hedy")
        battle_id = voted_battle(client, "hello there")
        exported = client.get("/api/v1/me/export")
        assert exported.status_code == 200
        data = exported.json()
        assert data["account"]["username"] == "hedy"
        (battle,) = data["battles"]
        assert battle["battle_id"] == battle_id and battle["vote"]["winner"] == "model_a"
        assert {battle["model_a"], battle["model_b"]} == {"alpha-model", "beta-model"}
        assert any(m["content"] == "hello there" for m in battle["messages"])

        assert client.delete("/api/v1/me").status_code == 204
        assert client.get("/api/v1/me").status_code == 401
        assert stored_rows(db_url, select(UserRow)) == []
        assert stored_rows(db_url, select(SessionRow)) == []
        assert stored_rows(db_url, select(UserProfileRow)) == []
        (vote,) = stored_rows(db_url, select(VoteRow.user_id, VoteRow.winner))
        assert vote.user_id is None and vote.winner == "model_a"
        (row,) = stored_rows(db_url, select(BattleRow.user_id, BattleRow.owner_key))
        assert row.user_id is None and row.owner_key is None
        del client.headers["X-CSRF-Token"]
        gone = client.post("/api/v1/auth/login", json={"username": "hedy", "password": PASSWORD})
        assert gone.status_code == 401


def test_export_hides_names_of_an_unvoted_anonymous_battle(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        _sign_in(client, "radia")
        battle_id = client.post("/api/v1/battles", json={"mode": "anonymous"}).json()["battle_id"]
        send_turn(client, battle_id, "who are you")
        (battle,) = client.get("/api/v1/me/export").json()["battles"]
        assert battle["vote"] is None and "model_a" not in battle and "model_b" not in battle
        assert "alpha-model" not in json.dumps(battle) and "beta-model" not in json.dumps(battle)


def test_release_never_carries_usernames(start_app, db_url, tmp_path: Path) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        _sign_in(client, "zelda_quartermaine")
        for n in range(3):
            voted_battle(client, f"I am zelda_quartermaine, question {n}")
    (user,) = stored_rows(db_url, select(UserRow.id))
    engine = create_store_engine(db_url)
    try:
        cutoff = datetime.now(UTC) + timedelta(days=1)
        build_release(engine, tmp_path / "r", cutoff=cutoff, fmt="jsonl", rounds=20, min_votes=0)
    finally:
        engine.dispose()
    text = "".join(p.read_text() for p in (tmp_path / "r").iterdir() if p.is_file())
    assert "question 2" in text  # the conversations are there ...
    assert "zelda" not in text.lower() and "quartermaine" not in text.lower()  # ... not the name
    assert user.id not in text


def test_session_cookie_is_secure_over_https(start_app) -> None:
    """Behind a trusted TLS proxy (X-Forwarded-Proto: https) the cookies are ``Secure``."""
    app = start_app(PAIR, trusted_proxies="127.0.0.1/32")
    https = {"X-Forwarded-Proto": "https"}
    with app.client() as client:
        credentials = {"username": "ida", "password": PASSWORD}
        client.post("/api/v1/auth/signup", json=credentials, headers=https)
        login = client.post("/api/v1/auth/login", json=credentials, headers=https)
        assert login.status_code == 200
        cookies = [v for k, v in login.headers.multi_items() if k == "set-cookie"]
        (session,) = [c for c in cookies if c.startswith("arena_session=")]
        assert "; Secure" in session and "HttpOnly" in session
    with httpx.Client(base_url=app.base_url) as raw:  # a jar would not send a Secure cookie
        out = raw.post(
            "/api/v1/auth/logout",
            headers={
                **https,
                "X-CSRF-Token": login.json()["csrf_token"],
                "cookie": session.split(";")[0],
            },
        )
        assert out.status_code == 204
        cleared = [v for k, v in out.headers.multi_items() if k == "set-cookie"]
        assert any(c.startswith("arena_session=;") and "Max-Age=0" in c for c in cleared)
        assert all("; Secure" in c for c in cleared)
