"""``grantmatch round``: score and staff a whole grant round (see :mod:`matcher.rounds`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import (
    DEFAULT_BACKEND,
    BackendOpt,
    CallsOpt,
    DataOpt,
    InstitutionsOpt,
    OfficesOpt,
    OutcomesOpt,
    ProfilesOpt,
    QuietOpt,
    UsageError,
    load_data,
)
from api.cli.teams import WeightOpt, team_objective

if TYPE_CHECKING:
    from rich.console import Console

    from matcher.rounds import RoundSummary

_STAGES = {
    "embed": "embedding texts",
    "score": "scoring chunks",
    "staff": "staffing calls",
    "write": "writing outputs",
}


def round_(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
    top_k: Annotated[int, typer.Option("--top-k", help="Profiles per call in scores.")] = 10,
    staffing: Annotated[
        str,
        typer.Option(
            "--staffing",
            help="joint (one MILP under the capacities; a Lagrangian decomposition with a "
            "measured gap when the MILP is too large), lagrangian, greedy (calls one by one), "
            "or independent (capacities ignored; a baseline).",
        ),
    ] = "joint",
    solver: Annotated[
        str, typer.Option("--solver", help="Per-call solver: exact or fast.")
    ] = "exact",
    engine: Annotated[str, typer.Option("--engine", help="local or dask.")] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (default: a LocalCluster)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="LocalCluster workers.")] = 2,
    staffing_workers: Annotated[
        int | None,
        typer.Option(
            "--staffing-workers",
            help="Processes solving the calls' team problems of the Lagrangian staffing in "
            "parallel (default: one per core; 1: in this process). With --engine dask they "
            "run on the cluster. The teams are the same whatever the count.",
        ),
    ] = None,
    chunk_size: Annotated[
        int | None, typer.Option("--chunk-size", help="Profiles per scoring chunk.")
    ] = None,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", help="Memory budget of one scoring chunk.")
    ] = 512,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds for the joint MILP.")
    ] = 300.0,
    lagrangian_iterations: Annotated[
        int,
        typer.Option("--lagrangian-iterations", help="Price updates of the Lagrangian staffing."),
    ] = 30,
    lagrangian_time_limit: Annotated[
        float | None,
        typer.Option(
            "--lagrangian-time-limit",
            help="Stop the Lagrangian iterations after this many seconds (default: none, so "
            "the teams do not depend on the machine's speed).",
        ),
    ] = None,
    lagrangian_gap: Annotated[
        float,
        typer.Option(
            "--lagrangian-gap",
            min=0.0,
            max=0.99,
            help="Stop the Lagrangian iterations once the proven gap is at most this.",
        ),
    ] = 0.02,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue from the checkpoints in --out.")
    ] = False,
    weight: WeightOpt = None,
    no_report: Annotated[
        bool,
        typer.Option(
            "--no-report",
            help="Write the tables and summary.json only, no report.html (which needs the "
            "'report' extra).",
        ),
    ] = False,
    with_eligibility: Annotated[
        bool,
        typer.Option(
            "--with-eligibility",
            help="scores gain the columns eligible,reachable,reason (as rank --with-eligibility).",
        ),
    ] = False,
    eligible_only: Annotated[
        bool,
        typer.Option(
            "--eligible-only",
            help="scores list per call the top-k profiles that may join its team only.",
        ),
    ] = False,
    backend: BackendOpt = DEFAULT_BACKEND,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Log a line per staffing iteration (bound, best round, proven gap, time left).",
        ),
    ] = False,
) -> None:
    """Score every call of a round and staff them all under the capacities.

    Writes scores.csv/.parquet, teams.csv/.parquet, summary.json and report.html to --out.
    Each call's team problem is the one `grantmatch teams` solves, coverage term included
    (see README, Grant rounds); --weight takes the names of `grantmatch teams`.

    Ctrl-C while the Lagrangian staffing iterates writes the best round found so far as a
    complete result (summary.json says "interrupted": true) and exits with 130; --resume
    continues it from its last iteration to the same outputs as an uninterrupted run.
    """
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from api.cli import render
    from matcher.extras import MissingExtraError
    from matcher.rounds import RoundConfig, run_round
    from matcher.rounds.progress import StaffingProgress

    if engine != "dask" and scheduler is not None:
        raise UsageError("--scheduler needs --engine dask")
    if solver not in ("exact", "fast"):
        raise UsageError(f"--solver {solver!r}: choose exact or fast")
    try:
        config = RoundConfig(
            backend=backend,
            top_k=top_k,
            staffing=staffing,  # type: ignore[arg-type]  # checked by RoundConfig
            solver=solver,
            engine=engine,  # type: ignore[arg-type]
            scheduler=scheduler,
            dask_workers=workers,
            staffing_workers=staffing_workers,
            chunk_size=chunk_size,
            memory_mb=memory_mb,
            time_limit=time_limit,
            lagrangian_iterations=lagrangian_iterations,
            lagrangian_time_limit=lagrangian_time_limit,
            lagrangian_gap=lagrangian_gap,
            team_objective=team_objective(weight or []),
            report=not no_report,
            eligible_only=eligible_only,
            scores_with_eligibility=with_eligibility,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    console = render.make_console(stderr=True)
    with (
        _log_lines(console, verbose),
        Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[detail]}"),
            console=console,
            disable=quiet,
        ) as bars,
    ):
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, fraction: float, detail: StaffingProgress | None = None) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(_STAGES.get(stage, stage), total=1.0, detail="")
            if detail is None:
                bars.update(tasks[stage], completed=fraction)
            else:
                bars.update(tasks[stage], completed=fraction, detail=detail.describe())

        try:
            summary = run_round(dataset, out, config, resume=resume, progress=progress)
        except MissingExtraError as error:
            raise UsageError(f"{error} (or pass --no-report)") from None
        except KeyboardInterrupt:
            bars.stop()
            console.print(f"interrupted; continue with: grantmatch round ... --out {out} --resume")
            raise
    line = _staffing_line(summary, config.lagrangian_method)
    if summary.interrupted:
        console.print(
            f"interrupted: the best round found so far ({line}) is written "
            f'to {out}, summary.json says "interrupted": true; '
            f"continue with: grantmatch round ... --out {out} --resume"
        )
        raise typer.Exit(code=130)
    if not quiet:
        console.print(
            line
            + "; "
            + (
                f"{summary.resumed_chunks} of {summary.chunks} chunks from checkpoints; "
                if resume
                else ""
            )
            + f"outputs in {out}"
        )


def _staffing_line(summary: RoundSummary, lagrangian_method: str) -> str:
    """Calls staffed, the method and how far it got, and the objective."""
    how = [summary.staffing]
    if summary.staffing == "lagrangian":  # asked for, or the joint MILP's fallback
        how = [f"lagrangian ({lagrangian_method})"]
    if summary.iterations is not None:
        how.append(f"{summary.iterations} iteration(s)")
    if summary.gap is not None:
        how.append(f"proven gap {100 * summary.gap:.2f}%")
    if summary.bound is not None:
        how.append(f"joint-objective bound {summary.bound:.3f}")
    return (
        f"{summary.staffed} of {summary.calls} calls staffed ({', '.join(how)}); "
        f"objective {summary.objective:.3f}"
    )


@contextmanager
def _log_lines(console: Console, verbose: bool) -> Iterator[None]:
    """With ``verbose``, the rounds' INFO log lines (one per staffing iteration) go to
    ``console``, above the progress bars, while the block runs."""
    if not verbose:
        yield
        return
    from rich.logging import RichHandler

    handler = RichHandler(console=console, show_path=False, show_level=False)
    logger = logging.getLogger("matcher.rounds")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def register(app: typer.Typer) -> None:
    """Add ``round`` to ``app``."""
    app.command("round")(round_)
