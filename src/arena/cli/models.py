"""``arena models list``."""

from __future__ import annotations

import asyncio

from rich import box
from rich.console import Console
from rich.table import Table

from arena.battles.roster import Roster
from arena.cli.options import ModelsOption
from arena.registry import load_registry


def list_models(models: ModelsOption = None) -> None:
    """Show the registry and whether each model can battle right now.

    Example: arena models list --models my-models.yaml
    """
    registry = load_registry(models)
    roster = asyncio.run(Roster.build(registry))
    # Names are what a person types next (set-status NAME): never cut, even at 80
    # columns. Why a model is skipped goes below the table, where it can be long.
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    longest = max(len(spec.name) for spec in registry.models)
    table.add_column("name", no_wrap=True, min_width=longest)
    for header in ("provider", "organization", "license"):
        table.add_column(header, overflow="fold")
    table.add_column("status", no_wrap=True)
    for spec in registry.models:
        ready = "ready" if spec.name not in roster.skipped else "skipped"
        table.add_row(
            spec.name,
            spec.provider,
            spec.organization,
            spec.license,
            ready if spec.visibility.value == "public" else f"{spec.visibility.value}, {ready}",
        )
    console = Console()
    console.print(table)
    for name, reason in roster.skipped.items():
        console.print(f"{name} is skipped: {reason}", soft_wrap=True, highlight=False)
    asyncio.run(roster.aclose())
