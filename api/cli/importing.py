"""``grantmatch import``: the files people have (OpenAlex, ORCID, CORDIS, spreadsheets)
into the interchange files every other command reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

SOURCES_HELP = (
    "openalex (works/authors JSON Lines, part_000.gz, API .json), orcid (public data file "
    ".xml/.tar.gz, API record .json), cordis (projects and organisations .csv), "
    "spreadsheet (.csv with , or ;, .xlsx)"
)


def import_(
    source: Annotated[str, typer.Argument(help=f"The source: {SOURCES_HELP}.")],
    files: Annotated[list[Path], typer.Argument(help="The files to import.", show_default=False)],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for profiles.jsonl, institutions.jsonl (and calls.jsonl); created if "
            "missing, files replaced atomically.",
        ),
    ],
    columns: Annotated[
        Path | None,
        typer.Option(
            "--columns",
            help='Spreadsheets: a JSON column map {"header": "field"} over the default one '
            "(see the README, Importing).",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Also write the counts (kept, merged, dropped, why) as JSON."
        ),
    ] = None,
) -> None:
    """Import files of an outside source into interchange files: kept, merged and dropped counts."""
    import json

    from matcher.importers import ImportOptions, get_importer, run_import, write_import
    from matcher.importers.columns import read_column_map
    from matcher.importers.pipeline import stale_files
    from matcher.io import write_text_atomic

    importer = get_importer(source)  # an unknown source fails before any file is read
    if columns is not None and importer.name != "spreadsheet":
        from api.cli.common import UsageError

        raise UsageError("--columns applies to the spreadsheet source only")
    options = ImportOptions(columns=read_column_map(columns) if columns is not None else None)
    result = run_import(importer.name, files, options)
    written = write_import(result, out)
    if report is not None:
        write_text_atomic(json.dumps(result.counts(), ensure_ascii=False, indent=2) + "\n", report)
    for line in result.summary_lines():
        typer.echo(line)
    typer.echo("wrote " + ", ".join(str(path) for path in written.values()))
    for path in stale_files(written, out):
        typer.echo(f"note: {path} is from before this import and was left as it is", err=True)


def register(app: typer.Typer) -> None:
    """Add this group's command to ``app``."""
    app.command("import")(import_)
