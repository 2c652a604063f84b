"""The learned partner model on a small synthetic history with a planted pattern.

Forty organisations work every year on two topics, "methane" and "coal", each in a fixed
group of five (the two groupings differ). Every organisation has as much work, as many
joint works and the same text on both topics, so relevance and raw collaboration counts
cannot tell who joins a methane team; *on which topic* the candidate worked with the team
can. Calls are new methane (or coal) projects of one group, with one member held out.
"""

from __future__ import annotations

import numpy as np
import pytest

from matcher import LearnedOptions, Matcher, PartnerWeights
from matcher.dataset import Dataset
from matcher.evidence import EvidenceIndex
from matcher.model import Call, CallRules, Profile, Publication
from matcher.partner_model import (
    AUTO_CANDIDATES,
    AUTO_FALLBACK,
    FEATURE_GROUPS,
    FEATURES,
    VALIDATION_SHARE,
    FeatureBuilder,
    PairwiseLogistic,
    TeamHistory,
    _validation_split,
    fit_partner_model,
    training_works,
)
from tests.conftest import KeywordEncoder

N = 40
GROUP = 5
YEARS = range(2010, 2020)
TOPICS = ("methane", "coal")


def _groups(topic: str) -> list[list[int]]:
    """Groups of five: consecutive for methane, a fixed shuffle for coal."""
    order = list(range(N)) if topic == "methane" else [(7 * i + 3) % N for i in range(N)]
    return [order[g : g + GROUP] for g in range(0, N, GROUP)]


def _history(years: range = YEARS, seed: int = 0) -> list[tuple[str, int, list[int]]]:
    """(topic, year, members) of every past work: each group, each year, four of five."""
    rng = np.random.default_rng(seed)
    works = []
    for year in years:
        for topic in TOPICS:
            for group in _groups(topic):
                left_out = int(rng.integers(GROUP))
                works.append((topic, year, [m for i, m in enumerate(group) if i != left_out]))
    return works


def _dataset(
    history: list[tuple[str, int, list[int]]], calls: list[tuple[str, list[int], int]]
) -> Dataset:
    ids = [f"o{i:02d}" for i in range(N)]
    publications: dict[int, list[Publication]] = {i: [] for i in range(N)}
    for number, (topic, year, members) in enumerate(history):
        for member in members:
            publications[member].append(
                Publication(
                    title=f"{topic} project {number}",
                    abstract=f"Work on {topic}.",
                    year=year,
                    coauthors=[ids[m] for m in members if m != member],
                )
            )
    profiles = [
        Profile(id=ids[i], name=f"Org {i}", kind="organization", publications=publications[i])
        for i in range(N)
    ]
    rules = CallRules(member_kinds=["organization"], min_team_size=1, max_team_size=20)
    call_list = [
        Call(
            id=f"call-{n}",
            title=f"New {topic} project",
            description=f"{topic} {topic}",
            rules=rules,
        )
        for n, (topic, _team, _hidden) in enumerate(calls)
    ]
    return Dataset(profiles=profiles, calls=call_list)


def _queries() -> list[tuple[str, list[int], int]]:
    """One query per group and topic: three members as the team, a fourth hidden."""
    queries = []
    for topic in TOPICS:
        for group in _groups(topic):
            queries.append((topic, group[:3], group[3]))
    return queries


def _hits(matcher: Matcher, queries: list[tuple[str, list[int], int]], k: int) -> float:
    hits = 0
    for n, (_topic, team, hidden) in enumerate(queries):
        ranked = matcher.partners(f"call-{n}", [f"o{m:02d}" for m in team], k=k)
        hits += f"o{hidden:02d}" in {s.profile_id for s in ranked}
    return hits / len(queries)


@pytest.fixture(scope="module")
def planted() -> tuple[Dataset, list[tuple[str, list[int], int]]]:
    queries = _queries()
    return _dataset(_history(), queries), queries


LEARNED = PartnerWeights(model="learned")


def _fit(dataset: Dataset, partner: PartnerWeights = LEARNED) -> Matcher:
    return Matcher(KeywordEncoder(), cache_path=None, partner_weights=partner).fit(dataset)


def test_the_learned_model_recovers_the_planted_pattern_and_beats_the_linear_score(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
) -> None:
    dataset, queries = planted
    learned = _fit(dataset)
    assert learned.partner_model().kind == "learned"
    # Joint works alone cannot tell the groups apart (every organisation has as many with
    # both groupings); the linear score's topic term and the learned model can.
    counts_only = learned.with_partner_weights(PartnerWeights(model="linear", topic_weight=0))
    linear = learned.with_partner_weights(PartnerWeights(model="linear"))
    learned_hits = _hits(learned, queries, k=2)
    # Two group members are left out of a team of three: both should come first.
    assert learned_hits >= 0.9
    assert learned_hits > _hits(counts_only, queries, k=2) + 0.3
    assert _hits(linear, queries, k=2) >= 0.9


def test_the_same_seed_gives_the_same_ranking(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
) -> None:
    dataset = planted[0]
    first = _fit(dataset).partners("call-0", ["o00", "o01", "o02"], k=0)
    second = _fit(dataset).partners("call-0", ["o00", "o01", "o02"], k=0)
    assert [(s.profile_id, s.score) for s in first] == [(s.profile_id, s.score) for s in second]
    assert [(r.group, r.contribution, r.text) for r in first[0].reasons] == [
        (r.group, r.contribution, r.text) for r in second[0].reasons
    ]
    assert first[0].reasons


def test_explanations_name_real_features(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
) -> None:
    dataset = planted[0]
    matcher = _fit(dataset)
    suggestions = matcher.partners("call-0", ["o00", "o01", "o02"], k=5)
    assert suggestions[0].model == "learned" and suggestions[0].note == ""
    assert suggestions[0].reasons, "the best suggestion says what carried it"
    for suggestion in suggestions:
        assert len(suggestion.reasons) <= 3
        contributions = [r.contribution for r in suggestion.reasons]
        assert contributions == sorted(contributions, reverse=True)
        for reason in suggestion.reasons:
            assert reason.group in FEATURE_GROUPS
            assert {name for name, _ in reason.values} == set(FEATURE_GROUPS[reason.group])
            assert reason.contribution > 0 and reason.text
    # What carried the planted pattern: joint works with the team on this topic.
    assert "topic_joint" in {r.group for r in suggestions[0].reasons}


def test_too_little_history_falls_back_to_the_linear_score_and_says_so() -> None:
    queries = _queries()[:1]
    dataset = _dataset(_history(years=range(2018, 2019)), queries)  # 16 past teams
    matcher = _fit(dataset)
    info = matcher.partner_model()
    assert info.kind == "linear" and info.history_teams == 16
    assert "too little history" in info.reason and "fewer than 50" in info.reason
    suggestions = matcher.partners("call-0", ["o00", "o01", "o02"], k=3)
    assert all(s.model == "linear" and s.note == info.reason for s in suggestions)
    assert {r.group for s in suggestions for r in s.reasons} <= {
        "relevance",
        "collaboration",
        "topic_collaboration",
        "need",
    }
    # With a threshold the history meets, the same data is learned from.
    lower = matcher.with_partner_weights(
        PartnerWeights(model="learned", learned=LearnedOptions(min_history_teams=10))
    )
    assert lower.partner_model().kind == "learned"
    # And the linear score when asked for, without a fallback note.
    linear = matcher.with_partner_weights(PartnerWeights(model="linear"))
    assert linear.partner_model().kind == "linear"
    assert all(s.note == "" for s in linear.partners("call-0", ["o00", "o01", "o02"], k=3))


def _index(dataset: Dataset) -> EvidenceIndex:
    encoder = KeywordEncoder()
    return EvidenceIndex.build(dataset.profiles, encoder.encode)


def test_the_splitter_never_trains_on_evaluated_or_later_teams() -> None:
    dataset = _dataset(_history(years=range(2010, 2016)), _queries()[:1])
    history = TeamHistory(dataset, _index(dataset))
    works = training_works(history, LearnedOptions(before_year=2014, min_team_size=3))
    assert len(works) and set(history.years[works].tolist()) <= {2010, 2011, 2012, 2013}
    capped = training_works(history, LearnedOptions(max_training_teams=7, seed=3))
    assert len(capped) == 7
    assert (
        capped.tolist()
        == training_works(history, LearnedOptions(max_training_teams=7, seed=3)).tolist()
    )
    for work in works:
        visible = history.visible(int(work))
        assert not visible[work], "an example never sees its own team"
        assert (history.years[visible] <= history.years[work]).all(), "nor a later one"
        strict = history.visible(int(work), same_year=False)
        assert (history.years[strict] < history.years[work]).all()


def test_features_of_an_example_ignore_its_own_team_and_the_future() -> None:
    # o00..o03 worked together on methane every year; a 2019 work adds o39 to them.
    history_rows = [("methane", 2015, [0, 1, 2, 3]), ("methane", 2016, [0, 1, 2, 3])]
    history_rows.append(("methane", 2019, [0, 1, 2, 39]))
    dataset = _dataset(history_rows, _queries()[:1])
    history = TeamHistory(dataset, _index(dataset))
    builder = FeatureBuilder(dataset, _index(dataset), history, lambda x: np.asarray(x, np.float32))
    joint = FEATURES.index("joint_works")
    members = FEATURES.index("members_worked_with")
    as_of_2016 = history.visible(1)
    features = builder.features(history.vectors[1], [0, 1, 2], as_of_2016)
    assert features[3, members] == 3  # the 2015 work, with each of the three members
    # Counts are per unit of history: one work of three visible reads as three.
    assert features[3, joint] == 3 * 3
    assert features[39, members] == 0 and features[39, joint] == 0  # 2019 is its future
    everything = builder.features(history.vectors[1], [0, 1, 2])
    assert everything[39, joint] == 3 and everything[3, joint] == 6


def test_the_learned_model_is_the_default_where_the_history_suffices(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
) -> None:
    dataset = planted[0]
    assert PartnerWeights().model == "learned"
    matcher = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)
    info = matcher.partner_model()
    assert info.kind == "learned" and info.reason == "" and info.estimator == "logistic C=1"
    suggestions = matcher.partners("call-0", ["o00", "o01", "o02"], k=3)
    assert all(s.model == "learned" and s.note == "" for s in suggestions)
    # Each suggestion names the two or three feature groups that carried it, with values.
    assert all(1 <= len(s.reasons) <= 3 for s in suggestions)
    assert {r.group for s in suggestions for r in s.reasons} <= set(FEATURE_GROUPS)
    # The linear score stays available, explained by its own terms and without a note.
    linear = matcher.with_partner_weights(PartnerWeights(model="linear"))
    assert linear.partner_model().kind == "linear"
    ranked = linear.partners("call-0", ["o00", "o01", "o02"], k=3)
    assert all(s.model == "linear" and s.note == "" and s.reasons for s in ranked)
    assert {r.group for s in ranked for r in s.reasons} <= {
        "relevance",
        "collaboration",
        "topic_collaboration",
        "need",
    }


def test_the_default_falls_back_to_the_linear_score_on_a_thin_history_and_says_so() -> None:
    dataset = _dataset(_history(years=range(2018, 2019)), _queries()[:1])  # 16 past teams
    matcher = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)
    info = matcher.partner_model()
    assert info.kind == "linear" and "too little history" in info.reason
    suggestions = matcher.partners("call-0", ["o00", "o01", "o02"], k=3)
    assert suggestions and all(s.model == "linear" and s.note == info.reason for s in suggestions)
    expected = matcher.with_partner_weights(PartnerWeights(model="linear"))
    assert [(s.profile_id, s.score) for s in suggestions] == [
        (s.profile_id, s.score) for s in expected.partners("call-0", ["o00", "o01", "o02"], k=3)
    ]


def test_unknown_feature_groups_are_refused(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
) -> None:
    dataset = planted[0]
    matcher = _fit(dataset, PartnerWeights(model="linear"))
    with pytest.raises(ValueError, match="unknown feature groups"):
        fit_partner_model(
            dataset,
            matcher.index_,
            matcher.encoder_.calibrate,
            LearnedOptions(exclude_groups=("nope",)),
        )


def test_auto_chooses_the_estimator_on_the_latest_past_teams(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
) -> None:
    dataset = planted[0]
    auto = PartnerWeights(model="learned", learned=LearnedOptions(estimator="auto"))
    info = _fit(dataset, auto).partner_model()
    labels = [label for label, _ in info.validation]
    assert labels == [c.label for c in AUTO_CANDIDATES]
    best = max(mrr for _, mrr in info.validation)
    assert info.estimator == next(label for label, mrr in info.validation if mrr == best)
    assert all(0.0 < mrr <= 1.0 for _, mrr in info.validation)
    # Every candidate can also be asked for by name, without a validation split.
    for candidate in AUTO_CANDIDATES:
        options = LearnedOptions(estimator=candidate.kind, regularisation=candidate.regularisation)
        chosen = _fit(dataset, PartnerWeights(model="learned", learned=options)).partner_model()
        assert chosen.kind == "learned" and chosen.estimator == candidate.label
        assert chosen.validation == ()


def test_the_validation_split_holds_out_the_latest_teams_only() -> None:
    dataset = _dataset(_history(), _queries()[:1])  # 160 past teams
    index = _index(dataset)
    history = TeamHistory(dataset, index)
    builder = FeatureBuilder(dataset, index, history, lambda x: np.asarray(x, np.float32))
    options = LearnedOptions(min_team_size=3)
    works = training_works(history, options)
    split = _validation_split(history, builder, works, options, np.random.default_rng(0))
    assert split is not None
    held_out = set(split.works.tolist())
    assert len(held_out) == int(VALIDATION_SHARE * len(works))
    kept = [int(w) for w in works if int(w) not in held_out]
    # No team used to fit the candidates is later than a held-out one.
    assert max(history.years[kept]) <= min(history.years[list(held_out)])
    assert all(
        block.shape[0] == len(w) for block, w in zip(split.blocks, split.weights, strict=True)
    )
    # Too few teams to hold some out: "auto" takes the fallback estimator, and says none
    # was compared.
    few = works[:40]
    assert _validation_split(history, builder, few, options, np.random.default_rng(0)) is None


def test_auto_without_a_validation_split_takes_the_fallback_estimator(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
) -> None:
    dataset = planted[0]
    # 60 training teams: a quarter (15) is too few to validate on.
    options = LearnedOptions(estimator="auto", max_training_teams=60, min_history_teams=50)
    info = _fit(dataset, PartnerWeights(model="learned", learned=options)).partner_model()
    assert info.kind == "learned"
    assert info.estimator == AUTO_FALLBACK.label and info.validation == ()


def test_unknown_estimators_are_refused(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
) -> None:
    dataset = planted[0]
    matcher = _fit(dataset, PartnerWeights(model="linear"))
    with pytest.raises(ValueError, match="unknown partner estimator 'forest'"):
        fit_partner_model(
            dataset,
            matcher.index_,
            matcher.encoder_.calibrate,
            LearnedOptions(estimator="forest"),
        )


def test_query_normalised_features_are_relative_to_the_calls_candidates() -> None:
    # o00..o03 worked together twice on methane; o04 once with o00.
    rows = [("methane", 2015, [0, 1, 2, 3]), ("methane", 2016, [0, 1, 2, 3])]
    rows.append(("methane", 2016, [0, 4]))
    dataset = _dataset(rows, _queries()[:1])
    index = _index(dataset)
    builder = FeatureBuilder(
        dataset, index, TeamHistory(dataset, index), lambda x: np.asarray(x, np.float32)
    )
    features = builder.features(builder.history.vectors[0], [0, 1, 2])
    joint = features[:, FEATURES.index("joint_works")]
    relative = features[:, FEATURES.index("joint_rel")]
    # The strongest candidate (not a team member, whose own ties are larger) reads 1.
    assert relative[3] == 1.0 and relative[4] == pytest.approx(joint[4] / joint[3])
    assert joint[0] > joint[3]  # a member's count is larger, yet does not set the scale
    z = features[:, FEATURES.index("text_max_z")]
    active = [p for p in range(3, N) if not np.isnan(features[p, FEATURES.index("text_max")])]
    assert abs(float(np.mean(z[active]))) < 1e-9  # z-scores over the candidates with work


def test_the_pairwise_ranker_orders_by_the_feature_that_separates_joiners() -> None:
    rng = np.random.default_rng(0)
    rows, labels, groups = [], [], []
    for group in range(60):
        x = rng.normal(size=(11, 3))
        x[0, 1] += 3.0  # the joiner stands out on the second feature only
        rows.append(x)
        labels.append(np.r_[1.0, np.zeros(10)])
        groups.append(np.full(11, group))
    ranker = PairwiseLogistic(C=1.0).fit(
        np.vstack(rows), np.concatenate(labels), np.concatenate(groups), np.ones(660)
    )
    assert int(np.argmax(np.abs(ranker.coef_))) == 1 and ranker.coef_[1] > 0
    fresh = rng.normal(size=(11, 3))
    fresh[0, 1] += 3.0
    assert int(np.argmax(ranker.decision_function(fresh))) == 0


def test_the_learned_model_is_fitted_on_first_use_only(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fitting it takes seconds to minutes, and ranking, teams and rounds never use it."""
    import matcher.engine as engine_module

    fits: list[int] = []
    real = engine_module.fit_partner_model  # type: ignore[attr-defined]

    def counted(*args: object, **kwargs: object) -> object:
        fits.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module, "fit_partner_model", counted)
    matcher = Matcher(KeywordEncoder(), cache_path=None).fit(planted[0])
    matcher.rank("call-0", k=3)
    matcher.team("call-0", solver="fast")
    assert fits == []
    first = matcher.partners("call-0", ["o00", "o01", "o02"], k=3)
    assert fits == [1] and all(s.model == "learned" for s in first)
    again = matcher.partners("call-0", ["o00", "o01", "o02"], k=3)
    assert [(s.profile_id, s.score) for s in again] == [(s.profile_id, s.score) for s in first]
    assert matcher.partner_model().kind == "learned" and fits == [1]


def test_lexical_features_read_the_words_a_call_shares_with_past_work() -> None:
    # o03 worked on methane, o05 on coal; o10 has no past work at all.
    rows = [("methane", 2015, [0, 1, 2]), ("methane", 2016, [3, 4]), ("coal", 2016, [5, 6])]
    dataset = _dataset(rows, _queries()[:1])
    index = _index(dataset)
    builder = FeatureBuilder(
        dataset, index, TeamHistory(dataset, index), lambda x: np.asarray(x, np.float32)
    )
    lexical = FEATURES.index("lexical_mean")
    vector = builder.history.vectors[0]
    features = builder.features(vector, [0, 1], text="Methane leaks from wells")
    assert features[3, lexical] > features[5, lexical]
    assert np.isfinite(features[5, lexical]) and np.isnan(features[10, lexical])
    # Without the call's text the lexical features are missing, not zero.
    assert np.isnan(builder.features(vector, [0, 1])[:, lexical]).all()


def test_a_team_member_without_past_work_changes_no_learned_score(
    planted: tuple[Dataset, list[tuple[str, list[int], int]]],
) -> None:
    # The model reads a team as its training examples' teams: the members with past work.
    dataset = planted[0]
    newcomer = Profile(id="new", name="New org", kind="organization")
    matcher = _fit(Dataset(profiles=[*dataset.profiles, newcomer], calls=dataset.calls))
    assert matcher.partner_model().kind == "learned"
    team = ["o00", "o01", "o02"]
    alone = matcher.partners("call-0", team, k=0)
    joined = matcher.partners("call-0", [*team, "new"], k=0)
    assert [(s.profile_id, s.score) for s in joined] == [
        (s.profile_id, s.score) for s in alone if s.profile_id != "new"
    ]
