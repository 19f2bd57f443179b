"""``from llama_index.readers.zai import ZaiOCRReader``, as LlamaIndex users expect."""

from llama_index_zai.ocr import ZaiOCRReader
from llama_index_zai.readers import ZaiTranscriptionReader, ZaiWebReader

__all__ = ["ZaiOCRReader", "ZaiTranscriptionReader", "ZaiWebReader"]
