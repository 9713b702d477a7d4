"""CLI start-up: ``arena --help`` and a few per-command helps, against bare Python.

Each command is run ``--runs`` times as a fresh process, interleaved with
``python -c pass`` (the reference) in the same run; the median wall time of
each is printed with its ratio to the reference. Target (issue 18):
``arena --help`` under 0.3 s.

    .venv/bin/python -m bench.cli_startup [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ARENA = str(Path(sys.executable).parent / "arena")
CASES: dict[str, list[str]] = {
    "python -c pass (reference)": [sys.executable, "-c", "pass"],
    "python -c 'import arena.cli'": [sys.executable, "-c", "import arena.cli"],
    "arena --help": [ARENA, "--help"],
    "arena models --help": [ARENA, "models", "--help"],
    "arena leaderboard --help": [ARENA, "leaderboard", "--help"],
    "arena serve --help": [ARENA, "serve", "--help"],
}
TARGET = 0.3


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.runs):  # interleaved, so load on the machine hits every case alike
        for name, command in CASES.items():
            times[name].append(timed(command))
    reference = statistics.median(times["python -c pass (reference)"])
    print(f"median of {args.runs} runs each")
    print(f"{'command':34} {'seconds':>8} {'x python':>9}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:34} {median:8.3f} {median / reference:9.1f}")
    helped = statistics.median(times["arena --help"])
    print(
        f"arena --help: {helped:.3f} s, target {TARGET} s: {'met' if helped < TARGET else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
