"""Where the displayed scale is centred: on the established rated models.

Invariant: scores are shifted so the mean of the *established* rated models of each
connected group sits at the board's ``init`` (1000), unless a model is anchored.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ESTABLISHED_SHARE", "established"]


#: A rated model is *established* once it has at least this share of the votes of the
#: median rated model of its group.
ESTABLISHED_SHARE = 0.25


def established(rated: np.ndarray, votes: np.ndarray, component: np.ndarray) -> np.ndarray:
    """The models the displayed scale is centred on: rated, with at least
    :data:`ESTABLISHED_SHARE` of the median rated model's votes in their component.

    Why: centring on every rated model makes one newcomer at 29-1 move every other
    score by about its own lead divided by the number of models (LMArena's boards
    jumped so), although no gap between them changed. A newcomer joins the centre once
    its votes are a quarter of a typical model's, and on a board where models have
    similar numbers of votes every rated model is established (the plain mean).
    """
    rated = np.asarray(rated, dtype=bool)
    votes = np.asarray(votes, dtype=np.float64)
    out = rated.copy()
    for c in np.unique(component):
        members = rated & (component == c)
        if members.any():
            typical = float(np.median(votes[members]))
            out[members] = votes[members] >= ESTABLISHED_SHARE * typical
    return out
