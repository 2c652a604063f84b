"""Text -> vectors. Backends behind one small interface (:class:`Encoder`).

This package imports nothing else of grantmatch.
"""

from embeddings.base import Encoder, Matrix, MissingBackendError, l2_normalize
from embeddings.registry import DEFAULT_BACKEND, available_backends, get_encoder
from embeddings.sentence_transformer import MiniLMEncoder

__all__ = [
    "DEFAULT_BACKEND",
    "Encoder",
    "Matrix",
    "MiniLMEncoder",
    "MissingBackendError",
    "available_backends",
    "get_encoder",
    "l2_normalize",
]
