"""CLI start-up: ``arena --help`` and every command's ``--help``, against bare Python.

Each command is run ``--runs`` times as a fresh process, interleaved with
``python -c pass`` (the reference) in the same run; the median wall time of
each is printed with its ratio to the reference. Targets: ``arena --help`` under 0.3 s
(issue 18) and every command's ``--help`` under 0.3 s warm (issue 33).

    .venv/bin/python -m bench.cli_startup [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from arena.cli.commands import COMMANDS

ARENA = str(Path(sys.executable).parent / "arena")
CASES: dict[str, list[str]] = {
    "python -c pass (reference)": [sys.executable, "-c", "pass"],
    "python -c 'import arena.cli'": [sys.executable, "-c", "import arena.cli"],
    "arena --help": [ARENA, "--help"],
}
for _group, _commands in COMMANDS.items():
    _prefix = [] if _group == "arena" else [_group]
    if _prefix:
        CASES[f"arena {_group} --help"] = [ARENA, *_prefix, "--help"]
    for _name in _commands:
        CASES[" ".join(["arena", *_prefix, _name, "--help"])] = [ARENA, *_prefix, _name, "--help"]
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
    print(f"{'command':44} {'seconds':>8} {'x python':>9}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:44} {median:8.3f} {median / reference:9.1f}")
    helped = statistics.median(times["arena --help"])
    print(
        f"arena --help: {helped:.3f} s, target {TARGET} s: {'met' if helped < TARGET else 'MISSED'}"
    )
    helps = {n: statistics.median(v) for n, v in times.items() if n.endswith("--help")}
    slowest = max(helps, key=helps.__getitem__)
    verdict = "met" if helps[slowest] < TARGET else "MISSED"
    print(f"slowest --help: {slowest}, {helps[slowest]:.3f} s, target {TARGET} s: {verdict}")


if __name__ == "__main__":
    main()
