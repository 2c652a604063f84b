"""``grantmatch round`` while it staffs: per-iteration log lines, a last line naming the
method, iterations, proven gap and bound, and Ctrl-C (a real SIGINT) that writes the best
round so far as a complete result which ``--resume`` finishes to the same bytes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.cli import main
from matcher import Dataset, load_demo
from matcher.io import write_jsonl
from matcher.rounds import RoundConfig

_SOLVE_COUNTS = re.compile(rb"per-call solves: \d+ restricted, \d+ answered from cache")
OUTPUTS = (
    "scores.csv",
    "scores.parquet",
    "teams.csv",
    "teams.parquet",
    "summary.json",
    "report.html",
)


@pytest.fixture(scope="module")
def contested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with one team per researcher and one introduction per office, as files: the
    calls compete, so the Lagrangian staffing needs several iterations."""
    demo = load_demo()
    folder = tmp_path_factory.mktemp("contested")
    data = Dataset(
        [p.model_copy(update={"capacity": 1}) for p in demo.profiles],
        demo.calls,
        demo.institutions,
        [o.model_copy(update={"capacity": 1}) if o.status == "open" else o for o in demo.offices],
    )
    for kind in ("profiles", "calls", "institutions", "offices"):
        write_jsonl(getattr(data, kind), folder / f"{kind}.jsonl")
    return folder


def _args(data: Path, out: Path, *extra: str) -> list[str]:
    return [
        "round",
        "--data",
        str(data),
        "--backend",
        "tfidf",
        "--staffing",
        "lagrangian",
        "--lagrangian-gap",
        "0.001",  # several iterations on this small round, to interrupt and resume
        "--out",
        str(out),
        *extra,
    ]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


def test_verbose_round_logs_every_iteration_and_names_how_far_staffing_got(
    contested: Path,
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GRANTMATCH_HOME", str(home))
    assert main(_args(contested, tmp_path, "--verbose", "--no-report")) == 0
    err = " ".join(capsys.readouterr().err.split())  # the console may wrap long lines
    summary = json.loads((tmp_path / "summary.json").read_text())
    iterations = summary["iterations"]
    assert summary["staffing"] == "lagrangian" and iterations >= 2
    for number in range(1, iterations + 1):
        assert f"iteration {number}/30" in err
    assert "bound" in err and "gap reached" in err
    last = (
        f"{summary['staffed']} of {summary['calls']} calls staffed "
        f"(lagrangian ({RoundConfig().lagrangian_method}), "
        f"{iterations} iteration(s), proven gap {100 * summary['gap']:.2f}%, "
        f"joint-objective bound {summary['bound']:.3f})"
    )
    assert last in err


def _command(data: Path, out: Path, *extra: str) -> list[str]:
    program = "import sys; from api.cli import main; sys.exit(main())"
    return [sys.executable, "-c", program, *_args(data, out, "-q", *extra)]


@pytest.mark.slow
def test_ctrl_c_while_staffing_writes_the_best_round_and_resume_finishes_it(
    contested: Path, home: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "GRANTMATCH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    whole = tmp_path / "whole"
    done = subprocess.run(_command(contested, whole), env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    iterations = json.loads((whole / "summary.json").read_text())["iterations"]
    assert iterations >= 2

    out = tmp_path / "interrupted"
    slow = {**env, "GRANTMATCH_ROUND_ITERATION_DELAY": "30"}
    process = subprocess.Popen(
        _command(contested, out),
        env=slow,
        stderr=subprocess.PIPE,
        text=True,
        # A child of a background job inherits an ignored SIGINT; Ctrl-C must reach it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    state = out / ".checkpoints" / "lagrangian.json"
    deadline = time.monotonic() + 240
    while not state.exists():  # the first iteration is done, the run sleeps after it
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "no staffing checkpoint appeared"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    message = " ".join(err.split())
    assert "--resume" in message and "Traceback" not in message
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["iterations"] == 1 < iterations
    assert summary["gap"] is not None and summary["bound"] is not None
    assert not (out / ".checkpoints" / "staffing.json").exists()

    resumed = subprocess.run(
        _command(contested, out, "--resume"), env=env, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    for name in OUTPUTS:
        mine, theirs = (out / name).read_bytes(), (whole / name).read_bytes()
        if name in ("summary.json", "report.html"):
            # The volume method's note counts this run's per-call solves (a resumed run's
            # differ; see tests/matcher/rounds/test_runner_progress.py); all else is equal.
            mine, theirs = _SOLVE_COUNTS.sub(b"", mine), _SOLVE_COUNTS.sub(b"", theirs)
        assert mine == theirs, name
    assert not list(out.glob(".*.tmp"))
