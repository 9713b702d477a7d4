"""The registry and the CLI explain bad input instead of failing with a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from arena.errors import RegistryError
from arena.registry import load_registry
from arena.store import migrate

ARENA = str(Path(sys.executable).parent / "arena")


def _arena(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ARENA, *args], capture_output=True, text=True, timeout=60)


def test_builtin_registry_has_three_real_local_contestants() -> None:
    registry = load_registry()
    local = [m for m in registry.models if m.provider == "local"]
    assert len(local) >= 3
    assert any(m.chat_format == "transcript" for m in local)  # Gemma: a base checkpoint


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
        ("models:\n  - {name: x, provider: local, path: a, colour: red}\n", "model 'x', colour"),
        (
            "models:\n  - {name: x, provider: local, path: a}\n"
            "  - {provider: local, path: b, temperature: hot}\n",
            "model #2, temperature",
        ),
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
    result = _arena("serve", "--models", str(path), "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert result.returncode == 2
    assert "not valid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_registry_file_and_bad_db_url(tmp_path: Path) -> None:
    result = _arena("serve", "--models", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "cannot read model registry" in result.stderr
    result = _arena("db", "upgrade", "--db", "mysql://nope")
    assert result.returncode == 2 and "unsupported database" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = _arena("db", "upgrade", "--db", url)
    assert result.returncode == 0, result.stderr
    assert f"database at revision {migrate.head_revision()}" in result.stdout


def test_serve_defaults_to_sqlite_in_the_data_dir_and_the_builtin_roster(tmp_path: Path) -> None:
    """``arena serve`` with no arguments: the user's data directory, 127.0.0.1, three
    local models, migrations applied, and one line that says where it listens."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "ARENA_PORT": "0"}
    env.pop("ARENA_DB_URL", None)
    process = subprocess.Popen(
        [ARENA, "serve", "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed = [process.stdout.readline()]
        while not printed[-1].startswith("Arena listening") and printed[-1]:
            printed.append(process.stdout.readline())
        line = printed[-1]
        assert line.startswith("Arena listening on http://127.0.0.1:"), printed
        assert printed[0] == "Models: 3 ready, 0 skipped\n"
        assert "  ready   smollm2-135m-instruct-creative\n" in printed
        base = line.split()[3]
        assert not base.endswith(":0")  # the free port that was picked, not "0"
        models = _wait_for_json(f"{base}/api/v1/models", process)["models"]
        assert {m["name"] for m in models} >= {"smollm2-135m-instruct", "gemma-3-270m"}
        assert len(models) >= 3
        database = tmp_path / "data" / "arena" / "arena.db"
        assert str(database) in line
        engine = create_engine(f"sqlite:///{database}")
        with engine.connect() as conn:
            revision = conn.execute(text("select version_num from alembic_version")).scalar()
        engine.dispose()
        assert revision == migrate.head_revision()
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for_json(url: str, process: subprocess.Popen[str]) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            return httpx.get(url, timeout=2).json()
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_serve_on_a_port_in_use_says_so(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _arena("serve", "--port", str(port), "--db", f"sqlite:///{tmp_path / 'a.db'}")
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr and "listening" not in result.stdout
