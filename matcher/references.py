"""The rules for the ids records name, and their messages: one place for every checker.

The rules
---------
* a profile's ``institution``, an office's ``partner_institutions`` and an institution's
  ``agreements`` must name known institutions, **when any institution is known**: without
  institutions, an institution is free text and is not checked;
* an institution cannot sign an agreement with itself;
* a profile's ``collaborators``, ``conflicts`` and publication ``coauthors`` must name known
  profiles, and never the profile itself;
* an outcome's ``members`` must name known profiles, and its ``call_id`` a known call (when
  calls are checked: a ``calls`` lookup is given or the batch holds calls);
* an application's ``call_id`` must name a known call, its ``lead``, ``team`` and declared
  ``conflicts`` known profiles (:func:`application_reference_problems`), and a review's
  ``application_id`` a known application and its ``reviewer_id`` a known profile
  (:func:`review_reference_problems`). Applications and reviews are a competition's files,
  checked against a dataset (never part of it).

Which ids are known
-------------------
The records being checked (the *batch*: the files being loaded, or a request's records)
know each other: a batch may name its own records. Ids outside the batch are asked of a
:class:`KnownIds`, once per kind with every id still unresolved, so that a database answers
in one query rather than one per id. An in-memory set answers through
:meth:`KnownIds.among`.

Rules are checked in a fixed order, each over every record of the batch: agreements,
profile institutions, office partners, then profiles' collaborators, conflicts and
coauthors (record by record), then outcomes' members and calls. The first problem is
what loaders report.

Examples
--------
The records checked know each other; an id that none of them holds is reported.

>>> from matcher.model import Profile
>>> batch = [
...     Profile(id="p1", name="A", collaborators=["p2"]),
...     Profile(id="p2", name="B", collaborators=["p1", "p9"], conflicts=["p2"]),
... ]
>>> for problem in reference_problems(batch):
...     print(problem.index, problem)
1 field 'collaborators.1': unknown profile 'p9'
1 field 'conflicts.0': a profile cannot be its own conflict ('p2')

Ids outside the batch are asked of a lookup, which also names where it looks:

>>> stored = KnownIds.among(["p7", "p9"], source="the store")
>>> print(first_reference_problem([Profile(id="p1", name="A", collaborators=["p9", "p8"])],
...                               profiles=stored))
field 'collaborators.1': unknown profile 'p8' (no profile with this id in the store)

A service checking a batch against its database (``stored(kind, ids)`` standing for one
``SELECT id ... WHERE id IN (...)``). Before the store holds any institution an institution
is free text, so no institution lookup is given then; a batch of institutions is checked
against itself and the store either way:

.. code-block:: python

    stored_institutions = KnownIds(lambda ids: stored("institutions", ids))
    problem = first_reference_problem(
        records,  # a request's profiles, offices or institutions
        institutions=stored_institutions if store_holds_institutions else None,
        profiles=KnownIds(lambda ids: stored("profiles", ids)),
    )
    if problem is not None:
        line = lines[problem.index]  # where records[problem.index] starts in the body
        raise ApiError(422, f"body line {line}: {problem}", ...)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal, TypeAlias

from matcher.model import Application, Call, Institution, Office, Outcome, Profile, Review

CheckedRecord: TypeAlias = Profile | Institution | Office | Call | Outcome
"""A record whose references can be checked (a call names none, and always passes)."""

IdLookup: TypeAlias = Callable[[frozenset[str]], Collection[str]]
"""Given ids, returns those that exist (any others in the answer are ignored)."""

_Kind = Literal["institution", "profile", "call", "application"]


@dataclass(frozen=True)
class KnownIds:
    """The ids of one kind of record held outside the batch being checked.

    Parameters
    ----------
    lookup : callable
        ``lookup(ids)`` returns which of ``ids`` exist. It is called at most once per
        check, with every id the batch names that the batch itself does not hold, and not
        at all when there is none.
    source : str, optional
        Where the ids are looked up (e.g. ``institutions.jsonl``). When given, a message
        about an unknown id ends with ``(no institution with this id in SOURCE)``.
    """

    lookup: IdLookup
    source: str | None = None

    @classmethod
    def among(cls, ids: Iterable[str], source: str | None = None) -> KnownIds:
        """The ids of an in-memory collection.

        Parameters
        ----------
        ids : iterable of str
            Every id that exists.
        source : str, optional
            Where they come from, named in messages.

        Returns
        -------
        KnownIds
        """
        return cls(frozenset(ids).intersection, source)


@dataclass(frozen=True)
class ReferenceProblem:
    """A reference that breaks a rule.

    Attributes
    ----------
    index : int
        The position of the record in the checked sequence.
    record_id : str
        The id of that record.
    field : str
        The dotted field holding the reference, e.g. ``publications.0.coauthors.1``.
    value : str
        The id named there.
    reason : str
        Why it is rejected, e.g. ``unknown institution 'tpu'``.
    """

    index: int
    record_id: str
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"field '{self.field}': {self.reason}"


def reference_problems(
    records: Sequence[CheckedRecord],
    *,
    institutions: KnownIds | None = None,
    profiles: KnownIds | None = None,
    calls: KnownIds | None = None,
) -> Iterator[ReferenceProblem]:
    """Every reference in ``records`` that breaks a rule, in the order of the rules.

    Parameters
    ----------
    records : sequence of Profile, Institution, Office or Call
        The batch: its records are known to each other. Kinds may be mixed.
    institutions : KnownIds, optional
        Institutions outside the batch. Without it and without an institution in the batch,
        institutions are free text: ``institution``, ``partner_institutions`` and
        ``agreements`` are not checked.
    profiles : KnownIds, optional
        Profiles outside the batch; without it, only the batch's profiles are known.
    calls : KnownIds, optional
        Calls outside the batch. Without it and without a call in the batch, an outcome's
        ``call_id`` is not checked.

    Yields
    ------
    ReferenceProblem
        Each problem; the lookups are asked (once each) before the first is yielded.
    """
    batch_institutions = _ids_of(records, Institution)
    # Without any known institution, an institution is free text.
    checks_institutions = institutions is not None or bool(batch_institutions)
    profile = _Target(
        "profile",
        _known(_named_profiles(records), _ids_of(records, Profile), profiles),
        _source(profiles),
    )
    batch_calls = {record.id for record in records if isinstance(record, Call)}
    if checks_institutions:
        institution = _Target(
            "institution",
            _known(_named_institutions(records), batch_institutions, institutions),
            _source(institutions),
        )
        yield from _agreement_problems(records, institution)
        yield from _profile_institution_problems(records, institution)
        yield from _office_partner_problems(records, institution)
    yield from _profile_link_problems(records, profile)
    call = None
    if calls is not None or batch_calls:
        named_calls = {r.call_id for r in records if isinstance(r, Outcome) and r.call_id}
        call = _Target("call", _known(named_calls, batch_calls, calls), _source(calls))
    yield from _outcome_problems(records, profile, call)


def first_reference_problem(
    records: Sequence[CheckedRecord],
    *,
    institutions: KnownIds | None = None,
    profiles: KnownIds | None = None,
    calls: KnownIds | None = None,
) -> ReferenceProblem | None:
    """The first problem :func:`reference_problems` finds, or ``None`` if every reference holds.

    Parameters
    ----------
    records, institutions, profiles, calls
        As for :func:`reference_problems`.

    Returns
    -------
    ReferenceProblem or None
    """
    problems = reference_problems(
        records, institutions=institutions, profiles=profiles, calls=calls
    )
    return next(problems, None)


# The checks below run over every reference of a whole dataset (millions for a large one):
# they test ids in plain loops and build strings only for a problem.


@dataclass(frozen=True)
class _Target:
    """The kind of record references point at, the ids known of it, and where they are."""

    kind: _Kind
    known: AbstractSet[str]
    source: str | None

    def unknown(self, value: str) -> str:
        where = f" (no {self.kind} with this id in {self.source})" if self.source else ""
        return f"unknown {self.kind} {value!r}{where}"


def _agreement_problems(
    records: Sequence[CheckedRecord], target: _Target
) -> Iterator[ReferenceProblem]:
    for index, record in enumerate(records):
        if not isinstance(record, Institution):
            continue
        for position, partner in enumerate(record.agreements):
            if partner == record.id:
                reason = f"an institution cannot sign an agreement with itself ({partner!r})"
            elif partner not in target.known:
                reason = target.unknown(partner)
            else:
                continue
            yield ReferenceProblem(index, record.id, f"agreements.{position}", partner, reason)


def _profile_institution_problems(
    records: Sequence[CheckedRecord], target: _Target
) -> Iterator[ReferenceProblem]:
    for index, record in enumerate(records):
        if not isinstance(record, Profile) or record.institution is None:
            continue
        if record.institution not in target.known:
            reason = target.unknown(record.institution)
            yield ReferenceProblem(index, record.id, "institution", record.institution, reason)


def _office_partner_problems(
    records: Sequence[CheckedRecord], target: _Target
) -> Iterator[ReferenceProblem]:
    for index, record in enumerate(records):
        if not isinstance(record, Office):
            continue
        for position, partner in enumerate(record.partner_institutions):
            if partner not in target.known:
                field = f"partner_institutions.{position}"
                yield ReferenceProblem(index, record.id, field, partner, target.unknown(partner))


def _profile_link_problems(
    records: Sequence[CheckedRecord], target: _Target
) -> Iterator[ReferenceProblem]:
    for index, record in enumerate(records):
        if not isinstance(record, Profile):
            continue
        for relation, field, others in _links(record):
            for position, other in enumerate(others):
                if other == record.id:
                    reason = f"a profile cannot be its own {relation} ({other!r})"
                elif other not in target.known:
                    reason = target.unknown(other)
                else:
                    continue
                yield ReferenceProblem(index, record.id, f"{field}.{position}", other, reason)


def _outcome_problems(
    records: Sequence[CheckedRecord], profiles: _Target, calls: _Target | None
) -> Iterator[ReferenceProblem]:
    for index, record in enumerate(records):
        if not isinstance(record, Outcome):
            continue
        for position, member in enumerate(record.members):
            if member not in profiles.known:
                reason = profiles.unknown(member)
                yield ReferenceProblem(index, record.id, f"members.{position}", member, reason)
        if calls is not None and record.call_id is not None and record.call_id not in calls.known:
            reason = calls.unknown(record.call_id)
            yield ReferenceProblem(index, record.id, "call_id", record.call_id, reason)


def _links(profile: Profile) -> Iterator[tuple[str, str, list[str]]]:
    """The profile ids a profile names: (relation, dotted field of the list, the ids)."""
    yield "collaborator", "collaborators", profile.collaborators
    yield "conflict", "conflicts", profile.conflicts
    for number, publication in enumerate(profile.publications):
        yield "coauthor", f"publications.{number}.coauthors", publication.coauthors


def _named_profiles(records: Sequence[CheckedRecord]) -> set[str]:
    named: set[str] = set()
    for record in records:
        if isinstance(record, Profile):
            for _, _, others in _links(record):
                named.update(others)
        elif isinstance(record, Outcome):
            named.update(record.members)
    return named


def _named_institutions(records: Sequence[CheckedRecord]) -> set[str]:
    named: set[str] = set()
    for record in records:
        if isinstance(record, Institution):
            named.update(record.agreements)
        elif isinstance(record, Office):
            named.update(record.partner_institutions)
        elif isinstance(record, Profile) and record.institution is not None:
            named.add(record.institution)
    return named


def _ids_of(records: Sequence[CheckedRecord], model: type[Institution | Profile]) -> set[str]:
    return {record.id for record in records if isinstance(record, model)}


def _known(named: set[str], batch: set[str], outside: KnownIds | None) -> AbstractSet[str]:
    """The batch's ids, plus those of ``named`` that ``outside`` holds (asked once)."""
    asked = frozenset(named - batch)
    if outside is None or not asked:
        return batch
    return batch | (asked & set(outside.lookup(asked)))


def _source(known: KnownIds | None) -> str | None:
    return None if known is None else known.source


def application_reference_problems(
    applications: Sequence[Application], *, profiles: KnownIds, calls: KnownIds
) -> Iterator[ReferenceProblem]:
    """Every id an application names that is not known, application by application.

    Per application, in this order: ``call_id``, ``lead``, each of ``team`` (the lead
    aside, reported once as ``lead``), each of ``conflicts``.

    Parameters
    ----------
    applications : sequence of Application
        The applications of a competition.
    profiles, calls : KnownIds
        The profiles and calls of the dataset the applications are checked against.

    Yields
    ------
    ReferenceProblem
        Each problem; the lookups are asked (once each) before the first is yielded.
    """
    named_profiles = {
        member
        for application in applications
        for member in (*application.team, *application.conflicts)
    }
    named_calls = {application.call_id for application in applications}
    profile = _Target("profile", _known(named_profiles, set(), profiles), _source(profiles))
    call = _Target("call", _known(named_calls, set(), calls), _source(calls))
    for index, application in enumerate(applications):
        record_id = application.id
        if application.call_id not in call.known:
            reason = call.unknown(application.call_id)
            yield ReferenceProblem(index, record_id, "call_id", application.call_id, reason)
        if application.lead not in profile.known:
            reason = profile.unknown(application.lead)
            yield ReferenceProblem(index, record_id, "lead", application.lead, reason)
        for field, ids in (("team", application.team), ("conflicts", application.conflicts)):
            for position, other in enumerate(ids):
                if other in profile.known or (field == "team" and other == application.lead):
                    continue
                reason = profile.unknown(other)
                yield ReferenceProblem(index, record_id, f"{field}.{position}", other, reason)


def review_reference_problems(
    reviews: Sequence[Review], *, applications: KnownIds, profiles: KnownIds
) -> Iterator[ReferenceProblem]:
    """Every review naming an unknown application or reviewer, review by review.

    Parameters
    ----------
    reviews : sequence of Review
        The reviews of a competition.
    applications : KnownIds
        The competition's applications.
    profiles : KnownIds
        The dataset's profiles (reviewers are profiles).

    Yields
    ------
    ReferenceProblem
        Each problem; ``record_id`` is ``application_id/reviewer_id``.
    """
    named_applications = {review.application_id for review in reviews}
    named_reviewers = {review.reviewer_id for review in reviews}
    application = _Target(
        "application",
        _known(named_applications, set(), applications),
        _source(applications),
    )
    profile = _Target("profile", _known(named_reviewers, set(), profiles), _source(profiles))
    for index, review in enumerate(reviews):
        record_id = f"{review.application_id}/{review.reviewer_id}"
        if review.application_id not in application.known:
            reason = application.unknown(review.application_id)
            yield ReferenceProblem(
                index, record_id, "application_id", review.application_id, reason
            )
        if review.reviewer_id not in profile.known:
            reason = profile.unknown(review.reviewer_id)
            yield ReferenceProblem(index, record_id, "reviewer_id", review.reviewer_id, reason)
