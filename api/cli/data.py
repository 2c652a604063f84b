"""The data and the tool itself: ``grantmatch validate``, ``demo`` and ``backends``."""

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
    load_data,
)


def validate(
    profiles: ProfilesOpt = None,
    calls: CallsOpt = None,
    institutions: InstitutionsOpt = None,
    offices: OfficesOpt = None,
    outcomes: OutcomesOpt = None,
    data: DataOpt = None,
) -> None:
    """Check input files (fields, types, references) without embedding anything."""
    from api.cli import render

    dataset = load_data(data, profiles, calls, institutions, offices, outcomes)
    render.make_console().print("OK: " + render.dataset_summary(dataset))


def demo(
    calls: Annotated[int, typer.Option("--calls", help="How many calls to show.")] = 3,
    backend: BackendOpt = DEFAULT_BACKEND,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="Write the bundled demo data files to this folder and stop."),
    ] = None,
) -> None:
    """Run the whole pipeline on the bundled demo data and print what it finds."""
    from api.cli import render
    from api.cli.demo import export_demo, run_demo

    if export is not None:
        export_demo(export)
        render.make_console().print(f"Wrote the demo data files to {export}")
        return
    run_demo(render.make_console(), backend=backend, n_calls=calls)


def backends() -> None:
    """List the embedding backends."""
    from embeddings import available_backends

    for name in available_backends():
        typer.echo(f"{name}{'  (default)' if name == DEFAULT_BACKEND else ''}")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command()(demo)
    app.command()(validate)
    app.command()(backends)
