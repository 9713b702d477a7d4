"""Request and response bodies. Separate shapes per direction, so what must not
leave the server (model names before the vote) is absent by construction."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from arena.battles.service import LEGACY_WINNERS, Mode, Winner


class BattleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Mode = Mode.anonymous
    models: list[str] | None = Field(default=None, max_length=2)


class PublicModelOut(BaseModel):
    name: str
    organization: str | None


class BattleCreated(BaseModel):
    battle_id: str
    models: list[PublicModelOut] | None = None


class TurnCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1)

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


class ModelOut(BaseModel):
    name: str
    organization: str
    license: str
    deprecated: bool = False


class ModelsOut(BaseModel):
    models: list[ModelOut]


class LeaderboardRow(BaseModel):
    rank: int
    rank_ub: int
    model: str
    score: float
    ci_lower: float
    ci_upper: float
    votes: int
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


class LeaderboardOut(BaseModel):
    total_votes: int
    computed_at: str
    category: str = "overall"
    categories: list[str] = ["overall"]
    style_control: bool = False
    style_control_available: bool = False
    method: Literal["bradley_terry"] = "bradley_terry"
    counted_votes: CountedVotes | None = None
    models: list[LeaderboardRow]
    pending: PendingVotes | None = None


class ErrorOut(BaseModel):
    error: str


def error_responses(*codes: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for the errors a route can answer, all in the one ``{"error"}`` shape
    (FastAPI would otherwise document its own 422 body, which this app never sends)."""
    return {code: {"model": ErrorOut} for code in codes}
