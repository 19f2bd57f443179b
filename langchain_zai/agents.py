"""Z.ai's agents as LangChain tools: translation, and any agent by its `agent_id`.

- `ZaiTranslationTool` translates with the `general_translation` agent (source and
  target language, strategy, glossary file, style suggestion).
- `ZaiAgentTool` calls any agent (`slides_glm_agent`, `vidu_template_agent`...)
  with its `custom_variables`; with `streaming=True` the answer streams, and an agent that
  answers asynchronously is polled until done.

Both answer in `content_and_artifact` form: the model reads the agent's text (and any URLs
it produced), the artifact is a dict with the whole answer. Callbacks hear about everything
while it happens: every streamed piece goes to `on_text` and to a custom event named
`"zai_agent_chunk"`; every poll of an async answer to `on_text` and to a custom event named
`"zai_agent_progress"` (both visible in `astream_events`). Errors are `zai_core`'s,
translated like every other class (`QuotaExceededError` is a `ModelRateLimitError`...).
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForToolRun,
    CallbackManagerForToolRun,
    adispatch_custom_event,
    dispatch_custom_event,
)
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool
from pydantic import BaseModel, Field

from langchain_zai._config import ZaiSettings, merge_options
from langchain_zai._errors import translate_errors
from zai_core import (
    TRANSLATION_AGENT,
    AgentAnswer,
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

__all__ = ["AGENT_CHUNK_EVENT", "AGENT_PROGRESS_EVENT", "ZaiAgentTool", "ZaiTranslationTool"]

#: Custom callback event carrying each streamed piece of an agent's answer.
AGENT_CHUNK_EVENT = "zai_agent_chunk"
#: Custom callback event sent after every poll of an asynchronous agent answer.
AGENT_PROGRESS_EVENT = "zai_agent_progress"

Strategy = Literal["general", "paraphrase", "two_step", "three_step", "reflection", "cot"]


# --------------------------------------------------------------------------- conversions


def _answer_artifact(answer: AgentAnswer) -> dict[str, Any]:
    """The whole answer for the application. Pure."""
    return {
        "agent_id": answer.agent_id,
        "text": answer.text,
        "parts": [dict(p) for p in answer.parts],
        "urls": list(answer.urls),
        "status": answer.status,
        "async_id": answer.async_id,
        "conversation_id": answer.conversation_id,
        "finish_reason": answer.finish_reason,
        "usage": dict(answer.usage),
    }


def _progress_text(progress: AgentProgress) -> str:
    """One line per poll, for ``on_text`` callbacks. Pure."""
    answer = progress.answer
    text = f"Z.ai agent {answer.agent_id} ({answer.async_id}): {answer.status}"
    text += f" after {progress.elapsed:.0f}s"
    if progress.next_delay:
        text += f"; next poll in {progress.next_delay:.1f}s"
    return text + "\n"


def _progress_data(progress: AgentProgress) -> dict[str, Any]:
    """The custom progress event's data. Pure."""
    return {
        "agent_id": progress.answer.agent_id,
        "async_id": progress.answer.async_id,
        "status": progress.answer.status,
        "attempt": progress.attempt,
        "elapsed": progress.elapsed,
        "next_delay": progress.next_delay,
    }


# --------------------------------------------------------------------------- shared runner


class _ZaiAgentRunner(ZaiSettings, BaseTool):
    """Calls one agent, streamed or not, polling async answers; reports to the callbacks."""

    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    streaming: bool = False
    """Ask the agent to stream (for agents that do); pieces reach the callbacks as they come."""
    poll_timeout: float = Field(default=600.0, gt=0)
    """Seconds to wait for an asynchronous answer before raising ``APITimeoutError``."""
    poll_interval: float = Field(default=2.0, ge=0)
    """Seconds before the second poll."""
    max_poll_interval: float = Field(default=15.0, ge=0)
    """Longest pause between polls."""
    poll_backoff: float = Field(default=1.5, ge=1)
    """Factor the pause grows by after each poll."""

    def _agent_id(self) -> str:
        raise NotImplementedError

    def _policy(self) -> PollPolicy:
        return PollPolicy(
            timeout=self.poll_timeout,
            interval=self.poll_interval,
            max_interval=max(self.max_poll_interval, self.poll_interval),
            backoff=self.poll_backoff,
        )

    def _call(
        self,
        message: str,
        options: dict[str, Any],
        run_manager: CallbackManagerForToolRun | None,
    ) -> tuple[str, dict[str, Any]]:
        agent_id = self._agent_id()
        build_agent_body(agent_id, message, **options)  # checked before any request
        config: RunnableConfig | None = (
            {"callbacks": run_manager.get_child()} if run_manager else None
        )

        def report(progress: AgentProgress) -> None:
            if run_manager is not None:
                run_manager.on_text(_progress_text(progress))
                dispatch_custom_event(AGENT_PROGRESS_EVENT, _progress_data(progress), config=config)

        with translate_errors():
            if self.streaming:
                chunks = []
                for chunk in stream_agent(self.client, agent_id, message, **options):
                    chunks.append(chunk)
                    if run_manager is not None and chunk.text:
                        run_manager.on_text(chunk.text)
                        dispatch_custom_event(
                            AGENT_CHUNK_EVENT, {"text": chunk.text}, config=config
                        )
                answer = join_agent_chunks(agent_id, chunks)
            else:
                answer = run_agent(
                    self.client,
                    agent_id,
                    message,
                    policy=self._policy(),
                    on_progress=report,
                    **options,
                )
        return agent_answer_text(answer), _answer_artifact(answer)

    async def _acall(
        self,
        message: str,
        options: dict[str, Any],
        run_manager: AsyncCallbackManagerForToolRun | None,
    ) -> tuple[str, dict[str, Any]]:
        agent_id = self._agent_id()
        build_agent_body(agent_id, message, **options)
        config: RunnableConfig | None = (
            {"callbacks": run_manager.get_child()} if run_manager else None
        )

        async def report(progress: AgentProgress) -> None:
            if run_manager is not None:
                await run_manager.on_text(_progress_text(progress))
                await adispatch_custom_event(
                    AGENT_PROGRESS_EVENT, _progress_data(progress), config=config
                )

        with translate_errors():
            if self.streaming:
                chunks = []
                async for chunk in astream_agent(self.client, agent_id, message, **options):
                    chunks.append(chunk)
                    if run_manager is not None and chunk.text:
                        await run_manager.on_text(chunk.text)
                        await adispatch_custom_event(
                            AGENT_CHUNK_EVENT, {"text": chunk.text}, config=config
                        )
                answer = join_agent_chunks(agent_id, chunks)
            else:
                answer = await arun_agent(
                    self.client,
                    agent_id,
                    message,
                    policy=self._policy(),
                    on_progress=report,
                    **options,
                )
        return agent_answer_text(answer), _answer_artifact(answer)


# --------------------------------------------------------------------------- translation


class ZaiTranslationInput(BaseModel):
    """Arguments of `ZaiTranslationTool`."""

    text: str = Field(min_length=1, description="The text to translate.")
    target_lang: str | None = Field(
        default=None,
        description="Language code to translate into, e.g. 'en', 'zh-CN', 'fr', 'ja'.",
    )
    source_lang: str | None = Field(
        default=None, description="Language code of the text; leave out to detect it."
    )


class ZaiTranslationTool(_ZaiAgentRunner):
    """Translate text with Z.ai's `general_translation` agent (`POST /v1/agents`).

    The model reads the translation; the artifact is the agent's whole answer (text, usage,
    finish reason). `target_lang` set on the tool is the default a call may override.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiTranslationTool

        tool = ZaiTranslationTool(
            target_lang="en",
            strategy="general",  # paraphrase, two_step, three_step, reflection, cot
            suggestion="Keep product names in English",
            # glossary="file-...",  # id of a glossary uploaded with zai_core.upload_file
            # streaming=True,  # pieces reach on_text / the "zai_agent_chunk" event
        )
        ```

    ??? info "Invoke"

        ```python
        tool.invoke({"text": "Guten Morgen", "source_lang": "de"})  # 'Good morning'
        ```

    ??? info "Async"

        ```python
        await tool.ainvoke({"text": "Bonjour", "target_lang": "ja"})
        ```

    ??? info "Use within an agent"

        ```python
        from langchain.agents import create_agent  # pip install ".[langchain-agents]"
        from langchain_zai import ChatZai

        agent = create_agent(ChatZai(model="glm-4.7"), tools=[tool])
        agent.invoke({"messages": [("user", "Translate 'Guten Morgen' into English")]})
        ```
    """

    name: str = "zai_translation"
    description: str = (
        "Translate text into another language. Input: the text, the target language code "
        "(e.g. 'en', 'zh-CN') and optionally the source language code. Returns the translation."
    )
    args_schema: type[BaseModel] = ZaiTranslationInput

    target_lang: str = "en"
    """Default language code to translate into."""
    source_lang: str | None = None
    """Default language code of the text (`auto` / unset: detected)."""
    strategy: Strategy | None = None
    """Translation strategy (default `general`)."""
    glossary: str | None = None
    """The file id of an uploaded glossary (`zai_core.upload_file(..., purpose="agent")`)."""
    suggestion: str | None = None
    """Style or terminology advice for the `general` strategy."""

    def _agent_id(self) -> str:
        return TRANSLATION_AGENT

    def _variables(self, target_lang: str | None, source_lang: str | None) -> dict[str, Any]:
        return build_translation_variables(
            target_lang or self.target_lang,
            source_lang=source_lang or self.source_lang,
            strategy=self.strategy,
            glossary=self.glossary,
            suggestion=self.suggestion,
        )

    def _run(
        self,
        text: str,
        target_lang: str | None = None,
        source_lang: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        options = {"custom_variables": self._variables(target_lang, source_lang)}
        return self._call(text, options, run_manager)

    async def _arun(
        self,
        text: str,
        target_lang: str | None = None,
        source_lang: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        options = {"custom_variables": self._variables(target_lang, source_lang)}
        return await self._acall(text, options, run_manager)


# --------------------------------------------------------------------------- any agent


class ZaiAgentInput(BaseModel):
    """Arguments of `ZaiAgentTool`."""

    message: str = Field(min_length=1, description="What to ask the agent.")
    conversation_id: str | None = Field(
        default=None, description="Continue an earlier conversation with this agent."
    )


class ZaiAgentTool(_ZaiAgentRunner):
    """Call any Z.ai agent by its `agent_id` (`POST /v1/agents`).

    `custom_variables` are the agent's own settings, fixed on the tool. With `streaming=True`
    the answer streams (pieces reach `on_text` and the `"zai_agent_chunk"` custom event);
    an agent that answers with an `async_id` (video templates) is polled with backoff until
    `success` (every poll reaches `on_text` and the `"zai_agent_progress"` event),
    `failed` (`zai_core.InternalServerError`) or `poll_timeout`
    (`zai_core.APITimeoutError`); both errors name the async id.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiAgentTool

        slides = ZaiAgentTool(
            agent_id="slides_glm_agent",
            streaming=True,
            name="make_slides",
            description="Make a slide deck about a topic.",
        )
        video = ZaiAgentTool(
            agent_id="vidu_template_agent",
            custom_variables={"template": "bodyshake"},
            poll_timeout=900,
        )
        ```

    ??? info "Invoke"

        ```python
        msg = slides.invoke(
            {"name": "make_slides", "args": {"message": "GLM-4.7 in 5 slides"},
             "id": "1", "type": "tool_call"}
        )
        msg.artifact["conversation_id"]
        ```

    ??? info "Progress"

        ```python
        async for event in video.astream_events({"message": "..."}, version="v2"):
            if event["event"] == "on_custom_event":
                print(event["name"], event["data"])
        ```

    ??? info "Use within an agent"

        ```python
        from langchain.agents import create_agent  # pip install ".[langchain-agents]"
        from langchain_zai import ChatZai

        agent = create_agent(ChatZai(model="glm-4.7"), tools=[slides])
        agent.invoke({"messages": [("user", "Make a slide deck about GLM-4.7")]})
        ```
    """

    name: str = "zai_agent"
    description: str = (
        "Ask a Z.ai agent to carry out a task. Input: the request as text. Returns the agent's "
        "answer and the URLs of anything it produced."
    )
    args_schema: type[BaseModel] = ZaiAgentInput

    agent_id: str = Field(min_length=1)
    """The agent: `general_translation`, `slides_glm_agent`, `vidu_template_agent`..."""
    custom_variables: dict[str, Any] | None = None
    """The agent's own settings, sent with every call."""

    def _agent_id(self) -> str:
        return self.agent_id

    def _agent_options(self, conversation_id: str | None) -> dict[str, Any]:
        return merge_options(
            {"custom_variables": self.custom_variables}, conversation_id=conversation_id
        )

    def _run(
        self,
        message: str,
        conversation_id: str | None = None,
        run_manager: CallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        return self._call(message, self._agent_options(conversation_id), run_manager)

    async def _arun(
        self,
        message: str,
        conversation_id: str | None = None,
        run_manager: AsyncCallbackManagerForToolRun | None = None,
    ) -> tuple[str, dict[str, Any]]:
        return await self._acall(message, self._agent_options(conversation_id), run_manager)
