"""Calibration: monotonic per backend, and real texts land where the scale says they should."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from embeddings import Calibration, E5Encoder, Encoder, MiniLMEncoder, TfidfEncoder, USEEncoder

Real = Callable[[str], Encoder]

# Four research projects: a title and a short abstract each (written for this test).
PAIRS = [
    (
        "Predicting methane emission at the longwall face of coal mines",
        "We model how methane is released from the coal seam as the longwall face advances and "
        "predict the gas concentration in the return airway, so that ventilation and gas "
        "drainage can be planned before the limit is exceeded.",
    ),
    (
        "Deep learning for brain tumour segmentation in MRI",
        "Convolutional neural networks trained on multi-centre magnetic resonance scans outline "
        "gliomas and metastases; we study their uncertainty and the effect of scanner type on "
        "the accuracy of the segmentation.",
    ),
    (
        "Drought-tolerant spring wheat for the Kazakh steppe",
        "Field trials in three dry seasons compare wheat cultivars for grain yield under water "
        "stress and identify genetic markers associated with root depth and drought tolerance.",
    ),
    (
        "Perovskite solar cells that survive heat and humidity",
        "Encapsulation layers and new hole-transport materials extend the operating lifetime of "
        "perovskite photovoltaic devices beyond one thousand hours under damp heat testing.",
    ),
]


@pytest.mark.parametrize("cls", [MiniLMEncoder, USEEncoder, E5Encoder, TfidfEncoder])
def test_every_backend_calibration_is_increasing(cls: type[Encoder]) -> None:
    calibration = cls.calibration
    assert calibration.related > calibration.unrelated
    raw = np.linspace(-1.0, 1.0, 201, dtype=np.float32)
    assert np.all(np.diff(calibration.apply(raw)) > 0)
    assert np.allclose(calibration.apply([calibration.unrelated, calibration.related]), [0, 1])
    assert np.allclose(calibration.invert(calibration.apply(raw)), raw, atol=1e-5)
    assert "CORDIS" in calibration.source


def test_identity_and_invalid_anchors() -> None:
    assert np.allclose(Calibration.identity().apply([0.2, 0.7]), [0.2, 0.7])
    with pytest.raises(ValueError, match="increase"):
        Calibration(unrelated=0.8, related=0.8)


@pytest.mark.model
@pytest.mark.parametrize("name", ["tfidf", "minilm", "use", "e5"])
def test_calibrated_scores_sit_on_the_common_scale(real_encoder: Real, name: str) -> None:
    encoder = real_encoder(name)
    titles = encoder.encode([t for t, _ in PAIRS], kind="query")
    abstracts = encoder.encode([a for _, a in PAIRS], kind="passage")
    calibrated = encoder.calibrate(titles @ abstracts.T)
    related = np.diag(calibrated)
    unrelated = calibrated[~np.eye(len(PAIRS), dtype=bool)]
    # 1 = a title and its own abstract, 0 = unrelated: allow for 4 pairs' sampling noise.
    assert 0.5 < float(np.mean(related)) < 2.0, related
    assert -0.5 < float(np.mean(unrelated)) < 0.5, unrelated
    assert float(np.min(related)) > float(np.max(unrelated))
