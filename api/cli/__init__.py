"""The ``grantmatch`` command line: one module per command group.

:mod:`api.cli.app` builds the Typer app and maps outcomes to exit codes;
:mod:`api.cli.common` holds the options and the load/fit preamble every command shares;
:mod:`api.cli.ranking` (rank, explain, partners, partners-abroad), :mod:`api.cli.teams`
(teams, whatif), :mod:`api.cli.data` (demo, validate, backends), :mod:`api.cli.round`,
:mod:`api.cli.serve` (serve, db), :mod:`api.cli.importing` (import) and
:mod:`api.cli.identity` (resolve) hold the commands;
:mod:`api.cli.render` and :mod:`api.cli.output` print tables and write the batch CSVs.
"""

from __future__ import annotations

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``grantmatch`` command; returns the exit code (see :mod:`api.cli.app`)."""
    # Imported here so that ``import api.cli.render`` does not build the whole app.
    from api.cli.app import main as run

    return run(argv)
