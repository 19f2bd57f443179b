"""`Zai`: Z.ai's GLM models as a LlamaIndex `FunctionCallingLLM`.

Requests are built by `zai_core.build_chat_body` and sent by one
`zai_core.ZaiClient` per instance; every conversion lives in `._convert`.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncGenerator, Generator, Sequence
from typing import TYPE_CHECKING, Any

import llama_index.core.instrumentation as instrument
from llama_index.core.base.llms.generic_utils import (
    achat_to_completion_decorator,
    astream_chat_to_completion_decorator,
    chat_to_completion_decorator,
    stream_chat_to_completion_decorator,
)
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.bridge.pydantic import Field, model_validator
from llama_index.core.instrumentation.events.llm import (
    LLMStructuredPredictEndEvent,
    LLMStructuredPredictStartEvent,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.llms.llm import ToolSelection
from llama_index.core.prompts import PromptTemplate
from llama_index.core.types import Model, PydanticProgramMode

from zai_core import CHAT_PARAMETERS, ChatParameters, build_chat_body, get_model_info
from zai_core.chat_rules import function_names, resolve_tool_choice, warn_if_unforced

from ._config import ZaiSettings
from ._convert import (
    _START,
    _add_json_instruction,
    _convert_chunk_to_chat_response,
    _convert_messages_to_dicts,
    _convert_response_to_chat_response,
    _convert_tool_to_dict,
    _keep_first_tool_call,
    _parse_structured,
    _raise_on_invalid_tool_calls,
    _tool_selections_from_message,
)

if TYPE_CHECKING:
    from llama_index.core.program.utils import FlexibleModel
    from llama_index.core.tools.types import BaseTool

__all__ = ["Zai"]

dispatcher = instrument.get_dispatcher(__name__)

#: The request-body words a call may override (``llm.chat(messages, temperature=0.2)``).
_BODY_SETTINGS = ("model", *CHAT_PARAMETERS)
_CALL_ONLY = ("tools", "tool_choice", "extra_body")
_STRUCTURED_IGNORED = ("tool_choice", "tool_required", "allow_parallel_tool_calls")


class Zai(ZaiSettings, FunctionCallingLLM, ChatParameters):
    """Z.ai's GLM chat models (GLM-5.x, GLM-4.7, GLM-4.6, GLM-4.6V...) as a LlamaIndex LLM.

    A `FunctionCallingLLM` with real sync and async calls over one pooled HTTP client,
    streaming with reasoning (`thinking_delta`), text and tool calls, Z.ai's thinking controls,
    vision input, Z.ai's built-in `web_search` / `retrieval` tools, and usage with cached and
    reasoning tokens. Also importable as `llama_index.llms.zai.Zai`.

    Args:
        model: Z.ai model name, default `"glm-4.7"`; any name is accepted.
        temperature: sampling temperature in [0, 1]; unset keeps the model's default.
        top_p: nucleus sampling in [0.01, 1].
        max_tokens: the most tokens to generate; also `metadata.num_output` (`-1` when unset).
        stop: a stop sequence or up to 4 of them.
        do_sample: `False` for greedy decoding.
        thinking: `True` / `False`, or `{"type": "enabled", "clear_thinking": False}`
            (preserved thinking).
        reasoning_effort: GLM-5.2+: `"max"`, `"xhigh"`, `"high"`, `"medium"`, `"low"`,
            `"minimal"` or `"none"`.
        tool_stream: stream tool-call arguments as they are generated (streamed calls).
        response_format: `{"type": "json_object"}` or `{"type": "text"}`.
        user_id: Z.ai's end-user id (6-128 characters).
        request_id: Z.ai's request id (6-64 characters).
        stream_usage: ask for token usage at the end of streams (default `True`).
        additional_kwargs: extra request-body keys, merged last.
        context_window: override the catalog's context window (for a model it does not know).
        api_key: the key; else `ZAI_API_KEY`, else `ZHIPUAI_API_KEY`. Never serialized
            (`to_dict()`, `repr`, pickles).
        base_url: a URL or a preset (`"international"`, `"international-coding"`,
            `"mainland"`, `"mainland-coding"`, gateways); else `ZAI_BASE_URL`, else
            `https://api.z.ai/api/paas/v4`.
        timeout: seconds or an `httpx.Timeout`; default 600 s read (the idle time between
            stream chunks) and 10 s connect.
        max_retries: retries after the first attempt (default 2; quota errors never).
        default_headers: extra headers on every request.
        http_client: your own `httpx.Client` (constructor only).
        http_async_client: your own `httpx.AsyncClient` (constructor only).

    Every setting is checked when the object is built, so a bad value fails with its name
    before any request; a call can override any of them (`llm.chat(messages,
    temperature=0.2)`) and add `tools`, `tool_choice` or `extra_body`.

    Examples:
        `pip install ".[llama-index]"` (from a checkout) and `export ZAI_API_KEY=...`

        ```python
        from llama_index.core.llms import ChatMessage
        from llama_index.llms.zai import Zai

        llm = Zai(model="glm-4.7", thinking=True)

        messages = [ChatMessage(role="user", content="What is 17 * 19?")]
        response = llm.chat(messages)
        print(response.message.content)            # the answer
        print(response.message.blocks[0].content)  # the ThinkingBlock: GLM's reasoning
        print(response.additional_kwargs)          # prompt/completion/total/cached/reasoning tokens

        for chunk in llm.stream_chat(messages):
            print(chunk.additional_kwargs.get("thinking_delta", ""), end="")
            print(chunk.delta, end="")

        print(llm.complete("Say hi in French.").text)
        response = await llm.achat(messages)
        ```

        Tools, and Z.ai's built-in web search as a plain dict:

        ```python
        from llama_index.core.tools import FunctionTool


        def add(a: int, b: int) -> int:
            '''Add two integers.'''
            return a + b


        tool = FunctionTool.from_defaults(fn=add)
        response = llm.chat_with_tools([tool], user_msg="What is 2 + 3?")
        for call in llm.get_tool_calls_from_response(response, error_on_no_tool_call=False):
            print(call.tool_name, call.tool_kwargs)

        web = {"type": "web_search", "web_search": {"enable": True, "search_result": True}}
        response = llm.chat(messages, tools=[web])
        raw = response.additional_kwargs["web_search"]  # the results, as Z.ai sent them
        # each [ref_N] the answer cites is a CitationBlock after its TextBlock
        sources = [b.source for b in response.message.blocks if b.block_type == "citation"]
        ```

        An agent that streams its thinking:

        ```python
        from llama_index.core.agent.workflow import AgentStream, FunctionAgent

        agent = FunctionAgent(tools=[tool], llm=llm)
        handler = agent.run("What is 2 + 3?")
        async for event in handler.stream_events():
            if isinstance(event, AgentStream):
                print(event.thinking_delta or "", event.delta, end="")
        print(await handler)
        ```

        Structured output (the schema goes into the system message and the answer is asked
        for as a JSON object, then validated with pydantic; Z.ai cannot reliably force a
        tool call):

        ```python
        from pydantic import BaseModel
        from llama_index.core.prompts import PromptTemplate


        class Person(BaseModel):
            name: str
            age: int


        person = llm.structured_predict(
            Person, PromptTemplate("Alice is {age} years old."), age=30
        )
        ```

        Images, with a vision model (an `ImageBlock` holds a URL, a path or bytes):

        ```python
        from llama_index.core.llms import ImageBlock, TextBlock

        message = ChatMessage(
            role="user", blocks=[TextBlock(text="What is this?"), ImageBlock(path="cat.png")]
        )
        print(Zai(model="glm-4.6v").chat([message]).message.content)
        ```
    """

    model: str = Field(default="glm-4.7", description="Z.ai model name; any name is accepted.")
    # The chat parameters (temperature, top_p, max_tokens, stop, thinking, ...) come from
    # zai_core.ChatParameters, shared with ChatZai; table: docs/parameters.md.
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Extra request-body keys, merged last."
    )
    context_window: int | None = Field(
        default=None, description="Override the catalog's context window (unknown models)."
    )

    @model_validator(mode="after")
    def _check_settings(self) -> Zai:
        """Fail on a bad setting now, with its name, rather than on the first call."""
        build_chat_body(self.model, [{"role": "user", "content": "."}], **self._chat_settings())
        return self

    @classmethod
    def class_name(cls) -> str:
        """Stable name used in serialization and instrumentation payloads."""
        return "Zai"

    @property
    def metadata(self) -> LLMMetadata:
        """Limits and capabilities from the `zai_core` catalog (unknown models never raise).

        `context_window` is yours if set, else the catalog's (128,000 for a model it does not
        know); `num_output` is `max_tokens`, or `-1` when it is unset (as in
        llama-index-llms-openai), so `PromptHelper` keeps only its small default back for the
        answer; `is_function_calling_model` follows the catalog.
        """
        info = get_model_info(self.model)
        return LLMMetadata(
            context_window=self.context_window or info.context_window,
            # -1 with max_tokens unset, as llama-index-llms-openai: the server decides the
            # output length, and PromptHelper gives the prompt the whole context window.
            num_output=self.max_tokens or -1,
            is_chat_model=True,
            is_function_calling_model=info.tools,
            model_name=self.model,
            system_role=MessageRole.SYSTEM,
        )

    # ------------------------------------------------------------------ request building

    def _build_body(
        self, messages: Sequence[ChatMessage], stream: bool, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        """The request body for ``messages`` with this instance's settings and ``kwargs``."""
        unknown = sorted(set(kwargs) - set(_BODY_SETTINGS) - set(_CALL_ONLY))
        if unknown:
            raise ValueError(
                f"Zai got unexpected argument(s) {', '.join(unknown)}; it takes "
                f"{', '.join(_BODY_SETTINGS + _CALL_ONLY)} (use extra_body={{...}} for other "
                "request-body keys)"
            )
        settings = {**self._chat_settings(), **kwargs}
        model = settings.pop("model", None) or self.model
        tools = [_convert_tool_to_dict(t) for t in settings.pop("tools", None) or ()]
        choice = resolve_tool_choice(settings.pop("tool_choice", None), function_names(tools))
        if choice.warning:
            warnings.warn(choice.warning, UserWarning, stacklevel=5)
        extra_body = {**self.additional_kwargs, **(settings.pop("extra_body", None) or {})}
        return build_chat_body(
            model,
            _convert_messages_to_dicts(messages),
            stream=stream,
            tools=tools if choice.keep_tools else None,
            tool_choice=choice.choice,
            extra_body=extra_body or None,
            **settings,
        )

    # ------------------------------------------------------------------ chat (public)

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Chat; `kwargs` override settings for this call (plus tools, tool_choice)."""
        return self._chat(messages, **kwargs)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        """Stream a chat answer: one `ChatResponse` (the whole answer so far) per chunk."""
        return self._stream_chat(messages, **kwargs)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        """Async `chat`."""
        return await self._achat(messages, **kwargs)

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        """Async `stream_chat`."""
        return await self._astream_chat(messages, **kwargs)

    # ------------------------------------------------------------------ complete (public)

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        """Complete a prompt (sent as one user message)."""
        return chat_to_completion_decorator(self._chat)(prompt, **kwargs)

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        """Stream a completion."""
        return stream_chat_to_completion_decorator(self._stream_chat)(prompt, **kwargs)

    @llm_completion_callback()
    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        """Async `complete`."""
        return await achat_to_completion_decorator(self._achat)(prompt, **kwargs)

    @llm_completion_callback()
    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        """Async `stream_complete`."""
        return await astream_chat_to_completion_decorator(self._astream_chat)(prompt, **kwargs)

    # ------------------------------------------------------------------ the work (undecorated)

    def _chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        total = kwargs.pop("total_timeout", None)
        body = self._build_body(messages, False, kwargs)
        response = _convert_response_to_chat_response(
            self._get_client().chat(body, total_timeout=total)
        )
        warn_if_unforced(body, bool(response.message.additional_kwargs.get("tool_calls")))
        return response

    async def _achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        total = kwargs.pop("total_timeout", None)
        body = self._build_body(messages, False, kwargs)
        response = _convert_response_to_chat_response(
            await self._get_client().achat(body, total_timeout=total)
        )
        warn_if_unforced(body, bool(response.message.additional_kwargs.get("tool_calls")))
        return response

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        total = kwargs.pop("total_timeout", None)
        body = self._build_body(messages, True, kwargs)
        client = self._get_client()

        def gen() -> ChatResponseGen:
            state = _START
            with client.stream_chat(body, total_timeout=total) as stream:
                for chunk in stream:
                    response, state = _convert_chunk_to_chat_response(
                        chunk, stream.accumulator, state
                    )
                    yield response
            warn_if_unforced(body, stream.accumulator.has_tool_calls)

        return gen()

    async def _astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        total = kwargs.pop("total_timeout", None)
        body = self._build_body(messages, True, kwargs)
        client = self._get_client()

        async def gen() -> ChatResponseAsyncGen:
            state = _START
            async with client.astream_chat(body, total_timeout=total) as stream:
                async for chunk in stream:
                    response, state = _convert_chunk_to_chat_response(
                        chunk, stream.accumulator, state
                    )
                    yield response
            warn_if_unforced(body, stream.accumulator.has_tool_calls)

        return gen()

    # ------------------------------------------------------------------ tools

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        tool_choice: str | dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Chat arguments for ``tools`` (BaseTools, or dicts for Z.ai's built-in tools).

        ``parallel_tool_calls`` is not sent (Z.ai does not document it); a single call is
        enforced afterwards when ``allow_parallel_tool_calls`` is False. ``tool_required``
        and ``tool_choice`` are mapped as far as Z.ai allows (``zai_core.resolve_tool_choice``,
        shared with LangChain): several tools cannot be forced (``"auto"`` is sent, with a
        warning), and a forced tool the answer did not call is warned about afterwards.
        """
        messages = list(chat_history or [])
        if isinstance(user_msg, str):
            user_msg = ChatMessage(role=MessageRole.USER, content=user_msg)
        if user_msg is not None:
            messages.append(user_msg)
        tool_dicts = [_convert_tool_to_dict(t) for t in tools]
        out: dict[str, Any] = {"messages": messages, **kwargs}
        if not tool_dicts:
            return out
        choice = resolve_tool_choice(
            tool_choice, function_names(tool_dicts), required=tool_required
        )
        if choice.warning:
            warnings.warn(choice.warning, UserWarning, stacklevel=4)
        if choice.keep_tools:
            out["tools"] = tool_dicts
            if choice.choice is not None:
                out["tool_choice"] = choice.choice
        return out

    def _validate_chat_with_tools_response(
        self,
        response: ChatResponse,
        tools: Sequence[BaseTool],
        allow_parallel_tool_calls: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        """Keep only the first tool call unless parallel calls are allowed."""
        if allow_parallel_tool_calls or len(_tool_selections_from_message(response.message)) < 2:
            return response
        return _keep_first_tool_call(response)

    def get_tool_calls_from_response(
        self, response: ChatResponse, error_on_no_tool_call: bool = True, **kwargs: Any
    ) -> list[ToolSelection]:
        """The function calls in `response`; partial streamed ones too, never raising then.

        Args:
            response: a `ChatResponse` (a streamed chunk holds every call so far).
            error_on_no_tool_call: raise `ValueError` when there is none (else `[]`).

        Raises:
            ValueError: the answer is complete (it has a `finish_reason`) and a call's
                arguments are not a JSON object or were cut off by the token limit: such a
                call is never handed out to be run (a streamed chunk before the end is
                parsed partially, as before).
        """
        finish = response.additional_kwargs.get("finish_reason")
        if finish:
            _raise_on_invalid_tool_calls(response.message, finish)
        selections = _tool_selections_from_message(response.message)
        if not selections and error_on_no_tool_call:
            raise ValueError(
                "Expected at least one tool call, but the model answered with text: "
                f"{(response.message.content or '')[:200]!r}"
            )
        return selections

    # ------------------------------------------------------------------ structured output

    def _json_mode(self) -> bool:
        return self.pydantic_program_mode == PydanticProgramMode.DEFAULT

    def _structured_request(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None,
        prompt_args: dict[str, Any],
    ) -> tuple[list[ChatMessage], dict[str, Any]]:
        """Messages asking for ``output_cls`` as JSON, and the call's arguments."""
        messages = self._extend_messages(prompt.format_messages(llm=self, **prompt_args))
        messages = _add_json_instruction(messages, output_cls.model_json_schema())
        kwargs = {k: v for k, v in (llm_kwargs or {}).items() if k not in _STRUCTURED_IGNORED}
        if not get_model_info(kwargs.get("model") or self.model).vision:
            kwargs.setdefault("response_format", {"type": "json_object"})
        return messages, kwargs

    @dispatcher.span  # type: ignore[misc]
    def structured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        """`output_cls` from the prompt via JSON mode (no forced tool choice needed)."""
        if not self._json_mode():
            return super().structured_predict(output_cls, prompt, llm_kwargs, **prompt_args)
        dispatcher.event(
            LLMStructuredPredictStartEvent(
                output_cls=output_cls, template=prompt, template_args=prompt_args
            )
        )
        messages, kwargs = self._structured_request(output_cls, prompt, llm_kwargs, prompt_args)
        result = _parse_structured(self.chat(messages, **kwargs).message.content, output_cls)
        dispatcher.event(LLMStructuredPredictEndEvent(output=result))
        return result

    @dispatcher.span  # type: ignore[misc]
    async def astructured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        """Async `structured_predict`."""
        if not self._json_mode():
            return await super().astructured_predict(output_cls, prompt, llm_kwargs, **prompt_args)
        dispatcher.event(
            LLMStructuredPredictStartEvent(
                output_cls=output_cls, template=prompt, template_args=prompt_args
            )
        )
        messages, kwargs = self._structured_request(output_cls, prompt, llm_kwargs, prompt_args)
        response = await self.achat(messages, **kwargs)
        result = _parse_structured(response.message.content, output_cls)
        dispatcher.event(LLMStructuredPredictEndEvent(output=result))
        return result

    def _structured_stream_call(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Generator[Model | list[Model] | FlexibleModel | list[FlexibleModel], None, None]:
        if not self._json_mode():
            return super()._structured_stream_call(output_cls, prompt, llm_kwargs, **prompt_args)
        from llama_index.core.program.streaming_utils import (
            process_streaming_content_incremental,
        )

        messages, kwargs = self._structured_request(output_cls, prompt, llm_kwargs, prompt_args)
        responses = self.stream_chat(messages, **kwargs)

        def gen() -> Generator[Model | FlexibleModel, None, None]:
            current = None
            for response in responses:
                current = process_streaming_content_incremental(response, output_cls, current)
                yield current

        return gen()  # type: ignore[return-value]

    async def _structured_astream_call(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> AsyncGenerator[Model | list[Model] | FlexibleModel | list[FlexibleModel], None]:
        if not self._json_mode():
            return await super()._structured_astream_call(
                output_cls, prompt, llm_kwargs, **prompt_args
            )
        from llama_index.core.program.streaming_utils import (
            process_streaming_content_incremental,
        )

        messages, kwargs = self._structured_request(output_cls, prompt, llm_kwargs, prompt_args)
        responses = await self.astream_chat(messages, **kwargs)

        async def gen() -> AsyncGenerator[Model | FlexibleModel, None]:
            current = None
            async for response in responses:
                current = process_streaming_content_incremental(response, output_cls, current)
                yield current

        return gen()  # type: ignore[return-value]
