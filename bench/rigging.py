"""Vote-rigging benchmark (issue 19): the attacks against each defence, one seeded run.

Runs :func:`arena.simulation.rigging.simulate_rigging` (the same code as
``arena simulate --scenario rigging``) and prints the table plus a verdict on the
issue's targets. Ratios are against today's likelihood scan (``scan``) measured in
the same run on the same honest history; an attack that does not lift the target
within the budget counts as needing more than ``budget`` votes.

    .venv/bin/python -m bench.rigging                  # full run (budget 2,500)
    .venv/bin/python -m bench.rigging --budget 500     # quicker, weaker bound
    .venv/bin/python -m bench.rigging --seeds 0 1 2    # several honest histories
"""

from __future__ import annotations

import argparse
import time

from arena.cli.simulate_rigging import print_report
from arena.simulation.rigging import RiggingReport, simulate_rigging
from arena.simulation.rigging_defences import DEFENCES

TARGET_RATIO = 5.0
TARGET_CAUGHT = 0.9
TARGET_HONEST = 0.01
CAUGHT_ATTACKS = ("targeted", "omnipresent", "sybil")


def verdict(report: RiggingReport, budget: int) -> list[str]:
    """One line per target of the issue, measured on ``defended`` against ``scan``."""
    rows = {(r.attack, r.defence): r for r in report.results}
    lines = []
    for attack in dict.fromkeys(r.attack for r in report.results):
        before = rows[(attack, "scan")].votes_to_lift
        after = rows[(attack, "defended")].votes_to_lift
        if before is None:
            lines.append(f"{attack}: today's scan already holds it past {budget} votes")
            continue
        ratio = (after if after is not None else budget) / before
        bound = "" if after is not None else ">"
        ok = ratio >= TARGET_RATIO
        lines.append(f"{attack}: {bound}{ratio:.1f}x the votes ({'met' if ok else 'MISSED'})")
    for r in report.results:
        if r.defence != "defended":
            continue
        share = (r.attackers_flagged + r.attackers_held) / max(r.attackers, 1)
        honest = (r.honest_flagged + r.honest_held) / max(r.honest, 1)
        if r.attack in CAUGHT_ATTACKS:
            ok = share >= TARGET_CAUGHT
            lines.append(f"{r.attack}: {share:.0%} of attackers flagged or held "
                         f"({'met' if ok else 'MISSED'})")  # fmt: skip
        if honest > TARGET_HONEST:
            lines.append(f"{r.attack}: {honest:.1%} of honest clients flagged or held (MISSED)")
    base = report.baseline.get("defended", {})
    moved = base.get("max_shift_over_half_width", 0.0)
    lines.append(f"honest board moved {moved:.2f}x its 95% half-width "
                 f"({'met' if moved <= 1 else 'MISSED'})")  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=2500)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    for seed in args.seeds:
        started = time.perf_counter()
        report = simulate_rigging(DEFENCES, seed=seed, budget=args.budget)
        print_report(report)
        for line in verdict(report, args.budget):
            print("  " + line)
        print(f"  ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
