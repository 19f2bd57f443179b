"""Z.ai's agents as a LlamaIndex tool spec: translation and any agent by its `agent_id`.

`ZaiAgentToolSpec` gives an agent two tools, each with a sync and a native async
function: `translate` (the `general_translation` agent) and `call_agent` (the agent
named by `agent_id`, with its `custom_variables`). Streamed pieces are sent as
`ZaiAgentChunkEvent` and every poll of an asynchronous answer as
`ZaiAgentProgressEvent` through LlamaIndex's instrumentation dispatcher (and to
`on_agent_progress` when given).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from llama_index.core.instrumentation import get_dispatcher
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.tools.tool_spec.base import BaseToolSpec

from llama_index_zai._config import ZaiSettings
from zai_core import (
    TRANSLATION_AGENT,
    AgentProgress,
    PollPolicy,
    agent_answer_text,
    arun_agent,
    astream_agent,
    build_agent_body,
    build_translation_variables,
    join_agent_chunks,
    run_agent,
    stream_agent,
)
from zai_core.transport import ChatTransport

__all__ = ["ZaiAgentChunkEvent", "ZaiAgentProgressEvent", "ZaiAgentToolSpec"]

dispatcher = get_dispatcher(__name__)


class ZaiAgentChunkEvent(BaseEvent):
    """One streamed piece of an agent's answer (`agent_id`, `text`)."""

    agent_id: str
    text: str

    @classmethod
    def class_name(cls) -> str:
        """Event name."""
        return "ZaiAgentChunkEvent"


class ZaiAgentProgressEvent(BaseEvent):
    """Sent after every poll of an asynchronous agent answer.

    Attributes:
        agent_id / async_id: what is being polled.
        status: `PENDING`, `SUCCESS` or `FAIL`.
        attempt: poll number, from 0.
        elapsed: seconds since polling began.
        next_delay: seconds until the next poll (0 after the last).
    """

    agent_id: str
    async_id: str | None
    status: str
    attempt: int
    elapsed: float
    next_delay: float

    @classmethod
    def class_name(cls) -> str:
        """Event name."""
        return "ZaiAgentProgressEvent"


class ZaiAgentToolSpec(BaseToolSpec):
    """Z.ai agents as tools: `translate` and `call_agent`.

    Args:
        target_lang: default target language of `translate`, default `"en"`.
        source_lang: default source language (detected when unset).
        strategy: translation strategy (`"general"`, `"paraphrase"`, `"two_step"`,
            `"three_step"`, `"reflection"`, `"cot"`).
        glossary: id of a glossary uploaded with `zai_core.upload_file`.
        suggestion: a style suggestion for the translator.
        agent_id: the agent `call_agent` talks to, default `"general_translation"`.
        custom_variables: the agent's `custom_variables`.
        streaming: stream the agent's answer (each piece is a `ZaiAgentChunkEvent`).
        agent_poll_timeout: seconds to wait for an asynchronous answer.
        agent_poll_interval: seconds before the second poll.
        agent_max_poll_interval: longest pause between polls.
        agent_poll_backoff: factor the pause grows by after each poll.
        on_agent_progress: called with each poll's `AgentProgress` (a
            `ZaiAgentProgressEvent` is also sent to LlamaIndex instrumentation).

    The shared Z.ai settings `api_key`, `base_url`, `timeout`, `max_retries`,
    `default_headers`, `http_client`, `http_async_client` and `total_timeout` work as on
    `Zai` (the key comes from `ZAI_API_KEY` by default and is never serialized).

    Examples:
        Setup:

        ```bash
        pip install ".[llama-index]"
        export ZAI_API_KEY="your-key"
        ```

        Instantiate:

        ```python
        from llama_index_zai import ZaiAgentToolSpec

        spec = ZaiAgentToolSpec(
            target_lang="en",  # translate's default target
            strategy="general",  # paraphrase, two_step, three_step, reflection, cot
            agent_id="slides_glm_agent",  # what call_agent calls
            # custom_variables={...}, streaming=True, agent_poll_timeout=900,
            # on_agent_progress=print, api_key="...", base_url="mainland",
        )
        tools = spec.to_tool_list()
        ```

        Call directly:

        ```python
        spec.translate("Guten Morgen", source_lang="de")  # 'Good morning'
        await spec.acall_agent("Five slides on GLM-OCR")
        ```
    """

    spec_functions = [("translate", "atranslate"), ("call_agent", "acall_agent")]

    def __init__(
        self,
        *,
        target_lang: str = "en",
        source_lang: str | None = None,
        strategy: str | None = None,
        glossary: str | None = None,
        suggestion: str | None = None,
        agent_id: str = TRANSLATION_AGENT,
        custom_variables: Mapping[str, Any] | None = None,
        streaming: bool = False,
        agent_poll_timeout: float = 600.0,
        agent_poll_interval: float = 2.0,
        agent_max_poll_interval: float = 15.0,
        agent_poll_backoff: float = 1.5,
        on_agent_progress: Callable[[AgentProgress], Any] | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: Any | None = None,
        http_async_client: Any | None = None,
    ) -> None:
        self.translation = {
            "source_lang": source_lang,
            "strategy": strategy,
            "glossary": glossary,
            "suggestion": suggestion,
        }
        self.target_lang = target_lang
        self.agent_id = agent_id
        self.custom_variables = dict(custom_variables) if custom_variables else None
        self.streaming = streaming
        self.policy = PollPolicy(
            timeout=agent_poll_timeout,
            interval=agent_poll_interval,
            max_interval=max(agent_max_poll_interval, agent_poll_interval),
            backoff=agent_poll_backoff,
        )
        self.on_agent_progress = on_agent_progress
        words: dict[str, Any] = {"api_key": api_key, "base_url": base_url, "timeout": timeout}
        words |= {"max_retries": max_retries, "default_headers": default_headers}
        words |= {"http_client": http_client, "http_async_client": http_async_client}
        #: The configuration words, checked now (pickles without the key or the client).
        self.settings = ZaiSettings.model_validate(words)
        # Every option is checked now, before any request.
        self._variables(None, None)
        build_agent_body(agent_id, "check", custom_variables=self.custom_variables)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(agent_id={self.agent_id!r})"

    @property
    def client(self) -> ChatTransport:
        """The Z.ai client, made on first use (`MissingAPIKeyError` when there is no key)."""
        return self.settings.client

    def _variables(self, target_lang: str | None, source_lang: str | None) -> dict[str, Any]:
        options: dict[str, Any] = {k: v for k, v in self.translation.items() if v is not None}
        if source_lang:
            options["source_lang"] = source_lang
        return build_translation_variables(target_lang or self.target_lang, **options)

    # ------------------------------------------------------------------ reporting

    def _report(self, progress: AgentProgress) -> Any:
        answer = progress.answer
        dispatcher.event(
            ZaiAgentProgressEvent(
                agent_id=answer.agent_id,
                async_id=answer.async_id,
                status=answer.status,
                attempt=progress.attempt,
                elapsed=progress.elapsed,
                next_delay=progress.next_delay,
            )
        )
        if self.on_agent_progress is not None:
            return self.on_agent_progress(progress)
        return None

    async def _areport(self, progress: AgentProgress) -> None:
        reported = self._report(progress)
        if inspect.isawaitable(reported):
            await reported

    def _run(self, agent_id: str, message: str, options: dict[str, Any]) -> str:
        if self.streaming:
            chunks = []
            for chunk in stream_agent(self.client, agent_id, message, **options):
                if chunk.text:
                    dispatcher.event(ZaiAgentChunkEvent(agent_id=agent_id, text=chunk.text))
                chunks.append(chunk)
            return agent_answer_text(join_agent_chunks(agent_id, chunks))
        answer = run_agent(
            self.client, agent_id, message, policy=self.policy, on_progress=self._report, **options
        )
        return agent_answer_text(answer)

    async def _arun(self, agent_id: str, message: str, options: dict[str, Any]) -> str:
        if self.streaming:
            chunks = []
            async for chunk in astream_agent(self.client, agent_id, message, **options):
                if chunk.text:
                    dispatcher.event(ZaiAgentChunkEvent(agent_id=agent_id, text=chunk.text))
                chunks.append(chunk)
            return agent_answer_text(join_agent_chunks(agent_id, chunks))
        answer = await arun_agent(
            self.client,
            agent_id,
            message,
            policy=self.policy,
            on_progress=self._areport,
            **options,
        )
        return agent_answer_text(answer)

    # ------------------------------------------------------------------ tools

    def translate(
        self, text: str, target_lang: str | None = None, source_lang: str | None = None
    ) -> str:
        """Translate text into another language and return the translation.

        Args:
            text (str): the text to translate.
            target_lang (str, optional): language code to translate into, e.g. 'en', 'zh-CN'.
            source_lang (str, optional): language code of the text; leave out to detect it.
        """
        variables = self._variables(target_lang, source_lang)
        return self._run(TRANSLATION_AGENT, text, {"custom_variables": variables})

    async def atranslate(
        self, text: str, target_lang: str | None = None, source_lang: str | None = None
    ) -> str:
        """Translate text into another language and return the translation.

        Args:
            text (str): the text to translate.
            target_lang (str, optional): language code to translate into, e.g. 'en', 'zh-CN'.
            source_lang (str, optional): language code of the text; leave out to detect it.
        """
        variables = self._variables(target_lang, source_lang)
        return await self._arun(TRANSLATION_AGENT, text, {"custom_variables": variables})

    def _agent_options(self, conversation_id: str | None) -> dict[str, Any]:
        options = {"custom_variables": self.custom_variables, "conversation_id": conversation_id}
        return {k: v for k, v in options.items() if v is not None}

    def call_agent(self, message: str, conversation_id: str | None = None) -> str:
        """Ask a Z.ai agent to carry out a task; returns its answer and any URLs it produced.

        Args:
            message (str): the request, as text.
            conversation_id (str, optional): continue an earlier conversation with the agent.
        """
        return self._run(self.agent_id, message, self._agent_options(conversation_id))

    async def acall_agent(self, message: str, conversation_id: str | None = None) -> str:
        """Ask a Z.ai agent to carry out a task; returns its answer and any URLs it produced.

        Args:
            message (str): the request, as text.
            conversation_id (str, optional): continue an earlier conversation with the agent.
        """
        return await self._arun(self.agent_id, message, self._agent_options(conversation_id))
