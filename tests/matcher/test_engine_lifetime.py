"""A fitted engine is freed as soon as it is dropped, without a garbage collection.

The service swaps engines after every refit; an engine kept alive by a reference cycle
waits for a full collection of the whole heap, a pause of about a second at 50,000
profiles that every request in flight then waits for.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from matcher import Matcher, load_dataset
from tests.conftest import FIXTURES, KeywordEncoder

SMALL = FIXTURES / "small"


@pytest.fixture
def no_collection() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_used_matcher_is_freed_by_reference_counting(no_collection: None) -> None:
    dataset = load_dataset(
        SMALL / "profiles.jsonl",
        SMALL / "calls.jsonl",
        institutions=SMALL / "institutions.jsonl",
        offices=SMALL / "offices.jsonl",
    )
    matcher = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)
    call_id, profile_id = dataset.calls[0].id, dataset.profiles[0].id
    matcher.candidates(call_id)
    matcher.explain(call_id, profile_id)
    matcher.team(call_id, solver="fast")
    matcher.partners(call_id, [profile_id], 3)
    # Answers from another point of view: the side's copy is kept by the matcher.
    side = matcher.from_side("KZ")
    side.team(call_id, solver="fast")
    side.partners(call_id, [profile_id], 3)
    alive, side_alive = weakref.ref(matcher), weakref.ref(side)

    del matcher, side

    assert alive() is None
    assert side_alive() is None
