"""Fixtures for the embeddings tests: real backends loaded once per session, offline."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from embeddings import E5Encoder, Encoder, MiniLMEncoder, TfidfEncoder, USEEncoder

# The real models ship inside installed packages; make any attempt to reach a hub fail fast.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_ENCODERS: dict[str, Encoder] = {}


def _real(name: str) -> Encoder:
    if name not in _ENCODERS:
        factory: dict[str, Any] = {
            "minilm": MiniLMEncoder,
            "use": USEEncoder,
            "e5": E5Encoder,
            "tfidf": TfidfEncoder,
        }
        cls = factory[name]
        if not cls.available():
            pytest.skip(f"backend {name!r} not installed")
        _ENCODERS[name] = cls(threads=1)  # one thread: other test suites share the machine
    return _ENCODERS[name]


@pytest.fixture(scope="session")
def real_encoder() -> Iterator[object]:
    """A function ``name -> Encoder`` that loads each real backend once per session."""
    yield _real
