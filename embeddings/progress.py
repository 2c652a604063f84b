"""The progress bar shown by long embedding runs (``tqdm`` on standard error)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class ProgressBar(Protocol):
    """What embedding code needs from a progress bar."""

    def update(self, n: int = 1) -> object:
        """Advance by ``n`` texts."""


class _NoBar:
    def update(self, n: int = 1) -> object:
        return None


@contextmanager
def progress_bar(total: int | None, description: str, enabled: bool) -> Iterator[ProgressBar]:
    """A ``tqdm`` bar counting texts, or a no-op when ``enabled`` is false.

    Parameters
    ----------
    total : int or None
        Number of texts expected (``None`` when unknown: the bar counts without a total).
    description : str
        Label shown left of the bar.
    enabled : bool
        Whether to show anything at all.

    Yields
    ------
    ProgressBar
        Call ``update(n)`` after each ``n`` texts.
    """
    if not enabled:
        yield _NoBar()
        return
    from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]

    with tqdm(total=total, desc=description, unit="text", dynamic_ncols=True) as bar:
        yield bar
