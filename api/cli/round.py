"""``grantmatch round``: score and staff a whole grant round (see :mod:`matcher.rounds`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
) -> None:
    """Score every call of a round and staff them all under the capacities.

    Writes scores.csv/.parquet, teams.csv/.parquet, summary.json and report.html to --out.
    Teams are solved without the coverage term (see README, Grant rounds), so --weight
    coverage is refused; the other --weight names are those of `grantmatch teams`.
    """
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from api.cli import render
    from matcher.extras import MissingExtraError
    from matcher.rounds import RoundConfig, run_round

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
            team_objective=team_objective(weight or [], coverage_weight=0.0),
            report=not no_report,
            eligible_only=eligible_only,
            scores_with_eligibility=with_eligibility,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    console = render.make_console(stderr=True)
    with Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, fraction: float) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(_STAGES.get(stage, stage), total=1.0)
            bars.update(tasks[stage], completed=fraction)

        try:
            summary = run_round(dataset, out, config, resume=resume, progress=progress)
        except MissingExtraError as error:
            raise UsageError(f"{error} (or pass --no-report)") from None
        except KeyboardInterrupt:
            bars.stop()
            console.print(f"interrupted; continue with: grantmatch round ... --out {out} --resume")
            raise
    if not quiet:
        console.print(
            f"{summary.staffed} of {summary.calls} calls staffed ({summary.staffing}); "
            f"objective {summary.objective:.3f}; "
            + (
                f"{summary.resumed_chunks} of {summary.chunks} chunks from checkpoints; "
                if resume
                else ""
            )
            + f"outputs in {out}"
        )


def register(app: typer.Typer) -> None:
    """Add ``round`` to ``app``."""
    app.command("round")(round_)
