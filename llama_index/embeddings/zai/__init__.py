"""``from llama_index.embeddings.zai import ZaiEmbedding``, as LlamaIndex users expect."""

from llama_index_zai.embeddings import ZaiEmbedding

__all__ = ["ZaiEmbedding"]
