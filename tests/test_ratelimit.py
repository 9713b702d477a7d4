"""Rate limits: both limiters as units, then over real HTTP, one app and two sharing Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
import redis

from arena.errors import ServiceUnavailable
from arena.settings import Settings
from arena.web.ratelimit import MemoryLimiter, RedisLimiter, build_limiter
from tests.app_fixtures import free_port
from tests.support.api import send_turn
from tests.support.rosters import ECHO_PAIR as PAIR
from tests.support.tcp_proxy import TcpProxy

REDIS_URL = os.environ.get("ARENA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The real Redis; skipped when unreachable unless ``ARENA_REQUIRE_REDIS`` is set (CI)."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("ARENA_REQUIRE_REDIS"):
            pytest.fail(f"Redis is required in CI but {REDIS_URL} is unreachable")
        pytest.skip("Redis not reachable")
    finally:
        client.close()
    yield REDIS_URL


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix private to one test; its keys are deleted afterwards."""
    value = f"arena-test:{uuid.uuid4().hex[:12]}:"
    yield value
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{value}*"))
    if keys:
        client.delete(*keys)
    client.close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ------------------------------------------------------------ in-process


def test_memory_limiter_fixed_window() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock)

    async def run() -> None:
        assert [await limiter.hit("k", 3, 60) for _ in range(3)] == [None, None, None]
        clock.now += 20
        assert await limiter.hit("k", 3, 60) == 40  # the window started at the first hit
        assert await limiter.hit("other", 3, 60) is None  # keys are independent
        clock.now += 40
        assert await limiter.hit("k", 3, 60) is None  # a new window
        assert await limiter.hit("k", 0, 60) is None  # 0 means unlimited

    asyncio.run(run())


def test_memory_limiter_forgets_ended_windows() -> None:
    clock = FakeClock()
    limiter = MemoryLimiter(clock)

    async def run() -> None:
        for n in range(50):
            await limiter.hit(f"client-{n}", 5, 10)
        clock.now += 120
        await limiter.hit("late", 5, 10)

    asyncio.run(run())
    assert list(limiter._windows) == ["late"]


# ------------------------------------------------------------ Redis


def test_redis_limiter_counts_across_instances(redis_url: str, prefix: str) -> None:
    async def run() -> None:
        first = await RedisLimiter.connect(redis_url, prefix)
        second = await RedisLimiter.connect(redis_url, prefix)  # another worker, same Redis
        try:
            assert await first.hit("k", 3, 60) is None
            assert await second.hit("k", 3, 60) is None
            assert await first.hit("k", 3, 60) is None
            wait = await second.hit("k", 3, 60)
            assert wait is not None and 1 <= wait <= 60
            assert await first.hit("other", 3, 60) is None
            assert await first.hit("k", 0, 60) is None
        finally:
            await first.aclose()
            await second.aclose()

    asyncio.run(run())
    ttl = redis.Redis.from_url(redis_url).pttl(f"{prefix}k")
    assert 0 < ttl <= 60_000  # every counter expires; none is left behind forever


def test_redis_limiter_window_ends(redis_url: str, prefix: str) -> None:
    async def run() -> None:
        limiter = await RedisLimiter.connect(redis_url, prefix)
        try:
            assert await limiter.hit("k", 1, 1) is None
            assert await limiter.hit("k", 1, 1) == 1
            await asyncio.sleep(1.1)
            assert await limiter.hit("k", 1, 1) is None
        finally:
            await limiter.aclose()

    asyncio.run(run())


def test_unreachable_redis_fails_start_but_fails_open_mid_run() -> None:
    url = f"redis://:secret-password@127.0.0.1:{free_port()}/0"

    async def run() -> None:
        with pytest.raises(ServiceUnavailable) as caught:
            await build_limiter(Settings(redis_url=url))
        message = str(caught.value)
        assert "ARENA_REDIS_URL" in message and "unreachable" in message
        assert "secret-password" not in message
        # Mid-run (no start-up ping here): a Redis error lets the request through.
        limiter = RedisLimiter(url)
        try:
            assert await limiter.hit("k", 1, 60) is None
            assert await limiter.hit("k", 1, 60) is None
        finally:
            await limiter.aclose()

    asyncio.run(run())


# ------------------------------------------------------------ over HTTP


def _assert_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["retry-after"]) <= 60 * 60
    body = response.json()
    assert set(body) == {"error"} and "too many" in body["error"]


def test_battles_per_minute_in_process(start_app) -> None:
    app = start_app(PAIR, rate_battles_per_minute=2)
    with app.client() as client:
        for _ in range(2):
            assert client.post("/api/v1/battles", json={"mode": "anonymous"}).status_code == 201
        limited = client.post("/api/v1/battles", json={"mode": "anonymous"})
        _assert_limited(limited)
        assert int(limited.headers["retry-after"]) <= 60
        # A forwarded address from a client that is not a trusted proxy earns nothing:
        # rotating it does not buy a fresh budget (nor frame another client).
        for n in range(20):
            forged = client.post(
                "/api/v1/battles",
                json={"mode": "anonymous"},
                headers={"X-Forwarded-For": f"10.9.8.{n}"},
            )
            _assert_limited(forged)


def test_forwarded_address_counts_from_a_trusted_proxy(start_app) -> None:
    """Behind a configured proxy (here: loopback), each forwarded client has its own budget,
    read from the hop the proxy appended (the right end), not from what the client wrote."""
    app = start_app(PAIR, rate_battles_per_minute=1, trusted_proxies="127.0.0.1/32")
    with app.client() as client:

        def create(forwarded: str) -> int:
            headers = {"X-Forwarded-For": forwarded}
            return client.post("/api/v1/battles", json={}, headers=headers).status_code

        assert create("10.0.0.1") == 201
        assert create("10.0.0.1") == 429
        assert create("10.0.0.2") == 201  # another client behind the proxy
        # The client put 10.0.0.3 first; the proxy appended the real peer, 10.0.0.1.
        assert create("10.0.0.3, 10.0.0.1") == 429


def test_votes_per_hour(start_app) -> None:
    app = start_app(PAIR, rate_votes_per_hour=1)
    with app.client() as client:
        ids = []
        for prompt in ("first", "second"):
            battle_id = client.post("/api/v1/battles", json={"mode": "anonymous"}).json()[
                "battle_id"
            ]
            assert send_turn(client, battle_id, prompt)[0].status_code == 200
            ids.append(battle_id)
        vote = client.post(f"/api/v1/battles/{ids[0]}/vote", json={"winner": "model_a"})
        assert vote.status_code == 200, vote.text
        limited = client.post(f"/api/v1/battles/{ids[1]}/vote", json={"winner": "model_a"})
        _assert_limited(limited)
        assert int(limited.headers["retry-after"]) > 60  # an hour's window, not a minute's


def test_two_apps_share_limits_through_redis(start_app, redis_url: str, prefix: str) -> None:
    # A salt of its own gives this test's client a fresh hash, hence fresh Redis keys.
    common = {"redis_url": redis_url, "rate_battles_per_minute": 3, "client_salt": prefix}
    first = start_app(PAIR, **common)
    second = start_app(PAIR, **common)
    with first.client() as one, second.client() as two:
        assert one.post("/api/v1/battles", json={"mode": "anonymous"}).status_code == 201
        assert two.post("/api/v1/battles", json={"mode": "anonymous"}).status_code == 201
        assert one.post("/api/v1/battles", json={"mode": "anonymous"}).status_code == 201
        _assert_limited(two.post("/api/v1/battles", json={"mode": "anonymous"}))
        _assert_limited(one.post("/api/v1/battles", json={"mode": "anonymous"}))


def test_client_address_reads_forwarding_only_from_trusted_proxies() -> None:
    from arena.errors import InvalidInput
    from arena.web.client_address import TrustedProxies, client_address

    none = TrustedProxies("")
    proxies = TrustedProxies("10.0.0.0/8, 192.168.1.5")
    assert client_address("203.0.113.9", ["1.2.3.4"], none) == "203.0.113.9"
    assert client_address("203.0.113.9", ["1.2.3.4"], proxies) == "203.0.113.9"  # not a proxy
    assert client_address("10.1.1.1", ["1.2.3.4"], proxies) == "1.2.3.4"
    # The client wrote 6.6.6.6; our two proxies appended the real client, then themselves.
    chain = ["6.6.6.6, 1.2.3.4, 192.168.1.5"]
    assert client_address("10.1.1.1", chain, proxies) == "1.2.3.4"
    assert client_address("10.1.1.1", [], proxies) == "10.1.1.1"
    with pytest.raises(InvalidInput):
        TrustedProxies("10.0.0.0/8, not-an-address")


def test_sign_in_fails_closed_when_redis_goes_away(start_app, redis_url: str) -> None:
    """Issue 31 item 4: a Redis outage must not lift the sign-in limits. With Redis gone
    mid-run, sign-in (and sign-up) answer 503 with a message; new battles, whose limit
    fails open, go on."""
    parts = urlsplit(redis_url)
    proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 6379))
    app = start_app(
        PAIR,
        redis_url=f"redis://127.0.0.1:{proxy.port}{parts.path}",
        rate_login_attempts=5,
        rate_battles_per_minute=100,
        client_salt=uuid.uuid4().hex,  # fresh Redis keys for this test
    )
    credentials = {"username": "redis-user", "password": "correct horse battery"}
    with app.client() as client:
        assert client.post("/api/v1/auth/signup", json=credentials).status_code == 201
        assert client.post("/api/v1/battles", json={"mode": "anonymous"}).status_code == 201
        proxy.cut()
        login = client.post("/api/v1/auth/login", json=credentials)
        assert login.status_code == 503, login.text
        assert "sign-in is unavailable" in login.json()["error"]
        signup = client.post("/api/v1/auth/signup", json={**credentials, "username": "other"})
        assert signup.status_code == 503
        assert client.post("/api/v1/battles", json={"mode": "anonymous"}).status_code == 201


def test_an_unreachable_redis_refuses_sign_in_but_not_other_limits() -> None:
    """The same at the limiter: an unreachable Redis URL, counters that fail closed."""
    limiter = RedisLimiter(f"redis://127.0.0.1:{free_port()}/0")

    async def run() -> None:
        try:
            assert await limiter.hit("votes:x", 1, 60) is None
            assert await limiter.peek("login:account:x", 1) is None
            with pytest.raises(ServiceUnavailable, match="sign-in is unavailable"):
                await limiter.hit("login:client:x", 1, 60, fail_closed=True)
            with pytest.raises(ServiceUnavailable, match="sign-in is unavailable"):
                await limiter.peek("login:account:x", 1, fail_closed=True)
        finally:
            await limiter.aclose()

    asyncio.run(run())
