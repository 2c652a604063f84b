"""A round's staffing progress (iterations, proven gap, time left) and Ctrl-C during it: the
best round so far is written as a complete result, and a resume ends byte-identical to an
uninterrupted run."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from matcher import Dataset
from matcher.rounds import ResumeError, RoundConfig, RoundSummary, run_round
from matcher.rounds.progress import StaffingProgress

OUTPUTS = (
    "scores.csv",
    "scores.parquet",
    "teams.csv",
    "teams.parquet",
    "summary.json",
    "report.html",
)


@pytest.fixture(scope="module")
def contested(demo: Dataset) -> Dataset:
    """The demo with one team per researcher and one introduction per office: the calls
    compete, so the Lagrangian staffing needs several iterations."""
    return Dataset(
        [p.model_copy(update={"capacity": 1}) for p in demo.profiles],
        demo.calls,
        demo.institutions,
        [o.model_copy(update={"capacity": 1}) if o.status == "open" else o for o in demo.offices],
    )


@pytest.fixture(scope="module")
def config(vector_cache: str) -> RoundConfig:
    return RoundConfig(
        backend="tfidf",
        cache_path=vector_cache,
        staffing="lagrangian",
        lagrangian_iterations=30,
        lagrangian_gap=0.001,  # several iterations on this small round, to interrupt and resume
    )


@pytest.fixture(scope="module")
def whole(
    contested: Dataset, config: RoundConfig, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, RoundSummary, list[tuple[str, float, StaffingProgress | None]]]:
    """An uninterrupted run, with every progress report it made."""
    out = tmp_path_factory.mktemp("whole")
    seen: list[tuple[str, float, StaffingProgress | None]] = []

    def progress(stage: str, fraction: float, detail: StaffingProgress | None = None) -> None:
        seen.append((stage, fraction, detail))

    summary = run_round(contested, out, config, progress=progress)
    return out, summary, seen


def _iterations(
    seen: list[tuple[str, float, StaffingProgress | None]],
) -> list[StaffingProgress]:
    return [d for stage, _, d in seen if stage == "staff" and d is not None]


def test_staffing_reports_iterations_gap_and_time_left(
    whole: tuple[Path, RoundSummary, list[tuple[str, float, StaffingProgress | None]]],
) -> None:
    out, summary, seen = whole
    details = _iterations(seen)
    running, final = details[:-1], details[-1]
    assert summary.iterations is not None and summary.iterations >= 3
    assert [d.iteration for d in running] == list(range(1, summary.iterations + 1))
    assert all(d.iterations == 30 for d in details)
    # The gap is proven against the best bound and best round so far: it never grows.
    gaps = [d.gap for d in running]
    assert gaps == sorted(gaps, reverse=True)
    assert all(d.seconds_left is not None and d.seconds_left >= 0 for d in running[:-1])
    assert "left" in running[0].describe() and "iteration 1/30" in running[0].describe()
    # It stopped before the planned 30 iterations: on the gap, and says so.
    assert final.stopped == "gap reached" and final.seconds_left is None
    assert final.iteration == summary.iterations and "gap reached" in final.describe()
    assert final.staffed == summary.staffed and final.gap == pytest.approx(summary.gap)
    fractions = [f for stage, f, _ in seen if stage == "staff"]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    saved = json.loads((out / "summary.json").read_text())
    assert saved["interrupted"] is False and saved["iterations"] == summary.iterations
    # Written rounded (8 decimals of the gap, 6 of the bound), so resumes compare equal.
    assert saved["gap"] == pytest.approx(summary.gap, abs=1e-8)
    assert saved["bound"] == pytest.approx(summary.bound, abs=1e-6)


def test_a_two_argument_progress_still_works(
    demo: Dataset, vector_cache: str, tmp_path: Path
) -> None:
    seen: list[tuple[str, float]] = []
    config = RoundConfig(backend="tfidf", cache_path=vector_cache, report=False)

    def progress(stage: str, fraction: float) -> None:
        seen.append((stage, fraction))

    run_round(demo, tmp_path, config, progress=progress)
    assert [stage for stage, f in seen if f == 1.0] == ["embed", "score", "staff", "write"]


class _CtrlC:
    """A progress callback that presses Ctrl-C once the staffing reported ``at`` iterations."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.pressed: StaffingProgress | None = None
        self.final: StaffingProgress | None = None

    def __call__(self, stage: str, fraction: float, detail: StaffingProgress | None = None) -> None:
        if detail is None:
            return
        if detail.stopped is not None:
            self.final = detail
        elif detail.iteration == self.at and self.pressed is None:
            self.pressed = detail
            raise KeyboardInterrupt


@dataclass
class _Interrupted:
    """A round interrupted at iteration 2 (its outputs then), and the same round resumed."""

    out: Path
    pressed: StaffingProgress
    final: StaffingProgress | None
    summary: RoundSummary
    files: dict[str, bytes]  # the outputs as the interrupted run left them
    resumed: RoundSummary
    resumed_from: int  # the first iteration the resumed run reported


@pytest.fixture(scope="module")
def interrupted(
    contested: Dataset, config: RoundConfig, tmp_path_factory: pytest.TempPathFactory
) -> _Interrupted:
    out = tmp_path_factory.mktemp("interrupted")
    ctrl_c = _CtrlC(at=2)
    summary = run_round(contested, out, config, progress=ctrl_c)
    assert ctrl_c.pressed is not None
    files = {name: (out / name).read_bytes() for name in OUTPUTS}
    later: list[int] = []

    def progress(stage: str, fraction: float, detail: StaffingProgress | None = None) -> None:
        if detail is not None and detail.stopped is None:
            later.append(detail.iteration)

    resumed = run_round(contested, out, config, resume=True, progress=progress)
    return _Interrupted(out, ctrl_c.pressed, ctrl_c.final, summary, files, resumed, later[0])


def test_ctrl_c_while_staffing_keeps_a_complete_round(
    interrupted: _Interrupted,
    whole: tuple[Path, RoundSummary, list[tuple[str, float, StaffingProgress | None]]],
) -> None:
    _, finished, _ = whole
    pressed, summary = interrupted.pressed, interrupted.summary
    assert finished.iterations is not None and finished.gap is not None
    assert pressed.iteration < finished.iterations  # it really stopped early
    assert pressed.gap > finished.gap  # and short of the final round
    # A complete result, marked interrupted, with the gap and bound proven at that point.
    assert summary.interrupted and summary.iterations == 2
    for name in OUTPUTS:
        assert interrupted.files[name], name
    saved = json.loads(interrupted.files["summary.json"])
    assert saved["interrupted"] is True and saved["iterations"] == 2
    assert saved["gap"] == pytest.approx(pressed.gap, abs=1e-8)
    assert saved["bound"] == pytest.approx(pressed.bound, abs=1e-6)
    assert saved["staffed"] == pressed.staffed > 0
    assert any("interrupted after 2 iteration" in note for note in saved["notes"])
    assert interrupted.final is not None and interrupted.final.stopped == "interrupted"
    rows = list(csv.DictReader(io.StringIO(interrupted.files["teams.csv"].decode())))
    assert len({row["call_id"] for row in rows}) == pressed.staffed
    # The round so far is feasible: no researcher in more teams than their capacity (1).
    members = [row["profile_id"] for row in rows]
    assert len(members) == len(set(members))
    page = interrupted.files["report.html"].decode()
    assert "interrupted" in page and "--resume" in page


#: The volume method's note counts this run's per-call solves, so a resumed run's differs;
#: the rest of summary.json and report.html must match to the byte.
_SOLVE_COUNTS = re.compile(rb"per-call solves: \d+ restricted, \d+ answered from cache")


def test_resume_continues_from_the_last_iteration_to_the_same_round(
    interrupted: _Interrupted,
    whole: tuple[Path, RoundSummary, list[tuple[str, float, StaffingProgress | None]]],
) -> None:
    uninterrupted, finished, _ = whole
    assert interrupted.resumed_from == 3  # after the last completed iteration, not afresh
    resumed = interrupted.resumed
    assert not resumed.interrupted and resumed.iterations == finished.iterations
    for name in OUTPUTS:
        mine, theirs = (interrupted.out / name).read_bytes(), (uninterrupted / name).read_bytes()
        if name in ("summary.json", "report.html"):
            mine, theirs = _SOLVE_COUNTS.sub(b"", mine), _SOLVE_COUNTS.sub(b"", theirs)
        assert mine == theirs, name


def test_resume_writes_the_same_summary_and_report_bytes(
    interrupted: _Interrupted,
    whole: tuple[Path, RoundSummary, list[tuple[str, float, StaffingProgress | None]]],
) -> None:
    uninterrupted, _, _ = whole
    for name in ("summary.json", "report.html"):
        assert (interrupted.out / name).read_bytes() == (uninterrupted / name).read_bytes(), name


def test_a_finished_staffing_is_read_back_on_resume(
    contested: Dataset,
    config: RoundConfig,
    whole: tuple[Path, RoundSummary, list[tuple[str, float, StaffingProgress | None]]],
    tmp_path: Path,
) -> None:
    uninterrupted, finished, _ = whole
    run_round(contested, tmp_path, config)
    seen: list[StaffingProgress] = []

    def progress(stage: str, fraction: float, detail: StaffingProgress | None = None) -> None:
        if detail is not None:
            seen.append(detail)

    again = run_round(contested, tmp_path, config, resume=True, progress=progress)
    assert seen == []  # no iteration ran again
    assert again.iterations == finished.iterations and again.bound == finished.bound
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (uninterrupted / name).read_bytes(), name


def test_a_damaged_staffing_checkpoint_is_refused_naming_the_file(
    contested: Dataset, config: RoundConfig, tmp_path: Path
) -> None:
    run_round(contested, tmp_path, config)
    (tmp_path / ".checkpoints" / "staffing.json").unlink()  # as after Ctrl-C
    state = tmp_path / ".checkpoints" / "lagrangian.json"
    saved = json.loads(state.read_text())
    saved["prices"][0] = "cheap"
    state.write_text(json.dumps(saved))
    with pytest.raises(ResumeError, match=r"lagrangian\.json.*prices"):
        run_round(contested, tmp_path, config, resume=True)


def test_staffing_progress_reads_as_one_line() -> None:
    running = StaffingProgress(3, 30, 0.0041, 246.0, 245.0, 10, seconds_left=12.4)
    assert running.describe() == "iteration 3/30, gap 0.41%, 10 staffed, ~12 s left"
    slow = StaffingProgress(3, 30, 0.5, 2.0, 1.0, 1, seconds_left=5400.0)
    assert slow.describe().endswith("~1.5 h left")
    done = StaffingProgress(4, 30, 0.0, 246.0, 246.0, 10, stopped="gap reached")
    assert done.describe() == "iteration 4/30, gap 0.00%, 10 staffed, gap reached"
    assert done.to_json()["stopped"] == "gap reached"


def test_a_looser_gap_stops_sooner_once_it_is_proven(
    contested: Dataset,
    config: RoundConfig,
    whole: tuple[Path, RoundSummary, list[tuple[str, float, StaffingProgress | None]]],
    tmp_path: Path,
) -> None:
    _, tight, _ = whole
    loose = replace(config, lagrangian_gap=0.5)
    summary = run_round(contested, tmp_path, loose)
    assert tight.iterations is not None and summary.iterations is not None
    assert summary.gap is not None and summary.gap <= 0.5
    assert summary.iterations < tight.iterations
