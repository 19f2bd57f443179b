"""``make demo``: Z.ai's GLM in LangChain and LlamaIndex, three flows streamed to the terminal.

1. Agent: a LangChain ``create_agent`` loop with two tools, thinking and tokens streamed.
2. RAG: a LlamaIndex ``VectorStoreIndex`` over ``cookbooks/data`` embedded with
   ``ZaiEmbedding``, a streamed answer with its sources.
3. Thinking: the reasoning streamed first, then the answer, then the reasoning tokens used.

Offline by default: every answer is replayed from ``cookbooks/cassettes/demo.yaml``. With
``ZAI_API_KEY`` set it runs live against Z.ai. ``python demo.py --record`` (or
``ZAI_RECORD=1``) records the cassette again (live with a key, else against the local
emulator in ``tests/emulator``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from cookbooks.replay import offline_session  # the script's folder is on sys.path

DATA = Path(__file__).resolve().parent / "cookbooks" / "data"

_COLOR = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
_STYLES = {"dim": "2", "bold": "1", "cyan": "36", "green": "32", "yellow": "33"}


def style(text: str, name: str) -> str:
    """``text`` in a terminal style when stdout is a colour terminal."""
    return f"\033[{_STYLES[name]}m{text}\033[0m" if _COLOR else text


class Printer:
    """Streams labelled sections: ``thinking>`` (dim), ``answer>``, tool lines."""

    def __init__(self) -> None:
        self.section: str | None = None

    def write(self, kind: str, text: str) -> None:
        """Print ``text`` in section ``kind``, opening the section when it changes."""
        if not text:
            return
        if kind != self.section:
            label = {"thinking": "thinking> ", "answer": "answer>   "}.get(kind, f"{kind}> ")
            print("\n" + style(label, "yellow" if kind == "thinking" else "green"), end="")
            self.section = kind
        print(style(text, "dim") if kind == "thinking" else text, end="", flush=True)

    def line(self, kind: str, text: str) -> None:
        """Print a whole line in its own section (tool calls, tool results, sources)."""
        print("\n" + style(f"{kind}> ", "cyan") + text, end="", flush=True)
        self.section = None

    def end(self) -> None:
        """Close the current line."""
        print()
        self.section = None


def heading(number: int, title: str) -> None:
    """A flow's title line."""
    print("\n" + style(f"== {number}/3  {title} ", "bold") + style("=" * 30, "bold"))


# ----------------------------------------------------------------------------- flow 1


WEATHER = {"Paris": "18 °C, sunny, light wind", "Tokyo": "22 °C, light rain"}
SIGHTS = {
    "Paris": "the Louvre, Musée d'Orsay, a walk along the Seine",
    "Tokyo": "Senso-ji, the Meiji shrine, Shibuya crossing",
}


def agent_flow() -> str:
    """A LangChain agent with two tools; returns its final answer."""
    from langchain.agents import create_agent
    from langchain_core.tools import tool

    from langchain_zai import ChatZai

    @tool
    def get_weather(city: str) -> str:
        """Today's weather forecast for a city."""
        return f"weather in {city}: {WEATHER.get(city, 'no forecast available')}"

    @tool
    def get_sights(city: str) -> str:
        """The top sights of a city."""
        return f"top sights in {city}: {SIGHTS.get(city, 'no data')}"

    agent = create_agent(
        ChatZai(model="glm-4.7", thinking=True, temperature=0.6),
        tools=[get_weather, get_sights],
        system_prompt="You are a concise travel assistant. Use the tools, then answer briefly.",
    )
    question = "I am spending a day in Paris. Use get_weather and get_sights, then suggest a plan."
    print(style("question> ", "bold") + question, end="")
    printer = Printer()
    answer = ""
    calls: list[str] = []  # tool call ids in call order
    results: dict[str, str] = {}  # parallel tools finish in any order: shown in call order

    def show_results() -> None:
        for call_id in calls:
            if call_id in results:
                printer.line("tool result", results.pop(call_id))

    stream: Iterable[Any] = agent.stream(
        {"messages": [{"role": "user", "content": question}]}, stream_mode="messages"
    )
    for chunk, meta in stream:  # (message chunk, metadata) pairs, token by token
        if meta["langgraph_node"] == "tools":
            results[chunk.tool_call_id] = str(chunk.content)
            continue
        show_results()
        for block in chunk.content_blocks:
            if block["type"] == "reasoning":
                printer.write("thinking", block.get("reasoning", ""))
            elif block["type"] == "text":
                printer.write("answer", block["text"])
                answer += block["text"]
            elif block["type"] == "tool_call_chunk" and block.get("name"):
                printer.line("tool call", f"{block['name']}({block.get('args') or ''})")
                calls.append(str(block.get("id")))
    show_results()
    printer.end()
    return answer


# ----------------------------------------------------------------------------- flow 2


def _sentences(text: str) -> list[str]:
    """Split after '.', '!' or '?' (chunking then needs no NLTK data files)."""
    return re.findall(r"[^.!?]+[.!?]*\s*", text)


def rag_flow() -> str:
    """A LlamaIndex RAG pipeline over ``cookbooks/data``; returns the streamed answer."""
    from llama_index.core import Settings, SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    from llama_index_zai import Zai, ZaiEmbedding

    documents = SimpleDirectoryReader(
        str(DATA), file_metadata=lambda path: {"file_name": Path(path).name}
    ).load_data()
    splitter = SentenceSplitter(
        chunk_size=96,
        chunk_overlap=16,
        paragraph_separator="\n\n",
        chunking_tokenizer_fn=_sentences,
    )
    nodes = splitter.get_nodes_from_documents(documents)
    Settings.embed_model = ZaiEmbedding(model="embedding-3", dimensions=256)
    Settings.llm = Zai(model="glm-4.7", thinking=False, temperature=0.2)
    index = VectorStoreIndex(nodes)
    print(f"indexed {len(nodes)} chunks of {len(documents)} documents in cookbooks/data/", end="")

    question = "How do I keep the model's reasoning across turns?"
    print("\n" + style("question> ", "bold") + question, end="")
    engine = index.as_query_engine(similarity_top_k=2, streaming=True)
    response: Any = engine.query(question)
    printer = Printer()
    answer = ""
    for token in response.response_gen:
        printer.write("answer", token)
        answer += token
    for source in response.source_nodes:
        printer.line("source", f"{source.node.metadata['file_name']} (score {source.score:.2f})")
    printer.end()
    return answer


# ----------------------------------------------------------------------------- flow 3


def thinking_flow() -> str:
    """Reasoning streamed before the answer; returns the answer."""
    from langchain_core.messages import AIMessageChunk

    from langchain_zai import ChatZai

    question = "What is 24 * 37? Explain briefly."
    print(style("question> ", "bold") + question, end="")
    printer = Printer()
    full: AIMessageChunk | None = None
    for chunk in ChatZai(model="glm-4.7", thinking=True).stream(question):
        full = chunk if full is None else full + chunk
        for block in chunk.content_blocks:
            if block["type"] == "reasoning":
                printer.write("thinking", block.get("reasoning", ""))
            elif block["type"] == "text":
                printer.write("answer", block["text"])
    usage: dict[str, Any] = dict((full.usage_metadata if full is not None else None) or {})
    reasoning = usage.get("output_token_details", {}).get("reasoning")
    printer.line("usage", f"{usage.get('output_tokens')} output tokens, {reasoning} reasoning")
    printer.end()
    return full.text if full is not None else ""


# ----------------------------------------------------------------------------- main


FLOWS = (
    ("Agent: LangChain create_agent + tools, streamed with thinking", agent_flow),
    ("RAG: LlamaIndex VectorStoreIndex + ZaiEmbedding, streamed answer", rag_flow),
    ("Thinking: reasoning streamed, then the answer", thinking_flow),
)


def run(flows: Iterable[tuple[str, Any]]) -> Iterator[str]:
    """Run each flow under its heading; yields the answers."""
    for number, (title, flow) in enumerate(flows, start=1):
        heading(number, title)
        yield flow()


def main(argv: list[str] | None = None) -> int:
    """Run the three flows; offline from recordings unless ZAI_API_KEY is set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--record",
        action="store_true",
        help="record cookbooks/cassettes/demo.yaml again (live with ZAI_API_KEY, else emulated)",
    )
    args = parser.parse_args(argv)
    if args.record:
        os.environ["ZAI_RECORD"] = "1"
    started = time.perf_counter()
    offline_session("demo")  # the first line: where the answers come from, how to go live
    print(style("Z.ai GLM for LangChain and LlamaIndex: the demo", "bold"))
    answers = list(run(FLOWS))
    empty = [title for (title, _), answer in zip(FLOWS, answers, strict=True) if not answer]
    elapsed = time.perf_counter() - started
    if empty:
        print(style(f"\nno answer from: {', '.join(empty)}", "yellow"))
        return 1
    print(style(f"\nAll three flows answered in {elapsed:.1f} s.", "bold"), end=" ")
    print("Next: the notebooks in cookbooks/ (see cookbooks/README.md).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
