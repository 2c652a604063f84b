"""What every ``grantmatch`` command shares: the data options, and the load/fit preamble.

The heavy parts (the loaders, the engine, the embedding models) are imported inside the
functions that need them, so ``grantmatch --help`` and a mistyped option answer at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from matcher.errors import GrantmatchError

if TYPE_CHECKING:
    from matcher.dataset import Dataset
    from matcher.engine import Matcher
    from matcher.teams import TeamObjective

# The name of the default backend, kept literal here so that building the command line does
# not import the embedding backends (a test checks it equals embeddings.DEFAULT_BACKEND).
DEFAULT_BACKEND = "auto"

ProfilesOpt = Annotated[
    Path | None, typer.Option("--profiles", help="Profiles file (.jsonl, .csv or .parquet).")
]
CallsOpt = Annotated[Path | None, typer.Option("--calls", help="Calls file.")]
InstitutionsOpt = Annotated[
    Path | None, typer.Option("--institutions", help="Institutions file (agreements).")
]
OfficesOpt = Annotated[Path | None, typer.Option("--offices", help="Foreign offices file.")]
OutcomesOpt = Annotated[
    Path | None,
    typer.Option(
        "--outcomes",
        help="Recorded outcomes file (accepted introductions, applications, funded grants: "
        "routes and past teams).",
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="A folder with profiles/calls/institutions/offices/outcomes.jsonl; the options above "
        "override single files. Use 'demo' for the bundled demo data.",
    ),
]
BackendOpt = Annotated[
    str, typer.Option("--backend", help="Embedding backend (see `grantmatch backends`).")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]
SolverOpt = Annotated[
    str, typer.Option("--solver", help="exact (MILP, optimal) or fast (greedy + local search).")
]
SideOpt = Annotated[
    str | None,
    typer.Option(
        "--side",
        help="Point of view: the country routes start from (its offices, its institutions' "
        "agreements, past collaboration with its people), a code or a name (KZ, Kazakhstan); "
        "default: the most common home country of the offices.",
    ),
]
# Identity resolution (grantmatch resolve, grantmatch import).
ReviewOpt = Annotated[
    Path | None,
    typer.Option(
        "--review",
        help="CSV of the uncertain pairs, listed and not merged (default: OUT/review.csv).",
    ),
]
ReferenceOpt = Annotated[
    Path | None,
    typer.Option("--reference", help="A ROR data dump (schema v2, .json or .jsonl)."),
]
BundledOpt = Annotated[
    bool,
    typer.Option(
        "--bundled/--no-bundled", help="Resolve against the bundled world-universities list."
    ),
]


class UsageError(GrantmatchError):
    """Arguments that do not fit together (exit code 2)."""


@dataclass(frozen=True)
class DataFiles:
    """The input files of a command, as given by ``--data`` and the single-file options."""

    profiles: Path
    calls: Path
    institutions: Path | None = None
    offices: Path | None = None
    outcomes: Path | None = None

    @classmethod
    def from_options(
        cls,
        data: Path | None,
        profiles: Path | None,
        calls: Path | None,
        institutions: Path | None,
        offices: Path | None,
        outcomes: Path | None = None,
    ) -> DataFiles:
        """The files named by ``--data DIR`` (or ``--data demo``), overridden one by one.

        Raises
        ------
        UsageError
            ``--data`` is not a folder, or no profiles or calls file is named.
        """
        files: dict[str, Path | None] = dict.fromkeys(
            ("profiles", "calls", "institutions", "offices", "outcomes")
        )
        if data is not None:
            files.update(_folder_files(data, list(files)))
        given = {
            "profiles": profiles,
            "calls": calls,
            "institutions": institutions,
            "offices": offices,
            "outcomes": outcomes,
        }
        files.update({name: path for name, path in given.items() if path is not None})
        found_profiles, found_calls = files["profiles"], files["calls"]
        if found_profiles is None or found_calls is None:
            raise UsageError("give --profiles and --calls (or --data DIR, or --data demo)")
        return cls(
            found_profiles,
            found_calls,
            files["institutions"],
            files["offices"],
            files["outcomes"],
        )

    def load(self) -> Dataset:
        """Read and check the files (every error names its file, line and field)."""
        from matcher.io import load_dataset

        return load_dataset(
            self.profiles,
            self.calls,
            institutions=self.institutions,
            offices=self.offices,
            outcomes=self.outcomes,
        )


def _folder_files(data: Path, names: list[str]) -> dict[str, Path | None]:
    if str(data) == "demo":
        from matcher.datasets import demo_paths

        return dict(demo_paths())
    if not data.is_dir():
        raise UsageError(f"--data {data}: not a folder")
    return {name: path if (path := data / f"{name}.jsonl").exists() else None for name in names}


def load_data(
    data: Path | None,
    profiles: Path | None,
    calls: Path | None,
    institutions: Path | None,
    offices: Path | None,
    outcomes: Path | None = None,
) -> Dataset:
    """The dataset the data options name (see :meth:`DataFiles.from_options`)."""
    return DataFiles.from_options(data, profiles, calls, institutions, offices, outcomes).load()


def check_side(side: str | None) -> str | None:
    """The country code of a ``--side`` value (``None`` stays ``None``: the default side).

    Raises
    ------
    UsageError
        For a value that is not a country, with the closest known name.
    """
    from matcher.countries import normalize_country

    if side is None:
        return None
    try:
        return normalize_country(side)
    except ValueError as error:
        raise UsageError(f"--side {side!r}: {error}") from None


def fit_matcher(
    dataset: Dataset,
    backend: str,
    quiet: bool,
    team_objective: TeamObjective | None = None,
    side: str | None = None,
) -> Matcher:
    """A :class:`~matcher.engine.Matcher` fitted on ``dataset``, with the shared vector cache,
    answering from ``side`` (a country code, see :func:`check_side`; default: the engine's).

    Progress goes to stderr (a bar only on a terminal) unless ``quiet``.
    """
    from api.cli import render
    from embeddings import available_backends
    from matcher.engine import Matcher

    if backend not in available_backends():
        raise UsageError(
            f"--backend {backend!r}: unknown; choose one of {', '.join(available_backends())}"
        )
    console = render.make_console(stderr=True)
    if not quiet:
        console.print(
            f"[dim]Embedding {len(dataset.profiles)} profiles and {len(dataset.calls)} calls "
            f"with the '{backend}' backend…[/dim]"
        )
    matcher = Matcher(
        backend, team_objective=team_objective, show_progress=not quiet and console.is_terminal
    ).fit(dataset)
    if not quiet:
        console.print(f"[dim]Embedded with {matcher.encoder_.model_id}[/dim]")
    return matcher.from_side(side)


def split_ids(value: str) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``: the comma-separated ids of an option."""
    return [part.strip() for part in value.split(",") if part.strip()]


def check_ids(dataset: Dataset, queries: Sequence[tuple[str | None, str, Sequence[str]]]) -> None:
    """Reject unknown calls and profiles before the expensive embedding step.

    Parameters
    ----------
    dataset : Dataset
        The loaded data.
    queries : sequence of (query id or None, call id, profile ids)
        What a command is about to ask; the query id (if any) is named in the error.
    """
    for query_id, call_id, members in queries:
        where = f"query {query_id!r}: " if query_id is not None else ""
        try:
            dataset.call(call_id)
            for member in members:
                dataset.profile(member)
        except GrantmatchError as error:
            raise UsageError(f"{where}{error}") from None


def check_solver(name: str) -> None:
    """Fail on an unknown ``--solver`` before anything expensive runs."""
    from matcher.solvers import get_solver

    try:
        get_solver(name)
    except ValueError as error:
        raise UsageError(f"--solver: {error}") from None
