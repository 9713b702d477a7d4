"""How fast the counts simulator is against the store-driven one (issue 22), and the
issue's run: the three adaptive attacks on a young arena with a budget of 1,500.

Both simulators run in this process on the same attack (``sybil``, the one both know),
defence (``defended``) and budget; the ratio is store-driven time over counts time, CPU
time beside wall time. Then the issue's run is timed on its own.

    .venv/bin/python -m bench.rigging_fast               # ratio at budget 100, then the run
    .venv/bin/python -m bench.rigging_fast --budget 200
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=100)
    args = parser.parse_args()

    from arena.simulation.rigging import simulate_rigging
    from arena.simulation.rigging_attacks import ATTACKS
    from arena.simulation.rigging_defences import DEFENCES
    from arena.simulation.rigging_fast import run_rigging_fast

    sybil = next(a for a in ATTACKS if a.kind == "sybil")
    defended = next(d for d in DEFENCES if d.name == "defended")
    store = timed(
        lambda: simulate_rigging(
            [defended], attacks=[sybil], budget=args.budget, measure_at=args.budget
        )
    )
    counts = timed(lambda: run_rigging_fast(["sybil"], ["defended"], budget=args.budget))
    print(
        f"sybil, defended, budget {args.budget}: store-driven {store[0]:.1f} s wall "
        f"({store[1]:.1f} s CPU), counts {counts[0]:.2f} s wall ({counts[1]:.2f} s CPU): "
        f"{store[0] / counts[0]:.0f}x wall, {store[1] / counts[1]:.0f}x CPU"
    )
    run = timed(
        lambda: run_rigging_fast(["selective", "sleeper", "spread"], young=True, budget=1500)
    )
    print(
        f"selective, sleeper, spread on a young arena, budget 1500, three defences: "
        f"{run[0]:.1f} s wall ({run[1]:.1f} s CPU)"
    )


if __name__ == "__main__":
    main()
