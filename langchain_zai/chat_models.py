"""`ChatZai`: Z.ai's GLM chat models as a LangChain chat model."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, Literal, Self, cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LangSmithParams, LanguageModelInput, ModelProfile
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from langchain_zai._config import ZaiSettings
from langchain_zai._convert import (
    _convert_chunk_to_message_chunk,
    _convert_messages_to_dicts,
    _create_chat_result,
    _ground,
)
from langchain_zai._errors import translate_errors
from langchain_zai._structured import json_schema_as_json_object, structured_output
from langchain_zai._tools import (
    ToolChoice,
    _checked,
    _convert_tool,
    _convert_tools,
    _resolved_choice,
)
from zai_core import ChatParameters, build_chat_body, get_model_info
from zai_core.accumulate import StreamAccumulator
from zai_core.chat_rules import warn_if_unforced
from zai_core.grounding import forced_search_query
from zai_core.tokenizer import TokenCounter, tokenizer_model

__all__ = ["ChatZai"]

_PROBE = [{"role": "user", "content": "."}]
#: Token counts kept per instance (distinct conversations / texts; least recently used go).
_TOKEN_CACHE_SIZE = 1024


def _constructor_words(model: type[BaseModel]) -> set[str]:
    """Every word a pydantic model accepts at construction: names, aliases, alias choices."""
    words = set(model.model_fields)
    for field in model.model_fields.values():
        if field.alias:
            words.add(field.alias)
        if isinstance(field.validation_alias, AliasChoices):
            words.update(c for c in field.validation_alias.choices if isinstance(c, str))
        elif isinstance(field.validation_alias, str):
            words.add(field.validation_alias)
    return words


class ChatZai(ZaiSettings, BaseChatModel, ChatParameters):
    """Z.ai's GLM chat models (GLM-5.x, GLM-4.7, GLM-4.6, GLM-4.6V, GLM-4.5...) in LangChain.

    A `BaseChatModel` over `zai_core`: real sync and async I/O, token streaming (reasoning and
    tool-call chunks too), Z.ai's own parameters as fields, and errors that are both `zai_core`
    classes and LangChain's standard exceptions.

    ???+ info "Setup"

        Install `zai-integrations` with the `langchain` extra (from a checkout, or from a wheel
        built with `make dist`) and set `ZAI_API_KEY` (`ZHIPUAI_API_KEY` works too).

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-id.your-secret"
        ```

    ??? info "Key init args — completion params"

        - `model` (`str`): model name, default `"glm-4.7"`; any name works (alias
          `model_name`).
        - `temperature`, `top_p`, `max_tokens`, `stop` (alias `stop_sequences`),
          `do_sample`, `thinking`, `reasoning_effort`, `tool_stream`, `response_format`,
          `user_id`, `request_id`, `stream_usage`: Z.ai's chat parameters, declared once in
          `zai_core.ChatParameters` and shared with LlamaIndex's `Zai` (values, defaults and
          models: docs/parameters.md); unset ones keep the model's default.
        - `streaming` (`bool`): `invoke` streams underneath, so callbacks see every token.
        - `model_kwargs`, `extra_body` (`dict`): more body fields, sent as given
          (`extra_body` wins).

        See the full list of fields below.

    ??? info "Key init args — client params"

        - `api_key` (`SecretStr | None`): default `ZAI_API_KEY`, then `ZHIPUAI_API_KEY`; a
          gateway preset reads its own variable. Never in repr, logs or serialized output.
        - `base_url` (`str | None`): a URL or a preset (`"international"`,
          `"international-coding"`, `"mainland"`, `"mainland-coding"`, gateways); default
          `ZAI_BASE_URL`, else `https://api.z.ai/api/paas/v4`.
        - `timeout` (`float | httpx.Timeout | None`): default 600 s read (the idle time
          allowed between stream chunks) and 10 s connect.
        - `max_retries` (`int`): retries on connection errors, timeouts and 408/409/429/5xx,
          never on quota codes such as 1113 and never after the first streamed chunk;
          default 2.
        - `default_headers` (`dict | None`): extra headers on every request.
        - `http_client`, `http_async_client`: your own `httpx.Client` /
          `httpx.AsyncClient`; default pooled ones.

    ??? info "Instantiate"

        ```python
        from langchain_zai import ChatZai

        model = ChatZai(
            model="glm-4.7",
            temperature=0.6,
            thinking=True,
            # max_tokens=1024,
            # base_url="mainland",
            # api_key="...",
        )
        ```

        Every value is checked here: `ChatZai(temperature=2)` raises a `ValueError` naming
        `temperature`. A model can be built without a key; its first call then raises
        `ZaiMissingAPIKeyError` before any request. Any setting can be overridden per call,
        e.g. `model.invoke(messages, temperature=0.1)`.

    ??? info "Invoke"

        ```python
        messages = [
            ("system", "You are a helpful translator. Translate the user sentence to French."),
            ("human", "I love programming."),
        ]
        message = model.invoke(messages)
        message.content                                # "J'adore la programmation."
        message.additional_kwargs["reasoning_content"]  # GLM's thinking
        ```

        With `output_version="v1"` (or through `message.content_blocks`) the answer is
        standard blocks: `reasoning`, `text`, `tool_call`.

    ??? info "Stream"

        ```python
        for chunk in model.stream(messages):
            print(chunk.text, end="")
        ```

        Reasoning chunks come first (in `additional_kwargs["reasoning_content"]`), then
        text; usage arrives once, on the last chunk. Chunks add up into one message
        (`full = chunk_1 + chunk_2 + ...`).

    ??? info "Async"

        ```python
        await model.ainvoke(messages)

        async for chunk in model.astream(messages):
            print(chunk.text, end="")

        await model.abatch([messages, messages])
        ```

        Async calls use httpx's async client: no thread pool.

    ??? info "Tool calling"

        ```python
        from pydantic import BaseModel, Field


        class GetWeather(BaseModel):
            '''Get the current weather in a given location.'''

            location: str = Field(description="The city, e.g. Paris")


        web_search = {"type": "web_search", "web_search": {"enable": True}}
        model_with_tools = model.bind_tools([GetWeather, web_search])
        message = model_with_tools.invoke("What is the weather like in Paris today?")
        message.tool_calls
        # [{'name': 'GetWeather', 'args': {'location': 'Paris'}, 'id': 'call_...',
        #   'type': 'tool_call'}]
        ```

        Functions, pydantic classes, `BaseTool`s and dicts are accepted; Z.ai's built-in
        `web_search` and `retrieval` tools are passed through. `tool_choice` follows the
        rules shared with LlamaIndex (docs/parameters.md). Streamed calls merge by index.

    ??? info "Structured output"

        ```python
        from pydantic import BaseModel


        class Joke(BaseModel):
            '''A joke to tell the user.'''

            setup: str
            punchline: str


        structured_model = model.with_structured_output(Joke)
        structured_model.invoke("Tell me a joke about cats")
        # Joke(setup="Why was the cat sitting on the computer?", punchline="...")
        ```

        `method="function_calling"` (the default) binds the schema as a forced tool;
        `method="json_mode"` sends `response_format={"type": "json_object"}`;
        `method="json_schema"` is served by function calling, since Z.ai has no JSON-schema
        response format. `include_raw=True` returns `raw`, `parsed` and `parsing_error`.

    ??? info "Token usage"

        ```python
        message = model.invoke(messages)
        message.usage_metadata
        # {'input_tokens': 12, 'output_tokens': 96, 'total_tokens': 108,
        #  'input_token_details': {'cache_read': 0},
        #  'output_token_details': {'reasoning': 80}}
        ```

        Streams carry usage on their last chunk (`stream_usage=True`, the default).
        `get_num_tokens_from_messages(messages, tools=...)` counts a prompt before sending it,
        with Z.ai's tokenizer endpoint (one request).

    ??? info "Response metadata"

        ```python
        message = model.invoke(messages)
        message.response_metadata
        # {'model_provider': 'zai', 'model_name': 'glm-4.7', 'finish_reason': 'stop',
        #  'id': '2026...'}
        ```

        `finish_reason` is Z.ai's own word. A failing one raises instead: `"sensitive"`
        raises `ZaiContentFilterError`, `"model_context_window_exceeded"` raises
        `ZaiContextOverflowError`.

    ??? info "Image input"

        ```python
        import base64

        vision = ChatZai(model="glm-4.6v")
        with open("cat.png", "rb") as f:
            data = base64.b64encode(f.read()).decode()
        message = {
            "role": "user",
            "content": [
                {"type": "text", "text": "Describe this image."},
                {"type": "image", "base64": data, "mime_type": "image/png"},
                # or {"type": "image", "url": "https://..."}
            ],
        }
        vision.invoke([message]).text
        ```

        Standard `image`, `video` and `file` blocks (URL, base64 or file id),
        OpenAI-style `image_url` parts and Anthropic-style image blocks become Z.ai's
        `image_url`, `video_url` and `file` parts. Audio raises `ValueError` (Z.ai's chat API
        has no audio part).

    ??? info "Thinking across turns"

        AI messages send back their reasoning (`reasoning_content`, or `reasoning` blocks), so
        preserved thinking (`thinking={"type": "enabled", "clear_thinking": False}`) and
        interleaved thinking between tool calls keep GLM's reasoning across an agent loop.

    ??? info "Errors"

        Each error is a `zai_core` class and LangChain's standard one, so LangChain's retry
        and fallback middleware understand it: `ZaiContextOverflowError`
        (`ContextOverflowError`), `ZaiRateLimitError` and `ZaiQuotaExceededError`
        (`ModelRateLimitError`; quota errors are never retried),
        `ZaiAuthenticationError` (`ModelAuthenticationError`), `ZaiContentFilterError`,
        `ZaiStreamInterruptedError` (with `.partial_text`) and the rest of `langchain_zai`.
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)
    #: Warnings already given by this instance (each is given once, not on every call).
    _warned: set[str] = PrivateAttr(default_factory=set)

    model: str = Field(default="glm-4.7", validation_alias=AliasChoices("model", "model_name"))
    """Model name, e.g. `"glm-4.7"`, `"glm-5.2"`, `"glm-4.6v"` (vision)."""
    streaming: bool = False
    """Stream underneath `invoke` so callbacks receive every token."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra body fields (unknown constructor arguments land here, with a warning)."""
    extra_body: dict[str, Any] | None = None
    """Extra body fields merged last, e.g. `{"sensitive_word_check": {...}}`."""

    _tokens: TokenCounter = PrivateAttr(default_factory=lambda: TokenCounter(_TOKEN_CACHE_SIZE))

    # ------------------------------------------------------------------ validation

    @model_validator(mode="before")
    @classmethod
    def _build_model_kwargs(cls, values: Any) -> Any:
        """Move unknown constructor arguments into ``model_kwargs`` (with a warning)."""
        if not isinstance(values, dict):
            return values
        known = _constructor_words(cls)
        extra = dict(values.get("model_kwargs") or {})
        for name in [k for k in values if k not in known]:
            warnings.warn(
                f"{name!r} is not a ChatZai parameter; it is sent in the request body as given "
                "(pass it in model_kwargs to silence this warning)",
                stacklevel=4,
            )
            extra[name] = values.pop(name)
        clash = sorted(set(extra) & set(cls.model_fields))
        if clash:
            raise ValueError(f"pass {', '.join(clash)} as parameters, not in model_kwargs")
        if extra:
            values = {**values, "model_kwargs": extra}
        return values

    @model_validator(mode="after")
    def _check_settings(self) -> Self:
        """Reject bad chat settings now (the configuration words: :class:`ZaiSettings`)."""
        build_chat_body(
            self.model,
            _PROBE,
            extra_body={**self.model_kwargs, **(self.extra_body or {})},
            **self._chat_settings(),
        )
        return self

    # ------------------------------------------------------------------ LangChain plumbing

    @classmethod
    def is_lc_serializable(cls) -> bool:
        """`ChatZai` can be saved with `dumps` and restored with `load`."""
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        """`["langchain_zai", "chat_models"]`."""
        return ["langchain_zai", "chat_models"]

    @property
    def _llm_type(self) -> str:
        return "zai-chat"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"model": self.model, **self._chat_settings()}
        return {k: v for k, v in params.items() if v is not None}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        """Standard tracing params; a per-call ``model`` override is reported."""
        params = LangSmithParams(
            ls_provider="zai",
            ls_model_name=kwargs.get("model") or self.model,
            ls_model_type="chat",
        )
        temperature = kwargs.get("temperature", self.temperature)
        if temperature is not None:
            params["ls_temperature"] = temperature
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if max_tokens is not None:
            params["ls_max_tokens"] = max_tokens
        ls_stop = stop or kwargs.get("stop") or self.stop
        if ls_stop:
            params["ls_stop"] = [ls_stop] if isinstance(ls_stop, str) else list(ls_stop)
        return params

    def _resolve_model_profile(self) -> ModelProfile | None:
        """The catalog's facts about the model; only what is known for an unknown name.

        An unknown name (``glm-9-preview``) gets text in and text out and nothing else:
        no invented context window, output limit or tool support, so middleware that trusts
        the profile (summarization, trimming) does not act on a guess. Pass
        ``ChatZai(profile={...})`` to state them yourself.
        """
        info = get_model_info(self.model)
        if not info.known:
            return ModelProfile(text_inputs=True, text_outputs=True)
        profile = ModelProfile(
            max_input_tokens=info.context_window,
            max_output_tokens=info.max_output,
            text_inputs=True,
            text_outputs=True,
            image_inputs=info.vision,
            image_url_inputs=info.vision,
            video_inputs=info.vision,
            pdf_inputs=info.vision,
            audio_inputs=False,
            image_tool_message=info.vision,
            pdf_tool_message=info.vision,
            reasoning_output=info.thinking,
            tool_calling=info.tools,
            tool_choice=info.tools,
            tool_call_streaming=info.tools,
            # Z.ai has json_object, not json_schema: a json_schema response_format (LangChain
            # agents' ProviderStrategy) is sent as json_object plus the schema in a system
            # message, and the agent parses the JSON text. Forcing "one of several tools"
            # (ToolStrategy) is what Z.ai cannot do.
            structured_output=True,
            temperature=True,
        )
        if info.reasoning_efforts:
            profile["reasoning_effort_levels"] = list(info.reasoning_efforts)
        return profile

    # ------------------------------------------------------------------ requests

    def _get_request_payload(
        self,
        messages: Sequence[BaseMessage],
        *,
        stop: list[str] | None = None,
        stream: bool = False,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The ``/chat/completions`` body: fields, then call-time overrides, then extras.

        Call-time keywords named like a setting override it; ``tools`` / ``tool_choice``
        come from :meth:`bind_tools`; any other keyword is sent as a body field.

        Raises:
            ValueError: a setting or a message cannot be sent (before any request).
        """
        settings = {n: kwargs.pop(n, v) for n, v in self._chat_settings().items()}
        if stop is not None:
            settings["stop"] = stop
        model = kwargs.pop("model", None) or self.model
        tools = _convert_tools(kwargs.pop("tools", None) or ())
        choice = _resolved_choice(
            kwargs.pop("tool_choice", None), tools, stacklevel=4, warned=self._warned
        )
        kwargs.pop("stream", None)
        kwargs.pop("parallel_tool_calls", None)
        extra_body = {**self.model_kwargs, **(self.extra_body or {})}
        extra_body.update(kwargs.pop("extra_body", None) or {})
        extra_body.update(kwargs)
        wire = _convert_messages_to_dicts(messages)
        settings["response_format"], wire = json_schema_as_json_object(
            settings.get("response_format"), wire
        )
        return build_chat_body(
            model,
            wire,
            stream=stream,
            tools=tools if choice.keep_tools else None,
            tool_choice=choice.choice,
            extra_body=extra_body,
            **settings,
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        total = kwargs.pop("total_timeout", None)
        body = self._get_request_payload(messages, stop=stop, **kwargs)
        with translate_errors():
            response = self._get_client().chat(body, total_timeout=total)
        return _checked(body, _create_chat_result(response, forced_search_query(body.get("tools"))))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        total = kwargs.pop("total_timeout", None)
        body = self._get_request_payload(messages, stop=stop, **kwargs)
        with translate_errors():
            response = await self._get_client().achat(body, total_timeout=total)
        return _checked(body, _create_chat_result(response, forced_search_query(body.get("tools"))))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        total = kwargs.pop("total_timeout", None)
        body = self._get_request_payload(messages, stop=stop, stream=True, **kwargs)
        to_chunk = _StreamChunks(body)
        with translate_errors():
            stream = self._get_client().stream_chat(body, total_timeout=total)
        with translate_errors(stream.accumulator), stream:
            for raw in stream:
                chunk = to_chunk(raw, stream.accumulator)
                if chunk is None:
                    continue
                if run_manager is not None:
                    run_manager.on_llm_new_token(cast(str, chunk.message.content), chunk=chunk)
                yield chunk
        warn_if_unforced(body, stream.accumulator.has_tool_calls)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        total = kwargs.pop("total_timeout", None)
        body = self._get_request_payload(messages, stop=stop, stream=True, **kwargs)
        to_chunk = _StreamChunks(body)
        with translate_errors():
            stream = self._get_client().astream_chat(body, total_timeout=total)
        with translate_errors(stream.accumulator):
            async with stream:
                async for raw in stream:
                    chunk = to_chunk(raw, stream.accumulator)
                    if chunk is None:
                        continue
                    if run_manager is not None:
                        await run_manager.on_llm_new_token(
                            cast(str, chunk.message.content), chunk=chunk
                        )
                    yield chunk
        warn_if_unforced(body, stream.accumulator.has_tool_calls)

    # ------------------------------------------------------------------ tools

    def bind_tools(
        self,
        tools: Sequence[Mapping[str, Any] | type | Callable[..., Any] | Any],
        *,
        tool_choice: ToolChoice = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools: functions, pydantic classes, `BaseTool`s, dicts, and Z.ai built-ins.

        Args:
            tools: tool definitions; `{"type": "web_search", "web_search": {...}}` and
                `{"type": "retrieval", "retrieval": {...}}` are passed through untouched
                (Z.ai runs them; a search shows in `content_blocks` as `server_tool_call`
                / `server_tool_result` blocks and `Citation` annotations on the text, raw
                in `response_metadata["web_search"]`).
            tool_choice: `"auto"`, `"none"` (tools are then left out of the request),
                `"any"` / `"required"` / `True`, a tool name, or a dict. Z.ai documents
                only `"auto"`; a named tool is sent as `{"type": "function", "function":
                {"name": ...}}`, which the API accepts, though forcing may not always be
                honoured. `"any"` with several tools cannot be expressed: `"auto"` is
                sent and a warning raised.
            strict: accepted for compatibility; Z.ai has no strict schema mode, so nothing
                is sent (results are still validated by structured-output parsers).
            parallel_tool_calls: Z.ai has no switch for this; `False` raises a warning.
            kwargs: passed to `bind`.

        Raises:
            ValueError: a tool name Z.ai rejects, more than 128 function tools, or a
                `tool_choice` naming no bound tool.
        """
        formatted = [_convert_tool(tool) for tool in tools]
        if parallel_tool_calls is False:
            warnings.warn(
                "Z.ai has no parallel_tool_calls switch; the model may still call several "
                "tools at once",
                stacklevel=2,
            )
        choice = _resolved_choice(tool_choice, formatted, stacklevel=3, warned=self._warned)
        if not choice.keep_tools:
            kwargs["tool_choice"] = "none"
        elif choice.choice is not None:
            kwargs["tool_choice"] = choice.choice
        return super().bind(tools=formatted, **kwargs)

    def with_structured_output(
        self,
        schema: Mapping[str, Any] | type | None = None,
        *,
        method: Literal["function_calling", "json_mode", "json_schema"] = "function_calling",
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, Any]:
        """A runnable that returns output shaped by `schema` (pydantic, TypedDict, JSON schema).

        Args:
            schema: the output schema; optional for `json_mode`.
            method: `"function_calling"` (default): the schema is bound as a tool and that
                tool is forced. `"json_mode"`: `response_format={"type": "json_object"}`
                (describe the keys in your prompt). `"json_schema"`: Z.ai has no
                json_schema response format, so this is served by function calling.
            include_raw: return `{"raw", "parsed", "parsing_error"}` instead of raising
                on a parsing error.
            strict: accepted for compatibility; Z.ai has no strict mode.
            kwargs: passed to `bind`.
        """
        return structured_output(
            self, schema, method=method, include_raw=include_raw, strict=strict, **kwargs
        )

    # ------------------------------------------------------------------ tokens

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Prompt tokens of a conversation, chat template included, from Z.ai's tokenizer.

        What the model is charged for `messages` (and `tools`) as a prompt: each
        message's text plus the template tokens around it. Counted by Z.ai's tokenizer
        endpoint with the tokenizer it documents closest to the model (`glm-4.6` for
        GLM-4.6 and later text models, `glm-4.6v` for vision models, `glm-4.5` for
        GLM-4.5).

        Cost: one request per distinct conversation; identical ones (same messages, same
        tools) are answered from a bounded per-instance cache, so a trimming loop that
        counts the same messages turn after turn does not repeat requests.
        """
        wire, wire_tools = self._token_request(messages, tools)
        with translate_errors():
            return self._tokens.messages(self._get_client, self._tokenizer, wire, wire_tools)

    async def aget_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """Async `get_num_tokens_from_messages` (shares the cache)."""
        wire, wire_tools = self._token_request(messages, tools)
        with translate_errors():
            return await self._tokens.amessages(self._get_client, self._tokenizer, wire, wire_tools)

    def get_num_tokens(self, text: str) -> int:
        """Tokens in `text` itself, without any chat-template overhead.

        LangChain's contract: `get_num_tokens` counts text, and
        `get_num_tokens_from_messages` counts a conversation. `""` is 0 without a
        request. Otherwise the text is counted as one user message and the template around
        a message is subtracted, measured once per instance by counting a one-token text;
        so the first call costs two requests, later distinct texts one, repeated texts none.
        """
        with translate_errors():
            return self._tokens.text(self._get_client, self._tokenizer, text)

    @property
    def _tokenizer(self) -> str:
        return tokenizer_model(self.model)

    def get_token_ids(self, text: str) -> list[int]:
        """Not available: Z.ai's tokenizer endpoint returns counts, not token ids."""
        raise NotImplementedError(
            "Z.ai's tokenizer returns counts only; use get_num_tokens / "
            "get_num_tokens_from_messages"
        )

    def _token_request(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
        wire = _convert_messages_to_dicts(messages)
        return wire, _convert_tools(tools) if tools else None


class _StreamChunks:
    """Streamed chunks of one request as `ChatGenerationChunk`s: the per-chunk decisions
    `_stream` and `_astream` share (usage wanted, grounding on the chunk with the search)."""

    __slots__ = ("query", "usage")

    def __init__(self, body: Mapping[str, Any]) -> None:
        self.usage = "stream_options" in body
        self.query = forced_search_query(body.get("tools"))

    def __call__(
        self, raw: dict[str, Any], accumulator: StreamAccumulator
    ) -> ChatGenerationChunk | None:
        message = _convert_chunk_to_message_chunk(raw, accumulator, stream_usage=self.usage)
        if message is None:
            return None
        if "web_search" in raw:
            _ground(message, accumulator.content, self.query)
        return ChatGenerationChunk(message=message)
