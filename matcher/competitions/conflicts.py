"""Conflicts of interest between expert reviewers and the applications they might review.

A reviewer may not review an application when they are on its team, work at the same
institution as any team member, have published with any member (a publication's
``coauthors``, either direction) or collaborated with one (``Profile.collaborators``,
either direction), or when a conflict is declared: by the application
(``Application.conflicts``) or by a profile (``Profile.conflicts``, the reviewer naming a
member or a member naming the reviewer). Every conflict keeps its reason, so that a grant
office can show why a reviewer was left out.

The index is sparse (a team's neighbourhood is small): one sparse matrix per rule, built by
sparse products; :attr:`ConflictIndex.mask` is the dense boolean matrix the assignment
encoder needs, and the reasons in words are written for a pair when asked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matcher.dataset import Dataset
from matcher.model import Application, Profile

ConflictKind = Literal["team_member", "same_institution", "coauthor", "collaborator", "declared"]
CONFLICT_KINDS: tuple[ConflictKind, ...] = (
    "team_member",
    "same_institution",
    "coauthor",
    "collaborator",
    "declared",
)


@dataclass(frozen=True)
class Conflict:
    """One reason a reviewer may not review an application.

    ``kind`` is the rule (:data:`CONFLICT_KINDS`); ``detail`` says who or what, in words,
    e.g. "same institution as team member p-12 (inst-3)".
    """

    kind: ConflictKind
    detail: str


@dataclass
class ConflictIndex:
    """Every conflict between ``reviewer_ids`` and ``application_ids``, with its reasons.

    Which pairs conflict, and by which rules, is held as one sparse boolean matrix per
    kind; the reasons in words are written when asked for (:meth:`reasons`,
    :meth:`pairs`), so that an index of millions of conflicting pairs costs the memory of
    its matrices, not of a Python object per pair.

    Attributes
    ----------
    application_ids : list of str
        Row order of :attr:`mask`.
    reviewer_ids : list of str
        Column order of :attr:`mask`.
    """

    application_ids: list[str]
    reviewer_ids: list[str]
    _kinds: dict[ConflictKind, sp.csr_matrix] = field(repr=False)
    _explain: Callable[[int, int], list[Conflict]] = field(repr=False)

    def __post_init__(self) -> None:
        self._application_position = {a: i for i, a in enumerate(self.application_ids)}
        self._reviewer_position = {r: j for j, r in enumerate(self.reviewer_ids)}
        shape = (len(self.application_ids), len(self.reviewer_ids))
        combined = sp.csr_matrix(shape, dtype=np.bool_)
        for matrix in self._kinds.values():
            combined = combined + matrix
        combined.sort_indices()
        self._any: sp.csr_matrix = combined

    def reasons(self, reviewer_id: str, application_id: str) -> list[Conflict]:
        """Why ``reviewer_id`` may not review ``application_id`` (empty: no conflict).

        Raises
        ------
        KeyError
            For a reviewer or application that is not in the index.
        """
        i = self._position(self._application_position, application_id, "application")
        j = self._position(self._reviewer_position, reviewer_id, "reviewer")
        return self._explain(i, j) if self._any[i, j] else []

    @staticmethod
    def _position(positions: dict[str, int], key: str, what: str) -> int:
        try:
            return positions[key]
        except KeyError:
            raise KeyError(f"{what} {key!r} is not in this conflict index") from None

    def in_conflict(self, reviewer_id: str, application_id: str) -> bool:
        """Whether the pair is in conflict."""
        i = self._position(self._application_position, application_id, "application")
        j = self._position(self._reviewer_position, reviewer_id, "reviewer")
        return bool(self._any[i, j])

    @property
    def mask(self) -> npt.NDArray[np.bool_]:
        """Conflicts as a boolean matrix, shape ``(n_applications, n_reviewers)``."""
        mask: npt.NDArray[np.bool_] = self._any.toarray().astype(np.bool_, copy=False)
        return mask

    def pairs(self) -> Iterator[tuple[str, str, list[Conflict]]]:
        """``(application_id, reviewer_id, reasons)`` for every pair in conflict, by
        application then reviewer (in the index's order)."""
        matrix = self._any
        for i in range(matrix.shape[0]):
            for j in matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]]:
                column = int(j)
                yield self.application_ids[i], self.reviewer_ids[column], self._explain(i, column)

    def count(self, application_id: str) -> dict[ConflictKind, int]:
        """How many reviewers are in conflict with one application, per kind."""
        i = self._position(self._application_position, application_id, "application")
        counts = {kind: int(matrix[i].count_nonzero()) for kind, matrix in self._kinds.items()}
        return {kind: n for kind, n in counts.items() if n}

    def __len__(self) -> int:
        return int(self._any.count_nonzero())


class _Ids:
    """Positions of every profile id the dataset or the applications name."""

    def __init__(self) -> None:
        self.position: dict[str, int] = {}

    def __call__(self, profile_id: str) -> int:
        return self.position.setdefault(profile_id, len(self.position))

    def __len__(self) -> int:
        return len(self.position)


def _adjacency(edges: list[tuple[int, int]], n: int) -> sp.csr_matrix:
    """A symmetric 0/1 matrix of ``edges`` (self loops dropped)."""
    kept = [(a, b) for a, b in edges if a != b]
    if not kept:
        return sp.csr_matrix((n, n), dtype=np.int32)
    rows = np.array([a for a, _ in kept] + [b for _, b in kept], dtype=np.int64)
    cols = np.array([b for _, b in kept] + [a for a, _ in kept], dtype=np.int64)
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(n, n))
    matrix.data[:] = 1  # repeated ties count once
    return matrix


def _incidence(rows: list[list[int]], n_columns: int) -> sp.csr_matrix:
    """A 0/1 matrix with row ``i`` holding ``rows[i]``'s columns."""
    indptr = np.cumsum([0] + [len(r) for r in rows], dtype=np.int64)
    indices = np.array([c for r in rows for c in r], dtype=np.int64)
    matrix = sp.csr_matrix(
        (np.ones(len(indices), dtype=np.int32), indices, indptr), shape=(len(rows), n_columns)
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


def _institution(dataset: Dataset, profile_id: str) -> str | None:
    return dataset.profile(profile_id).institution if dataset.has_profile(profile_id) else None


def _positive(matrix: sp.spmatrix) -> sp.csr_matrix:
    """The pattern of a matrix's positive entries, as booleans."""
    result = sp.csr_matrix(matrix)
    result.data = result.data > 0
    result.eliminate_zeros()
    return result.astype(np.bool_)


def find_conflicts(
    dataset: Dataset, applications: Sequence[Application], reviewer_ids: Sequence[str]
) -> ConflictIndex:
    """Every conflict of interest between the reviewers and the applications.

    Each rule is a sparse matrix product (the teams, times the co-author, collaborator,
    declared-conflict or institution ties, times the reviewers), so the cost follows the
    number of ties and conflicting pairs, not a Python loop per pair.

    Parameters
    ----------
    dataset : Dataset
        Where team members' and reviewers' institutions, publications, collaborators and
        declared conflicts are read from (a member without a profile conflicts only with
        themselves and through the ties others declare with them).
    applications : sequence of Application
        The applications (rows).
    reviewer_ids : sequence of str
        The candidate reviewers (columns); each must have a profile.

    Returns
    -------
    ConflictIndex
        Reasons per conflicting pair and the boolean mask.

    Raises
    ------
    UnknownIdError
        For a reviewer id without a profile.
    """
    reviewers = [dataset.profile(r) for r in reviewer_ids]
    ids = _Ids()
    for profile in dataset.profiles:
        ids(profile.id)
    coauthor_edges = [
        (ids(profile.id), ids(other))
        for profile in dataset.profiles
        for publication in profile.publications
        for other in publication.coauthors
    ]
    collaborator_edges = [
        (ids(profile.id), ids(other))
        for profile in dataset.profiles
        for other in profile.collaborators
    ]
    declared_edges = [
        (ids(profile.id), ids(other)) for profile in dataset.profiles for other in profile.conflicts
    ]
    teams = [[ids(member) for member in application.team] for application in applications]
    declared_by_application = [[ids(other) for other in a.conflicts] for a in applications]
    n = len(ids)
    team = _incidence(teams, n)
    chosen = _incidence([[ids(r.id)] for r in reviewers], n).T.tocsr()  # profiles x reviewers

    institutions: dict[str, int] = {}
    institution_rows = [
        [institutions.setdefault(institution, len(institutions))]
        if (institution := _institution(dataset, profile_id)) is not None
        else []
        for profile_id in ids.position
    ]
    profile_institution = _incidence(institution_rows, max(len(institutions), 1))
    on_team = team @ chosen
    colleagues = (team @ profile_institution) @ (chosen.T @ profile_institution).T
    # A reviewer on the team is not their own colleague: take them out of the count once.
    reviewer_has_institution = np.asarray(
        (chosen.T @ profile_institution).sum(axis=1), dtype=np.int64
    ).ravel()
    colleagues = colleagues - on_team.multiply(reviewer_has_institution[np.newaxis, :])
    declared = (
        team @ _adjacency(declared_edges, n) @ chosen
        + _incidence(declared_by_application, n) @ chosen
    )
    kinds: dict[ConflictKind, sp.csr_matrix] = {
        "team_member": _positive(on_team),
        "same_institution": _positive(colleagues),
        "coauthor": _positive(team @ _adjacency(coauthor_edges, n) @ chosen),
        "collaborator": _positive(team @ _adjacency(collaborator_edges, n) @ chosen),
        "declared": _positive(declared),
    }
    ties = _Ties.of(dataset.profiles)

    def explain(i: int, j: int) -> list[Conflict]:
        return ties.reasons(dataset, applications[i], reviewers[j])

    return ConflictIndex(
        application_ids=[a.id for a in applications],
        reviewer_ids=[r.id for r in reviewers],
        _kinds=kinds,
        _explain=explain,
    )


@dataclass(frozen=True)
class _Ties:
    """Co-authorship, collaboration and declared conflicts by profile id, for writing the
    reasons of one pair."""

    coauthors: dict[str, set[str]]
    collaborators: dict[str, set[str]]
    declared: dict[str, dict[str, str]]

    @classmethod
    def of(cls, profiles: Sequence[Profile]) -> _Ties:
        coauthors: dict[str, set[str]] = defaultdict(set)
        collaborators: dict[str, set[str]] = defaultdict(set)
        declared: dict[str, dict[str, str]] = defaultdict(dict)
        for profile in profiles:
            for publication in profile.publications:
                for other in publication.coauthors:
                    if other != profile.id:
                        coauthors[profile.id].add(other)
                        coauthors[other].add(profile.id)
            for other in profile.collaborators:
                if other != profile.id:
                    collaborators[profile.id].add(other)
                    collaborators[other].add(profile.id)
            for other in profile.conflicts:
                declared[profile.id].setdefault(other, profile.id)
                declared[other].setdefault(profile.id, profile.id)
        return cls(coauthors, collaborators, declared)

    def reasons(
        self, dataset: Dataset, application: Application, reviewer: Profile
    ) -> list[Conflict]:
        """Why ``reviewer`` may not review ``application``, member by member."""
        found: list[Conflict] = []

        def add(conflict: Conflict) -> None:
            if conflict not in found:
                found.append(conflict)

        for member in application.team:
            if member == reviewer.id:
                add(Conflict("team_member", f"on the team ({member})"))
            profile = dataset.profile(member) if dataset.has_profile(member) else None
            if (
                profile is not None
                and profile.institution is not None
                and profile.institution == reviewer.institution
                and member != reviewer.id
            ):
                detail = f"same institution as team member {member} ({profile.institution})"
                add(Conflict("same_institution", detail))
            if reviewer.id in self.coauthors.get(member, ()):
                add(Conflict("coauthor", f"co-author of team member {member}"))
            if reviewer.id in self.collaborators.get(member, ()):
                add(Conflict("collaborator", f"past collaborator of team member {member}"))
            by = self.declared.get(member, {}).get(reviewer.id)
            if by is not None:
                add(Conflict("declared", f"conflict declared by {by} with team member {member}"))
        if reviewer.id in application.conflicts:
            add(Conflict("declared", "declared by the application"))
        return found
