"""``arena serve`` tells the truth about start-up: the URL only once it answers, the
roster with the reason a model is skipped, and several workers that all come up."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

ARENA = str(Path(sys.executable).parent / "arena")


def _serve(
    tmp_path: Path, *args: str, models: list[dict] | None = None, **env_vars: str
) -> subprocess.Popen[str]:
    command = [ARENA, "serve", "--port", "0", "--log-level", "warning"]
    command += ["--db", f"sqlite:///{tmp_path / 'arena.db'}", *args]
    if models is not None:
        registry = tmp_path / "models.yaml"
        registry.write_text(yaml.safe_dump({"models": models}))
        command += ["--models", str(registry)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARENA_")}
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    env.update(env_vars)
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def _announcement(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    lines = [process.stdout.readline()]
    while lines[-1] and not lines[-1].startswith("Arena listening"):
        lines.append(process.stdout.readline())
    assert lines[-1], (lines, process.stderr.read() if process.stderr else "")
    return lines


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _workers(pid: int) -> set[int]:
    """The live worker processes of ``arena serve`` (not its resource tracker, no zombies)."""
    found = set()
    for child in _children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"spawn_main" in command and state != "Z":
            found.add(child)
    return found


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    found: list[int] = []
    for task in tasks.iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def test_the_url_is_printed_only_once_the_server_answers(tmp_path: Path, fake_upstream) -> None:
    models = [
        {"name": "ready-model", "provider": "openai", "base_url": fake_upstream.base_url},
        {
            "name": "keyless-model",
            "provider": "openai",
            "base_url": fake_upstream.base_url,
            "api_key_env": "ARENA_TEST_UNSET_KEY",
        },
        {"name": "fileless-model", "provider": "local", "path": str(tmp_path / "none.gguf")},
    ]
    process = _serve(tmp_path, models=models)
    try:
        lines = _announcement(process)
        url = lines[-1].split()[3]
        # Printed after a request was answered: one made now answers at once.
        assert httpx.get(f"{url}/api/v1/models", timeout=2).status_code == 200
        assert lines[0] == "Models: 1 ready, 2 skipped\n"
        assert "  ready   ready-model\n" in lines
        skipped = [line for line in lines if line.startswith("  skipped")]
        assert "ARENA_TEST_UNSET_KEY is not set" in skipped[0]
        assert "GGUF model file not found" in skipped[1]
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_two_workers_both_come_up_and_stay_up(tmp_path: Path, fake_upstream) -> None:
    models = [
        {
            "name": "one",
            "provider": "openai",
            "base_url": fake_upstream.base_url,
            "model": "echo-a",
        },
        {
            "name": "two",
            "provider": "openai",
            "base_url": fake_upstream.base_url,
            "model": "echo-b",
        },
    ]
    process = _serve(tmp_path, "--workers", "2", models=models)
    try:
        url = _announcement(process)[-1].split()[3]
        deadline = time.monotonic() + 60
        while len(_children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = set(_children(process.pid))
        assert len(workers) >= 2
        for _ in range(20):
            assert httpx.get(f"{url}/api/v1/models", timeout=5).status_code == 200
        time.sleep(6)  # past uvicorn's default 5 s health check: nobody was replaced
        assert set(_children(process.pid)) == workers
        assert process.poll() is None

        # A worker that dies is replaced, and says so (issue 31 item 6).
        victim = min(_workers(process.pid))
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = _workers(process.pid)
            if victim not in now and len(now) == 2:
                break
            time.sleep(0.2)
        assert victim not in now and len(now) == 2, now
        for _ in range(10):
            assert httpx.get(f"{url}/api/v1/models", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    log = process.stderr.read() if process.stderr else ""
    assert "not ready in time" not in log
    assert f"worker process {victim} exited" in log


def test_workers_that_cannot_start_stop_the_server_loudly(tmp_path: Path, fake_upstream) -> None:
    """A worker whose start fails (here: Redis unreachable) stops ``arena serve`` with a
    non-zero exit and a line saying so, instead of a server quietly gone or short."""
    models = [{"name": "one", "provider": "openai", "base_url": fake_upstream.base_url}]
    dead_redis = f"redis://127.0.0.1:{_free_port()}/0"
    process = _serve(tmp_path, "--workers", "2", models=models, ARENA_REDIS_URL=dead_redis)
    try:
        _, log = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode != 0
    assert "failed to start" in log and "the server stopped" in log
    assert "Redis for rate limits is unreachable" in log


def test_the_health_check_timeout_is_an_option() -> None:
    result = subprocess.run(
        [ARENA, "serve", "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    assert "--worker-healthcheck-seconds" in result.stdout
    assert "ARENA_WORKER_HEALTHCHECK_SECONDS" in result.stdout
