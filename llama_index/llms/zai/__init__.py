"""``from llama_index.llms.zai import Zai``: the LlamaIndex-style import path for :class:`Zai`."""

from llama_index_zai.llms import Zai

__all__ = ["Zai"]
