"""A public release: scrubbed votes, the leaderboard they give, and a manifest.

Invariant: ``leaderboard.json`` is computed from the written votes file with
the same functions and defaults as ``arena leaderboard --votes`` (read_votes,
then build_leaderboard with the bootstrap, ``rounds`` and ``seed``), so anyone
can recompute it from the release to the last digit. Everything in the
directory is a function of the store, the cut-off, the seed and the salt:
``computed_at`` is the cut-off, not the wall clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from arena import __version__
from arena.data.export import ExportOptions, Format, export_votes
from arena.data.release_categories import category_boards
from arena.data.vote_set import vote_set_block
from arena.ratings import Leaderboard
from arena.store.server_secrets import server_secret
from arena.store.tables import UserProfileRow

__all__ = [
    "ReleaseResult",
    "build_release",
    "leaderboard_of",
    "profile_names",
    "sha256_of",
    "vote_set_block",
]

DEFAULT_ROUNDS = 100  # the CLI's --bootstrap default
DEFAULT_MIN_VOTES = 20  # the CLI's --min-votes default (= arena.ratings DEFAULT_MIN_VOTES)
RELEASE_RULES = (
    "the votes the public board counts: anonymous battles with a valid vote (no validity "
    "flag), not from a client flagged for review, both models public or deprecated; "
    "battle and vote before the cut-off"
)


@dataclass(frozen=True)
class ReleaseResult:
    out_dir: Path
    rows: int
    files: dict[str, str]


def profile_names(engine: Engine) -> dict[str, list[str]]:
    """user id -> the names and e-mail they put in their profile."""
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for row in conn.execute(select(UserProfileRow)):
            names = [n for n in (row.display_name, row.full_name, row.email) if n]
            if names:
                out[row.user_id] = names
    return out


def leaderboard_of(
    votes: Path,
    *,
    seed: int = 0,
    rounds: int = DEFAULT_ROUNDS,
    min_votes: int = DEFAULT_MIN_VOTES,
    arena: str = "text",
) -> tuple[Leaderboard, dict[str, Any]]:
    """What ``arena leaderboard --votes VOTES --seed SEED`` prints, by the same calls.

    Returns the board and its ``counted_votes`` block (see :func:`vote_set_block`).
    """
    from arena.data import VoteFilters, read_votes
    from arena.ratings import build_leaderboard

    filters = VoteFilters(arena=arena)
    table = read_votes(votes, filters=filters, style=False, fingerprint=True)
    board = build_leaderboard(
        table.pair_counts(),
        interval="bootstrap",
        rounds=rounds,
        seed=seed,
        anchor=None,
        min_votes=min_votes,
    )
    digest = table.fingerprint(r.model for r in board.rows)
    counted = vote_set_block(filters, digest, "bootstrap", rounds, seed)
    counted["dropped_rows"] = dict(table.dropped)  # as `arena leaderboard` prints it
    return board, counted


def _arenas_in(votes: Path) -> list[str]:
    """The arenas a votes file holds votes of, text first."""
    from arena.data.vote_files import iter_batches

    seen: set[str] = set()
    for batch in iter_batches(votes, 65_536, ["arena"]):
        if "arena" in batch.schema.names:
            seen |= {a or "text" for a in batch.column("arena").to_pylist()}
        else:
            seen.add("text")
    return sorted(seen, key=lambda a: (a != "text", a))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def code_version() -> str:
    """Package version, plus the git commit when run from a checkout."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"arena {__version__}" + (f" ({commit})" if commit else "")


def _write_json(path: Path, obj: Any) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def build_release(
    engine: Engine,
    out_dir: Path,
    *,
    cutoff: datetime,
    since: datetime | None = None,
    fmt: Format = "parquet",
    salt: str = "",
    seed: int = 0,
    rounds: int = DEFAULT_ROUNDS,
    on_rows: Callable[[int], None] | None = None,
    min_votes: int = DEFAULT_MIN_VOTES,
) -> ReleaseResult:
    """Write the votes file, ``leaderboard.json`` and ``MANIFEST.json`` under ``out_dir``.

    Battle ids are the release's own (keyed hashes under the server secret, the same
    one ``arena serve`` uses), so a released id opens nothing on the server.
    """
    opts = ExportOptions(
        id_key=server_secret(engine, os.environ.get("ARENA_SECRET_KEY")),
        fmt=fmt,
        since=since,
        until=cutoff,
        release=True,
        salt=salt,
        names_by_user=profile_names(engine),
    )
    exported = export_votes(engine, out_dir, opts, on_rows)
    computed_at = cutoff.isoformat(timespec="seconds")
    board, counted = leaderboard_of(exported.path, seed=seed, rounds=rounds, min_votes=min_votes)
    # The text board stays at the top (as before the image arenas); each other arena with
    # votes gets its own section, each recomputable with `arena leaderboard --arena`.
    arenas: dict[str, Any] = {}
    for arena in _arenas_in(exported.path):
        if arena == "text":
            continue
        other, other_counted = leaderboard_of(
            exported.path, seed=seed, rounds=rounds, min_votes=min_votes, arena=arena
        )
        arenas[arena] = {**other.to_json_obj(computed_at), "counted_votes": other_counted}
    board_path = out_dir / "leaderboard.json"
    published = {**board.to_json_obj(computed_at), "counted_votes": counted}
    published["categories"] = category_boards(
        exported.path, published["models"], computed_at, seed=seed, rounds=rounds
    )
    _write_json(board_path, published | ({"arenas": arenas} if arenas else {}))
    files = {p.name: sha256_of(p) for p in (exported.path, board_path)}
    manifest = {
        "rows": exported.rows,
        "cutoff": computed_at,
        "since": since.isoformat(timespec="seconds") if since else None,
        "code_version": code_version(),
        "rules": RELEASE_RULES,
        "vote_set_sha256": counted["vote_set_sha256"],
        "leaderboard": {
            "command": f"arena leaderboard --votes {exported.path.name} --format json "
            f"--seed {seed} --bootstrap {rounds} --min-votes {min_votes}",
            "min_votes": min_votes,
            "seed": seed,
            "bootstrap_rounds": rounds,
            "arenas": {
                arena: f"arena leaderboard --votes {exported.path.name} --arena {arena} "
                f"--format json --seed {seed} --bootstrap {rounds} --min-votes {min_votes}"
                for arena in arenas
            },
        },
        "files": {name: {"sha256": digest} for name, digest in sorted(files.items())},
    }
    _write_json(out_dir / "MANIFEST.json", manifest)
    return ReleaseResult(out_dir=out_dir, rows=exported.rows, files=files)
