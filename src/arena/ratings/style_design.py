"""The implicit design matrix [D | X] of style control, never materialised.

Its own module because it is the one place that knows the row order (sorted by pair)
that makes every product O(N F): the fit, the bootstrap and the sandwich all go through
it."""

from __future__ import annotations

import numpy as np

from arena.ratings.style_data import StyleData


class StyleDesign:
    """Structured products with the implicit design [D | X] (D = +-1 model columns).

    Rows are held sorted by directed pair (model A, model B): every per-pair sum is
    then a contiguous segment sum (``np.add.reduceat``) and the model part of the
    linear predictor one ``np.repeat`` of K-sized differences, instead of gathers and
    ``np.bincount`` scatters over N rows. Vectors passed to and returned by these
    methods are in this row order; ``order`` maps it to the data's (row i here is
    row ``order[i]`` of the data) and :meth:`rows` converts. Features are kept
    transposed, shape (F, N), so each feature is contiguous.
    """

    def __init__(self, data: StyleData) -> None:
        k = self.k = data.n_models
        self.f = data.x.shape[1]
        key = data.ia.astype(np.int64) * k + data.ib
        # Stable sort of small keys: NumPy radix-sorts 16-bit integers (K <= 256).
        small = key.astype(np.uint16) if k * k <= 1 << 16 else key
        self.order = np.argsort(small, kind="stable")
        key = key[self.order]
        n = key.size
        if n:
            self.starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        else:
            self.starts = np.zeros(0, dtype=np.int64)
        self.counts = np.diff(np.append(self.starts, n))
        pair = key[self.starts]
        self.pa = pair // max(k, 1)
        self.pb = pair % max(k, 1)
        self.upair = np.minimum(self.pa, self.pb) * k + np.maximum(self.pa, self.pb)
        self.y = data.y[self.order]
        self.xt = np.ascontiguousarray(np.asarray(data.x).T[:, self.order])
        self._buf = np.empty((1 + self.f, n))  # w and w * features, reused by gram

    def rows(self, v: np.ndarray) -> np.ndarray:
        """A per-row vector of the data, in this design's row order."""
        return np.asarray(v)[self.order]

    def eta(self, beta: np.ndarray) -> np.ndarray:
        """Linear predictor, shape (N,)."""
        theta = beta[: self.k]
        d = theta[self.pa] - theta[self.pb]
        return np.repeat(d, self.counts) + beta[self.k :] @ self.xt

    def _segments(self, v: np.ndarray) -> np.ndarray:
        if not self.starts.size:
            return np.zeros((*v.shape[:-1], 0))
        return np.add.reduceat(v, self.starts, axis=-1)

    def _dt_pairs(self, s: np.ndarray) -> np.ndarray:
        k = self.k
        return np.bincount(self.pa, s, minlength=k) - np.bincount(self.pb, s, minlength=k)

    def tmul(self, v: np.ndarray) -> np.ndarray:
        """[D | X]^T v, shape (K + F,)."""
        return np.concatenate([self._dt_pairs(self._segments(v)), self.xt @ v])

    def gram(self, w: np.ndarray) -> np.ndarray:
        """[D | X]^T diag(w) [D | X], shape (K + F, K + F)."""
        k, f = self.k, self.f
        buf = self._buf
        buf[0] = w
        xw = buf[1:]
        np.multiply(self.xt, w, out=xw)
        seg = self._segments(buf)  # (1 + F, pairs)
        s = np.bincount(self.upair, seg[0], minlength=k * k).reshape(k, k)
        s = s + s.T
        out = np.empty((k + f, k + f))
        out[:k, :k] = np.diag(s.sum(axis=1)) - s
        cross = np.empty((k, f))
        for j in range(f):
            cross[:, j] = self._dt_pairs(seg[j + 1])
        out[:k, k:] = cross
        out[k:, :k] = cross.T
        out[k:, k:] = xw @ self.xt.T
        return out
