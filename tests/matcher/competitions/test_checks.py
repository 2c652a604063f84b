"""Eligibility checks of submitted teams: every rule named, none invented, the smallest fix."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Matcher
from matcher.competitions import (
    ROW_COLUMNS,
    ApplicationCheck,
    check_application,
    check_competition,
    rule_failures,
)
from matcher.dataset import Dataset
from matcher.errors import UnknownIdError
from matcher.model import (
    Application,
    Call,
    CallRules,
    Institution,
    Office,
    Profile,
    Publication,
)
from matcher.routes import RouteFinder
from matcher.teams import ineligibility, may_lead
from tests.conftest import KeywordEncoder

COUNTRIES = ["RU", "CN", "KZ"]
STAGES = ["doctoral", "early", "mid", "senior"]


def _researcher(
    pid: str,
    country: str | None,
    institution: str | None,
    stage: str | None,
    *,
    kind: str = "researcher",
    conflicts: tuple[str, ...] = (),
    capacity: int = 1,
    topic: str = "methane coal",
) -> Profile:
    return Profile.model_validate(
        {
            "id": pid,
            "name": pid.upper(),
            "kind": kind,
            "country": country,
            "institution": institution,
            "career_stage": stage,
            "conflicts": list(conflicts),
            "capacity": capacity,
            "publications": [Publication(title=f"{topic} study by {pid}")],
        }
    )


PROFILES = [
    _researcher("ru1", "RU", "ru-a", "senior"),
    _researcher("ru2", "RU", "ru-a", "mid"),
    _researcher("ru3", "RU", "ru-a", "early"),
    _researcher("ru4", "RU", "ru-b", "doctoral", conflicts=("ru5",)),
    _researcher("ru5", "RU", "ru-b", "senior"),
    _researcher("ru6", "RU", None, "early", capacity=0),
    _researcher("org1", "RU", "ru-a", None, kind="organization"),
    _researcher("cn1", "CN", "cn-a", "senior"),
    _researcher("cn2", "CN", "cn-b", "early", topic="soil water"),
    _researcher("kz1", "KZ", "kz-a", "senior"),
    _researcher("by1", "BY", None, "mid"),
]
INSTITUTIONS = [
    Institution(id="ru-a", name="RU A", country="RU", consortia=["REC"]),
    Institution(id="ru-b", name="RU B", country="RU"),
    Institution(id="cn-a", name="CN A", country="CN"),
    Institution(id="cn-b", name="CN B", country="CN"),
    Institution(id="kz-a", name="KZ A", country="KZ", consortia=["REC"]),
]
OFFICES = [
    Office(
        id="o-cn",
        name="Office in China",
        operator="REC",
        home_country="RU",
        country="CN",
        partner_institutions=["cn-a"],
    ),
    Office(
        id="o-kz",
        name="Office in Kazakhstan",
        operator="REC",
        home_country="RU",
        country="KZ",
        status="negotiating",
    ),
]
CALL = Call(
    id="call",
    title="Methane and coal",
    keywords=["methane", "coal"],
    rules=CallRules(
        min_team_size=3,
        max_team_size=5,
        required_countries={"RU": 1, "CN": 1},
        eligible_countries=["RU", "CN"],
        max_per_institution=2,
        lead_countries=["RU"],
        lead_career_stages=["senior", "mid"],
        min_career_stage_counts={"early": 1},
    ),
)
OPEN_CALL = Call(
    id="open",
    title="Anything on soil",
    keywords=["soil"],
    rules=CallRules(min_team_size=1, max_team_size=3, member_kinds=["researcher", "organization"]),
)
REC_CALL = Call(
    id="rec",
    title="Consortium call",
    rules=CallRules(min_team_size=1, max_team_size=4, eligible_consortia=["REC"]),
)
DATASET = Dataset(
    profiles=PROFILES,
    calls=[CALL, OPEN_CALL, REC_CALL],
    institutions=INSTITUTIONS,
    offices=OFFICES,
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(KeywordEncoder(), cache_path=None).fit(DATASET)


def _app(
    team: list[str], lead: str | None = None, call: str = "call", aid: str = "a"
) -> Application:
    return Application(id=aid, call_id=call, title="T", team=team, lead=lead or team[0])


def _rules(check: ApplicationCheck) -> set[str]:
    return set(check.rules)


# -- hand-made applications: each rule failure found, none invented ----------------------------


def test_an_eligible_team_passes_with_no_fix(matcher: Matcher) -> None:
    check = check_application(matcher, _app(["ru1", "ru3", "cn1"]))

    assert check.ok
    assert check.failures == [] and check.fixes == [] and check.fixable is None


@pytest.mark.parametrize(
    ("team", "lead", "expected"),
    [
        (["ru1", "cn1"], "ru1", {"min_team_size", "min_career_stage_counts:early"}),
        (
            ["ru1", "ru3", "ru4", "ru5", "cn1", "cn2"],
            "ru1",
            {"max_team_size", "declared_conflicts"},
        ),
        (["ru1", "ru3", "ru5"], "ru1", {"required_countries:CN"}),
        (["ru1", "ru3", "cn1", "kz1"], "ru1", {"eligible_countries", "unreachable"}),
        (["ru1", "ru2", "ru3", "cn1"], "ru1", {"max_per_institution"}),
        (["cn1", "ru3", "ru1"], "cn1", {"lead_countries"}),
        (["ru3", "ru1", "cn1"], "ru3", {"lead_career_stages"}),
        (["ru1", "ru2", "cn1"], "ru1", {"min_career_stage_counts:early"}),
        (["ru1", "ru3", "cn1", "org1"], "ru1", {"member_kinds", "max_per_institution"}),
        (["ru1", "ru6", "cn1"], "ru1", {"capacity"}),
        (["ru1", "ru3", "cn1", "ghost"], "ru1", {"unknown_member"}),
        (["ru1", "ru3", "cn1", "by1"], "ru1", {"eligible_countries", "unreachable"}),
        (["ru5", "ru4", "ru3", "cn1"], "ru5", {"declared_conflicts"}),
    ],
)
def test_each_broken_rule_is_named_and_no_other(
    matcher: Matcher, team: list[str], lead: str, expected: set[str]
) -> None:
    check = check_application(matcher, _app(team, lead), fixes=False)

    assert _rules(check) == expected
    assert all(failure.message for failure in check.failures)


def test_failures_name_the_members_concerned_and_why(matcher: Matcher) -> None:
    check = check_application(matcher, _app(["ru1", "ru2", "ru3", "cn1", "kz1"]), fixes=False)
    by_rule = {failure.rule: failure for failure in check.failures}

    assert by_rule["max_per_institution"].members == ["ru1", "ru2", "ru3"]
    assert "at most 2" in by_rule["max_per_institution"].message
    assert by_rule["eligible_countries"].members == ["kz1"]
    assert "country KZ" in by_rule["eligible_countries"].message
    assert by_rule["unreachable"].members == ["kz1"]
    assert "o-kz" in by_rule["unreachable"].message  # the negotiating office is named


def test_the_conflict_names_both_members_and_who_declares(matcher: Matcher) -> None:
    check = check_application(matcher, _app(["ru5", "ru4", "ru3", "cn1"]), fixes=False)
    (failure,) = check.failures

    assert failure.members == ["ru4", "ru5"]
    assert "RU4 (ru4) declares a conflict" in failure.message


def test_consortia_and_kinds_on_calls_that_set_them(matcher: Matcher) -> None:
    outside = check_application(matcher, _app(["ru1", "ru5"], call="rec"), fixes=False)
    kinds = check_application(matcher, _app(["org1", "ru1"], call="open"), fixes=False)

    assert _rules(outside) == {"eligible_consortia"}
    assert outside.failures[0].members == ["ru5"]
    assert kinds.ok


def test_an_unknown_call_is_an_unknown_id(matcher: Matcher) -> None:
    with pytest.raises(UnknownIdError):
        check_application(matcher, _app(["ru1"], call="nope"))


# -- the smallest fix ---------------------------------------------------------------------------


def test_a_missing_country_is_fixed_by_adding_one_member_of_it(matcher: Matcher) -> None:
    check = check_application(matcher, _app(["ru1", "ru3", "ru5"]))

    assert check.fixable is True
    assert check.fixed_team == ["ru1", "ru3", "ru5", "cn1"]  # cn2 is less relevant
    assert check.fixed_lead == "ru1"
    assert check.fixes == [
        "add one CN member, e.g. CN1 (cn1) (CN, senior-career, reachable via Office in "
        "China (partner institution: CN A))"
    ]


def test_an_ineligible_member_is_swapped_for_an_eligible_one(matcher: Matcher) -> None:
    check = check_application(matcher, _app(["ru1", "ru3", "kz1"]))

    assert check.fixed_team is not None and "kz1" not in check.fixed_team
    assert len(check.fixes) == 1 and check.fixes[0].startswith("swap KZ1 (kz1) for CN")


def test_a_lead_who_may_not_lead_is_replaced_by_a_member(matcher: Matcher) -> None:
    check = check_application(matcher, _app(["ru3", "ru1", "cn1"], lead="ru3"))

    assert check.fixes == ["make RU1 (ru1) the lead"]
    assert check.fixed_team == ["ru3", "ru1", "cn1"]


def test_a_team_no_change_can_fix_names_a_relaxation() -> None:
    # Nobody early-career is eligible and reachable: no change of members helps.
    call = CALL.model_copy(
        update={
            "id": "strict",
            "rules": CALL.rules.model_copy(update={"min_career_stage_counts": {"doctoral": 2}}),
        }
    )
    dataset = Dataset(profiles=PROFILES, calls=[call], institutions=INSTITUTIONS, offices=OFFICES)
    fitted = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)

    check = check_application(fitted, _app(["ru1", "ru4", "cn1"], call="strict"))

    assert check.fixable is False and check.fixed_team is None
    assert _rules(check) == {"min_career_stage_counts:doctoral"}
    assert "require 1 instead of 2 doctoral-career member(s)" in check.fixes[0]


def _eligible_pool(call: Call, routes: RouteFinder) -> list[Profile]:
    return [
        p
        for p in PROFILES
        if ineligibility(call, p, DATASET) is None and routes.route(p) is not None
    ]


def _brute_force_smallest(
    call: Call, application: Application, routes: RouteFinder
) -> tuple[int, int] | None:
    """Fewest (removals, additions) over every team of the pool that passes the rules."""
    pool = _eligible_pool(call, routes)
    listed = set(application.team)
    best: tuple[int, int] | None = None
    for size in range(call.rules.min_team_size, call.rules.max_team_size + 1):
        for members in itertools.combinations(pool, size):
            ids = [p.id for p in members]
            for lead in ids:
                candidate = Application(id="x", call_id=call.id, title="T", team=ids, lead=lead)
                if rule_failures(call, candidate, DATASET, routes):
                    continue
                cost = (len(listed - set(ids)), len(set(ids) - listed))
                best = cost if best is None or cost < best else best
    return best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from([p.id for p in PROFILES] + ["ghost"]), min_size=1, max_size=6, unique=True
    ),
    st.data(),
)
def test_the_fix_is_as_small_as_brute_force_finds(
    matcher: Matcher, team: list[str], data: st.DataObject
) -> None:
    lead = data.draw(st.sampled_from(team))
    application = _app(team, lead)
    check = check_application(matcher, application)

    smallest = _brute_force_smallest(CALL, application, matcher.routes_)
    if check.ok:
        assert smallest == (0, 0)
        return
    assert check.fixable is (smallest is not None)
    if smallest is None:
        return
    assert check.fixed_team is not None and check.fixed_lead is not None
    fixed = _app(check.fixed_team, check.fixed_lead)
    assert rule_failures(CALL, fixed, DATASET, matcher.routes_) == []
    listed = set(team)
    assert (len(listed - set(check.fixed_team)), len(set(check.fixed_team) - listed)) == smallest


# -- the solver's teams pass; random teams match a brute-force reimplementation ------------------


def _brute_force_rules(
    call: Call, team: list[str], lead: str, dataset: Dataset, routes: RouteFinder
) -> dict[str, set[str]]:
    """Every broken rule and its members, written apart from the module under test."""
    rules = call.rules
    known = [dataset.profile(m) for m in team if dataset.has_profile(m)]
    broken: dict[str, set[str]] = {}

    def add(rule: str, members: list[str]) -> None:
        broken.setdefault(rule, set()).update(members)

    if len(known) < len(team):
        add("unknown_member", [m for m in team if not dataset.has_profile(m)])
    if len(team) < rules.min_team_size:
        add("min_team_size", [])
    if len(team) > rules.max_team_size:
        add("max_team_size", team)
    for p in known:
        if p.kind not in rules.member_kinds:
            add("member_kinds", [p.id])
        if rules.eligible_countries is not None and p.country not in rules.eligible_countries:
            add("eligible_countries", [p.id])
        if rules.eligible_consortia is not None:
            inst = dataset.institution(p.institution) if p.institution else None
            if inst is None or not set(inst.consortia) & set(rules.eligible_consortia):
                add("eligible_consortia", [p.id])
        if p.capacity < 1:
            add("capacity", [p.id])
        if routes.route(p) is None:
            add("unreachable", [p.id])
    countries = Counter(p.country for p in known)
    for country, needed in rules.required_countries.items():
        if countries[country] < needed:
            add(f"required_countries:{country}", [p.id for p in known if p.country == country])
    stages = Counter(p.career_stage for p in known)
    for stage, needed in rules.min_career_stage_counts.items():
        if stages[stage] < needed:
            add(
                f"min_career_stage_counts:{stage}", [p.id for p in known if p.career_stage == stage]
            )
    if rules.max_per_institution is not None:
        institutions = Counter(p.institution for p in known if p.institution)
        for crowded, count in institutions.items():
            if count > rules.max_per_institution:
                add("max_per_institution", [p.id for p in known if p.institution == crowded])
    if dataset.has_profile(lead):
        head = dataset.profile(lead)
        if rules.lead_countries is not None and head.country not in rules.lead_countries:
            add("lead_countries", [lead])
        if (
            rules.lead_career_stages is not None
            and head.career_stage not in rules.lead_career_stages
        ):
            add("lead_career_stages", [lead])
    for a, b in itertools.combinations(known, 2):
        if b.id in a.conflicts or a.id in b.conflicts:
            add("declared_conflicts", [a.id, b.id])
    return broken


@st.composite
def call_rules(draw: st.DrawFn) -> CallRules:
    min_size = draw(st.integers(1, 4))
    max_size = draw(st.integers(min_size, 6))
    eligible = draw(st.one_of(st.none(), st.just(COUNTRIES), st.just(["RU", "CN"])))
    required = draw(st.dictionaries(st.sampled_from(COUNTRIES), st.integers(1, 2), max_size=2))
    if eligible is not None:
        required = {c: k for c, k in required.items() if c in eligible}
    if sum(required.values()) > max_size:
        required = {}
    stages = draw(st.dictionaries(st.sampled_from(STAGES), st.integers(1, 2), max_size=2))
    if sum(stages.values()) > max_size:
        stages = {}
    lead_countries = draw(st.one_of(st.none(), st.just(["RU"]), st.just(["RU", "CN"])))
    return CallRules(
        min_team_size=min_size,
        max_team_size=max_size,
        required_countries=required,
        eligible_countries=eligible,
        max_per_institution=draw(st.one_of(st.none(), st.integers(1, 3))),
        lead_countries=lead_countries,
        lead_career_stages=draw(
            st.one_of(st.none(), st.just(["senior"]), st.just(["mid", "senior"]))
        ),
        min_career_stage_counts=stages,
        member_kinds=draw(st.sampled_from([["researcher"], ["researcher", "organization"]])),
        eligible_consortia=draw(st.one_of(st.none(), st.just(["REC"]))),
    )


@settings(max_examples=300, deadline=None)
@given(
    call_rules(),
    st.lists(
        st.sampled_from([p.id for p in PROFILES] + ["ghost"]), min_size=1, max_size=7, unique=True
    ),
    st.data(),
)
def test_random_teams_fail_exactly_the_rules_a_brute_force_finds(
    rules: CallRules, team: list[str], data: st.DataObject
) -> None:
    call = Call(id="c", title="T", rules=rules)
    lead = data.draw(st.sampled_from(team))
    routes = RouteFinder(DATASET)
    application = Application(id="a", call_id="c", title="T", team=team, lead=lead)

    found: dict[str, set[str]] = {}
    for failure in rule_failures(call, application, DATASET, routes):
        found.setdefault(failure.rule, set()).update(failure.members)

    assert found == _brute_force_rules(call, team, lead, DATASET, routes)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call_rules())
def test_a_team_the_solver_builds_passes_the_check(rules: CallRules) -> None:
    call = Call(id="c", title="Methane coal soil", rules=rules)
    dataset = Dataset(profiles=PROFILES, calls=[call], institutions=INSTITUTIONS, offices=OFFICES)
    fitted = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)
    result = fitted.team("c", relax=False)
    if result.team is None:
        return
    members = [member.profile_id for member in result.team.members]
    application = Application(
        id="a", call_id="c", title="T", team=members, lead=result.team.lead.profile_id
    )

    check = check_application(fitted, application)

    assert check.ok, check.failures


def test_a_member_passes_every_member_rule_exactly_when_the_solver_admits_it() -> None:
    routes = RouteFinder(DATASET)
    for call in DATASET.calls:
        for profile in PROFILES:
            application = Application(
                id="a", call_id=call.id, title="T", team=[profile.id], lead=profile.id
            )
            member_rules = {
                f.rule
                for f in rule_failures(call, application, DATASET, routes)
                if f.rule
                in {"member_kinds", "eligible_countries", "eligible_consortia", "capacity"}
            }
            assert (not member_rules) == (ineligibility(call, profile, DATASET) is None)
            lead_rules = {
                f.rule
                for f in rule_failures(call, application, DATASET, routes)
                if f.rule.startswith("lead_")
            }
            assert (not lead_rules) == may_lead(call, profile)


# -- a whole competition -------------------------------------------------------------------------


def test_a_competition_reports_which_applications_fail_which_rules(matcher: Matcher) -> None:
    applications = [
        _app(["ru1", "ru3", "cn1"], aid="ok"),
        _app(["ru1", "ru3", "ru5"], aid="no-cn"),
        _app(["ru1", "ru3", "cn1", "kz1"], aid="kz"),
        _app(["ru1", "ru5"], aid="small"),
    ]

    report = check_competition(matcher, applications)

    assert [check.application_id for check in report.failing] == ["no-cn", "kz", "small"]
    assert report.by_rule == {
        "min_team_size": ["small"],
        "eligible_countries": ["kz"],
        "unreachable": ["kz"],
        "required_countries:CN": ["no-cn", "small"],
        "min_career_stage_counts:early": ["small"],
    }
    rows = report.to_rows()
    assert all(set(row) == set(ROW_COLUMNS) for row in rows)
    assert [(row["application_id"], row["rule"]) for row in rows][:3] == [
        ("ok", ""),
        ("no-cn", "required_countries:CN"),
        ("kz", "eligible_countries"),
    ]
    assert rows[0]["ok"] == "true" and rows[1]["ok"] == "false"
    assert rows[1]["fixes"].startswith("add one CN member")
    assert report.checks[1].to_dict()["fixed_team"] == ["ru1", "ru3", "ru5", "cn1"]


# -- the demo world's competition: hand-made applications ----------------------------------------

DEMO_CASES: list[tuple[str, list[str], set[str]]] = [
    # c-rsf-nsfc-methane: 3-6 members, RU >= 1, CN >= 1, only RU and CN, <= 2 per
    # institution, a Russian lead.
    ("c-rsf-nsfc-methane", ["r-0049", "r-0198", "r-0130"], set()),
    ("c-rsf-nsfc-methane", ["r-0049", "r-0042", "r-0041", "r-0198"], {"max_per_institution"}),
    ("c-rsf-nsfc-methane", ["r-0198", "r-0049", "r-0130"], {"lead_countries"}),
    ("c-rsf-nsfc-methane", ["r-0049", "r-0130"], {"min_team_size", "required_countries:CN"}),
    ("c-rsf-nsfc-methane", ["r-0049", "r-0198", "r-0283"], {"eligible_countries"}),
    ("c-rsf-nsfc-methane", ["r-0049", "r-0198", "r-0330"], {"eligible_countries", "unreachable"}),
    ("c-rsf-nsfc-methane", ["r-0049", "r-0198", "o-ihe"], {"member_kinds"}),
    (
        "c-rsf-nsfc-methane",
        ["r-0049", "r-0042", "r-0026", "r-0130", "r-0198", "r-0201", "r-0208"],
        {"max_team_size"},
    ),
    # c-rsf-lung-health: RU >= 2, MN >= 1, RU/MN/KZ only, a senior Russian lead.
    ("c-rsf-lung-health", ["r-0085", "r-0094", "r-0279"], set()),
    ("c-rsf-lung-health", ["r-0009", "r-0085", "r-0279"], {"lead_career_stages"}),
    ("c-rsf-lung-health", ["r-0085", "r-0279", "r-0306"], {"required_countries:RU"}),
    (
        "c-rsf-lung-health",
        ["r-0085", "r-0094", "r-0198"],
        {"required_countries:MN", "eligible_countries"},
    ),
    # c-cis-education: 4-8 members, RU >= 1, KZ >= 1, one early-career member at least.
    ("c-cis-education", ["r-0021", "r-0306", "r-0176", "r-0288"], set()),
    (
        "c-cis-education",
        ["r-0173", "r-0306", "r-0288", "r-0021"],
        {"min_career_stage_counts:early"},
    ),
    ("c-cis-education", ["r-0173", "r-0306", "r-0176", "r-0330"], {"unreachable"}),
]


@pytest.fixture(scope="module")
def demo_matcher() -> Matcher:
    from matcher import load_demo

    return Matcher(KeywordEncoder(), cache_path=None).fit(load_demo())


def test_demo_competition_every_failure_found_and_none_invented(demo_matcher: Matcher) -> None:
    applications = [
        _app(team, call=call, aid=f"hand-{number}")
        for number, (call, team, _) in enumerate(DEMO_CASES)
    ]

    report = check_competition(demo_matcher, applications, fixes=False)

    assert [set(check.rules) for check in report.checks] == [rules for _, _, rules in DEMO_CASES]


def test_an_addition_is_called_by_the_stage_it_brings(matcher: Matcher) -> None:
    # ru3, the early-career Russian, would be a third member of ru-a (at most two).
    check = check_application(matcher, _app(["ru1", "ru2", "cn1"]))

    assert check.fixes == [
        "add one early-career member, e.g. CN2 (cn2) (CN, early-career, reachable via "
        "Office in China (REC, China))"
    ]


@pytest.mark.parametrize("number", [1, 3, 4, 9])
def test_demo_fixes_are_small_and_make_the_team_eligible(
    demo_matcher: Matcher, number: int
) -> None:
    call, team, _ = DEMO_CASES[number]

    check = check_application(demo_matcher, _app(team, call=call))

    assert check.fixable and check.fixed_team is not None and check.fixed_lead is not None
    assert len(check.fixes) == 1
    fixed = _app(check.fixed_team, check.fixed_lead, call=call)
    assert check_application(demo_matcher, fixed).ok
