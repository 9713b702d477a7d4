"""Structure of the comparison graph: connected components and separation.

Invariant: component ids are numbered by decreasing component size (ties by
the first model's index), so component 0 is always the largest.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from arena.ratings.counts import PairCounts

__all__ = ["components", "separation_notes"]


def components(counts: PairCounts) -> np.ndarray:
    """Connected component of each model in the undirected comparison graph.

    Returns
    -------
    np.ndarray of int64, shape (K,)
        Component id per model; 0 is the largest component.
    """
    k = counts.n_models
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    g = coo_matrix((np.ones(counts.a.size), (counts.a, counts.b)), shape=(k, k))
    _, labels = connected_components(g, directed=False)
    sizes = np.bincount(labels)
    first = np.full(sizes.size, k)
    np.minimum.at(first, labels, np.arange(k))
    order = np.lexsort((first, -sizes))
    relabel = np.empty_like(order)
    relabel[order] = np.arange(order.size)
    return relabel[labels].astype(np.int64)


def separation_notes(counts: PairCounts) -> list[str | None]:
    """Explain models whose unpenalized MLE would not exist.

    The MLE exists within a component iff the directed "did not always lose"
    graph is strongly connected (Zermelo; Ford 1957). Models outside that case
    get a note saying their score is held finite by the ridge penalty.

    Returns
    -------
    list of (str or None), length K
    """
    k = counts.n_models
    notes: list[str | None] = [None] * k
    if k == 0:
        return notes
    wa, wb = counts.half_win_weights()
    wins = counts.wins_per_model()
    votes = counts.votes_per_model()
    losses = votes - wins
    src = np.concatenate([counts.a[wa > 0], counts.b[wb > 0]])
    dst = np.concatenate([counts.b[wa > 0], counts.a[wb > 0]])
    g = coo_matrix((np.ones(src.size), (src, dst)), shape=(k, k))
    _, strong = connected_components(g, directed=True, connection="strong")
    weak = components(counts)
    single = (losses == 0) | (wins == 0)
    for i in range(k):
        if votes[i] == 0:
            notes[i] = "no votes"
        elif losses[i] == 0:
            notes[i] = "never lost: score held finite by regularization, a lower bound"
        elif wins[i] == 0:
            notes[i] = "never won: score held finite by regularization, an upper bound"
        else:
            same_weak = weak == weak[i]
            # A lone undefeated/winless model already explains the split.
            if np.unique(strong[same_weak]).size > 1 and not single[same_weak].any():
                notes[i] = "a group of models never lost to the rest: scores regularized"
    return notes
