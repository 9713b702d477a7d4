"""Imports only run down the layers: the one place the layer order is written.

Every top-level package or module of ``src/arena`` sits in exactly one tier of ``LAYERS``,
top first. A module may import its own package, or anything in a tier below its own;
never a tier above, and never a sibling in the same tier (siblings know nothing of each
other). Imports inside functions and under ``TYPE_CHECKING`` count too: a lazy import
that runs up is still a dependency that runs up.

Why each sits where it does:

- ``cli`` drives everything; ``web`` serves battles; ``simulation`` is offline experiments
  that run the real battle path and the integrity defences (only ``cli`` uses it).
- ``battles`` is a battle's life; ``integrity`` decides whether its vote counts.
- ``boards`` is the public board as a read model (counted votes in, the board's body
  out): the web caches it and the CLI prints it, so it sits below both and above the
  votes files, the store and the ratings it reads.
- ``data`` (votes files), then ``categories`` (the tagger, which ``data`` asks about
  imported prompts), then the independent ``providers``, ``images`` and ``accounts``.
- ``store`` holds everything persistent; ``ratings`` is pure functions from votes to boards.
- Leaf modules every layer may use, each depending only on those below it: ``settings``
  (server settings), ``registry`` (the model roster file), ``vocabulary`` (shared words),
  then ``clock``, ``errors`` and the package root (``__version__``).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "arena"
ROOT = "__init__"  # the package root module, arena/__init__.py

LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),
    ("web", "simulation"),
    ("battles",),
    ("integrity",),
    ("boards",),
    ("data",),
    ("categories",),
    ("providers", "images", "accounts", "search"),
    ("store",),
    ("ratings",),
    ("settings",),
    ("registry",),
    ("vocabulary",),
    ("clock", "errors", ROOT),
)
TIER = {unit: depth for depth, units in enumerate(LAYERS) for unit in units}


def unit_of(module: str) -> str:
    """The layer unit of a dotted name: ``arena.web.app`` -> ``web``; names of the root
    module itself (``arena``, ``arena.__version__``) -> the root."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in TIER else ROOT


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> list[tuple[str, int]]:
    """Every ``arena`` name this tree imports, anywhere in it, with its line."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:  # relative: resolve against this module's package
                parts = module.split(".")
                base = parts[: len(parts) - node.level + is_package]
                target = ".".join([*base, target] if target else base)
            # ``from arena import battles`` imports a package: judge by the full name.
            found += [(f"{target}.{a.name}", node.lineno) for a in node.names]
    return [(name, line) for name, line in found if name.split(".")[0] == PACKAGE]


def upward_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """The imports in ``source`` (the text of ``module``) that break the layer order."""
    here = unit_of(module)
    wrong = []
    for target, line in imported_modules(ast.parse(source), module, is_package):
        there = unit_of(target)
        if there != here and TIER[there] <= TIER[here]:
            wrong.append(f"{module}:{line} imports {target} ({here} may not import {there})")
    return wrong


def _modules() -> list[tuple[str, Path, bool]]:
    found = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        found.append((".".join(parts[:-1] if is_package else parts), path, is_package))
    return found


def test_every_top_level_module_has_a_tier() -> None:
    units = {name.split(".")[1] if "." in name else ROOT for name, _, _ in _modules()}
    assert sorted(units - TIER.keys()) == [], "place new packages in LAYERS"
    assert sorted(TIER.keys() - units) == [], "LAYERS names a package that is gone"


def test_imports_only_run_down() -> None:
    wrong = [
        line
        for name, path, is_package in _modules()
        for line in upward_imports(path.read_text(encoding="utf-8"), name, is_package)
    ]
    assert wrong == []


def test_the_check_sees_upward_imports() -> None:
    """The walk finds lazy, relative and ``TYPE_CHECKING`` imports that run up."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from arena.ratings import bt\n"
        "from . import writer\n"
        "if TYPE_CHECKING:\n"
        "    from arena.web.app import create_app\n"
        "def later():\n"
        "    from arena import battles\n"
        "    import arena.integrity.pow\n"
        "    from ..data import export\n"
    )
    wrong = upward_imports(source, "arena.store.repository")
    assert [w.split(" imports ")[1].split(" ")[0] for w in wrong] == [
        "arena.web.app.create_app",
        "arena.battles",
        "arena.integrity.pow",
        "arena.data.export",
    ]
    assert upward_imports("from arena.simulation import rigging\n", "arena.web.app")
    assert upward_imports("import arena.errors\n", "arena.web.app") == []


def test_no_test_module_imports_another() -> None:
    """Shared test helpers live in tests/support/ (and tests/browser/support.py), so a
    test module can change without breaking others."""
    tests = Path(__file__).resolve().parent
    wrong = []
    for path in sorted(tests.rglob("*.py")):
        module = ".".join(path.relative_to(tests.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            wrong += [
                f"{module}:{node.lineno} imports {name}"
                for name in names
                if any(part.startswith("test_") for part in name.split(".")[1:])
                and name.split(".")[0] == "tests"
            ]
    assert wrong == []
