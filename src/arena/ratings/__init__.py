"""Pure functions from votes to leaderboards (NumPy/SciPy only; no DB, no web).

Bradley–Terry on aggregated pair counts, bootstrap and sandwich intervals,
style control, online Elo for charts, and matrices for plots.
"""

from arena.ratings.bt import DEFAULT_L2, fit_bradley_terry, theta_to_scores
from arena.ratings.counts import WINNER_OUTCOME, PairCounts, outcome_codes, parse_winner
from arena.ratings.elo import elo_history, online_elo
from arena.ratings.graph import components, separation_notes
from arena.ratings.intervals import rank_upper_bound
from arena.ratings.leaderboard import Interval, Leaderboard, RatedModel, build_leaderboard
from arena.ratings.matrices import (
    battle_count_matrix,
    predicted_win_rate_matrix,
    win_rate_matrix,
)
from arena.ratings.style import (
    STYLE_FEATURES,
    StyleData,
    build_style_leaderboard,
    fit_style,
    style_features,
)

#: Outcome for model A: 1.0 A wins, 0.0 B wins, 0.5 tie or both bad.
Outcome = float

__all__ = [
    "DEFAULT_L2",
    "STYLE_FEATURES",
    "WINNER_OUTCOME",
    "Interval",
    "Leaderboard",
    "Outcome",
    "PairCounts",
    "RatedModel",
    "StyleData",
    "battle_count_matrix",
    "build_leaderboard",
    "build_style_leaderboard",
    "components",
    "elo_history",
    "fit_bradley_terry",
    "fit_style",
    "online_elo",
    "outcome_codes",
    "parse_winner",
    "predicted_win_rate_matrix",
    "rank_upper_bound",
    "separation_notes",
    "style_features",
    "theta_to_scores",
    "win_rate_matrix",
]
