"""Where grantmatch keeps its files: one answer for the CLI, the service and the Python API.

``GRANTMATCH_HOME``
    The data directory (default ``~/.cache/grantmatch``). The vector cache lives in
    ``$GRANTMATCH_HOME/cache/vectors.sqlite``; the HTTP service keeps its SQLite store and
    job outputs there too.
``GRANTMATCH_CACHE``
    ``off`` disables the vector cache; any other value is the path of the cache file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

#: The value of a ``cache_path`` parameter that means "the configured default location".
DEFAULT_CACHE: Literal["auto"] = "auto"

CachePath = str | Path | None


def data_dir() -> Path:
    """The data directory: ``$GRANTMATCH_HOME``, else ``~/.cache/grantmatch``."""
    configured = os.environ.get("GRANTMATCH_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "grantmatch"


def vector_cache_path() -> Path | None:
    """Where vectors are cached by default (``None`` when ``GRANTMATCH_CACHE=off``)."""
    configured = os.environ.get("GRANTMATCH_CACHE", "")
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    return data_dir() / "cache" / "vectors.sqlite"


def resolve_cache_path(cache_path: CachePath) -> Path | None:
    """The cache file a ``cache_path`` parameter names.

    Parameters
    ----------
    cache_path : str, Path or None
        ``"auto"`` (:data:`DEFAULT_CACHE`): the configured default, see
        :func:`vector_cache_path`; ``None``: no cache; anything else: that file.

    Returns
    -------
    Path or None
        The file, or ``None`` when nothing is cached.
    """
    if cache_path is None:
        return None
    if isinstance(cache_path, str) and cache_path == DEFAULT_CACHE:
        return vector_cache_path()
    return Path(cache_path).expanduser()
