"""Shared by the importer tests: the fixtures and a way to import in-memory files."""

from __future__ import annotations

from pathlib import Path

from matcher.importers import (
    IdentityOptions,
    ImportFile,
    ImportOptions,
    ImportResult,
    run_import,
)
from tests.conftest import FIXTURES

IMPORTERS = FIXTURES / "importers"


def imported(
    source: str,
    *files: Path | tuple[str, bytes | str],
    identity: IdentityOptions | None = None,
    **options: object,
) -> ImportResult:
    """``run_import`` over fixture paths and (name, content) pairs (``identity``: how
    identities are resolved; by default as ``grantmatch import`` does)."""
    inputs: list[ImportFile | Path] = []
    for item in files:
        if isinstance(item, tuple):
            name, content = item
            data = content.encode("utf-8") if isinstance(content, str) else content
            inputs.append(ImportFile(name, data))
        else:
            inputs.append(item)
    return run_import(source, inputs, ImportOptions(**options), identity)  # type: ignore[arg-type]
