"""Text -> vectors. Backends behind one small interface (:class:`Encoder`), plus a vector cache.

Backends (by name, see :func:`get_encoder`): ``"minilm"`` (English, the default for an
all-English corpus), ``"use"`` (multilingual, the default otherwise), ``"e5"`` (multilingual,
more languages, slower), ``"tfidf"`` (lexical, no model), and ``"auto"``, which chooses.
:class:`CachedEncoder` wraps any of them with a persistent :class:`VectorCache`.

This package imports nothing else of grantmatch.
"""

from embeddings.auto import DegradedBackendWarning, choose_backend
from embeddings.base import Encoder, Matrix, MissingBackendError, TextKind, l2_normalize
from embeddings.batching import BatchedEncoder
from embeddings.cached_encoder import CachedEncoder, CacheStats, text_key
from embeddings.calibration import Calibration
from embeddings.e5 import E5Encoder
from embeddings.languages import detect_language, detect_languages, is_english_only
from embeddings.registry import (
    DEFAULT_BACKEND,
    available_backends,
    describe_backends,
    get_encoder,
    installed_backends,
)
from embeddings.sentence_transformer import MiniLMEncoder
from embeddings.tfidf import TfidfEncoder
from embeddings.use import USEEncoder
from embeddings.vector_cache import CacheCorruptionWarning, VectorCache

__all__ = [
    "DEFAULT_BACKEND",
    "BatchedEncoder",
    "CacheCorruptionWarning",
    "CacheStats",
    "CachedEncoder",
    "Calibration",
    "DegradedBackendWarning",
    "E5Encoder",
    "Encoder",
    "Matrix",
    "MiniLMEncoder",
    "MissingBackendError",
    "TextKind",
    "TfidfEncoder",
    "USEEncoder",
    "VectorCache",
    "available_backends",
    "choose_backend",
    "describe_backends",
    "detect_language",
    "detect_languages",
    "get_encoder",
    "installed_backends",
    "is_english_only",
    "l2_normalize",
    "text_key",
]
