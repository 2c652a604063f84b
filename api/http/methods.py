"""The methods each path answers, from the OpenAPI document: the ``Allow`` header of a 405
and the answer to ``OPTIONS``.

The router knows only the route it matched, so a 405 from it names that route's methods
(``GET`` for ``/profiles``, which also takes ``POST``); the document knows them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_PARAMETER = re.compile(r"\\\{[^/]+?\\\}")


class AllowedMethods:
    """Looks up the methods of a request path in an OpenAPI document (built on first use).

    Parameters
    ----------
    openapi : callable
        Returns the OpenAPI document (``app.openapi``).
    """

    def __init__(self, openapi: Callable[[], dict[str, Any]]) -> None:
        self._openapi = openapi
        self._table: list[tuple[re.Pattern[str], int, frozenset[str]]] | None = None

    def for_path(self, path: str) -> list[str] | None:
        """The methods of ``path`` with ``OPTIONS``, or ``None`` for an undocumented path.

        A literal path (``/profiles/import``) is preferred to a template that also matches
        it (``/profiles/{profile_id}``), as the documented resource is the literal one.
        """
        matches = [(params, methods) for rx, params, methods in self._paths() if rx.fullmatch(path)]
        if not matches:
            return None
        fewest = min(params for params, _ in matches)
        allowed = {m for params, methods in matches if params == fewest for m in methods}
        return sorted(allowed | {"OPTIONS"})

    def _paths(self) -> list[tuple[re.Pattern[str], int, frozenset[str]]]:
        if self._table is None:
            paths: dict[str, dict[str, Any]] = self._openapi().get("paths", {})
            self._table = [_entry(template, item) for template, item in paths.items()]
        return self._table


def _entry(template: str, item: dict[str, Any]) -> tuple[re.Pattern[str], int, frozenset[str]]:
    pattern, parameters = _PARAMETER.subn("[^/]+", re.escape(template))
    methods = frozenset(name.upper() for name in item if name in _METHODS)
    return re.compile(pattern), parameters, methods


def allow_header(methods: list[str]) -> str:
    """The ``Allow`` header value of a list of methods."""
    return ", ".join(methods)


__all__ = ["AllowedMethods", "allow_header"]
