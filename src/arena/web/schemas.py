"""Request and response bodies. Separate shapes per direction, so what must not
leave the server (model names before the vote) is absent by construction."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from arena.battles.service import Mode
from arena.vocabulary import LEGACY_WINNERS, Arena, Winner

STORE_INT_MAX = 2**31 - 1
"""The largest integer a request may carry towards the store: PostgreSQL's ``INTEGER``
(SQLite's own limit, 2**63 - 1, is higher). Every integer a route takes (query, path,
body) is bounded by it here, so a huge number is a 422, never a 500 from the driver;
``tests/test_int_bounds.py`` reads the OpenAPI schema so a new unbounded one fails."""


def _model_names(count: int) -> dict[str, object]:
    return {
        "type": "array",
        "items": {"type": "string", "minLength": 1, "maxLength": 128},
        "minItems": count,
        "maxItems": count,
        "uniqueItems": True,
    }


def _battle_create_schema(schema: dict[str, object]) -> None:
    """What the server accepts, per mode: anonymous battles take no ``models`` (the server
    draws them); side by side names two different models, direct one."""
    schema.clear()
    schema.update(
        {
            "title": "BattleCreate",
            "oneOf": [
                {
                    "type": "object",
                    "properties": {
                        "mode": {"const": "anonymous", "default": "anonymous"},
                        "models": {"anyOf": [{"type": "null"}, {"type": "array", "maxItems": 0}]},
                    },
                    "additionalProperties": False,
                },
                *(
                    {
                        "type": "object",
                        "properties": {"mode": {"const": mode}, "models": _model_names(count)},
                        "required": ["mode", "models"],
                        "additionalProperties": False,
                    }
                    for mode, count in (("side_by_side", 2), ("direct", 1))
                ),
            ],
        }
    )


class BattleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_battle_create_schema)

    mode: Mode = Mode.anonymous
    models: list[str] | None = Field(default=None, max_length=2)
    arena: Arena = Arena.text


class PublicModelOut(BaseModel):
    name: str
    organization: str | None


class BattleCreated(BaseModel):
    battle_id: str
    models: list[PublicModelOut] | None = None


class TurnCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # At least one character that is not white space (Unicode's, so "\u0085" alone is
    # refused too), as the validator below checks.
    prompt: str = Field(min_length=1, pattern=r"\S")
    images: list[str] = Field(
        default_factory=list,
        max_length=1,
        description="Image ids from POST /api/v1/images (vision and image edit, first turn)",
    )

    @field_validator("prompt")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("prompt is empty")
        return value


class VoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Checked by Winner.parse for a friendlier message; the enum documents the choices.
    winner: str = Field(json_schema_extra={"enum": [*(w.value for w in Winner), *LEGACY_WINNERS]})
    altcha: str | None = Field(
        default=None,
        max_length=4096,
        description="ALTCHA proof of work (base64 JSON) for GET /api/v1/battles/{id}/challenge",
    )

    def parsed(self) -> Winner:
        return Winner.parse(self.winner)


class Reveal(BaseModel):
    model_a: PublicModelOut
    model_b: PublicModelOut
    counted: bool = Field(True, description="False when the vote is kept but off the board")
    reason: str | None = Field(None, description="Why it is off the board, in plain words")


class ModelOut(BaseModel):
    name: str
    organization: str
    license: str
    deprecated: bool = False
    default: bool = False
    """The model a page offers first (Direct chat): the registry's first public entry."""
    arenas: list[Arena] = [Arena.text]


class ModelsOut(BaseModel):
    models: list[ModelOut]


class LeaderboardRow(BaseModel):
    rank: int | None
    """None for a model the votes do not rate yet (see ``rated``)."""
    rank_ub: int | None
    model: str
    score: float
    ci_lower: float | None
    """None when the interval is unknown (an unrated model, or resamples that never vary)."""
    ci_upper: float | None
    votes: int
    rated: bool = True
    """False when the votes do not pin the score down (never lost, never won, only ties,
    or a chain without a cycle): the score then comes from a weak prior."""
    organization: str
    license: str
    provisional: bool = False
    deprecated: bool = False
    deprecated_at: str | None = None
    note: str | None = None
    """A caveat on the score, e.g. a model that never lost (its score is not bounded above)."""
    component: int | None = None
    """Set when the comparison graph is split: ranks hold only within one component."""
    raw_score: float | None = None
    """With style control: the plain Bradley–Terry score, shown beside the controlled one."""
    rank_overall: int | None = None
    """On a category or language board: the model's rank on the overall board."""
    rank_change: int | None = None
    """``rank_overall - rank``: positive when the model ranks higher here than overall."""


class CountedVotes(BaseModel):
    """Which votes the board counts, so anyone can recompute it from released data."""

    filters: dict[str, object]
    cutoff_vote_id: int
    cutoff_time: str | None
    vote_set_sha256: str
    method: str
    bootstrap_rounds: int
    seed: int


class PendingVotes(BaseModel):
    """Votes kept off the board for now: new identities wait until they have a history."""

    votes: int
    clients: int
    reason: str | None = None
    held_for_review: int = 0
    """Votes on a model whose pooled record looked rigged, held until a reviewer decides."""


class WaitingModel(BaseModel):
    """A model not shown yet: it has fewer votes than the board's ``min_votes``."""

    model: str
    votes: int


class LeaderboardOut(BaseModel):
    total_votes: int
    """Votes among the models shown (``all_votes`` counts those of waiting models too)."""
    computed_at: str
    arena: Arena = Arena.text
    category: str = "overall"
    categories: list[str] = ["overall"]
    language: str | None = None
    """Set on a language board (ISO 639-1): only prompts our classifier found in it."""
    languages: list[str] = []
    min_votes: int = 0
    """A model shows on this board only with at least this many votes in it."""
    style_control: bool = False
    style_control_available: bool = False
    method: Literal["bradley_terry"] = "bradley_terry"
    counted_votes: CountedVotes | None = None
    min_votes: int = 0
    """Votes a model needs to be shown; models below it are listed in ``too_few_votes``."""
    too_few_votes: list[str] = []
    waiting: list[WaitingModel] = []
    """The models under ``min_votes``, with the votes each has, most first."""
    all_votes: int = 0
    """Every counted vote in this board's filters, shown models or not."""
    style_coefficients: dict[str, dict[str, float | None]] | None = None
    """With style control: each style feature's coefficient (log-odds per sd) and 95% interval."""
    warnings: list[str] | None = None
    models: list[LeaderboardRow]
    pending: PendingVotes | None = None


class ArenaOut(BaseModel):
    name: Arena
    models: int = Field(description="battle-ready models in this arena")
    prompt_chars: int = Field(
        16_000, description="the longest prompt the smallest model of this arena can read"
    )


class ArenasOut(BaseModel):
    arenas: list[ArenaOut]
    vote_delay_seconds: float = Field(
        0.0, description="A vote counts only this long after the last answer ends"
    )


class ImageStored(BaseModel):
    image_id: str = Field(description="SHA-256 hex of the stored (cleaned) bytes")
    width: int
    height: int


class ErrorOut(BaseModel):
    error: str


def error_responses(*codes: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for the errors a route can answer, all in the one ``{"error"}`` shape
    (FastAPI would otherwise document its own 422 body, which this app never sends)."""
    return {code: {"model": ErrorOut} for code in codes}
