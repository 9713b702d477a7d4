"""The NumPy stand-ins for SciPy that keep a board from importing SciPy agree with SciPy."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.special import expit as scipy_expit
from scipy.special import log_expit as scipy_log_expit

from arena.ratings.fastmath import (
    PairScatter,
    expit,
    log_expit,
    strong_components,
    undirected_components,
)


def _same_partition(x: np.ndarray, y: np.ndarray) -> bool:
    pairs = set(zip(x.tolist(), y.tolist(), strict=True))
    return len(pairs) == len(set(x.tolist())) == len(set(y.tolist()))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=60))
def test_components_are_scipy_components(k: int, edges: list[tuple[int, int]]) -> None:
    src = np.array([a % k for a, _ in edges], dtype=np.int64)
    dst = np.array([b % k for _, b in edges], dtype=np.int64)
    graph = coo_matrix((np.ones(src.size), (src, dst)), shape=(k, k))
    _, strong = connected_components(graph, directed=True, connection="strong")
    _, weak = connected_components(graph, directed=False)
    assert _same_partition(strong, strong_components(src, dst, k))
    assert _same_partition(weak, undirected_components(src, dst, k))


def test_logistic_functions_match_scipy_to_the_last_digits() -> None:
    x = np.linspace(-800, 800, 20_001)
    np.testing.assert_allclose(expit(x), scipy_expit(x), rtol=1e-14, atol=0)
    np.testing.assert_allclose(log_expit(x), scipy_log_expit(x), rtol=1e-13)
    out = np.array(x)
    assert expit(out, out=out) is out


def test_pair_scatter_is_the_incidence_product() -> None:
    rng = np.random.default_rng(0)
    a = np.array([0, 0, 1, 2])
    b = np.array([1, 3, 2, 3])
    g = rng.normal(size=(5, 4))
    incidence = np.zeros((4, 4))
    incidence[np.arange(4), a] = 1.0
    incidence[np.arange(4), b] = -1.0
    np.testing.assert_allclose(PairScatter(a, b, 4)(g), g @ incidence)
