"""Text -> vectors. Backends behind one small interface (:class:`Encoder`), plus a vector cache.

Backends (by name, see :func:`get_encoder`): ``"minilm"`` (English, the default for an
all-English corpus), ``"use"`` (multilingual), ``"e5"`` (multilingual, more languages,
slower), ``"e5-neutral"`` (e5 with each language's mean direction removed),
``"minilm+use"`` / ``"minilm+e5-neutral"`` (English pairs by minilm, every other pair by the
multilingual model, one calibrated scale; ``"minilm+use"`` is the default for a corpus that
is not all English), ``"tfidf"`` (lexical, no model), and ``"auto"``, which chooses.
:class:`CachedEncoder` wraps any of them with a persistent :class:`VectorCache`.

This package imports nothing else of grantmatch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from embeddings.auto import DegradedBackendWarning, choose_backend
    from embeddings.base import Encoder, Matrix, MissingBackendError, TextKind, l2_normalize
    from embeddings.batching import BatchedEncoder
    from embeddings.cached_encoder import CachedEncoder, CacheStats, text_key
    from embeddings.calibration import Calibration
    from embeddings.e5 import E5Encoder
    from embeddings.language_pairs import LanguagePairEncoder, shared_space
    from embeddings.languages import detect_language, detect_languages, is_english_only
    from embeddings.neutral import LanguageNeutralEncoder
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

# Where each public name lives. Imported on first use (PEP 562): `import embeddings`
# stays cheap, so the command line starts at once and pays only for what it uses.
_EXPORTS = {
    "DegradedBackendWarning": "embeddings.auto",
    "choose_backend": "embeddings.auto",
    "Encoder": "embeddings.base",
    "Matrix": "embeddings.base",
    "MissingBackendError": "embeddings.base",
    "TextKind": "embeddings.base",
    "l2_normalize": "embeddings.base",
    "BatchedEncoder": "embeddings.batching",
    "CachedEncoder": "embeddings.cached_encoder",
    "CacheStats": "embeddings.cached_encoder",
    "text_key": "embeddings.cached_encoder",
    "Calibration": "embeddings.calibration",
    "E5Encoder": "embeddings.e5",
    "LanguagePairEncoder": "embeddings.language_pairs",
    "shared_space": "embeddings.language_pairs",
    "LanguageNeutralEncoder": "embeddings.neutral",
    "detect_language": "embeddings.languages",
    "detect_languages": "embeddings.languages",
    "is_english_only": "embeddings.languages",
    "DEFAULT_BACKEND": "embeddings.registry",
    "available_backends": "embeddings.registry",
    "describe_backends": "embeddings.registry",
    "get_encoder": "embeddings.registry",
    "installed_backends": "embeddings.registry",
    "MiniLMEncoder": "embeddings.sentence_transformer",
    "TfidfEncoder": "embeddings.tfidf",
    "USEEncoder": "embeddings.use",
    "CacheCorruptionWarning": "embeddings.vector_cache",
    "VectorCache": "embeddings.vector_cache",
}

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
    "LanguageNeutralEncoder",
    "LanguagePairEncoder",
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
    "shared_space",
    "text_key",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
