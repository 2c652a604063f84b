"""Conflicts of interest between expert reviewers and the applications they might review.

A reviewer may not review an application when they are on its team, work at the same
institution as any team member, have published with any member (a publication's
``coauthors``, either direction) or collaborated with one (``Profile.collaborators``,
either direction), or when a conflict is declared: by the application
(``Application.conflicts``) or by a profile (``Profile.conflicts``, the reviewer naming a
member or a member naming the reviewer). Every conflict keeps its reason, so that a grant
office can show why a reviewer was left out.

The index is sparse (a team's neighbourhood is small); :attr:`ConflictIndex.mask` is the
dense boolean matrix the assignment encoder needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

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

    Attributes
    ----------
    application_ids : list of str
        Row order of :attr:`mask`.
    reviewer_ids : list of str
        Column order of :attr:`mask`.
    """

    application_ids: list[str]
    reviewer_ids: list[str]
    _reasons: dict[tuple[int, int], list[Conflict]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._application_position = {a: i for i, a in enumerate(self.application_ids)}
        self._reviewer_position = {r: j for j, r in enumerate(self.reviewer_ids)}

    def reasons(self, reviewer_id: str, application_id: str) -> list[Conflict]:
        """Why ``reviewer_id`` may not review ``application_id`` (empty: no conflict).

        Raises
        ------
        KeyError
            For a reviewer or application that is not in the index.
        """
        i = self._position(self._application_position, application_id, "application")
        j = self._position(self._reviewer_position, reviewer_id, "reviewer")
        return list(self._reasons.get((i, j), []))

    @staticmethod
    def _position(positions: dict[str, int], key: str, what: str) -> int:
        try:
            return positions[key]
        except KeyError:
            raise KeyError(f"{what} {key!r} is not in this conflict index") from None

    def in_conflict(self, reviewer_id: str, application_id: str) -> bool:
        """Whether the pair is in conflict."""
        return bool(self.reasons(reviewer_id, application_id))

    @property
    def mask(self) -> npt.NDArray[np.bool_]:
        """Conflicts as a boolean matrix, shape ``(n_applications, n_reviewers)``."""
        mask = np.zeros((len(self.application_ids), len(self.reviewer_ids)), dtype=np.bool_)
        if self._reasons:
            rows, cols = zip(*self._reasons, strict=True)
            mask[np.asarray(rows), np.asarray(cols)] = True
        return mask

    def pairs(self) -> Iterator[tuple[str, str, list[Conflict]]]:
        """``(application_id, reviewer_id, reasons)`` for every pair in conflict."""
        for (i, j), found in sorted(self._reasons.items()):
            yield self.application_ids[i], self.reviewer_ids[j], list(found)

    def count(self, application_id: str) -> dict[ConflictKind, int]:
        """How many reviewers are in conflict with one application, per kind."""
        i = self._position(self._application_position, application_id, "application")
        counts: dict[ConflictKind, int] = defaultdict(int)
        for (row, _), found in self._reasons.items():
            if row == i:
                for kind in {c.kind for c in found}:
                    counts[kind] += 1
        return dict(counts)

    def __len__(self) -> int:
        return len(self._reasons)


def _ties(profiles: Sequence[Profile]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Co-authorship and collaboration as symmetric adjacency sets over profile ids."""
    coauthors: dict[str, set[str]] = defaultdict(set)
    collaborators: dict[str, set[str]] = defaultdict(set)
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
    return coauthors, collaborators


def _declared(profiles: Sequence[Profile]) -> dict[str, dict[str, str]]:
    """Per profile id, the profiles in declared conflict with it and who declared it."""
    declared: dict[str, dict[str, str]] = defaultdict(dict)
    for profile in profiles:
        for other in profile.conflicts:
            declared[profile.id].setdefault(other, profile.id)
            declared[other].setdefault(profile.id, profile.id)
    return declared


def find_conflicts(
    dataset: Dataset, applications: Sequence[Application], reviewer_ids: Sequence[str]
) -> ConflictIndex:
    """Every conflict of interest between the reviewers and the applications.

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
    column = {r.id: j for j, r in enumerate(reviewers)}
    by_institution: dict[str, list[int]] = defaultdict(list)
    for j, reviewer in enumerate(reviewers):
        if reviewer.institution is not None:
            by_institution[reviewer.institution].append(j)
    coauthors, collaborators = _ties(dataset.profiles)
    declared = _declared(dataset.profiles)
    reasons: dict[tuple[int, int], list[Conflict]] = {}

    def add(i: int, j: int, conflict: Conflict) -> None:
        found = reasons.setdefault((i, j), [])
        if conflict not in found:
            found.append(conflict)

    for i, application in enumerate(applications):
        for member in application.team:
            if member in column:
                add(i, column[member], Conflict("team_member", f"on the team ({member})"))
            profile = dataset.profile(member) if dataset.has_profile(member) else None
            if profile is not None and profile.institution is not None:
                for j in by_institution.get(profile.institution, []):
                    if reviewers[j].id != member:
                        detail = f"same institution as team member {member} ({profile.institution})"
                        add(i, j, Conflict("same_institution", detail))
            for other in sorted(coauthors.get(member, ())):
                if other in column:
                    add(
                        i, column[other], Conflict("coauthor", f"co-author of team member {member}")
                    )
            for other in sorted(collaborators.get(member, ())):
                if other in column:
                    detail = f"past collaborator of team member {member}"
                    add(i, column[other], Conflict("collaborator", detail))
            for other, by in sorted(declared.get(member, {}).items()):
                if other in column:
                    detail = f"conflict declared by {by} with team member {member}"
                    add(i, column[other], Conflict("declared", detail))
        for other in application.conflicts:
            if other in column:
                add(i, column[other], Conflict("declared", "declared by the application"))
    return ConflictIndex(
        application_ids=[a.id for a in applications],
        reviewer_ids=[r.id for r in reviewers],
        _reasons=reasons,
    )
