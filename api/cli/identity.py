"""``grantmatch resolve``: one identity per institution and person (see :mod:`matcher.identity`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import BundledOpt, ReferenceOpt, ReviewOpt, UsageError

_KINDS = ("calls", "institutions", "offices")


def resolve(
    folder: Annotated[
        Path,
        typer.Argument(
            help="A folder with profiles.jsonl and any of calls/institutions/offices.jsonl."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the merged files.")],
    review: ReviewOpt = None,
    reference: ReferenceOpt = None,
    bundled: BundledOpt = True,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Institution confidence to merge at.")
    ] = 0.9,
    person_threshold: Annotated[
        float, typer.Option("--person-threshold", help="Person confidence to merge at.")
    ] = 0.8,
) -> None:
    """Merge the institutions and people that are one (ORCID, name variants, acronyms,
    transliteration); write the merged files, a report and the pairs left for review."""
    import json

    from api.cli import render
    from matcher.identity import (
        bundled_universities,
        load_ror,
        remap_offices,
        resolve_identities,
    )
    from matcher.io import load_dataset, write_jsonl, write_text_atomic

    if not 0.0 < threshold <= 1.0 or not 0.0 < person_threshold <= 1.0:
        raise UsageError("--threshold and --person-threshold must be in (0, 1]")
    profiles_file, files = _input_files(folder)
    dataset = load_dataset(profiles_file, files["calls"], files["institutions"], files["offices"])
    entries = list(bundled_universities()) if bundled else []
    if reference is not None:
        entries.extend(load_ror(reference))
    profiles, institutions, report = resolve_identities(
        dataset.profiles,
        dataset.institutions,
        reference=entries,
        institution_threshold=threshold,
        institution_review_threshold=min(threshold, 0.75),
        person_threshold=person_threshold,
        person_review_threshold=min(person_threshold, 0.5),
    )
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(profiles, out / "profiles.jsonl")
    if files["institutions"] is not None:
        write_jsonl(institutions, out / "institutions.jsonl")
    if files["offices"] is not None:
        write_jsonl(remap_offices(dataset.offices, report), out / "offices.jsonl")
    if files["calls"] is not None:
        write_jsonl(dataset.calls, out / "calls.jsonl")
    write_text_atomic(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
        out / "identity_report.json",
    )
    review_path = review if review is not None else out / "review.csv"
    report.write_review(review_path)
    console = render.make_console()
    console.print(f"{report.summary()}")
    for note in report.notes:
        console.print(f"note: {note}")
    console.print(f"Wrote {out} (identity_report.json) and the review list {review_path}")


def _input_files(folder: Path) -> tuple[Path, dict[str, Path | None]]:
    """The profiles file, and each other kind's file when the folder has one."""
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    profiles = folder / "profiles.jsonl"
    if not profiles.exists():
        raise UsageError(f"{folder}: no profiles.jsonl")
    others = {kind: folder / f"{kind}.jsonl" for kind in _KINDS}
    return profiles, {kind: path if path.exists() else None for kind, path in others.items()}


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    app.command()(resolve)
