"""Build-time training of the classifier heads (``arena categories train``).

One L2-regularised logistic regression per tag over hashed lexical features,
fitted with SciPy's L-BFGS; each head's decision threshold is picked by
cross-validation on the training file only, so the held-out file stays unseen.
Only the weights of features that occur in training are kept: the shipped model
is small and the tagger needs nothing but NumPy at run time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from arena.categories.features import feature_ids
from arena.categories.lexicon import LEXICON_TAGS, lexicon_counts
from arena.categories.names import CLASSIFIED_TAGS

L2 = 0.3
FOLDS = 3


def read_labels(path: Path) -> list[dict[str, Any]]:
    """Rows of a labels file; a bad line is an error naming the line."""
    from arena.errors import InvalidInput

    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path}:{n}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("prompt"), str):
            raise InvalidInput(f'{path}:{n}: each line needs a "prompt" string')
        tags = row.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InvalidInput(f'{path}:{n}: "tags" must be a list of tag names')
        rows.append(row)
    return rows


def _matrix(prompts: list[str]) -> tuple[Any, np.ndarray]:
    from scipy import sparse

    ids = [feature_ids(p) for p in prompts]
    vocab = np.unique(np.concatenate(ids))
    rows = np.repeat(np.arange(len(ids)), [len(i) for i in ids])
    cols = np.searchsorted(vocab, np.concatenate(ids))
    vals = np.concatenate([np.full(len(i), 1 / np.sqrt(max(len(i), 1))) for i in ids])
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(ids), len(vocab)))
    lex = sparse.csr_matrix(np.array([lexicon_counts(p) for p in prompts]))
    return sparse.hstack([x, lex]).tocsr(), vocab


def _fit(x: Any, y: np.ndarray) -> tuple[np.ndarray, float]:
    from scipy.optimize import minimize

    pos = max(y.mean(), 1e-3)
    weight = np.where(y == 1, 0.5 / pos, 0.5 / max(1 - pos, 1e-3))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        z = x @ w + b
        p = 1 / (1 + np.exp(-z))
        ll = weight * (np.logaddexp(0, z) - y * z)
        g = weight * (p - y)
        grad = np.append(x.T @ g + L2 * w, g.sum())
        return float(ll.sum() + 0.5 * L2 * w @ w), grad

    res = minimize(
        loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 200}
    )
    return res.x[:-1], float(res.x[-1])


def _best_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    best, best_f1 = 0.0, -1.0
    for t in np.linspace(-1, 1, 21):
        pred = scores > t
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / max(pred.sum() + y.sum(), 1)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(t), f1
    return best


def train(rows: list[dict[str, Any]], out: Path) -> dict[str, Any]:
    """Fit every head on ``rows`` and write the model file; returns its summary."""
    prompts = [r["prompt"] for r in rows]
    x, vocab = _matrix(prompts)
    labels = {t: np.array([t in r["tags"] for r in rows], float) for t in CLASSIFIED_TAGS}
    folds = np.arange(len(rows)) % FOLDS
    weights = np.zeros((x.shape[1], len(CLASSIFIED_TAGS)), np.float32)
    bias = np.zeros(len(CLASSIFIED_TAGS), np.float32)
    thresholds = np.zeros(len(CLASSIFIED_TAGS), np.float32)
    for h, tag in enumerate(CLASSIFIED_TAGS):
        y = labels[tag]
        held_scores = np.zeros(len(rows))
        for k in range(FOLDS):
            fit_rows = folds != k
            w, b = _fit(x[fit_rows], y[fit_rows])
            held_scores[~fit_rows] = x[~fit_rows] @ w + b
        thresholds[h] = _best_threshold(held_scores, y)
        weights[:, h], bias[h] = _fit(x, y)
    digest = hashlib.sha256("\n".join(sorted(prompts)).encode()).hexdigest()[:12]
    np.savez_compressed(
        out,
        features=vocab.astype(np.uint32),
        weights=weights[: len(vocab)].astype(np.float16),
        lex_weights=weights[len(vocab) :],
        lex_tags=np.array(LEXICON_TAGS),
        bias=bias,
        thresholds=thresholds,
        heads=np.array(CLASSIFIED_TAGS),
        trained_on=np.array(digest),
    )
    return {"prompts": len(rows), "features": len(vocab), "trained_on": digest}
