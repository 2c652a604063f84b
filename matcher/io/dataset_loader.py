"""Loading a whole dataset: every file read, then the references between them checked."""

from __future__ import annotations

from typing import Any

from matcher.dataset import Dataset
from matcher.io.locations import Place
from matcher.io.readers import LoadedRecords, Record, garbage_collector_paused, read_records
from matcher.io.sources import PathArg
from matcher.model import Call, Institution, Office, Outcome, Profile
from matcher.references import KnownIds, first_reference_problem


def load_dataset(
    profiles: PathArg,
    calls: PathArg | None = None,
    institutions: PathArg | None = None,
    offices: PathArg | None = None,
    outcomes: PathArg | None = None,
) -> Dataset:
    """Read the given files and check the references between them.

    The references are checked by :mod:`matcher.references`: a profile's ``institution``,
    an office's ``partner_institutions`` and an institution's ``agreements`` must name
    institutions of the institutions file (only when one is given: without it an
    institution is a free-text id); a profile's ``collaborators``, ``conflicts`` and its
    publications' ``coauthors`` must name other profiles of the profiles file; an outcome's
    ``members`` must name profiles and its ``call_id`` a call of the calls file.

    Parameters
    ----------
    profiles : str or os.PathLike
        The profiles file.
    calls, institutions, offices, outcomes : str or os.PathLike, optional
        The other files; a kind left out is empty in the dataset.

    Returns
    -------
    Dataset
        All records, complete and consistent.

    Raises
    ------
    InputError
        For the first problem found, located by file, line (or row) and field.
    """
    loaded_profiles = read_records(profiles, Profile)
    loaded_calls = _read_optional(calls, Call)
    loaded_institutions = _read_optional(institutions, Institution)
    loaded_offices = _read_optional(offices, Office)
    loaded_outcomes = _read_optional(outcomes, Outcome)

    _check_references(loaded_profiles, loaded_institutions, loaded_offices)
    if loaded_outcomes is not None:
        _check_outcomes(loaded_outcomes, loaded_profiles, loaded_calls)

    return Dataset(
        profiles=loaded_profiles.records,
        calls=loaded_calls.records if loaded_calls else (),
        institutions=loaded_institutions.records if loaded_institutions else (),
        offices=loaded_offices.records if loaded_offices else (),
        outcomes=loaded_outcomes.records if loaded_outcomes else (),
    )


def _read_optional(path: PathArg | None, model: type[Record]) -> LoadedRecords[Record] | None:
    return None if path is None else read_records(path, model)


def _check_references(
    profiles: LoadedRecords[Profile],
    institutions: LoadedRecords[Institution] | None,
    offices: LoadedRecords[Office] | None,
) -> None:
    """Raise the first reference problem, located at its record's file and line."""
    files: list[LoadedRecords[Any]] = [
        f for f in (institutions, profiles, offices) if f is not None
    ]
    records = [record for file in files for record in file.records]
    places: list[Place] = [place for file in files for place in file.places]
    known_institutions = (
        KnownIds.among(institutions.positions, institutions.name) if institutions else None
    )
    with garbage_collector_paused():  # the check builds sets of every id named
        problem = first_reference_problem(
            records,
            institutions=known_institutions,
            profiles=KnownIds.among(profiles.positions, profiles.name),
        )
    if problem is not None:
        raise places[problem.index].error(problem.reason, problem.field)


def _check_outcomes(
    outcomes: LoadedRecords[Outcome],
    profiles: LoadedRecords[Profile],
    calls: LoadedRecords[Call] | None,
) -> None:
    """Raise the first unknown profile or call an outcome names, at its file and line."""
    known_calls = (
        KnownIds.among(calls.positions, calls.name)
        if calls
        else KnownIds.among((), "the calls (no calls file given)")
    )
    problem = first_reference_problem(
        outcomes.records,
        profiles=KnownIds.among(profiles.positions, profiles.name),
        calls=known_calls,
    )
    if problem is not None:
        raise outcomes.places[problem.index].error(problem.reason, problem.field)
