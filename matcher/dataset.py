"""A dataset: the profiles, calls, institutions and offices an answer is computed from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from matcher.errors import UnknownIdError
from matcher.model import Call, Institution, Office, Outcome, Profile

_T = TypeVar("_T", Profile, Call, Institution, Office, Outcome)


def _index(records: Iterable[_T], kind: str) -> dict[str, _T]:
    index: dict[str, _T] = {}
    for record in records:
        if record.id in index:
            raise ValueError(f"duplicate {kind} id {record.id!r}")
        index[record.id] = record
    return index


@dataclass(frozen=True)
class Dataset:
    """Immutable collection of the four kinds of records, indexed by id, and the outcomes
    recorded for introductions and teams (evidence of collaboration fed back: routes and
    past teams, see :class:`~matcher.model.Outcome`).

    Ids are unique within each kind (construction raises ``ValueError`` otherwise; the
    loaders report duplicates with file and line before this point).
    """

    profiles: Sequence[Profile] = ()
    calls: Sequence[Call] = ()
    institutions: Sequence[Institution] = ()
    offices: Sequence[Office] = ()
    outcomes: Sequence[Outcome] = ()
    _profiles: dict[str, Profile] = field(init=False, repr=False, compare=False)
    _calls: dict[str, Call] = field(init=False, repr=False, compare=False)
    _institutions: dict[str, Institution] = field(init=False, repr=False, compare=False)
    _offices: dict[str, Office] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("profiles", "calls", "institutions", "offices", "outcomes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "_profiles", _index(self.profiles, "profile"))
        object.__setattr__(self, "_calls", _index(self.calls, "call"))
        object.__setattr__(self, "_institutions", _index(self.institutions, "institution"))
        object.__setattr__(self, "_offices", _index(self.offices, "office"))
        _index(self.outcomes, "outcome")  # ids unique

    def profile(self, profile_id: str) -> Profile:
        """The profile with this id; :class:`UnknownIdError` if there is none."""
        try:
            return self._profiles[profile_id]
        except KeyError:
            raise UnknownIdError("profile", profile_id) from None

    def call(self, call_id: str) -> Call:
        """The call with this id; :class:`UnknownIdError` if there is none."""
        try:
            return self._calls[call_id]
        except KeyError:
            raise UnknownIdError("call", call_id) from None

    def institution(self, institution_id: str) -> Institution | None:
        """The institution with this id, or ``None`` when it is not described in the data."""
        return self._institutions.get(institution_id)

    def office(self, office_id: str) -> Office:
        """The office with this id; :class:`UnknownIdError` if there is none."""
        try:
            return self._offices[office_id]
        except KeyError:
            raise UnknownIdError("office", office_id) from None

    def has_profile(self, profile_id: str) -> bool:
        return profile_id in self._profiles

    def institution_name(self, institution_id: str | None) -> str:
        """Display name of an institution id (the id itself when it is not described)."""
        if institution_id is None:
            return "no institution"
        institution = self._institutions.get(institution_id)
        return institution.name if institution else institution_id

    def replace(
        self,
        *,
        profiles: Sequence[Profile] | None = None,
        calls: Sequence[Call] | None = None,
        institutions: Sequence[Institution] | None = None,
        offices: Sequence[Office] | None = None,
        outcomes: Sequence[Outcome] | None = None,
    ) -> Dataset:
        """A copy with some kinds of records replaced (e.g. an office opened for a what-if)."""
        return Dataset(
            profiles=self.profiles if profiles is None else profiles,
            calls=self.calls if calls is None else calls,
            institutions=self.institutions if institutions is None else institutions,
            offices=self.offices if offices is None else offices,
            outcomes=self.outcomes if outcomes is None else outcomes,
        )


def with_agreements(dataset: Dataset, pairs: Iterable[tuple[str, str]]) -> Dataset:
    """A copy of ``dataset`` in which each pair of institutions has signed an agreement.

    Raises :class:`UnknownIdError` for an institution the data does not describe.
    """
    added: dict[str, set[str]] = {}
    for first, second in pairs:
        for one, other in ((first, second), (second, first)):
            if dataset.institution(one) is None:
                raise UnknownIdError("institution", one)
            added.setdefault(one, set()).add(other)
    institutions = [
        institution.model_copy(
            update={"agreements": sorted(set(institution.agreements) | added[institution.id])}
        )
        if institution.id in added
        else institution
        for institution in dataset.institutions
    ]
    return dataset.replace(institutions=institutions)
