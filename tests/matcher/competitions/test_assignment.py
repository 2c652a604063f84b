"""``assign``: a competition's reviewers end to end, through the public interface."""

from __future__ import annotations

import pytest

from matcher import Matcher
from matcher.competitions import assign, find_conflicts
from matcher.dataset import Dataset
from matcher.io import load_dataset
from matcher.model import Application, ReviewSettings
from tests.conftest import FIXTURES, KeywordEncoder

SMALL = FIXTURES / "small"
TOPICS = ["methane coal", "soil water", "health food", "energy learning", "coal energy"]


def _dataset(experts: bool = True, **review: object) -> Dataset:
    dataset = load_dataset(
        SMALL / "profiles.jsonl",
        SMALL / "calls.jsonl",
        SMALL / "institutions.jsonl",
        SMALL / "offices.jsonl",
    )
    calls = [
        call.model_copy(update={"review": ReviewSettings.model_validate(review)})
        for call in dataset.calls
    ]
    profiles = [p.model_copy(update={"expert": experts}) for p in dataset.profiles]
    return dataset.replace(calls=calls, profiles=profiles)


def _applications(dataset: Dataset) -> list[Application]:
    call = dataset.calls[0].id
    ids = [p.id for p in dataset.profiles]
    return [
        Application(
            id=f"app-{i}",
            call_id=call,
            title=topic,
            team=[ids[i], ids[i + 7]],
            lead=ids[i],
            conflicts=[ids[i + 14]],
        )
        for i, topic in enumerate(TOPICS)
    ]


def _fit(dataset: Dataset) -> Matcher:
    return Matcher(KeywordEncoder(), cache_path=None).fit(dataset)


@pytest.mark.parametrize("solver", ["auto", "exact", "fast", "minmax", "fairflow", "random"])
def test_every_rule_holds_on_the_assignment(solver: str) -> None:
    dataset = _dataset(reviewers_per_application=3, max_load=2, min_load=0, one_per_country=True)
    applications = _applications(dataset)
    result = assign(_fit(dataset), applications, solver=solver, seed=3)
    assert result.infeasible == []
    reviewers = [p.id for p in dataset.profiles]
    conflicts = find_conflicts(dataset, applications, reviewers)
    for application_id, chosen in result.pairs.items():
        assert len(chosen) == 3
        for reviewer in chosen:
            assert conflicts.reasons(reviewer, application_id) == []
        countries = [dataset.profile(r).country for r in chosen]
        assert len(set(countries)) == 3
    assert max(result.loads.values()) <= 2
    assert sum(result.loads.values()) == 3 * len(applications)
    assert result.total == pytest.approx(sum(result.expertise.values()), abs=1e-4)
    rows = result.to_rows()
    assert len(rows) == 15 and set(rows[0]) == {
        "application_id",
        "reviewer_id",
        "rank",
        "expertise",
    }


def test_exact_is_best_in_total_and_fair_best_in_the_worst_case() -> None:
    dataset = _dataset(reviewers_per_application=2, max_load=1)
    matcher = _fit(dataset)
    applications = _applications(dataset)
    runs = {s: assign(matcher, applications, solver=s) for s in ("exact", "minmax", "greedy")}
    assert runs["exact"].optimal and runs["minmax"].optimal
    assert runs["exact"].total >= runs["minmax"].total - 1e-6
    assert runs["exact"].total >= runs["greedy"].total - 1e-6
    assert runs["minmax"].minimum >= runs["exact"].minimum - 1e-6


def test_the_fair_objective_picks_the_fair_solver() -> None:
    dataset = _dataset(reviewers_per_application=2, objective="fair")
    result = assign(_fit(dataset), _applications(dataset))
    assert result.solver == "minmax"


def test_an_application_without_enough_reviewers_is_named_with_the_reason() -> None:
    dataset = _dataset(reviewers_per_application=2)
    applications = _applications(dataset)
    pool = [p.id for p in dataset.profiles if p.id not in applications[0].team][:3]
    blocked = Application(
        id="app-blocked",
        call_id=dataset.calls[0].id,
        title="methane",
        team=[dataset.profiles[0].id],
        lead=dataset.profiles[0].id,
        conflicts=pool[:2],
    )
    result = assign(_fit(dataset), [blocked], solver="exact", reviewer_ids=pool)
    assert result.infeasible_applications == ["app-blocked"]
    assert result.infeasible[0].startswith("app-blocked: only 1 conflict-free reviewers")
    assert "declared" in result.infeasible[0]
    assert len(result.pairs["app-blocked"]) == 1  # the best partial answer
    assert not result.complete


def test_an_empty_expert_pool_is_explained() -> None:
    dataset = _dataset(experts=False)
    result = assign(_fit(dataset), _applications(dataset))
    assert any("no profile is marked expert" in message for message in result.infeasible)
    assert all(not reviewers for reviewers in result.pairs.values())


def test_bad_requests_are_clear_errors() -> None:
    dataset = _dataset()
    matcher = _fit(dataset)
    with pytest.raises(ValueError, match="unknown assignment solver"):
        assign(matcher, _applications(dataset), solver="best")
    with pytest.raises(ValueError, match="no applications"):
        assign(matcher, [])
