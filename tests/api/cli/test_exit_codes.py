"""Exit codes of ``grantmatch``: 0 ok, 2 bad input or usage, 130 interrupted, 1 anything else.

A batch script reads only the exit code, so each outcome is checked, in process and (for the
ones a process boundary can change) through the installed command.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest
import typer

from api.cli import main
from api.cli import ranking as ranking_commands

FIXTURES = Path(__file__).parents[2] / "fixtures"


def _grantmatch() -> list[str]:
    installed = shutil.which("grantmatch", path=str(Path(sys.executable).parent))
    return [installed] if installed else [sys.executable, "-m", "api.cli"]


def test_success_is_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--data", "demo"]) == 0
    assert "OK:" in capsys.readouterr().out


def test_bad_input_is_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    code = main(["validate", "--profiles", str(missing), "--calls", str(missing)])
    err = capsys.readouterr().err
    assert code == 2
    assert "nope.jsonl" in err
    assert "Traceback" not in err


def test_a_mistyped_option_is_2_and_names_the_closest_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["rank", "--data", "demo", "--only-matchs"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--only-matchs" in err
    assert "--only-matches" in err  # click's "Did you mean" suggestion
    assert "Traceback" not in err


def test_an_unknown_command_is_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rnak"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_typer_exit_code_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    def exit_3(*_args: object) -> NoReturn:
        raise typer.Exit(code=3)

    monkeypatch.setattr(ranking_commands, "load_data", exit_3)
    assert main(["rank", "--data", "demo"]) == 3


def test_keyboard_interrupt_is_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupt(*_args: object) -> NoReturn:
        raise KeyboardInterrupt

    monkeypatch.setattr(ranking_commands, "load_data", interrupt)
    assert main(["rank", "--data", "demo"]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_an_unexpected_error_is_1_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object) -> NoReturn:
        raise RuntimeError("something broke")

    monkeypatch.delenv("GRANTMATCH_DEBUG", raising=False)
    monkeypatch.setattr(ranking_commands, "load_data", broken)
    assert main(["rank", "--data", "demo"]) == 1
    err = capsys.readouterr().err
    assert "RuntimeError: something broke" in err
    assert "GRANTMATCH_DEBUG" in err
    assert "Traceback" not in err


def test_the_installed_command_exits_2_on_a_mistyped_option() -> None:
    result = subprocess.run(
        [*_grantmatch(), "rank", "--eligble-only"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "No such option" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) < 10


@pytest.mark.slow
def test_ctrl_c_on_the_installed_command_is_130(tmp_path: Path) -> None:
    """A real SIGINT while the demo data is being embedded (cache off, so it takes seconds)."""
    env = {**os.environ, "GRANTMATCH_CACHE": "off", "GRANTMATCH_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [*_grantmatch(), "rank", "--data", "demo", "--out", str(tmp_path / "scores.csv")],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        # A child of a background job inherits an ignored SIGINT; Ctrl-C must reach it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stderr is not None
    for line in process.stderr:
        if "Embedding" in line:
            break
    process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    assert process.wait(timeout=60) == 130
    assert "interrupted" in rest
    assert "Traceback" not in rest
    assert not (tmp_path / "scores.csv").exists()


def test_an_unknown_backend_is_2_before_anything_is_embedded(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rank", "--data", "demo", "--backend", "nope"]) == 2
    err = capsys.readouterr().err
    assert "--backend 'nope'" in err and "minilm" in err
    assert "Embedding" not in err
