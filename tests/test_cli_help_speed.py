"""Every command's ``--help`` is answered without loading what the command itself needs
(the store, the web stack, NumPy...): issue 33 asks for every ``--help`` under 0.3 s warm.
The timing itself is measured by ``bench/cli_startup.py``; this test holds the cause."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from arena.cli import COMMANDS

# What a --help must not load: each costs from tens of milliseconds to over a second.
HEAVY = (
    "scipy", "alembic", "fastapi", "sqlalchemy", "matplotlib", "pyarrow", "numpy", "uvicorn",
    "httpx", "rich", "starlette", "xllamacpp", "PIL",
)  # fmt: skip
SCRIPT = """
import sys
sys.argv = ["arena", *sys.argv[1:], "--help"]
from arena.cli import main
try:
    main()
except SystemExit:
    pass
print("LOADED:" + ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def _commands() -> list[list[str]]:
    out: list[list[str]] = []
    for group, commands in COMMANDS.items():
        prefix = [] if group == "arena" else [group]
        if prefix:
            out.append(prefix)
        out += [[*prefix, name] for name in commands]
    return out


def _loaded(args: list[str]) -> tuple[str, str]:
    code = SCRIPT.format(heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout, done.stdout
    return " ".join(args), done.stdout.rsplit("LOADED:", 1)[1].strip()


def test_every_help_loads_nothing_heavy() -> None:
    commands = _commands()
    assert len(commands) >= 20
    with ThreadPoolExecutor(max_workers=4) as pool:
        loaded = dict(pool.map(_loaded, commands))
    assert {name: mods for name, mods in loaded.items() if mods} == {}


def test_the_cli_default_z_threshold_is_the_scans() -> None:
    from arena.cli.votes import DEFAULT_Z_THRESHOLD
    from arena.ratings.anomaly import DEFAULT_Z_THRESHOLD as SCAN

    assert DEFAULT_Z_THRESHOLD == SCAN
