"""``from llama_index.readers.zai import ZaiWebReader``, as LlamaIndex users expect."""

from llama_index_zai.readers import ZaiTranscriptionReader, ZaiWebReader

__all__ = ["ZaiTranscriptionReader", "ZaiWebReader"]
