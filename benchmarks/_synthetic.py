"""The synthetic scoring world both scoring benchmarks use, and the numpy floor they share.

Unit vectors stand in for embeddings; each profile has 1-8 publications and a keyword list.
The same seed gives the same world in ``scoring_scale.py`` and ``round_scoring.py``, so their
figures compare. :func:`synthetic_round` builds a whole staffing round (countries, capacities,
institutions, offices, call rules) for ``round_staffing.py``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from matcher.dataset import Dataset
from matcher.evidence import EvidenceIndex
from matcher.model import Call, CallRules, Institution, Office, Profile, Publication


def random_unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    """``n`` random unit vectors of ``dim`` dimensions (float32)."""
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit


def synthetic_profiles(rng: np.random.Generator, n: int) -> list[Profile]:
    """``n`` profiles with a keyword list and 1-8 publications each."""
    return [
        Profile(
            id=f"p{i}",
            name="x",
            keywords=["k"],
            publications=[Publication(title=f"t{i}-{j}") for j in range(int(rng.integers(1, 9)))],
        )
        for i in range(n)
    ]


def synthetic_index(rng: np.random.Generator, profiles: list[Profile], dim: int) -> EvidenceIndex:
    """The evidence index of ``profiles``, with a random unit vector per evidence text."""
    return EvidenceIndex.build(profiles, lambda texts: random_unit(rng, len(texts), dim))


def evidence_floor(calls: np.ndarray, index: EvidenceIndex, k: int) -> None:
    """The least an evidence-level scorer must do: one product over every evidence row, a
    per-profile max (``np.maximum.reduceat``) and ``argpartition`` for the top ``k``."""
    starts = np.flatnonzero(np.r_[True, np.diff(index.owner) != 0])
    similarities = calls @ index.vectors.T
    best = np.maximum.reduceat(similarities, starts, axis=1)
    np.argpartition(-best, k, axis=1)[:, :k]


# -- a whole staffing round ------------------------------------------------------------------

#: The home country teams are built from, the countries with an office of its agency, and
#: countries no route reaches (their profiles are never candidates), as in the CORDIS round.
HOME_COUNTRY = "DE"
OFFICE_COUNTRIES = ("FR", "IT", "ES", "NL", "BE", "PL")
OTHER_COUNTRIES = ("AT", "SE", "FI", "DK", "PT", "CZ")


def topic_vectors(
    rng: np.random.Generator, centers: np.ndarray, topics: np.ndarray, spread: float
) -> np.ndarray:
    """Unit vectors around ``centers[topics]``: two of one topic have cosine about
    ``1 / (1 + spread^2)``, two of different topics about 0 (float32)."""
    noise = random_unit(rng, len(topics), centers.shape[1])
    unit: np.ndarray = centers[topics] + spread * noise
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    return unit.astype(np.float32)


def synthetic_round(
    rng: np.random.Generator,
    n_calls: int,
    n_profiles: int,
    dim: int = 128,
    n_topics: int = 200,
    office_capacity: int | None = None,
) -> tuple[Dataset, EvidenceIndex, np.ndarray]:
    """A round shaped like the CORDIS one, with topic-clustered vectors instead of texts.

    Profiles: 40% in the home country, 40% in the six office countries, 20% in countries
    no route reaches; 1-8 publications, capacity 1-3 (skewed to 1), one of 20 institutions
    of their country, one of ``n_topics`` topics (popular topics more often, so some
    profiles are wanted by many calls). Calls: teams of 3-6 (some 3-4 or 4-6), at least one
    home-country member, one member from the coordinator's country where an office serves
    it, at most 2 per institution. Offices: one per office country with
    ``office_capacity`` introductions (default: a tenth of the number of calls, so they bind:
    about two calls in three need one).

    Returns the dataset, its evidence index (vectors set directly, no texts embedded) and
    the calls' vectors.
    """
    countries = [HOME_COUNTRY, *OFFICE_COUNTRIES, *OTHER_COUNTRIES]
    weights = np.asarray([0.4] + [0.4 / 6] * 6 + [0.2 / 6] * 6)
    popularity = 1.0 / np.arange(1, n_topics + 1) ** 0.6
    popularity /= popularity.sum()
    centers = random_unit(rng, n_topics, dim)
    profile_country = rng.choice(len(countries), size=n_profiles, p=weights)
    profile_topic = rng.choice(n_topics, size=n_profiles, p=popularity)
    capacity = rng.choice([1, 2, 3], size=n_profiles, p=[0.6, 0.3, 0.1])
    stages = ["early", "mid", "senior"]
    profiles = []
    for i in range(n_profiles):
        country = countries[int(profile_country[i])]
        profiles.append(
            Profile(
                id=f"p{i}",
                name=f"profile {i}",
                country=country,
                institution=f"i-{country.lower()}-{int(rng.integers(0, 20))}",
                career_stage=stages[int(rng.integers(0, 3))],
                keywords=["k"],
                publications=[
                    Publication(title=f"t{i}-{j}") for j in range(int(rng.integers(1, 9)))
                ],
                capacity=int(capacity[i]),
            )
        )
    institutions = [
        Institution(id=f"i-{c.lower()}-{k}", name=f"Institution {c} {k}", country=c)
        for c in sorted(set(countries))
        for k in range(20)
    ]
    capacity_per_office = office_capacity if office_capacity is not None else max(1, n_calls // 10)
    offices = [
        Office(
            id=f"off-{c.lower()}",
            name=f"Agency office {c}",
            operator="DE research agency",
            home_country=HOME_COUNTRY,
            country=c,
            capacity=capacity_per_office,
        )
        for c in OFFICE_COUNTRIES
    ]
    call_topic = rng.choice(n_topics, size=n_calls, p=popularity)
    calls = []
    for j in range(n_calls):
        coordinator = str(rng.choice(list(OFFICE_COUNTRIES) + [HOME_COUNTRY] * 3))
        required = {HOME_COUNTRY: 1}
        if coordinator != HOME_COUNTRY:
            required[coordinator] = 1
        low, high = [(3, 6), (3, 4), (4, 6), (3, 5)][int(rng.integers(0, 4))]
        calls.append(
            Call(
                id=f"call-{j}",
                title=f"call {j}",
                rules=CallRules(
                    min_team_size=low,
                    max_team_size=high,
                    required_countries=required,
                    max_per_institution=2,
                ),
            )
        )
    dataset = Dataset(profiles, calls, institutions, offices)
    index = EvidenceIndex.build(profiles, lambda texts: np.zeros((len(texts), dim), np.float32))
    vectors = topic_vectors(rng, centers, profile_topic[index.owner], spread=1.0)
    index = replace(index, vectors=vectors)
    call_vectors = topic_vectors(rng, centers, call_topic, spread=1.0)
    return dataset, index, call_vectors
