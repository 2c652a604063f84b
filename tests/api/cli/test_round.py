"""``grantmatch round``: a real run killed after a checkpoint resumes to the same bytes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

OUTPUTS = (
    "scores.csv",
    "scores.parquet",
    "teams.csv",
    "teams.parquet",
    "summary.json",
    "report.html",
)


def _command(out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from api.cli import main; sys.exit(main())",
        "round",
        "--data",
        "demo",
        "--backend",
        "tfidf",
        "--chunk-size",
        "20",
        "--out",
        str(out),
        "-q",
        *extra,
    ]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    return {**os.environ, "GRANTMATCH_HOME": str(home), "HF_HUB_OFFLINE": "1"}


@pytest.fixture(scope="module")
def uninterrupted(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whole")
    done = subprocess.run(_command(out), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_round_resumes_to_identical_outputs(
    sig: signal.Signals, env: dict[str, str], uninterrupted: Path, tmp_path: Path
) -> None:
    slow = {**env, "GRANTMATCH_ROUND_CHUNK_DELAY": "0.4"}
    process = subprocess.Popen(
        _command(tmp_path),
        env=slow,
        stderr=subprocess.PIPE,
        text=True,
        # A child of a background job inherits an ignored SIGINT; Ctrl-C must reach it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    checkpoints = tmp_path / ".checkpoints"
    deadline = time.monotonic() + 240
    while len(list(checkpoints.glob("chunk-*.npz"))) < 3:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.05)
    process.send_signal(sig)
    code = process.wait(timeout=60)
    assert code == (130 if sig == signal.SIGINT else -signal.SIGKILL)
    assert not (tmp_path / "summary.json").exists()  # nothing claims to be complete
    kept = {p.name: p.stat().st_mtime_ns for p in checkpoints.glob("chunk-*.npz")}
    assert 3 <= len(kept) < 19
    resumed = subprocess.run(
        _command(tmp_path, "--resume"), env=env, capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr
    # Finished chunks were read back, not recomputed.
    for name, mtime in kept.items():
        assert (checkpoints / name).stat().st_mtime_ns == mtime
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (uninterrupted / name).read_bytes(), name
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.slow
def test_resume_onto_other_inputs_is_one_clear_line(
    env: dict[str, str], uninterrupted: Path, tmp_path: Path
) -> None:
    out = tmp_path / "round"
    first = subprocess.run(_command(out), env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    other = _command(out, "--resume", "--top-k", "3")
    done = subprocess.run(other, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    # One message (the console may wrap it at its width), no traceback.
    message = " ".join(done.stderr.split())
    assert message.startswith("error:") and message.count("error:") == 1
    assert "cannot resume" in message and "config" in message and "Traceback" not in message


def test_bad_arguments_are_one_line(env: dict[str, str], tmp_path: Path) -> None:
    done = subprocess.run(
        [*_command(tmp_path), "--engine", "spark"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "engine" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (("--staffing-workers", "-1"), "staffing_workers"),
        (("--engine", "dask", "--staffing-workers", "3"), "Dask cluster"),
    ],
)
def test_bad_staffing_workers_are_one_line(
    env: dict[str, str], tmp_path: Path, extra: tuple[str, ...], named: str
) -> None:
    done = subprocess.run([*_command(tmp_path), *extra], env=env, capture_output=True, text=True)
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert named in message and "Traceback" not in message
