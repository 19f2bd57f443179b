"""LangChain integration for Z.ai's GLM models.

`ChatZai` is the chat model; the error classes are what it raises (each is both a
`zai_core` error and the matching `langchain_core.exceptions` class).
"""

from zai_core._extras import require_extra

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
