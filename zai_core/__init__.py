"""zai_core: the thin shared transport under ``langchain_zai`` and ``llama_index_zai``.

Imports httpx, never LangChain or LlamaIndex. One client (:class:`ZaiClient`) with sync and
async methods, one error tree, pure helpers for the retry policy, request bodies, streamed
answers, usage and the model catalog.
"""

from .accumulate import StreamAccumulator, Usage, parse_usage
from .catalog import MODELS, ModelInfo, get_model_info
from .client import AsyncChatStream, ChatStream, ZaiClient, create_client, finish_reason_error
from .config import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    SURFACES,
    MissingAPIKeyError,
    Surface,
    ZaiConfig,
)
from .errors import (
    BUSINESS_CODE_MEANINGS,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ContentFilterError,
    ContextWindowExceededError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    StreamInterruptedError,
    ZaiError,
    copy_error_as,
    make_status_error,
)
from .params import build_chat_body, normalize_thinking, validate_messages

__version__ = "0.1.0"

__all__ = [
    "BUSINESS_CODE_MEANINGS",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "MODELS",
    "SURFACES",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncChatStream",
    "AuthenticationError",
    "BadRequestError",
    "ChatStream",
    "ContentFilterError",
    "ContextWindowExceededError",
    "InternalServerError",
    "MissingAPIKeyError",
    "ModelInfo",
    "NotFoundError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "StreamAccumulator",
    "StreamInterruptedError",
    "Surface",
    "Usage",
    "ZaiClient",
    "ZaiConfig",
    "ZaiError",
    "__version__",
    "build_chat_body",
    "copy_error_as",
    "create_client",
    "finish_reason_error",
    "get_model_info",
    "make_status_error",
    "normalize_thinking",
    "parse_usage",
    "validate_messages",
]
