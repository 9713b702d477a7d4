"""The few SciPy routines a board needs, in NumPy, so a board does not import SciPy.

Importing ``scipy.special`` and ``scipy.sparse.csgraph`` cost more than reading and
fitting a million votes (issue 23); a board works on K models and M model pairs,
small enough that NumPy (and a plain loop over the K models) does the same job.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PairScatter", "expit", "log_expit", "strong_components", "undirected_components"]


def expit(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The logistic function, 1 / (1 + exp(-x)), without overflow warnings."""
    x = np.asarray(x, dtype=np.float64)
    if out is None:
        out = np.empty_like(x)
    with np.errstate(over="ignore"):
        np.negative(x, out=out)
        np.exp(out, out=out)
        out += 1.0
        return np.reciprocal(out, out=out)


def log_expit(x: np.ndarray) -> np.ndarray:
    """log(expit(x)), accurate for large |x|."""
    return -np.logaddexp(0.0, -np.asarray(x, dtype=np.float64))


class PairScatter:
    """``g @ incidence``: per model, the sum over its pairs as A minus the sum as B.

    The incidence matrix has +1 at column ``a`` and -1 at column ``b`` of each pair;
    two ``np.bincount`` calls do what a sparse product did.
    """

    def __init__(self, a: np.ndarray, b: np.ndarray, k: int) -> None:
        self.a, self.b, self.k = np.asarray(a, np.int64), np.asarray(b, np.int64), k

    def __call__(self, g: np.ndarray) -> np.ndarray:
        """``g``: shape (R, M) -> shape (R, K)."""
        r = g.shape[0]
        offset = (np.arange(r, dtype=np.int64) * self.k)[:, None]
        flat = np.ascontiguousarray(g).ravel()
        size = r * self.k
        out = np.bincount((offset + self.a).ravel(), flat, minlength=size)
        out -= np.bincount((offset + self.b).ravel(), flat, minlength=size)
        return out.reshape(r, self.k)


def undirected_components(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """A component label per node of the undirected graph with edges (a, b), shape (K,)."""
    labels = np.arange(k)
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    while True:
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]  # pointer jumping: follow each label to its own label
        if np.array_equal(new, labels):
            return labels
        labels = new


def strong_components(src: np.ndarray, dst: np.ndarray, k: int) -> np.ndarray:
    """A strongly connected component label per node of the directed graph, shape (K,).

    Tarjan's algorithm, iterative (no recursion limit); O(K + edges) in Python,
    which for a board's K models and their pairs is milliseconds.
    """
    order = np.argsort(src, kind="stable")
    targets = np.asarray(dst, np.int64)[order].tolist()
    starts = np.searchsorted(np.asarray(src)[order], np.arange(k + 1)).tolist()
    index = [-1] * k
    low = [0] * k
    on_stack = [False] * k
    stack: list[int] = []
    labels = [-1] * k
    counter = 0
    n_components = 0
    for root in range(k):
        if index[root] >= 0:
            continue
        work = [(root, starts[root])]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, edge = work[-1]
            if edge < starts[node + 1]:
                work[-1] = (node, edge + 1)
                nxt = targets[edge]
                if index[nxt] < 0:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack[nxt] = True
                    work.append((nxt, starts[nxt]))
                elif on_stack[nxt]:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    labels[member] = n_components
                    if member == node:
                        break
                n_components += 1
    return np.array(labels, dtype=np.int64)
