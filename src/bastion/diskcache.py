"""A disk cache for arrays that are slow to compute and fixed by their inputs (the rocket fit's flight
tables: 0.9 s of every `bastion run` otherwise).

An entry is one ``.npz`` file named by a SHA-256 of everything the arrays depend on: the caller's key
parts, the NumPy version and the source text of the modules that compute them (a code change makes a new
entry, never a stale one). Entries are written to a temporary file and renamed, so a reader never sees a
half-written one; an entry that cannot be read, or lacks an array, is rebuilt; a directory that cannot
be written to costs only the time (the cache is never needed for a correct result).

The directory is ``$BASTION_CACHE_DIR`` if set (empty: no disk cache), else ``$XDG_CACHE_HOME/bastion``,
else ``~/.cache/bastion``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

CACHE_ENV = "BASTION_CACHE_DIR"
FORMAT = "1"  # bump when the file layout changes


def cache_dir() -> Path | None:
    """The cache directory (None: disk caching is off)."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return Path(env) if env.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home.startswith("~"):  # no home directory to be found: no disk cache (not one in the cwd)
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "bastion"


def source_digest(modules: Sequence[str]) -> str:
    """SHA-256 of the source text of the named modules (dotted names; a package counts its ``.py``
    files)."""
    h = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            h.update(f"missing:{name}".encode())
            continue
        origin = Path(spec.origin)
        files = sorted(origin.parent.glob("*.py")) if origin.name == "__init__.py" else [origin]
        for f in files:
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def entry_path(kind: str, key_parts: Sequence[object], modules: Sequence[str]) -> Path | None:
    """Where the entry of ``kind`` for these key parts would live (None: caching off)."""
    root = cache_dir()
    if root is None:
        return None
    h = hashlib.sha256()
    for part in (FORMAT, np.__version__, source_digest(modules), *key_parts):
        h.update(repr(part).encode())
        h.update(b"\0")
    return root / kind / f"{h.hexdigest()[:32]}.npz"


def load_or_build(kind: str, key_parts: Sequence[object], modules: Sequence[str], names: Sequence[str],
                  build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays ``names`` of the entry, from disk if there is a readable one, else from ``build()``
    (then stored). ``key_parts``: everything besides the ``modules``' code that the arrays depend on."""
    path = entry_path(kind, key_parts, modules)
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as f:
                return {n: np.array(f[n]) for n in names}
        except (OSError, ValueError, KeyError, EOFError):
            pass  # unreadable or incomplete: rebuilt and rewritten below
    arrays = build()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    np.savez(f, **{n: arrays[n] for n in names})
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError:
            pass  # a read-only or full disk: the cache is an optimisation only
    return arrays
