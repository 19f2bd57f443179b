"""``from llama_index.tools.zai import ZaiToolSpec``, as LlamaIndex users expect."""

from llama_index_zai.agents import ZaiAgentChunkEvent, ZaiAgentProgressEvent, ZaiAgentToolSpec
from llama_index_zai.tools import ZaiToolSpec, ZaiVideoProgressEvent

__all__ = [
    "ZaiAgentChunkEvent",
    "ZaiAgentProgressEvent",
    "ZaiAgentToolSpec",
    "ZaiToolSpec",
    "ZaiVideoProgressEvent",
]
