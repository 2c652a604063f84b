"""``grantmatch import``: the files people have (OpenAlex, ORCID, CORDIS, spreadsheets)
into the interchange files every other command reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import BundledOpt, ReferenceOpt, ReviewOpt

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
    resolve: Annotated[
        bool | None,
        typer.Option(
            "--resolve/--no-resolve",
            help="Merge the institutions and people that are one (see grantmatch resolve); "
            "--no-resolve merges exact duplicates only. Default: on, except for cordis "
            "(its organisation ids already identify each record).",
            show_default=False,
        ),
    ] = None,
    review: ReviewOpt = None,
    reference: ReferenceOpt = None,
    bundled: BundledOpt = True,
) -> None:
    """Import files of an outside source into interchange files: kept, merged and dropped counts."""
    import json

    from matcher.identity import load_ror
    from matcher.importers import (
        IdentityOptions,
        ImportOptions,
        get_importer,
        run_import,
        write_import,
    )
    from matcher.importers.columns import read_column_map
    from matcher.importers.pipeline import stale_files
    from matcher.io import write_text_atomic

    importer = get_importer(source)  # an unknown source fails before any file is read
    explicit = resolve is not None
    resolve = importer.resolves_by_default if resolve is None else resolve
    if columns is not None and importer.name != "spreadsheet":
        from api.cli.common import UsageError

        raise UsageError("--columns applies to the spreadsheet source only")
    if not resolve and (review is not None or reference is not None or not bundled):
        from api.cli.common import UsageError

        why = "" if explicit else f" (off by default for {importer.name}: add --resolve)"
        raise UsageError(f"--review, --reference and --no-bundled need identity resolution{why}")
    options = ImportOptions(columns=read_column_map(columns) if columns is not None else None)
    identity = IdentityOptions(
        resolve=resolve,
        bundled=bundled,
        reference=tuple(load_ror(reference)) if reference is not None else (),
    )
    result = run_import(importer.name, files, options, identity)
    written = write_import(result, out)
    wrote = [str(path) for path in written.values()]
    if result.identities.resolution is not None:
        review_path = review if review is not None else out / "review.csv"
        result.identities.resolution.write_review(review_path)
        wrote.append(f"{review_path} (pairs to review)")
    if report is not None:
        write_text_atomic(json.dumps(result.counts(), ensure_ascii=False, indent=2) + "\n", report)
    for line in result.summary_lines():
        typer.echo(line)
    typer.echo("wrote " + ", ".join(wrote))
    for path in stale_files(written, out):
        typer.echo(f"note: {path} is from before this import and was left as it is", err=True)


def register(app: typer.Typer) -> None:
    """Add this group's command to ``app``."""
    app.command("import")(import_)
