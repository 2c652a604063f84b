"""Call parts and the coverage matrix: which parts of a call a profile's evidence covers."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings import Calibration
from matcher import Matcher, load_dataset
from matcher.coverage import CallPart, call_parts, coverage_matrix, is_fragment, split_sentences
from matcher.dataset import Dataset
from matcher.evidence import EvidenceIndex
from matcher.model import Call, Profile, Publication
from tests.conftest import FIXTURES, KeywordEncoder

SMALL = FIXTURES / "small"


def _small() -> Dataset:
    return load_dataset(
        SMALL / "profiles.jsonl",
        SMALL / "calls.jsonl",
        institutions=SMALL / "institutions.jsonl",
        offices=SMALL / "offices.jsonl",
    )


# -- call parts ----------------------------------------------------------------------------


def test_parts_are_keywords_then_sentences_of_title_and_description() -> None:
    call = Call(
        id="c",
        title="Methane drainage in coal mines",
        description="Projects on gas emission forecasting. Apply new sensors! Scope.",
        keywords=["methane drainage", "gas control"],
    )
    assert call_parts(call) == [
        CallPart("methane drainage", "keyword"),
        CallPart("gas control", "keyword"),
        CallPart("Methane drainage in coal mines", "sentence"),
        CallPart("Projects on gas emission forecasting.", "sentence"),
        CallPart("Apply new sensors!", "sentence"),
    ]  # "Scope." is a fragment


def test_duplicates_are_dropped_ignoring_case_and_punctuation() -> None:
    call = Call(
        id="c",
        title="Soil remediation of mine dumps",
        description="soil remediation of mine dumps. Heavy metals in soils near mines.",
        keywords=["Heavy metals", "heavy metals", "soil remediation of mine dumps"],
    )
    texts = [part.text for part in call_parts(call)]
    assert texts == [
        "Heavy metals",
        "soil remediation of mine dumps",
        "Heavy metals in soils near mines.",
    ]


def test_cjk_and_cyrillic_sentences_split_and_short_ones_are_fragments() -> None:
    assert split_sentences("煤矿瓦斯抽采技术研究。瓦斯。地下煤矿的瓦斯涌出预测！") == [
        "煤矿瓦斯抽采技术研究。",
        "瓦斯。",
        "地下煤矿的瓦斯涌出预测！",
    ]
    assert is_fragment("瓦斯。") and not is_fragment("煤矿瓦斯抽采技术研究。")
    assert split_sentences("Дегазация угольных пластов. Прогноз газовыделения в шахтах.") == [
        "Дегазация угольных пластов.",
        "Прогноз газовыделения в шахтах.",
    ]
    call = Call(id="c", title="煤矿瓦斯抽采技术研究", description="瓦斯。地下煤矿的瓦斯涌出预测！")
    assert [p.text for p in call_parts(call)] == [
        "煤矿瓦斯抽采技术研究",
        "地下煤矿的瓦斯涌出预测！",
    ]


def test_parts_are_capped_with_room_for_keywords_and_deterministic() -> None:
    description = " ".join(f"Sentence number {i} about the topic." for i in range(30))
    call = Call(
        id="c",
        title="A long call title",
        description=description,
        keywords=[f"keyword {i}" for i in range(20)],
    )
    parts = call_parts(call)
    assert len(parts) == 12
    assert [p.kind for p in parts].count("keyword") == 6
    assert parts[6].text == "A long call title"
    assert call_parts(call) == parts
    assert len(call_parts(call, max_parts=3)) == 3


def test_a_call_whose_only_text_is_a_fragment_keeps_its_title() -> None:
    assert call_parts(Call(id="c", title="Methane")) == [CallPart("Methane", "sentence")]


# -- the matrix ----------------------------------------------------------------------------


def _index(profiles: list[Profile], encoder: KeywordEncoder) -> EvidenceIndex:
    return EvidenceIndex.build(profiles, encoder.encode)


def test_coverage_is_the_best_evidence_per_part_clipped_and_ordered_as_asked() -> None:
    encoder = KeywordEncoder()
    profiles = [
        Profile(
            id="a", name="a", publications=[Publication(title="methane"), Publication(title="soil")]
        ),
        Profile(id="b", name="b", publications=[Publication(title="water")]),
        Profile(id="empty", name="empty"),
        Profile(id="c", name="c", keywords=["coal"], summary="methane"),
    ]
    index = _index(profiles, encoder)
    parts = encoder.encode(["methane", "soil", "health"])
    matrix = coverage_matrix(parts, index, np.array([3, 0, 2, 1, 0]), None)
    assert matrix.shape == (5, 3) and matrix.dtype == np.float32
    np.testing.assert_allclose(matrix[1], [1.0, 1.0, 0.0025], atol=0.01)  # a: methane, soil
    np.testing.assert_array_equal(matrix[1], matrix[4])  # repeats are allowed
    np.testing.assert_array_equal(matrix[2], [0.0, 0.0, 0.0])  # no evidence
    assert matrix[0, 0] == pytest.approx(1.0, abs=0.01)  # c covers methane through its summary
    assert matrix[3].max() < 0.01  # b (water) covers none of them
    # Brute force: the best row of each profile, calibrated, clipped.
    calibration = Calibration(unrelated=0.1, related=0.6)
    calibrated = coverage_matrix(parts, index, np.arange(4), calibration.apply)
    raw = calibration.apply(parts @ index.vectors.T)
    for p in range(4):
        rows = index.owner == p
        expected = np.clip(raw[:, rows].max(axis=1), 0, 1) if rows.any() else np.zeros(3)
        np.testing.assert_allclose(calibrated[p], expected, atol=1e-6)


def test_coverage_of_no_profiles_or_no_parts_is_empty() -> None:
    encoder = KeywordEncoder()
    index = _index([Profile(id="a", name="a", summary="coal")], encoder)
    assert coverage_matrix(encoder.encode(["coal"]), index, np.array([], np.int64), None).shape == (
        0,
        1,
    )
    empty_parts = np.zeros((0, KeywordEncoder.dim), np.float32)
    assert coverage_matrix(empty_parts, index, np.array([0]), None).shape == (1, 0)


# -- through the Matcher -------------------------------------------------------------------


def test_matcher_coverage_embeds_each_calls_parts_once() -> None:
    encoder = KeywordEncoder()
    matcher = Matcher(encoder).fit(_small())
    calls_before = len(encoder.calls)
    parts = matcher.call_parts("c-methane")
    assert parts[0] == CallPart("coal mine methane", "keyword")
    matrix = matcher.coverage("c-methane", ["s-ru-methane", "s-kz-soil"])
    assert matrix.shape == (2, len(parts))
    assert np.all((matrix >= 0) & (matrix <= 1))
    again = matcher.coverage("c-methane", ["s-kz-soil"])
    np.testing.assert_array_equal(again[0], matrix[1])
    assert len(encoder.calls) == calls_before + 1  # one encode call for the parts, cached


@pytest.mark.model
def test_the_methane_expert_covers_the_methane_call_with_the_real_model() -> None:
    matcher = Matcher("minilm").fit(_small())
    parts = matcher.call_parts("c-methane")
    matrix = matcher.coverage("c-methane", ["s-ru-methane", "s-kz-soil"])
    methane = [i for i, part in enumerate(parts) if "methane" in part.text.lower()]
    assert methane
    assert matrix[0, methane].mean() > 0.8
    assert matrix[0, methane].mean() > matrix[1, methane].mean() + 0.4
