"""Calibration: raw cosine similarities of one backend mapped onto a scale shared by all backends.

Each backend's cosines live on their own scale: all-MiniLM-L6-v2 puts unrelated research texts
near 0.05, multilingual-e5 near 0.80, the hashed TF-IDF near 0.04. A threshold or a blend weight
tuned on one backend means nothing on another. Every encoder therefore carries a
:class:`Calibration` that maps its cosines linearly onto one common scale, anchored on real
research texts (CORDIS projects, see ``benchmarks/embeddings_calibration.py``):

* **0.0** is the median cosine between a project's title and the abstract of an *unrelated*
  project (a random other project): "nothing in common".
* **1.0** is the median cosine between a project's title and *its own* abstract: "this text is
  about that text", the relatedness a grant call has to a publication that matches it well.

Values are not clipped: below 0 is less related than a typical unrelated pair, above 1 is
closer than a typical title/abstract pair (paraphrases and good translations usually land
there). The map is increasing and linear, so it never changes a ranking made with one backend;
it only makes thresholds and blends keep their meaning when the backend changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Calibration:
    """A monotonic linear map from one backend's cosine similarity to the common scale.

    Parameters
    ----------
    unrelated : float
        Raw cosine mapped to 0: the median over unrelated (title, other abstract) pairs.
    related : float
        Raw cosine mapped to 1: the median over (title, own abstract) pairs. Must be greater
        than ``unrelated``.
    source : str
        How the two anchors were obtained (kept for provenance and shown in reports).
    """

    unrelated: float
    related: float
    source: str = "uncalibrated: identity"

    def __post_init__(self) -> None:
        if not self.related > self.unrelated:
            raise ValueError(
                f"calibration anchors must increase: related={self.related} <= "
                f"unrelated={self.unrelated}"
            )

    @classmethod
    def identity(cls) -> Calibration:
        """The map that leaves raw cosines unchanged (anchors 0 and 1)."""
        return cls(unrelated=0.0, related=1.0)

    @property
    def scale(self) -> float:
        """Raw-cosine distance between the two anchors."""
        return self.related - self.unrelated

    def apply(self, similarities: npt.ArrayLike) -> npt.NDArray[np.float32]:
        """Map raw cosine similarities to the common scale (any shape, ``float32`` out).

        Parameters
        ----------
        similarities : array_like
            Raw cosine similarities of this backend.

        Returns
        -------
        numpy.ndarray
            ``(similarities - unrelated) / (related - unrelated)``.
        """
        raw = np.asarray(similarities, dtype=np.float32)
        return ((raw - np.float32(self.unrelated)) / np.float32(self.scale)).astype(
            np.float32, copy=False
        )

    def invert(self, calibrated: npt.ArrayLike) -> npt.NDArray[np.float32]:
        """Map common-scale values back to this backend's raw cosines (e.g. a threshold).

        Parameters
        ----------
        calibrated : array_like
            Values on the common scale.

        Returns
        -------
        numpy.ndarray
            The raw cosines that :meth:`apply` maps to ``calibrated``.
        """
        values = np.asarray(calibrated, dtype=np.float32)
        return (values * np.float32(self.scale) + np.float32(self.unrelated)).astype(
            np.float32, copy=False
        )
