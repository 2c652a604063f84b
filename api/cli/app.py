"""The ``grantmatch`` command: the Typer app, its command groups and the exit codes.

Exit codes: 0 done; 2 bad input or usage (one line on stderr naming the file, line and field,
or the option); 130 interrupted (Ctrl-C); 1 anything else. Set ``GRANTMATCH_DEBUG=1`` to see
the traceback of an unexpected error.
"""

from __future__ import annotations

import os
import sys

import typer

from api.cli import competition, data, identity, importing, ranking, serve, teams
from api.cli import round as rounds
from matcher.errors import GrantmatchError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="grantmatch",
    help="Grant-call and research-team matchmaking: rank, explain, assemble teams, find partners.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ranking.register(app)
teams.register(app)
data.register(app)
rounds.register(app)
importing.register(app)
serve.register(app)
identity.register(app)
competition.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    # The model's weights load from the installed package; transformers' own loading bar
    # would only add noise to our output.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        # Standalone: Typer itself answers usage errors (one usage line and the closest
        # option, exit 2), Ctrl-C (130) and typer.Exit(code=N) (N) by raising SystemExit.
        app(args=argv, prog_name="grantmatch")
    except SystemExit as exit_:
        code = _exit_code(exit_.code)
        if code == EXIT_INTERRUPTED:
            print("interrupted", file=sys.stderr)
        return code
    except KeyboardInterrupt:  # outside Typer's own handling (while the app starts)
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (GrantmatchError, ValueError, OSError) as error:
        # Our located input errors, and library errors about arguments (an unknown backend,
        # an unwritable output path).
        _error_line(str(error))
        return EXIT_USAGE
    except Exception as error:
        if os.environ.get("GRANTMATCH_DEBUG"):
            raise
        _error_line(
            f"unexpected {type(error).__name__}: {error} (GRANTMATCH_DEBUG=1 shows the traceback)"
        )
        return EXIT_ERROR
    return EXIT_OK


def _exit_code(code: object) -> int:
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message") means: print it, exit 1
    return EXIT_ERROR


def _error_line(message: str) -> None:
    from rich.markup import escape

    from api.cli import render

    # Escaped: messages quote user input and name extras ("grantmatch[service]"), which
    # rich would otherwise read as markup and drop.
    render.make_console(stderr=True).print(
        f"[bold red]error:[/bold red] {escape(message)}", highlight=False
    )
