"""One BLAS thread for the ratings' small dense algebra.

The matrices here are (K + F) x (K + F), about 100 x 100: OpenBLAS splits such a
solve over all its threads, and on a busy machine the threads' hand-offs cost
far more than the arithmetic (a 1M-vote style board took 5 s instead of 1 s at
load 15 on 2 cores). The O(N) work is memory-bound NumPy, which BLAS threads do
not speed up either. Without ``threadpoolctl`` this is a no-op.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ParamSpec, TypeVar

__all__ = ["one_blas_thread", "with_one_blas_thread"]

P = ParamSpec("P")
R = TypeVar("R")

_LIMITER: Any = None


def one_blas_thread() -> AbstractContextManager[Any]:
    """Context in which BLAS uses one thread (restored on exit)."""
    global _LIMITER
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return nullcontext()
    if _LIMITER is None:
        _LIMITER = ThreadpoolController()  # inspects the loaded libraries once
    return _LIMITER.limit(limits=1, user_api="blas")


def with_one_blas_thread(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator: run ``fn`` under :func:`one_blas_thread`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with one_blas_thread():
            return fn(*args, **kwargs)

    return wrapper
