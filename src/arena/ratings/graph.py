"""Structure of the comparison graph: connected components and separation.

Invariant: component ids are numbered by decreasing component size (ties by
the first model's index), so component 0 is always the largest.
"""

from __future__ import annotations

import numpy as np

from arena.ratings.counts import PairCounts
from arena.ratings.fastmath import undirected_components

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
    _, labels = np.unique(undirected_components(counts.a, counts.b, k), return_inverse=True)
    sizes = np.bincount(labels)
    first = np.full(sizes.size, k)
    np.minimum.at(first, labels, np.arange(k))
    order = np.lexsort((first, -sizes))
    relabel = np.empty_like(order)
    relabel[order] = np.arange(order.size)
    return relabel[labels].astype(np.int64)


def separation_notes(counts: PairCounts) -> list[str | None]:
    """Explain every model whose maximum-likelihood score does not exist.

    The MLE exists within a component iff the directed "beat" graph is strongly
    connected (Zermelo; Ford 1957); every model outside its component's core
    (:func:`arena.ratings.identify.identify`) gets a note: one that never lost or
    never won, and also the middle of a chain or a group that never lost to the rest.

    Returns
    -------
    list of (str or None), length K
    """
    from arena.ratings.identify import identify

    return identify(counts).notes
