"""``arena models list``."""

from __future__ import annotations

import asyncio

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
    table = Table("name", "provider", "organization", "license", "visibility", "status")
    for spec in registry.models:
        reason = roster.skipped.get(spec.name)
        table.add_row(
            spec.name,
            spec.provider,
            spec.organization,
            spec.license,
            spec.visibility.value,
            "ready" if reason is None else f"skipped: {reason}",
        )
    Console().print(table)
    asyncio.run(roster.aclose())
