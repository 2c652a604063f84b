"""The Python API end to end on the small fixture, with the real default model."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import Matcher, load_dataset
from matcher.errors import UnknownIdError
from tests.conftest import FIXTURES, KeywordEncoder

SMALL = FIXTURES / "small"
pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    dataset = load_dataset(
        SMALL / "profiles.jsonl",
        SMALL / "calls.jsonl",
        institutions=SMALL / "institutions.jsonl",
        offices=SMALL / "offices.jsonl",
    )
    return Matcher("minilm").fit(dataset)


def test_the_methane_expert_ranks_first_and_leads_the_team(matcher: Matcher) -> None:
    ranking = matcher.rank("c-methane", k=5)
    assert ranking[0].profile_id == "s-ru-methane"
    top3 = {row.profile_id for row in ranking[:3]}
    assert {"s-ru-methane", "s-ru-ventilation"} <= top3
    result = matcher.team("c-methane")
    assert result.team is not None
    assert result.team.lead.profile_id == "s-ru-methane"
    chinese = [m for m in result.team.members if m.country == "CN"]
    assert chinese and all(m.route.kind in ("agreement", "office_partner") for m in chinese)
    assert "s-de-none" not in {m.profile_id for m in result.team.members}


def test_explanation_rests_on_the_methane_publications(matcher: Matcher) -> None:
    explanation = matcher.explain("c-methane", "s-ru-methane")
    assert explanation.score == pytest.approx(matcher.rank("c-methane", k=1)[0].score, abs=1e-5)
    assert "methane" in explanation.publications[0].title.lower()
    assert explanation.parts["publications"] > 0


def test_belarus_call_is_infeasible_until_the_negotiating_office_opens(matcher: Matcher) -> None:
    closed = matcher.team("c-by-materials")
    assert closed.team is None
    assert any("off-kuzbass-by" in reason for reason in closed.reasons)
    opened = matcher.what_if(["off-kuzbass-by"]).team("c-by-materials")
    assert opened.team is not None
    belarusians = [m for m in opened.team.members if m.country == "BY"]
    assert belarusians and all(m.route.via == "off-kuzbass-by" for m in belarusians)
    # The what-if is a copy: the original matcher is unchanged.
    assert matcher.team("c-by-materials").team is None


def test_partners_prefer_the_past_coauthor_on_the_joint_topic(matcher: Matcher) -> None:
    suggestions = matcher.partners("c-remediation", ["s-ru-reclaim"], k=30)
    by_id = {s.profile_id: s for s in suggestions}
    assert "s-ru-reclaim" not in by_id
    assert "s-de-collab" not in by_id  # Germany is not eligible for this RU-KZ call
    kazakh = [s for s in suggestions if s.fills_country]
    assert kazakh and kazakh[0].profile_id in {"s-kz-reclaim", "s-kz-soil"}


def test_partners_abroad_show_routes_and_joint_work(matcher: Matcher) -> None:
    suggestions = matcher.partners_abroad("s-ru-reclaim", k=30)
    by_id = {s.profile_id: s for s in suggestions}
    assert all(matcher.dataset_.profile(s).country != "RU" for s in by_id)
    assert by_id["s-de-collab"].route.kind == "collaboration"
    assert by_id["s-de-collab"].joint_works >= 1
    assert "s-de-none" not in by_id  # unreachable


def test_unknown_ids_are_clear_errors(matcher: Matcher) -> None:
    with pytest.raises(UnknownIdError, match="no call with id 'nope'"):
        matcher.rank("nope")
    with pytest.raises(UnknownIdError, match="no profile with id 'ghost'"):
        matcher.team("c-methane", pin=["ghost"])


def test_fit_embeds_each_distinct_text_once(matcher: Matcher) -> None:
    seen: list[str] = []
    inner = matcher.encoder_

    class Counting(type(inner)):  # type: ignore[misc]
        def encode(self, texts, **options):  # type: ignore[no-untyped-def]
            seen.extend(texts)
            return inner.encode(texts, **options)

    counting = Counting.__new__(Counting)
    counting.__dict__.update(inner.__dict__)
    Matcher(counting, cache_path=None).fit(matcher.dataset_)
    publications = [p.text for profile in matcher.dataset_.profiles for p in profile.publications]
    assert len(set(publications)) < len(publications)  # the fixture shares joint papers
    assert len(seen) == len(set(seen))
    assert set(publications) <= set(seen)


def test_candidates_are_eligible_and_reachable_best_first(matcher: Matcher) -> None:
    candidates = matcher.candidates("c-methane", k=0)
    countries = {c.profile.country for c in candidates}
    assert countries <= {"RU", "CN"}  # the call's eligible countries
    scores = [c.relevance for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert candidates[0].profile.id == "s-ru-methane"
    assert len(matcher.candidates("c-methane", k=3)) == 3


def test_default_backend_sees_a_russian_only_researcher_on_the_calls_topic() -> None:
    dataset = load_dataset(
        SMALL / "profiles.jsonl",
        SMALL / "calls.jsonl",
        institutions=SMALL / "institutions.jsonl",
        offices=SMALL / "offices.jsonl",
    )
    matcher = Matcher().fit(dataset)  # "auto": the corpus is mixed-language
    assert matcher.encoder_.name != "minilm"
    top = [row.profile_id for row in matcher.rank("c-remediation", k=3)]
    assert "s-ru-ruonly" in top
    english_only = Matcher("minilm").fit(dataset)
    assert "s-ru-ruonly" not in [row.profile_id for row in english_only.rank("c-remediation", 3)]


def test_whatif_counts_the_calls_an_office_makes_viable(matcher: Matcher) -> None:
    from matcher.whatif import compare, office_impact

    report = compare(matcher, matcher.what_if(["off-kuzbass-by"]), "open off-kuzbass-by")
    assert report.gained == ["c-by-materials"]
    assert report.lost == []
    assert report.viable_after == report.viable_before + 1
    impact = {r.change.split()[1]: r for r in office_impact(matcher)}
    assert impact["off-kuzbass-by"].gained == ["c-by-materials"]
    # Closing the office in China loses no call outright here (agreements still reach
    # CUMT), but no call gets better without it.
    assert all((row.improvement or 0.0) >= -1e-9 for row in impact["off-kuzbass-cn"].rows)


def test_an_added_agreement_is_a_route(matcher: Matcher) -> None:
    # s-cn-office-only (Tsinghua) is reached only through the open office; an agreement
    # between KuzSTU and Tsinghua makes it an agreement route.
    profile = matcher.dataset_.profile("s-cn-office-only")
    assert matcher.routes_.route(profile).kind == "office"  # type: ignore[union-attr]
    changed = matcher.what_if(agreements=[("ru-kuzstu", "cn-tsinghua")])
    route = changed.routes_.route(changed.dataset_.profile("s-cn-office-only"))
    assert route is not None and route.kind == "agreement"
    assert matcher.routes_.route(profile).kind == "office"  # type: ignore[union-attr]


def test_team_alternatives_and_coverage_on_real_text(matcher: Matcher) -> None:
    result = matcher.team("c-methane", alternatives=2, solver="fast")
    assert result.team is not None and len(result.alternatives) >= 1
    first = {m.profile_id for m in result.team.members}
    for alternative in result.alternatives:
        ids = {m.profile_id for m in alternative.members}
        assert len(ids & first) <= len(first) // 2
    assert "coverage" in result.team.parts
    assert any(note.startswith("covers ") for note in result.team.notes)
    assert any(member.covers for member in result.team.members)


def test_the_python_api_caches_vectors_where_the_cli_does(
    keyword_encoder: KeywordEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Matcher()`` uses the default vector cache, so a second fit embeds nothing again."""
    monkeypatch.setenv("GRANTMATCH_HOME", str(tmp_path))
    monkeypatch.delenv("GRANTMATCH_CACHE", raising=False)
    dataset = load_dataset(SMALL / "profiles.jsonl", SMALL / "calls.jsonl")
    Matcher(keyword_encoder).fit(dataset)
    assert (tmp_path / "cache" / "vectors.sqlite").is_file()
    embedded_first = sum(len(batch) for batch in keyword_encoder.calls)
    assert embedded_first > 0
    keyword_encoder.calls.clear()
    Matcher(keyword_encoder).fit(dataset)
    assert sum(len(batch) for batch in keyword_encoder.calls) == 0


def test_no_cache_when_asked(
    keyword_encoder: KeywordEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRANTMATCH_HOME", str(tmp_path))
    dataset = load_dataset(SMALL / "profiles.jsonl", SMALL / "calls.jsonl")
    Matcher(keyword_encoder, cache_path=None).fit(dataset)
    monkeypatch.setenv("GRANTMATCH_CACHE", "off")
    Matcher(keyword_encoder).fit(dataset)
    assert not (tmp_path / "cache").exists()
