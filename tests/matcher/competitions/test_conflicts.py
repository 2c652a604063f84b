"""Conflicts of interest: every rule, its reasons, and a brute-force check on random worlds."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.competitions import Conflict, find_conflicts
from matcher.dataset import Dataset
from matcher.errors import UnknownIdError
from matcher.model import Application, Institution, Profile, Publication


def _world() -> tuple[Dataset, list[Application]]:
    institutions = [
        Institution(id="u1", name="U1", country="DE"),
        Institution(id="u2", name="U2", country="FR"),
    ]
    profiles = [
        Profile(id="lead", name="Lead", institution="u1", country="DE"),
        Profile(id="member", name="Member", institution="u2", country="FR"),
        Profile(id="colleague", name="Colleague", institution="u1", country="DE", expert=True),
        Profile(
            id="coauthor",
            name="Coauthor",
            expert=True,
            publications=[Publication(title="Joint paper", coauthors=["member"])],
        ),
        Profile(id="collab", name="Collab", expert=True, collaborators=["lead"]),
        Profile(id="declarer", name="Declarer", expert=True, conflicts=["member"]),
        Profile(id="named", name="Named", expert=True),
        Profile(id="free", name="Free", expert=True),
    ]
    dataset = Dataset(profiles=profiles, calls=[], institutions=institutions)
    application = Application(
        id="app", call_id="c", title="T", team=["lead", "member"], lead="lead", conflicts=["named"]
    )
    return dataset, [application]


def test_every_rule_is_found_with_its_reason() -> None:
    dataset, applications = _world()
    reviewers = [p.id for p in dataset.profiles]
    index = find_conflicts(dataset, applications, reviewers)
    kinds = {r: {c.kind for c in index.reasons(r, "app")} for r in reviewers}
    assert kinds == {
        "lead": {"team_member"},
        "member": {"team_member"},
        "colleague": {"same_institution"},
        "coauthor": {"coauthor"},
        "collab": {"collaborator"},
        "declarer": {"declared"},
        "named": {"declared"},
        "free": set(),
    }
    assert Conflict("declared", "declared by the application") in index.reasons("named", "app")
    assert any("u1" in c.detail for c in index.reasons("colleague", "app"))
    assert index.mask.tolist() == [[bool(kinds[r]) for r in reviewers]]
    assert index.count("app")["declared"] == 2


def test_ties_count_in_both_directions() -> None:
    """A member who lists the reviewer (not the other way round) is a conflict too."""
    profiles = [
        Profile(
            id="m",
            name="M",
            collaborators=["r1"],
            conflicts=["r2"],
            publications=[Publication(title="P", coauthors=["r3"])],
        ),
        Profile(id="r1", name="R1"),
        Profile(id="r2", name="R2"),
        Profile(id="r3", name="R3"),
        Profile(id="r4", name="R4"),
    ]
    dataset = Dataset(profiles=profiles, calls=[])
    app = Application(id="a", call_id="c", title="T", team=["m"], lead="m")
    index = find_conflicts(dataset, [app], ["r1", "r2", "r3", "r4"])
    assert [c.kind for c in index.reasons("r1", "a")] == ["collaborator"]
    assert [c.kind for c in index.reasons("r2", "a")] == ["declared"]
    assert [c.kind for c in index.reasons("r3", "a")] == ["coauthor"]
    assert index.reasons("r4", "a") == []


def test_unknown_ids_are_clear_errors() -> None:
    dataset, applications = _world()
    with pytest.raises(UnknownIdError):
        find_conflicts(dataset, applications, ["nobody"])
    index = find_conflicts(dataset, applications, ["free"])
    with pytest.raises(KeyError, match="not in this conflict index"):
        index.reasons("lead", "app")


@st.composite
def _random_world(draw: st.DrawFn) -> tuple[Dataset, list[Application], list[str]]:
    n = draw(st.integers(3, 8))
    ids = [f"p{i}" for i in range(n)]
    institutions = [Institution(id=f"i{k}", name=f"I{k}", country="DE") for k in range(3)]
    pick = st.lists(st.sampled_from(ids), max_size=3, unique=True)
    profiles = []
    for pid in ids:
        coauthors = [c for c in draw(pick) if c != pid]
        profiles.append(
            Profile(
                id=pid,
                name=pid,
                institution=draw(st.sampled_from([None, "i0", "i1", "i2"])),
                publications=[Publication(title="P", coauthors=coauthors)] if coauthors else [],
                collaborators=[c for c in draw(pick) if c != pid],
                conflicts=[c for c in draw(pick) if c != pid],
            )
        )
    dataset = Dataset(profiles=profiles, calls=[], institutions=institutions)
    applications = []
    for a in range(draw(st.integers(1, 3))):
        team = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        applications.append(
            Application(
                id=f"a{a}", call_id="c", title="T", team=team, lead=team[0], conflicts=draw(pick)
            )
        )
    reviewers = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    return dataset, applications, reviewers


def _brute_force(dataset: Dataset, application: Application, reviewer: str) -> set[str]:
    """The rules as written in the issue, pair by pair."""
    kinds = set()
    r = dataset.profile(reviewer)
    if reviewer in application.team:
        kinds.add("team_member")
    if reviewer in application.conflicts:
        kinds.add("declared")
    for member_id in application.team:
        m = dataset.profile(member_id)
        if m.id != r.id and m.institution is not None and m.institution == r.institution:
            kinds.add("same_institution")
        for a, b in itertools.permutations([m, r]):
            if any(b.id in p.coauthors for p in a.publications) and a.id != b.id:
                kinds.add("coauthor")
            if b.id in a.collaborators and a.id != b.id:
                kinds.add("collaborator")
            if b.id in a.conflicts and a.id != b.id:
                kinds.add("declared")
    return kinds


@settings(max_examples=80, deadline=None)
@given(_random_world())
def test_every_conflict_rule_holds_against_brute_force(
    world: tuple[Dataset, list[Application], list[str]],
) -> None:
    dataset, applications, reviewers = world
    index = find_conflicts(dataset, applications, reviewers)
    expected = np.zeros((len(applications), len(reviewers)), dtype=bool)
    for i, application in enumerate(applications):
        per_kind: Counter[str] = Counter()
        for j, reviewer in enumerate(reviewers):
            kinds = _brute_force(dataset, application, reviewer)
            assert {c.kind for c in index.reasons(reviewer, application.id)} == kinds
            expected[i, j] = bool(kinds)
            per_kind.update(kinds)
        # The per-rule matrices (what count() reads) agree with the rules pair by pair.
        assert index.count(application.id) == dict(per_kind)
    assert (index.mask == expected).all()
    assert len(index) == int(expected.sum())
    listed = {(a, r) for a, r, found in index.pairs() if found}
    assert listed == {
        (applications[i].id, reviewers[j]) for i, j in zip(*np.nonzero(expected), strict=True)
    }
