"""The registry and the CLI explain bad input instead of failing with a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from arena.errors import RegistryError
from arena.registry import load_registry
from arena.store import migrate

ARENA = str(Path(sys.executable).parent / "arena")


def test_builtin_registry_has_three_real_local_contestants() -> None:
    registry = load_registry()
    local = [m for m in registry.models if m.provider == "local"]
    assert len(local) >= 3
    assert any(m.chat_format == "gemma" for m in local)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("models: [", "not valid YAML"),
        ("- just a list", "expected a mapping"),
        ("models: []", "models"),
        ("models:\n  - name: x\n    provider: carrier-pigeon\n", "provider"),
        ("models:\n  - name: x\n    provider: openai\n", "needs 'base_url'"),
        ("models:\n  - name: x\n    provider: local\n", "needs 'path'"),
        (
            "models:\n  - name: x\n    provider: openai\n    base_url: http://h/v1\n"
            "    api_key_env: sk-123-abc!\n",
            "NAME of an environment variable",
        ),
        (
            "models:\n  - {name: x, provider: local, path: a}\n"
            "  - {name: x, provider: local, path: b}\n",
            "appears twice",
        ),
        ("models:\n  - {name: x, provider: local, path: a, colour: red}\n", "colour"),
    ],
)
def test_bad_registry_files_are_explained(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(content)
    with pytest.raises(RegistryError, match=message):
        load_registry(path)


def test_serve_with_a_bad_registry_exits_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "models.yaml"
    path.write_text("models: [")
    result = subprocess.run(
        [ARENA, "serve", "--models", str(path), "--db", f"sqlite:///{tmp_path / 'a.db'}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_registry_file_and_bad_db_url(tmp_path: Path) -> None:
    result = subprocess.run(
        [ARENA, "serve", "--models", str(tmp_path / "nope.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "cannot read model registry" in result.stderr
    result = subprocess.run(
        [ARENA, "db", "upgrade", "--db", "mysql://nope"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "unsupported database" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = subprocess.run(
        [ARENA, "db", "upgrade", "--db", url], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert f"database at revision {migrate.head_revision()}" in result.stdout
