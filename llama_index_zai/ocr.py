"""GLM-OCR (`POST /layout_parsing`) as a LlamaIndex reader: scanned PDFs and images to
Markdown Documents, one per page, ready for an index or an `IngestionPipeline`.

Works as a `file_extractor` of `SimpleDirectoryReader` (`{".pdf": reader, ".png":
reader}`). Z.ai's limits (images <= 10 MB, PDFs <= 50 MB and <= 100 pages) are checked
before anything is sent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from llama_index.core.schema import Document
from pydantic import Field, model_validator

from llama_index_zai.readers import _ZaiReaderConfig
from zai_core import LayoutPage, LayoutResult, aread_document, read_document
from zai_core.ocr import (
    FileSource,
    check_page_range,
    layout_document_metadata,
    layout_page_metadata,
)

__all__ = ["ZaiOCRReader"]

OCRInput = str | os.PathLike[str] | bytes
#: Metadata an embedding or a prompt does not need (the layout is kept for the application).
_HIDDEN = [
    "file_path",
    "source",
    "page",
    "page_width",
    "page_height",
    "total_pages",
    "layout_elements",
    "pages",
    "model",
    "request_id",
]


# --------------------------------------------------------------------------- conversions


def _page_metadata(page: LayoutPage) -> dict[str, Any]:
    """The shared page metadata plus LlamaIndex's `page_label` (what citations name)."""
    return {**layout_page_metadata(page), "page_label": str(page.number)}


def _layout_to_documents(
    result: LayoutResult,
    source: str,
    mode: Literal["page", "single"],
    extra_info: Mapping[str, Any] | None = None,
) -> list[Document]:
    """Documents of a parsed file: one per page (``page_label`` from 1), or one whole. Pure.

    Metadata: ``source``, ``file_name``, ``page`` / ``page_label``, ``page_width`` /
    ``page_height``, ``total_pages``, ``layout_elements`` (``index``, ``label``, ``bbox``,
    ``content``), plus ``extra_info``. Only ``file_name`` and ``page_label`` reach embeddings
    and prompts, so a citation can name the page.
    """
    common = layout_document_metadata(result, source)
    common["file_name"] = Path(source).name if "://" not in source else source
    common.update(extra_info or {})
    hidden = {"excluded_embed_metadata_keys": _HIDDEN, "excluded_llm_metadata_keys": _HIDDEN}
    if mode == "single":
        metadata = {**common, "pages": [_page_metadata(p) for p in result.pages]}
        return [Document(text=result.markdown, metadata=metadata, **hidden)]
    return [
        Document(text=page.markdown, metadata={**common, **_page_metadata(page)}, **hidden)
        for page in result.pages
    ]


def _source(file: OCRInput, fs: Any = None) -> tuple[FileSource, str]:
    """What to send (URL, path or bytes) and the label for ``metadata["source"]``."""
    if isinstance(file, (bytes, bytearray)):
        return bytes(file), "bytes"
    if isinstance(file, str) and file.startswith(("http://", "https://")):
        return file, file
    path = os.fspath(file)
    if fs is not None:
        with fs.open(path, "rb") as handle:
            return handle.read(), path
    return path, path


# --------------------------------------------------------------------------- reader


class ZaiOCRReader(_ZaiReaderConfig):
    """Read scanned PDFs and images (paths, URLs or bytes) into Markdown Documents with GLM-OCR.

    One Document per page (`mode="page"`, default) with the page's Markdown as text and
    `file_name`, `page_label` (from `"1"`), `page`, `page_width`, `page_height`,
    `total_pages`, `source` and `layout_elements` (each with `label`, `bbox`,
    `content`) as metadata; only `file_name` and `page_label` are embedded and shown to
    the LLM, so answers can cite pages. `mode="single"` gives one Document per file.

    Args:
        mode: `"page"` (default, one Document per page) or `"single"` (one per file).
        model: OCR model, default `"glm-ocr"`.
        start_page_id: first PDF page to parse (from 1).
        end_page_id: last PDF page to parse.
        return_crop_images: ask Z.ai for the cropped images of the layout elements.
        need_layout_visualization: ask Z.ai for the layout visualisation images.

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
        from llama_index_zai import ZaiOCRReader

        reader = ZaiOCRReader()  # mode="single", start_page_id=1, end_page_id=20
        ```

        Load:

        ```python
        docs = reader.load_data("scan.pdf")
        docs[0].metadata["page_label"], docs[0].metadata["layout_elements"][0]["label"]
        ```

        With SimpleDirectoryReader and an index:

        ```python
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex

        docs = SimpleDirectoryReader(
            "scans/", file_extractor={".pdf": reader, ".png": reader, ".jpg": reader}
        ).load_data()
        index = VectorStoreIndex.from_documents(docs)
        ```

        Async:

        ```python
        docs = await reader.aload_data("scan.pdf")
        ```
    """

    mode: Literal["page", "single"] = Field(
        default="page", description="One Document per page, or one per file."
    )
    model: str = Field(default="glm-ocr", description="OCR model.")
    start_page_id: int | None = Field(default=None, ge=1, description="First PDF page to parse.")
    end_page_id: int | None = Field(default=None, ge=1, description="Last PDF page to parse.")
    return_crop_images: bool | None = Field(default=None)
    need_layout_visualization: bool | None = Field(default=None)

    @model_validator(mode="after")
    def _check_range(self) -> ZaiOCRReader:
        check_page_range(self.start_page_id, self.end_page_id)
        return self

    @classmethod
    def class_name(cls) -> str:
        """Stable name used in serialization."""
        return "ZaiOCRReader"

    def _ocr_options(self) -> dict[str, Any]:
        options = {
            "model": self.model,
            "start_page_id": self.start_page_id,
            "end_page_id": self.end_page_id,
            "return_crop_images": self.return_crop_images,
            "need_layout_visualization": self.need_layout_visualization,
        }
        return {k: v for k, v in options.items() if v is not None}

    @staticmethod
    def _files(file: OCRInput | Sequence[OCRInput]) -> list[OCRInput]:
        if isinstance(file, (str, bytes, bytearray, os.PathLike)):
            return [file]
        files = list(file)
        if not files:
            raise ValueError("ZaiOCRReader needs at least one file")
        return files

    def lazy_load_data(  # type: ignore[override]
        self,
        file: OCRInput | Sequence[OCRInput],
        extra_info: Mapping[str, Any] | None = None,
        fs: Any = None,
        **_: Any,
    ) -> Iterator[Document]:
        """Parse the files one by one (each is checked before it is sent)."""
        for item in self._files(file):
            source, label = _source(item, fs)
            name = Path(label).name if label != "bytes" else None
            result = read_document(self.client, source, filename=name, **self._ocr_options())
            yield from _layout_to_documents(result, label, self.mode, extra_info)

    def load_data(  # type: ignore[override]
        self,
        file: OCRInput | Sequence[OCRInput],
        extra_info: Mapping[str, Any] | None = None,
        fs: Any = None,
        **kwargs: Any,
    ) -> list[Document]:
        """Parse the files."""
        return list(self.lazy_load_data(file, extra_info, fs, **kwargs))

    async def aload_data(  # type: ignore[override]
        self,
        file: OCRInput | Sequence[OCRInput],
        extra_info: Mapping[str, Any] | None = None,
        fs: Any = None,
        **_: Any,
    ) -> list[Document]:
        """Parse the files asynchronously."""
        docs: list[Document] = []
        for item in self._files(file):
            source, label = _source(item, fs)
            name = Path(label).name if label != "bytes" else None
            result = await aread_document(self.client, source, filename=name, **self._ocr_options())
            docs += _layout_to_documents(result, label, self.mode, extra_info)
        return docs
