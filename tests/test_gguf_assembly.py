"""Assembling a chunked GGUF package into the cache, as several workers or threads do at once."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from arena.providers import gguf_paths

FAKE_PACKAGE = '''
import time
from pathlib import Path

MODEL_NAME = "fake-model.gguf"


def assemble(output_path, overwrite=False):
    target = Path(output_path)
    if target.exists() and not overwrite:
        return target
    with target.open("wb") as out:
        for _ in range(5):
            out.write(b"x" * 1000)
            time.sleep(0.01)  # slow enough that concurrent calls overlap
    return target
'''


def test_concurrent_assembly_in_one_process_all_succeed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads in one process share a pid, so the private build file must not be pid-named
    alone: one thread's rename would take another's half-written file (seen on a fresh
    machine as a FileNotFoundError when both sides of a battle loaded the same model)."""
    (tmp_path / "pkgs" / "fake_gguf_pkg").mkdir(parents=True)
    (tmp_path / "pkgs" / "fake_gguf_pkg" / "__init__.py").write_text(FAKE_PACKAGE)
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))
    monkeypatch.setattr(gguf_paths, "cache_dir", lambda: tmp_path / "cache")
    results: list[Path] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            results.append(gguf_paths.assemble_from_package("fake_gguf_pkg"))
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sys.modules.pop("fake_gguf_pkg", None)
    assert errors == []
    assert {str(p) for p in results} == {str(tmp_path / "cache" / "fake-model.gguf")}
    assert (tmp_path / "cache" / "fake-model.gguf").stat().st_size == 5000
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["fake-model.gguf"]
