"""LangChain integration for Z.ai's GLM models.

`ChatZai` is the chat model; the error classes are what it raises (each is both a
`zai_core` error and the matching `langchain_core.exceptions` class).
"""

from typing import TYPE_CHECKING

from zai_core._extras import require_extra
from zai_core._lazy import lazy_attributes

require_extra("langchain_core", package="langchain_zai", extra="langchain")

from langchain_zai._errors import (
    ZaiAPIStatusError,
    ZaiAuthenticationError,
    ZaiBadRequestError,
    ZaiConnectionError,
    ZaiContentFilterError,
    ZaiContextOverflowError,
    ZaiInternalServerError,
    ZaiMissingAPIKeyError,
    ZaiNotFoundError,
    ZaiPermissionDeniedError,
    ZaiQuotaExceededError,
    ZaiRateLimitError,
    ZaiResponseValidationError,
    ZaiStreamInterruptedError,
    ZaiTimeoutError,
)
from langchain_zai.chat_models import ChatZai

if TYPE_CHECKING:  # loaded on first use (below); imported here for type checkers
    from langchain_zai.agents import ZaiAgentTool, ZaiTranslationTool
    from langchain_zai.document_loaders import (
        ZaiAudioParser,
        ZaiTranscriptionLoader,
        ZaiWebReaderLoader,
    )
    from langchain_zai.embeddings import ZaiEmbeddingInputTooLongError, ZaiEmbeddings
    from langchain_zai.ocr import ZaiOCRLoader, ZaiOCRParser
    from langchain_zai.retrievers import ZaiWebSearchRetriever
    from langchain_zai.tools import (
        ZaiImageGenerationTool,
        ZaiTranscriptionTool,
        ZaiVideoGenerationTool,
        ZaiWebReaderTool,
        ZaiWebSearchTool,
    )

# Loaded on first use of one of their names: importing the package costs what chat needs.
_LAZY = {
    "ZaiAgentTool": "langchain_zai.agents",
    "ZaiTranslationTool": "langchain_zai.agents",
    "ZaiAudioParser": "langchain_zai.document_loaders",
    "ZaiTranscriptionLoader": "langchain_zai.document_loaders",
    "ZaiWebReaderLoader": "langchain_zai.document_loaders",
    "ZaiEmbeddingInputTooLongError": "langchain_zai.embeddings",
    "ZaiEmbeddings": "langchain_zai.embeddings",
    "ZaiOCRLoader": "langchain_zai.ocr",
    "ZaiOCRParser": "langchain_zai.ocr",
    "ZaiWebSearchRetriever": "langchain_zai.retrievers",
    "ZaiImageGenerationTool": "langchain_zai.tools",
    "ZaiTranscriptionTool": "langchain_zai.tools",
    "ZaiVideoGenerationTool": "langchain_zai.tools",
    "ZaiWebReaderTool": "langchain_zai.tools",
    "ZaiWebSearchTool": "langchain_zai.tools",
}
__getattr__, __dir__ = lazy_attributes(__name__, _LAZY)

__all__ = [
    "ChatZai",
    "ZaiAPIStatusError",
    "ZaiAuthenticationError",
    "ZaiBadRequestError",
    "ZaiConnectionError",
    "ZaiContentFilterError",
    "ZaiContextOverflowError",
    "ZaiInternalServerError",
    "ZaiMissingAPIKeyError",
    "ZaiNotFoundError",
    "ZaiPermissionDeniedError",
    "ZaiQuotaExceededError",
    "ZaiRateLimitError",
    "ZaiResponseValidationError",
    "ZaiStreamInterruptedError",
    "ZaiTimeoutError",
]

# --- Other langchain_zai modules (embeddings, tools, document loaders) export below. ---


__all__ += ["ZaiEmbeddingInputTooLongError", "ZaiEmbeddings"]

__all__ += [
    "ZaiAudioParser",
    "ZaiImageGenerationTool",
    "ZaiTranscriptionLoader",
    "ZaiTranscriptionTool",
    "ZaiVideoGenerationTool",
    "ZaiWebReaderLoader",
    "ZaiWebReaderTool",
    "ZaiWebSearchRetriever",
    "ZaiWebSearchTool",
]

# Agents and GLM-OCR (langchain_zai.agents, langchain_zai.ocr).
__all__ += ["ZaiAgentTool", "ZaiOCRLoader", "ZaiOCRParser", "ZaiTranslationTool"]
