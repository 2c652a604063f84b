"""Strict query strings: a parameter the endpoint does not declare is an error (422).

A misspelt filter (``?contry=RU``) that was silently ignored would answer with the wrong
records, and the client would never know. :func:`refuse_unknown_query` is an app-level
dependency, so every route gets it and none can forget it.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant

from api.http.errors import ApiError
from api.http.schemas.errors import Problem


def declared_query_names(dependant: Dependant) -> set[str]:
    """The query parameter names a route takes, its dependencies' included."""
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= declared_query_names(dependency)
    return names


_DECLARED: dict[int, tuple[Dependant, frozenset[str]]] = {}
"""Per route's dependant (by identity; held, so that its id is never reused): the names it
declares. A route's parameters never change once it is built."""


def _declared(dependant: Dependant) -> frozenset[str]:
    found = _DECLARED.get(id(dependant))
    if found is None or found[0] is not dependant:
        found = _DECLARED[id(dependant)] = (dependant, frozenset(declared_query_names(dependant)))
    return found[1]


async def refuse_unknown_query(request: Request) -> None:
    """422 naming each query parameter the matched route does not declare.

    Raises
    ------
    ApiError
        422 with one problem per unknown parameter, listing the accepted ones.
    """
    route = request.scope.get("route")
    dependant: Dependant | None = getattr(route, "dependant", None)
    if dependant is None:
        return
    if not request.scope.get("query_string"):
        return
    accepted = _declared(dependant)
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in accepted]
    if not unknown:
        return
    listed = ", ".join(sorted(accepted))
    reason = f"unknown parameter; accepted: {listed}" if accepted else "takes no query parameters"
    problems = [
        Problem(field=f"query.{name}", value=request.query_params.get(name), reason=reason)
        for name in unknown
    ]
    named = ", ".join(repr(name) for name in unknown)
    plural = "s" if len(unknown) > 1 else ""
    summary = f"accepted: {listed}" if accepted else "this endpoint takes none"
    raise ApiError(422, f"unknown query parameter{plural} {named} ({summary})", problems)


__all__ = ["declared_query_names", "refuse_unknown_query"]
