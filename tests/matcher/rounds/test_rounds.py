"""Grant rounds: batch scoring equals the scorer, pools equal the assembler's, capacities hold."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest

from embeddings import Calibration
from matcher import Dataset, Matcher
from matcher.evidence import EvidenceIndex
from matcher.model import Profile, Publication
from matcher.relevance import RelevanceScorer, RelevanceWeights
from matcher.rounds import ResumeError, RoundConfig, run_round
from matcher.rounds.pools import quantile_from_top, threshold_depth
from matcher.rounds.scoring import ProfileLayout, chunk_layout, score_chunk, top_per_row
from matcher.routes import RouteFinder
from matcher.teams import TeamAssembler, TeamObjective


def _unit(rng: np.random.Generator, n: int, dim: int = 32) -> np.ndarray:
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit


@pytest.mark.parametrize("top_k", [1, 3, 5])
def test_batch_scores_equal_the_relevance_scorer(top_k: int) -> None:
    rng = np.random.default_rng(top_k)
    profiles = [
        Profile(
            id=f"p{i}",
            name="x",
            keywords=["k"] if i % 3 else [],
            summary="s" if i % 2 else "",
            publications=[Publication(title=f"t{i}-{j}") for j in range(int(rng.integers(0, 14)))],
        )
        for i in range(300)
    ]
    index = EvidenceIndex.build(profiles, lambda texts: _unit(rng, len(texts)))
    calls = _unit(rng, 9)
    weights = RelevanceWeights(top_k=top_k)
    calibration = Calibration(unrelated=0.12, related=0.71)
    expected = RelevanceScorer(weights, calibration=calibration.apply).score_matrix(calls, index)
    layout = ProfileLayout.of(index)
    for cal in (calibration, calibration.apply):  # affine fast path and the generic path
        got = np.full_like(expected, np.nan)
        for start in range(0, 300, 77):
            chunk = chunk_layout(index, layout, np.arange(start, min(300, start + 77)), weights)
            got[:, chunk.order] = score_chunk(calls, chunk, weights, cal)
        np.testing.assert_allclose(got, expected, atol=2e-6)


@pytest.mark.parametrize("n", [640, 641, 1000, 4096])
@pytest.mark.parametrize("k", [1, 3, 10])
@pytest.mark.parametrize("levels", [3, 1_000_000])
def test_top_per_row_keeps_the_k_largest_values(n: int, k: int, levels: int) -> None:
    # Wide rows take the two-level (grouped) path; few levels make ties everywhere.
    rng = np.random.default_rng(n + k + levels)
    scores = rng.integers(0, levels, size=(40, n)).astype(np.float32)
    columns = rng.permutation(10 * n)[:n]
    index, values = top_per_row(scores, k, columns)
    assert index.shape == values.shape == (40, k)
    expected = -np.sort(-scores, axis=1)[:, :k]
    np.testing.assert_array_equal(-np.sort(-values, axis=1), expected)
    position = {c: i for i, c in enumerate(columns.tolist())}
    for row in range(40):  # each index is a distinct column holding its value
        cols = [position[c] for c in index[row].tolist()]
        assert len(set(cols)) == k
        np.testing.assert_array_equal(scores[row, cols], values[row])


@pytest.mark.parametrize("size", [1, 2, 7, 10, 11, 1000])
@pytest.mark.parametrize("q", [0.0, 0.5, 0.9, 1.0])
def test_threshold_from_the_top_values_is_the_pool_quantile(size: int, q: float) -> None:
    values = np.random.default_rng(size).random(size)
    top = np.sort(values)[::-1][: threshold_depth(size, q)]
    assert quantile_from_top(top, size, q) == pytest.approx(float(np.quantile(values, q)), abs=0)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def independent_round(
    demo: Dataset, vector_cache: str, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("independent")
    config = RoundConfig(
        backend="tfidf",
        cache_path=vector_cache,
        top_k=15,
        staffing="independent",
        chunk_size=50,
        team_objective=TeamObjective(coverage_weight=0.0),  # as the assembler below
    )
    run_round(demo, out, config)
    return out


def test_round_scores_equal_grantmatch_rank(independent_round: Path, demo_matcher: Matcher) -> None:
    rows = _rows(independent_round / "scores.csv")
    expected = list(demo_matcher.rank_all(15))
    assert len(rows) == len(expected)
    for row, ranked in zip(rows, expected, strict=True):
        assert row["call_id"] == ranked.call_id
        assert float(row["score"]) == pytest.approx(ranked.score, abs=2e-6)
        assert int(row["rank"]) == ranked.rank


def test_each_call_alone_gets_the_assemblers_team(
    independent_round: Path, demo: Dataset, demo_matcher: Matcher
) -> None:
    """Pools kept while scoring give the same team as a dense relevance row."""
    assembler = TeamAssembler(
        demo, RouteFinder(demo), TeamObjective(coverage_weight=0.0), coverage=None
    )
    members: dict[str, set[str]] = {}
    objectives: dict[str, float] = {}
    for row in _rows(independent_round / "teams.csv"):
        members.setdefault(row["call_id"], set()).add(row["profile_id"])
        objectives[row["call_id"]] = float(row["team_objective"])
    for call in demo.calls:
        result = assembler.assemble(call, demo_matcher.relevance_of(call.id), relax=False)
        if result.team is None:
            assert call.id not in members
            continue
        assert objectives[call.id] == pytest.approx(result.team.objective, abs=1e-4)
        assert members[call.id] == {m.profile_id for m in result.team.members}


def _capacity_check(out: Path, dataset: Dataset) -> dict[str, list[dict[str, str]]]:
    teams: dict[str, list[dict[str, str]]] = {}
    for row in _rows(out / "teams.csv"):
        teams.setdefault(row["call_id"], []).append(row)
    used: dict[str, int] = {}
    office_use: dict[str, int] = {}
    for call_id, rows in teams.items():
        rules = dataset.call(call_id).rules
        assert rules.min_team_size <= len(rows) <= rules.max_team_size
        assert sum(r["role"] == "lead" for r in rows) == 1
        for country, needed in rules.required_countries.items():
            assert sum(r["country"] == country for r in rows) >= needed
        for row in rows:
            used[row["profile_id"]] = used.get(row["profile_id"], 0) + 1
            if row["route_kind"] in ("office", "office_partner") and row["via"]:
                office_use[row["via"]] = office_use.get(row["via"], 0) + 1
    for profile_id, n in used.items():
        assert n <= dataset.profile(profile_id).capacity
    for office_id, n in office_use.items():
        capacity = dataset.office(office_id).capacity
        assert capacity is None or n <= capacity
    return teams


def test_joint_round_respects_capacities_and_writes_everything(
    demo: Dataset, vector_cache: str, tmp_path: Path
) -> None:
    tight = Dataset(
        [p.model_copy(update={"capacity": 1}) for p in demo.profiles],
        demo.calls,
        demo.institutions,
        [o.model_copy(update={"capacity": 3}) if o.status == "open" else o for o in demo.offices],
    )
    config = RoundConfig(backend="tfidf", cache_path=vector_cache, chunk_size=100)
    summary = run_round(tight, tmp_path, config)
    for name in summary.files.values():
        assert (tmp_path / name).stat().st_size > 0
    teams = _capacity_check(tmp_path, tight)
    assert summary.staffed == len(teams)
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved["staffed"] == summary.staffed
    assert set(saved["unstaffed"]) == {c.id for c in tight.calls} - set(teams)
    assert all(reasons for reasons in saved["unstaffed"].values())
    for office_id, (used, capacity) in saved["office_load"].items():
        assert capacity is None or used <= capacity, office_id
    _check_report(tmp_path / "report.html", tight, set(saved["unstaffed"]))


def _check_report(path: Path, dataset: Dataset, unstaffed: set[str]) -> None:
    """The report is one self-contained page whose plots a browser can draw.

    (Checked by hand in headless Chromium too, see benchmarks/RESULTS.md; a browser is not
    a test dependency.) Every inline SVG must be well-formed XML with drawing in it, the
    page must load nothing from elsewhere, and every call without a team must be listed.
    """
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)
    assert len(svgs) == 4
    for svg in svgs:
        root = ElementTree.fromstring(svg)
        assert root.tag.endswith("svg") and root.get("viewBox")
        drawn = [e for e in root.iter() if e.tag.split("}")[-1] in ("path", "rect", "use")]
        assert len(drawn) > 10
    assert not re.search(r"""(src|href)=["']https?://""", page)
    for call_id in unstaffed:
        assert f"<td>{call_id}</td>" in page
    assert len(unstaffed) < len(dataset.calls)


def test_resume_refuses_other_inputs(demo: Dataset, vector_cache: str, tmp_path: Path) -> None:
    config = RoundConfig(backend="tfidf", cache_path=vector_cache, chunk_size=100)
    run_round(demo, tmp_path, config)
    fewer = Dataset(demo.profiles[:-1], demo.calls, demo.institutions, demo.offices)
    with pytest.raises(ResumeError, match="inputs"):
        run_round(fewer, tmp_path, config, resume=True)
    with pytest.raises(ResumeError, match="config"):
        run_round(
            demo, tmp_path, RoundConfig(backend="tfidf", chunk_size=100, top_k=3), resume=True
        )


def test_lagrangian_round_is_reproducible_and_keeps_capacities(
    demo: Dataset, vector_cache: str, tmp_path: Path
) -> None:
    # Iteration-bound (no time limit): two runs write the same teams, as a resume must.
    tight = Dataset(
        [p.model_copy(update={"capacity": 1}) for p in demo.profiles],
        demo.calls,
        demo.institutions,
        [o.model_copy(update={"capacity": 2}) if o.status == "open" else o for o in demo.offices],
    )
    config = RoundConfig(
        backend="tfidf", cache_path=vector_cache, staffing="lagrangian", lagrangian_iterations=8
    )
    first = run_round(tight, tmp_path / "a", config)
    second = run_round(tight, tmp_path / "b", config)
    assert second.gap == first.gap and second.objective == first.objective
    assert first.staffing == "lagrangian" and first.gap is not None and first.gap >= 0
    for name in ("teams.csv", "summary.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    _capacity_check(tmp_path / "a", tight)


@pytest.mark.model
@pytest.mark.slow
def test_a_round_honours_the_per_language_pair_backend(
    demo: Dataset, vector_cache: str, tmp_path: Path
) -> None:
    """``minilm+use`` vectors (blocks whose dot product is the calibrated per-pair similarity)
    go through the chunked scorer unchanged: the round equals the matcher."""
    config = RoundConfig(
        backend="minilm+use", cache_path=vector_cache, top_k=5, staffing="independent"
    )
    run_round(demo, tmp_path, config)
    matcher = Matcher("minilm+use", cache_path=Path(vector_cache), team_objective=None).fit(demo)
    rows = _rows(tmp_path / "scores.csv")
    expected = list(matcher.rank_all(5))
    assert [(r["call_id"], r["profile_id"]) for r in rows] == [
        (e.call_id, e.profile_id) for e in expected
    ]
    for row, ranked in zip(rows, expected, strict=True):
        assert float(row["score"]) == pytest.approx(ranked.score, abs=2e-5)
