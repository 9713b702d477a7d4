"""Request and response bodies. Separate shapes per direction, so what must not
leave the server (model names before the vote) is absent by construction."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from arena.battles.service import Mode
from arena.boards.schema import (
    CountedVotes,
    LeaderboardOut,
    LeaderboardRow,
    PendingVotes,
    WaitingModel,
)
from arena.vocabulary import LEGACY_WINNERS, Arena, Winner

__all__ = ["CountedVotes", "LeaderboardOut", "LeaderboardRow", "PendingVotes", "WaitingModel"]

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
