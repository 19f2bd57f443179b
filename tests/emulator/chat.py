"""``POST /chat/completions`` of the Z.ai emulator.

Deterministic answers in Z.ai's exact wire shapes (see ``shared/reference/real-exchanges``):
ids ``<timestamp><hex>``, ``object``, ``role`` repeated in every text delta, tool calls whole in
one delta (fragmented with ``tool_stream``), usage with ``prompt_tokens_details`` /
``completion_tokens_details`` on the single finish chunk, then ``data: [DONE]``.

What it answers:
- tools given and the last message is from the user -> tool calls, arguments filled from the
  JSON schema with values taken from the prompt (numbers, quoted words, capitalised places);
  several tools are called in parallel when the prompt names several of them. A forced
  ``tool_choice`` always calls its tool; under "auto" (the default) a tool is called only when
  the prompt names it or asks for what it gives, else the answer is text, like GLM's
  (``_asks_for``);
- the last message is a tool result -> an answer that quotes the results;
- ``response_format`` json_object -> a JSON object with the keys the prompt names;
- thinking on (the model's default) -> ``reasoning_content`` first;
- a ``web_search`` tool with ``search_result`` -> a top-level ``web_search`` list and an
  answer citing it as ``[ref_N]`` (shape DOCUMENTED, NOT RECORDED: docs.z.ai's response
  schema; no public real recording of a web-search answer exists);
- ``stop`` and ``max_tokens`` are honoured (``finish_reason`` ``length``);
- special model names trigger errors: ``emulate-<status>-<code>`` (e.g. ``emulate-429-1113``),
  ``emulate-finish-<reason>`` (a 200 whose finish_reason is e.g. ``sensitive``),
  ``emulate-html`` (a 200 HTML page instead of JSON), and an
  unknown name answers 400 / 1211 like the real API.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from typing import Any

import httpx

from zai_core.catalog import MODELS

from .grounded import grounded_answer, media_answer, summarise_tool_result
from .wire import error_response, json_response, response_id, sse_response

CREATED = 1782862773


def _hex_id(seed: str, length: int = 14) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _has_image(messages: list[dict[str, Any]]) -> bool:
    for m in messages:
        content = m.get("content")
        if isinstance(content, list) and any(
            isinstance(p, dict) and p.get("type") in ("image_url", "video_url", "file", "file_url")
            for p in content
        ):
            return True
    return False


def _tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)


def _words(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text) or [text]


# ----------------------------------------------------------------------------- arguments


def _values_from_prompt(prompt: str) -> dict[str, list[Any]]:
    numbers: list[Any] = [
        int(n) if re.fullmatch(r"-?\d+", n) else float(n)
        for n in re.findall(r"(?<![\w.\-])-?\d+(?:\.\d+)?", prompt)  # not "GLM-4.6V"
    ]
    quoted = re.findall(r"[\"']([^\"']{1,80})[\"']", prompt)
    places = re.findall(r"\b(?:in|for|at|of)\s+([A-Z][\w\-]+(?:,\s*[A-Z][\w\-]+)?)", prompt)
    urls = [u.rstrip(".,;:!?") for u in re.findall(r"https?://[^\s\"'<>)]+", prompt)]
    return {"number": numbers, "string": quoted + places, "url": urls, "prompt": [prompt]}


def _fill(schema: dict[str, Any], name: str, pool: dict[str, list[Any]], depth: int = 0) -> Any:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if schema.get("enum"):
        return schema["enum"][0]
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"] or schema["anyOf"]
        return _fill(options[0], name, pool, depth)
    if kind in ("integer", "number"):
        if pool["number"]:
            value = pool["number"].pop(0)
            return int(value) if kind == "integer" else value
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return [_fill(schema.get("items") or {"type": "string"}, name, pool, depth + 1)]
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        props = schema.get("properties") or {}
        required = schema.get("required")
        if isinstance(required, list) and pool.get("prompt"):  # optional: only when named
            asked = pool["prompt"][0].lower()
            props = {k: v for k, v in props.items() if k in required or k.lower() in asked}
        return {k: _fill(v, k, pool, depth + 1) for k, v in props.items()}
    if "url" in name.lower() and pool.get("url"):  # a URL argument takes a URL of the prompt
        return pool["url"].pop(0)
    if pool["string"]:
        return pool["string"].pop(0)
    return _STRING_DEFAULTS.get(name, f"example {name}")


_STRING_DEFAULTS = {
    "setup": "Why did the cat sit on the computer?",
    "punchline": "To keep an eye on the mouse!",
    "location": "Paris",
    "city": "Paris",
    "query": "latest news",
    "name": "Ada",
}


#: Words too common to show that a prompt asks for what a tool gives.
_GENERIC_WORDS = (
    "a an and are as at be by can do does for from get gets give given has have how in is it "
    "its me my of on or please return returns that the this to tool tools use used using value "
    "what when where which who why will with you your about current function call input output "
    "information info string number result results"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())
#: Signs in a prompt that ask for what a tool named with the key gives.
_ASKS = {
    "add": ("+", "plus", "sum"),
    "subtract": (" - ", "minus"),
    "multiply": ("*", "times", "product"),
    "divide": ("/", "divided", "quotient"),
    "weather": ("temperature", "forecast"),
    "search": ("latest", "news", "look up"),
}


def _stems(text: str) -> set[str]:
    """Content words of ``text`` (split at ``_`` and camelCase), a plural ``s`` removed."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).replace("_", " ").lower()
    words = re.findall(r"[a-z]{3,}", spaced)
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words} - _GENERIC


def _asks_for(function: dict[str, Any], prompt: str) -> bool:
    """Whether ``prompt`` asks for what ``function`` gives (under ``tool_choice`` "auto").

    Like GLM, the emulator answers a greeting or a question no tool serves in text: a tool is
    called only when the prompt shares a content word with the tool's name or description,
    or uses a sign of what it computes ("3 * 12" for ``multiply``).
    """
    own = _stems(function["name"] + " " + (function.get("description") or ""))
    if own & _stems(prompt):
        return True
    name = function["name"].lower()
    return any(
        key in name and any(s in prompt.lower() for s in signs) for key, signs in _ASKS.items()
    )


def _tool_calls_for(body: dict[str, Any], prompt: str, stream: bool) -> list[dict[str, Any]]:
    functions = [t["function"] for t in body.get("tools", []) if t.get("type") == "function"]
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice.get("function", {}).get("name"):
        chosen = [f for f in functions if f["name"] == choice["function"]["name"]]
    else:
        named = [f for f in functions if f["name"].lower() in prompt.lower()]
        chosen = named or [f for f in functions if _asks_for(f, prompt)]
    calls = []
    for i, function in enumerate(chosen):
        pool = _values_from_prompt(prompt)
        params = function.get("parameters") or {"type": "object", "properties": {}}
        args = _fill(params, function["name"], pool) if params.get("properties") else {}
        seed = f"{prompt}|{function['name']}|{i}"
        call_id = f"call_{_hex_id(seed, 24)}" if stream else f"call_-{int(_hex_id(seed, 15), 16)}"
        calls.append(
            {
                "id": call_id,
                "index": i,
                "type": "function",
                "function": {
                    "name": function["name"],
                    "arguments": json.dumps(args, ensure_ascii=False, separators=(",", ":")),
                },
            }
        )
    return calls


# ----------------------------------------------------------------------------- answers


def _schema_in(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A JSON schema given in a system message (LlamaIndex ``Zai`` JSON mode), if any."""
    for m in messages:
        text = _text_of(m.get("content")) if m.get("role") == "system" else ""
        start, end = text.find("{"), text.rfind("}")
        # the whole braced span, else fenced blocks (LangChain's format instructions)
        spans = [text[start : end + 1]] if 0 <= start < end else []
        spans += re.findall(r"```(?:json)?\s*(\{.*?\})\s*```", text, re.DOTALL)
        for span in spans:
            try:
                schema = json.loads(span)
            except ValueError:
                continue
            if isinstance(schema, dict) and "properties" in schema:
                return schema
    return None


def _json_answer(prompt: str, messages: list[dict[str, Any]] | None = None) -> str:
    schema = _schema_in(messages or [])
    if schema is not None:
        return json.dumps(_fill(schema, "answer", _values_from_prompt(prompt)), ensure_ascii=False)
    keys = re.findall(r"[`'\"](\w+)[`'\"]", prompt) or ["answer"]
    defaults = {k: _STRING_DEFAULTS.get(k, f"{k} value") for k in dict.fromkeys(keys)}
    return json.dumps(defaults, ensure_ascii=False)


def _text_answer(messages: list[dict[str, Any]], prompt: str) -> str:
    last = messages[-1]
    if last.get("role") == "tool":
        results = [
            summarise_tool_result(_text_of(m.get("content")))
            for m in messages[_last_assistant(messages) + 1 :]
            if m.get("role") == "tool"
        ]
        return "Based on the tool results: " + "; ".join(results) + "."
    if _has_image(messages):
        return media_answer(messages) or "The image shows a small red square on a white background."
    grounded = grounded_answer(messages, prompt)
    if grounded is not None:
        return grounded
    numbers = re.findall(r"-?\d+", prompt)
    asks_product = "*" in prompt or "multiply" in prompt.lower() or "times" in prompt.lower()
    if asks_product and len(numbers) >= 2:
        a, b = int(numbers[0]), int(numbers[1])
        return f"{a} * {b} = {a * b}."
    if prompt.strip().lower() in ("hi", "hello", "hello!", "hi!"):
        return "Hello! How can I help you today?"
    return f"Here is my answer about '{prompt[:60].strip()}': GLM models are made by Z.ai."


def _last_assistant(messages: list[dict[str, Any]]) -> int:
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].get("role") == "assistant":
            return i
    return -1


def _short(text: str, width: int) -> str:
    """``text`` on one line, cut at a word boundary, ending with one punctuation mark."""
    short = textwrap.shorten(text, width, placeholder="...") or text[:width]
    return short if short.endswith(("...", ".", "?", "!")) else short + "."


def _reasoning_for(prompt: str, body: dict[str, Any] | None = None) -> str:
    body = body or {}
    messages = body.get("messages") or []
    if messages and messages[-1].get("role") == "tool":  # preserved / interleaved thinking
        earlier = [m["reasoning_content"] for m in messages if m.get("reasoning_content")]
        if earlier:
            return (
                f'My earlier reasoning came back with the history ("{_short(earlier[-1], 60)}"). '
                "The tools have answered, so I combine their results into the answer."
            )
    effort = body.get("reasoning_effort")
    if effort == "low":
        return f"Quick answer to: {_short(prompt, 60)}"
    text = f"The user asks: {_short(prompt, 80)} Let me think step by step and answer clearly."
    if effort in ("high", "xhigh", "max"):
        text += " I will work through each part carefully and check the result before answering."
    return text


def _thinking_on(body: dict[str, Any]) -> bool:
    info = MODELS.get(body["model"])
    if info is None or not info.thinking:
        return False
    if body.get("reasoning_effort") in ("none", "minimal", "low", "high") and body[
        "model"
    ].startswith("glm-5.3"):
        return False
    if body.get("reasoning_effort") in ("none", "minimal"):  # GLM-5.2: these skip thinking
        return False
    thinking = body.get("thinking") or {}
    return thinking.get("type", "enabled") != "disabled" or not info.thinking_toggle


def _web_search_results(body: dict[str, Any], prompt: str) -> list[dict[str, Any]] | None:
    for tool in body.get("tools", []):
        if tool.get("type") == "web_search" and tool.get("web_search", {}).get("search_result"):
            return [
                {
                    "title": f"Result {i + 1} for {prompt[:40]}",
                    "content": f"Snippet {i + 1} about {_short(prompt, 40)}",
                    "link": f"https://example.com/{i + 1}",
                    "media": "Example",
                    "icon": "",
                    "refer": f"ref_{i + 1}",
                    "publish_date": "2026-11-01",
                }
                for i in range(2)
            ]
    return None


def _apply_limits(body: dict[str, Any], text: str) -> tuple[str, str]:
    for stop in body.get("stop") or []:
        if stop and stop in text:
            return text[: text.index(stop)], "stop"
    max_tokens = body.get("max_tokens")
    if max_tokens is not None and _tokens(text) > max_tokens:
        return text[: max(1, max_tokens * 4)], "length"
    return text, "stop"


def plan(body: dict[str, Any]) -> dict[str, Any]:
    """What the emulator will answer: content, reasoning, tool calls, finish, usage."""
    messages = body["messages"]
    users = [m for m in messages if m.get("role") == "user"]
    prompt = _text_of(users[-1].get("content")) if users else ""
    stream = bool(body.get("stream"))
    reasoning = _reasoning_for(prompt, body) if _thinking_on(body) else ""
    calls: list[dict[str, Any]] = []
    if (
        body.get("tools")
        and messages[-1].get("role") == "user"
        and any(t.get("type") == "function" for t in body["tools"])
    ):
        calls = _tool_calls_for(body, prompt, stream)
    if calls:
        content, finish = "", "tool_calls"
    elif (body.get("response_format") or {}).get("type") == "json_object":
        content, finish = _json_answer(prompt, messages), "stop"
    else:
        content, finish = _apply_limits(body, _text_answer(messages, prompt))
    found = _web_search_results(body, prompt)
    json_mode = (body.get("response_format") or {}).get("type") == "json_object"
    if found and not calls and not json_mode and messages[-1].get("role") == "user":
        cited = " ".join(f"{r['content']} [{r['refer']}]" for r in found)
        content = _apply_limits(body, f"From a web search: {cited}")[0]
    prompt_tokens = sum(_tokens(_text_of(m.get("content")) or " ") for m in messages) + 8
    completion_tokens = _tokens(content + reasoning) + sum(
        _tokens(c["function"]["arguments"]) for c in calls
    )
    usage: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
    if MODELS.get(body["model"]) is not None and MODELS[body["model"]].thinking:
        usage["prompt_tokens_details"] = {"cached_tokens": 4 if len(messages) > 1 else 0}
        usage["completion_tokens_details"] = {
            "reasoning_tokens": _tokens(reasoning) if reasoning else 0
        }
    return {
        "id": response_id(body),
        "model": body["model"],
        "content": content,
        "reasoning": reasoning,
        "tool_calls": calls,
        "finish_reason": finish,
        "usage": usage,
        "web_search": found,
        "tool_stream": bool(body.get("tool_stream")),
    }


def _non_stream(p: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": p["content"]}
    if p["reasoning"]:
        message["reasoning_content"] = p["reasoning"]
    if p["tool_calls"]:
        message["tool_calls"] = p["tool_calls"]
    body: dict[str, Any] = {
        "choices": [{"finish_reason": p["finish_reason"], "index": 0, "message": message}],
        "created": CREATED,
        "id": p["id"],
        "model": p["model"],
        "object": "chat.completion",
        "request_id": p["id"],
        "usage": p["usage"],
    }
    if p["web_search"]:
        body["web_search"] = p["web_search"]
    return body


def _chunk(p: dict[str, Any], delta: dict[str, Any], **extra: Any) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, **extra.pop("choice", {}), "delta": delta}
    return {
        "id": p["id"],
        "created": CREATED,
        "object": "chat.completion.chunk",
        "model": p["model"],
        "choices": [choice],
        **extra,
    }


def stream_chunks(p: dict[str, Any]) -> list[dict[str, Any]]:
    """The chunks of a streamed answer, in Z.ai's order: reasoning, content, tools, finish."""
    chunks = (
        [_chunk(p, {"role": "assistant", "reasoning_content": w}) for w in _words(p["reasoning"])]
        if p["reasoning"]
        else []
    )
    if p["content"]:
        chunks += [_chunk(p, {"role": "assistant", "content": w}) for w in _words(p["content"])]
    for call in p["tool_calls"]:
        if p["tool_stream"]:
            args = call["function"]["arguments"]
            head = {**call, "function": {"name": call["function"]["name"], "arguments": ""}}
            chunks.append(_chunk(p, {"tool_calls": [head]}))
            for i in range(0, len(args), 5):
                fragment = {"index": call["index"], "function": {"arguments": args[i : i + 5]}}
                chunks.append(_chunk(p, {"tool_calls": [fragment]}))
        else:
            chunks.append(_chunk(p, {"tool_calls": [call]}))
    final = _chunk(
        p,
        {"role": "assistant", "content": ""},
        choice={"finish_reason": p["finish_reason"]},
        usage=p["usage"],
    )
    if p["web_search"]:
        final["web_search"] = p["web_search"]
    chunks.append(final)
    return chunks


def handle_chat(body: dict[str, Any]) -> Any:
    """Answer a chat request (plain JSON or SSE)."""
    model = body.get("model", "")
    trigger = re.fullmatch(r"emulate-(\d{3})-(\d+)", model)
    if trigger:
        return error_response(int(trigger.group(1)), trigger.group(2))
    if model == "emulate-html":  # a 200 that is not JSON (a proxy's page)
        return httpx.Response(
            200, headers={"content-type": "text/html"}, content=b"<html><title>Gateway</title>"
        )
    finish_trigger = re.fullmatch(r"emulate-finish-([a-z_]+)", model)
    if not finish_trigger and model not in MODELS:
        return error_response(400, "1211")
    if not body.get("messages"):
        return error_response(400, "1214", "Input cannot be empty")
    if all(m.get("role") in ("system", "assistant") for m in body["messages"]):
        return error_response(400, "1214", "Incorrect role information")
    p = plan({**body, "model": "glm-4.7" if finish_trigger else model})
    if finish_trigger:
        p["model"] = model
        p["finish_reason"] = finish_trigger.group(1)
        p["tool_calls"] = []
    if body.get("stream"):
        return sse_response(stream_chunks(p))
    return json_response(_non_stream(p))
