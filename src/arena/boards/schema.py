"""The public board's shape: the one response model the API serves and the CLI prints,
so ``arena leaderboard --db`` and ``GET /api/v1/leaderboard`` agree byte for byte."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from arena.vocabulary import Arena

__all__ = ["CountedVotes", "LeaderboardOut", "LeaderboardRow", "PendingVotes", "WaitingModel"]


class LeaderboardRow(BaseModel):
    rank: int | None
    """None for a model the votes do not rate yet (see ``rated``)."""
    rank_ub: int | None
    rank_lb: int | None = None
    """The worst rank the 95% intervals allow; ``rank_ub``..``rank_lb`` is the rank spread."""
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
    price_input_per_mtok: float | None = None
    """US dollars per million prompt tokens, from the registry (None: not listed)."""
    price_output_per_mtok: float | None = None
    price_blended_per_mtok: float | None = None
    """Three prompt tokens to one completion token, per million (Artificial Analysis's mix)."""
    median_ttft_ms: float | None = None
    """Median time to the first token of its recent replies, measured by this server."""
    median_tokens_per_s: float | None = None
    """Median completion tokens per second after the first token, same replies."""
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
    emoji_control: bool = False
    """Style control with the emoji count as a tone covariate (``style_coefficients.emoji``);
    only votes whose stored metadata counts emoji enter such a board."""
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
    reweighted: bool = False
    """Votes weighed by the inverse of their pair's frequency (LMArena's default)."""
    order: Literal["rank", "lower"] = "rank"
    """Row order: by rank (rank_ub), or by the interval's lower bound."""
    components: int = 1
    """Connected groups of the comparison graph (0 on an empty board)."""
    disconnected: bool = False
    """True when some models never met the others, even through third models: scores
    and ranks then compare only within a group (each row's ``component``)."""
    pareto_front: list[str] = []
    """Models no other beats on both score and blended price, cheapest first."""
    models: list[LeaderboardRow]
    pending: PendingVotes | None = None
