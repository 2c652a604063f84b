"""The one interface every embedding backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]


class Encoder(ABC):
    """Texts in, an L2-normalised ``float32`` matrix out (one row per text).

    Subclasses set ``name`` (the registry name), ``version`` (changes whenever the vectors
    would change: model file, weights, preprocessing) and ``dim``. ``__init__`` stores
    parameters only; the model is loaded lazily on first use so that constructing an
    encoder is cheap and never fails for a missing file.
    """

    name: str
    version: str
    dim: int

    @abstractmethod
    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> Matrix:
        """Embed ``texts``; row ``i`` is the unit-length vector of ``texts[i]``."""

    @property
    def model_id(self) -> str:
        """``name@version``: identifies the vector space (cache keys use it)."""
        return f"{self.name}@{self.version}"


def l2_normalize(matrix: npt.ArrayLike) -> Matrix:
    """Row-normalise to unit length; all-zero rows stay zero."""
    array = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalized: Matrix = (array / norms).astype(np.float32, copy=False)
    return normalized


class MissingBackendError(RuntimeError):
    """An optional backend was asked for but its package is not installed."""

    def __init__(self, backend: str, package: str, extra: str) -> None:
        super().__init__(
            f"the embedding backend {backend!r} needs the package {package!r}, which is not "
            f"installed. Install it with: pip install 'grantmatch[{extra}]'"
        )
