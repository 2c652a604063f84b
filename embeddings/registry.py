"""Backends by name: the one place that maps a configuration string to an encoder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from embeddings.base import Encoder
from embeddings.sentence_transformer import MiniLMEncoder

DEFAULT_BACKEND = "minilm"

_BACKENDS: dict[str, Callable[..., Encoder]] = {
    "minilm": MiniLMEncoder,
}


def available_backends() -> list[str]:
    """Names accepted by :func:`get_encoder`."""
    return sorted(_BACKENDS)


def get_encoder(name: str = DEFAULT_BACKEND, **options: Any) -> Encoder:
    """Construct the backend registered under ``name`` (options go to its constructor)."""
    try:
        factory = _BACKENDS[name]
    except KeyError:
        raise ValueError(
            f"unknown embedding backend {name!r}; choose one of {', '.join(available_backends())}"
        ) from None
    return factory(**options)
