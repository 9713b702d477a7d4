"""``GET /api/v1/session``: what a page asks on load, 200 signed in or not (issue 33: a
signed-out load used to log a 401 for ``/api/v1/me`` in the console every time)."""

from __future__ import annotations

MODELS = [{"name": "m1", "model": "echo-a"}, {"name": "m2", "model": "echo-b"}]
PASSWORD = "correct horse battery staple"


def test_session_is_200_signed_out_and_carries_the_token_signed_in(start_app) -> None:
    app = start_app(MODELS)
    with app.client() as client:
        out = client.get("/api/v1/session")
        assert out.status_code == 200 and out.json() == {"signed_in": False}
        assert out.headers["cache-control"] == "no-store"
        assert client.get("/api/v1/me").status_code == 401  # the contract stays
        client.post("/api/v1/auth/signup", json={"username": "ada", "password": PASSWORD})
        login = client.post("/api/v1/auth/login", json={"username": "ada", "password": PASSWORD})
        assert login.status_code == 200, login.text
        signed = client.get("/api/v1/session").json()
        assert signed == {
            "signed_in": True, "username": "ada", "csrf_token": login.json()["csrf_token"]
        }  # fmt: skip
