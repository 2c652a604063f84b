"""Shared test helpers.

``KeywordEncoder`` is a deterministic stand-in for an embedding model, used only by unit
tests of the scoring arithmetic: it maps a text to counts over a tiny fixed vocabulary.
Every part it stands in for is also tested with the real default model (tests marked
``model``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from embeddings import Encoder, Matrix, TextKind, l2_normalize

FIXTURES = Path(__file__).parent / "fixtures"

VOCABULARY = ("methane", "coal", "soil", "water", "learning", "health", "food", "energy")


class KeywordEncoder(Encoder):
    """Bag of a few topic words (plus a small constant so no vector is zero)."""

    name = "test-keywords"
    version = "1"
    dim = len(VOCABULARY) + 1

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            lower = text.lower()
            rows.append([lower.count(word) for word in VOCABULARY] + [0.05])
        return l2_normalize(np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim))


@pytest.fixture
def keyword_encoder() -> KeywordEncoder:
    return KeywordEncoder()


@pytest.fixture(autouse=True, scope="session")
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the tests' vector cache and store out of the user's home (one for the session).

    Session-scoped so that it is in place before any module- or session-scoped fixture
    fits a matcher (whose default vector cache lives under ``GRANTMATCH_HOME``).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRANTMATCH_HOME", str(tmp_path_factory.getbasetemp() / "grantmatch-home"))
        yield
