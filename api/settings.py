"""Settings read from the environment (one place, so the CLI and the service agree).

``GRANTMATCH_HOME``
    The data directory (default ``~/.cache/grantmatch``). The vector cache lives in
    ``$GRANTMATCH_HOME/cache/vectors.sqlite``.
``GRANTMATCH_CACHE``
    ``off`` disables the vector cache; any other value is the path of the cache file.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The data directory."""
    configured = os.environ.get("GRANTMATCH_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "grantmatch"


def vector_cache_path() -> Path | None:
    """Where embeddings are cached (``None`` when the cache is off)."""
    configured = os.environ.get("GRANTMATCH_CACHE", "")
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    return data_dir() / "cache" / "vectors.sqlite"
