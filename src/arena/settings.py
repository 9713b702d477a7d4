"""Server settings, declared once. Every field can come from an ``ARENA_*`` variable.

Secrets (API keys, the client-hash salt) are read from the environment only,
never written into files. ``arena serve`` passes its options through the same
variables so that every worker process builds the identical app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from arena.errors import InvalidInput

#: ``ARENA_PROFILE`` values (see ``Settings.profile``).
PROFILES = ("open", "public")


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str | None = None
    """``None`` means the SQLite file under the user's data directory."""
    models_file: str | None = None
    """``None`` means the built-in roster of local models."""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    client_salt: str | None = None
    """Salt of the hashes of client addresses (rate limits, vote trust) and key of the
    proof-of-work challenges; ``None``: a random salt made once and kept in the store,
    shared by every worker (there is no placeholder default)."""
    admin_tokens: str = ""
    """Comma-separated admin bearer tokens (or create them with ``arena tokens create``)."""
    max_prompt_chars: int = 16_000
    min_vote_seconds: float = 2.0
    """A vote sooner than this after the last token is flagged (kept, not counted)."""
    sampling_policy: str = "weighted"
    """uniform, weighted (default: a boost for models with few votes) or active."""
    leaderboard_bootstrap_rounds: int = 100
    """Bootstrap rounds of the board's intervals; at least 20 (fewer is refused)."""
    leaderboard_min_votes: int = 20
    """Votes a model needs to be shown on the board (= ratings DEFAULT_MIN_VOTES)."""
    leaderboard_refresh_seconds: float = 2.0
    category_min_votes: int = 10
    """A model shows on a category or language board only with this many votes there."""
    category_judge_model: str | None = None
    """Registry name of a model that judges prompts' categories in the background
    (``arena.categories.judge``); ``None``: only the embedded classifier tags."""
    category_judge_mode: str = "check"
    """``check``: the judge's verdicts are recorded beside the embedded tags (audit events)
    for comparison; ``replace``: its tags become the battle's tags on the boards."""
    category_judge_per_minute: int = 30
    """Judge calls per minute per process; a battle over the limit keeps the embedded tags
    until ``arena categories judge``. 0 means unlimited."""
    static_dir: str | None = None
    public_url: str | None = None
    """Where people reach this Arena (``https://arena.example.org``, or with a path prefix);
    every absolute URL it writes (a share page's ``og:url``, the page's preview frame rule)
    starts with it, never with the request's Host header. ``None``: pages carry no
    absolute link, and the frame rule names the origin the browser asked for."""
    migrate_on_start: bool = True
    rate_battles_per_minute: int = 60
    """New battles per client per minute; 0 means unlimited."""
    rate_votes_per_hour: int = 600
    """Votes per client per hour; 0 means unlimited."""
    session_hours: float = 14 * 24
    """How long a sign-in lasts; the session cookie and its server-side row expire then."""
    rate_login_attempts: int = 10
    """Sign-in and sign-up attempts per 15 minutes, counted per client address and per
    (account, address); 0 means unlimited."""
    rate_login_account_attempts: int = 100
    """Failed sign-ins per account per 15 minutes from all addresses together; past it
    only a browser that signed in to the account before may try; 0 means unlimited."""
    oidc_issuer: str | None = None
    """OpenID Connect provider (its issuer URL); ``None``: only username and password."""
    oidc_client_id: str | None = None
    oidc_client_secret_env: str | None = None
    """Name of the environment variable holding the OpenID Connect client secret."""
    oidc_name: str = "OpenID Connect"
    """How the sign-in page names the provider ("Sign in with ...")."""
    redis_url: str | None = None
    """Shared rate-limit counters for several workers; ``None`` counts in each process."""
    blocked_terms_file: str | None = None
    """Text file, one term or ``/regex/`` per line (case-insensitive); matching prompts
    are refused."""
    moderation_url: str | None = None
    """Base URL of an OpenAI-compatible moderation API (``{url}/moderations``)."""
    moderation_api_key_env: str | None = None
    """Name of the environment variable holding the moderation API key."""
    moderation_model: str = "omni-moderation-latest"
    worker_healthcheck_seconds: int = 30
    """How long uvicorn waits for a worker to answer its health check before killing it
    (uvicorn's own default, 5 s, killed workers still loading on a busy machine)."""
    images_dir: str | None = None
    """Where uploaded and generated images are stored; ``None`` means ``images/`` under the
    user's data directory."""
    image_max_side: int = 1024
    """Stored images are downscaled to at most this many pixels on the long side."""
    image_max_bytes: int = 15 * 1024 * 1024
    """Uploads larger than this are refused before decoding."""
    rate_uploads_per_minute: int = 30
    """Image uploads per client per minute; 0 means unlimited."""
    secret_key: str | None = None
    """Key of client-cookie hashes and public release ids; ``None``: a random key made
    once and kept in the store, shared by every worker and by ``arena release``."""
    trusted_proxies: str = ""
    """Comma-separated proxy addresses or networks (``10.0.0.0/8``) whose
    ``X-Forwarded-For`` is believed; empty: the header is ignored."""
    max_body_bytes: int = 1_048_576
    """Largest request body; larger ones get 413 before they are read."""
    sse_heartbeat_seconds: float = 15.0
    """An SSE comment line goes out after this long without an event, so proxies keep
    a stream open while a model is silent; 0 turns it off."""
    worker_heartbeat_seconds: float = 10.0
    """How often a worker marks itself alive; a turn lease whose worker missed three
    beats (or whose process is gone) is freed."""
    trust_min_age_hours: float = 0.0
    """Hold a new identity's votes off the board until it is this many hours old (and has
    cast ``trust_min_votes``); 0 switches holding off. Public arenas: 72 (issue 19)."""
    trust_min_votes: int = 5
    """Votes a held identity must have cast before its votes count."""
    pow_required: bool = False
    """Refuse votes without an ALTCHA proof of work (``GET /api/v1/battles/{id}/challenge``).
    The web UI always sends one; API clients must too once this is on."""
    pow_base: int = 50_000
    """The challenge's ``maxNumber`` for an ordinary identity (harder for automated ones)."""
    rigging_scan_seconds: float = 600.0
    """While holding is on, every worker runs the rigging scan this often (releases
    matured identities, flags favouritism and coordinated new identities); 0: never."""
    trust_account_age_factor: float = 1.0
    """A signed-in account's hold lasts this fraction of ``trust_min_age_hours`` (an
    account with a history earns its weight faster than an anonymous cookie)."""
    profile: str = "open"
    """``open`` (each defence as set) or ``public``: one setting for an arena open to the
    internet. It turns on holding (72 hours, 5 votes, unless set longer), a required
    proof of work and the periodic rigging scan, and lets signed-in accounts mature in a
    quarter of the time; README "Running a public arena" says what each costs honest users."""

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise InvalidInput(
                f"ARENA_PROFILE={self.profile!r} is not a profile; choose from: "
                + ", ".join(PROFILES)
            )
        if self.profile == "public":
            # Floors, not defaults: a public arena cannot switch one of these off.
            set_ = object.__setattr__
            set_(self, "trust_min_age_hours", max(self.trust_min_age_hours, 72.0))
            set_(self, "trust_min_votes", max(self.trust_min_votes, 5))
            set_(self, "pow_required", True)
            if self.rigging_scan_seconds <= 0:
                set_(self, "rigging_scan_seconds", 600.0)
            set_(self, "trust_account_age_factor", min(self.trust_account_age_factor, 0.25))
        self._check_public_url()

    def _check_public_url(self) -> None:
        if self.public_url is not None:
            from urllib.parse import urlsplit

            url = urlsplit(self.public_url)
            if url.scheme not in ("http", "https") or not url.hostname or url.query or url.fragment:
                raise InvalidInput(
                    f"ARENA_PUBLIC_URL={self.public_url!r} must be an http(s) URL with a host "
                    "and no query or fragment, e.g. https://arena.example.org"
                )

    @property
    def public_base(self) -> str | None:
        """``public_url`` without its trailing slash, ready for a path to be added."""
        return self.public_url.rstrip("/") if self.public_url else None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"ARENA_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _coerce(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                env[f"ARENA_{f.name.upper()}"] = str(value)
        return env

    @property
    def images_path(self) -> Path:
        if self.images_dir:
            return Path(self.images_dir)
        from platformdirs import user_data_dir

        return Path(user_data_dir("arena", appauthor=False)) / "images"

    @property
    def static_path(self) -> Path:
        if self.static_dir:
            return Path(self.static_dir)
        return Path(__file__).parent / "web" / "static"


def _coerce(name: str, kind: object, raw: str) -> object:
    text = str(kind)
    try:
        if "bool" in text:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if text.startswith("int"):
            return int(raw)
        if text.startswith("float"):
            return float(raw)
    except ValueError:
        raise InvalidInput(f"ARENA_{name.upper()}={raw!r} is not a valid {text}") from None
    return raw
