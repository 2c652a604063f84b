"""A competition's files read together: its applications (and reviews), checked against a
dataset."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from matcher.dataset import Dataset
from matcher.errors import UnknownIdError
from matcher.io import read_applications, read_reviews
from matcher.io.sources import Source
from matcher.model import Application, Review


@dataclass(frozen=True)
class Competition:
    """The applications of a competition and the reviews that came back.

    Attributes
    ----------
    applications : list of Application
        In input order; ids are unique.
    reviews : list of Review
        Empty until reviews are read; one per reviewer and application.
    """

    applications: list[Application]
    reviews: list[Review] = field(default_factory=list)

    def application(self, application_id: str) -> Application:
        """The application with this id (``UnknownIdError`` if none)."""
        for application in self.applications:
            if application.id == application_id:
                return application
        raise UnknownIdError("application", application_id)

    @property
    def call_ids(self) -> list[str]:
        """The calls applied to, each once, in order of first application."""
        return list(dict.fromkeys(a.call_id for a in self.applications))

    def for_call(self, call_id: str) -> list[Application]:
        """The applications to one call, in input order."""
        return [a for a in self.applications if a.call_id == call_id]


def load_competition(
    applications: Source,
    dataset: Dataset,
    *,
    reviews: Source | None = None,
) -> Competition:
    """Read a competition's applications (and reviews) and check them against ``dataset``.

    Parameters
    ----------
    applications : str, os.PathLike, bytes or binary stream
        The applications file (JSON Lines, CSV or Parquet, by suffix).
    dataset : Dataset
        The calls and profiles the applications name (``call_id``, ``lead``, ``team``,
        ``conflicts``) and reviewers are.
    reviews : str, os.PathLike, bytes or binary stream, optional
        The reviews file: each review's application must be one of ``applications`` and
        its reviewer a profile of ``dataset``.

    Returns
    -------
    Competition

    Raises
    ------
    InputError
        For the first problem, located by file, line (or row) and field; nothing is
        half-loaded.
    """
    read = read_applications(applications, dataset=dataset)
    scores: Sequence[Review] = ()
    if reviews is not None:
        scores = read_reviews(reviews, applications=read, dataset=dataset)
    return Competition(read, list(scores))
