"""GLM-OCR (`POST /layout_parsing`) as a LangChain document loader and blob parser.

`ZaiOCRLoader` turns PDFs and images (paths or URLs) into `Document` objects, one per
page with the page's Markdown, or one for the whole document (`mode="single"`);
`ZaiOCRParser` does the same for any `Blob`, so it composes with LangChain's blob
loaders (`GenericLoader`). Z.ai's limits (images <= 10 MB, PDFs <= 50 MB and <= 100 pages)
are checked before anything is sent.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from langchain_core.document_loaders import BaseBlobParser, BaseLoader
from langchain_core.documents.base import Blob, Document

from langchain_zai._errors import translate_errors
from langchain_zai.document_loaders import _ZaiClientHolder
from zai_core import LayoutResult, aread_document, read_document
from zai_core.ocr import (
    FileSource,
    check_page_range,
    layout_document_metadata,
    layout_page_metadata,
)

__all__ = ["ZaiOCRLoader", "ZaiOCRParser"]

Mode = Literal["page", "single"]


# --------------------------------------------------------------------------- conversions


def _layout_to_documents(result: LayoutResult, source: str, mode: Mode) -> list[Document]:
    """``Document`` objects of a parsed document: one per page, or one in ``"single"`` mode.

    Page metadata: ``source``, ``page`` (from 1), ``page_width`` / ``page_height``,
    ``total_pages`` and ``layout_elements`` (``index``, ``label``, ``bbox``, ``content``).
    Pure.
    """
    common = layout_document_metadata(result, source)
    if mode == "single":
        pages = [layout_page_metadata(p) for p in result.pages]
        return [Document(page_content=result.markdown, metadata={**common, "pages": pages})]
    return [
        Document(page_content=page.markdown, metadata={**common, **layout_page_metadata(page)})
        for page in result.pages
    ]


def _blob_source(blob: Blob) -> tuple[FileSource, str | None, str]:
    """What to send for a blob (path or bytes), a file name, and the ``source`` label."""
    if blob.data is None and blob.path:
        return os.fspath(blob.path), None, str(blob.path)
    name = Path(blob.path).name if blob.path else None
    return blob.as_bytes(), name, str(blob.source or name or "blob")


# --------------------------------------------------------------------------- parser


class ZaiOCRParser(_ZaiClientHolder, BaseBlobParser):
    """Parse a PDF / JPG / PNG `Blob` into Markdown `Document` objects with GLM-OCR.

    `mode="page"` (default) gives one `Document` per page; `mode="single"` one for the
    whole document, with every page's size and layout under `metadata["pages"]`.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_core.documents import Blob
        from langchain_zai import ZaiOCRParser

        parser = ZaiOCRParser(mode="page")  # start_page_id=1, end_page_id=10
        ```

    ??? info "Parse"

        ```python
        docs = parser.parse(Blob.from_path("scan.pdf"))
        docs[0].metadata["page"], docs[0].metadata["layout_elements"][0]["label"]
        ```

    ??? info "With a blob loader"

        ```python
        from langchain_community.document_loaders.generic import GenericLoader

        loader = GenericLoader.from_filesystem("scans/", glob="*.pdf", parser=parser)
        ```

    Args:
        mode: `"page"` or `"single"`.
        model: `"glm-ocr"` (default).
        start_page_id / end_page_id: the pages of a PDF to parse (from 1).
        return_crop_images, need_layout_visualization: layout options of Z.ai.

    The shared Z.ai settings `api_key`, `base_url`, `timeout`, `max_retries`,
    `default_headers`, `http_client`, `http_async_client` and `total_timeout` work as on
    `ChatZai`.
    """

    def __init__(
        self,
        *,
        mode: Mode = "page",
        model: str = "glm-ocr",
        start_page_id: int | None = None,
        end_page_id: int | None = None,
        return_crop_images: bool | None = None,
        need_layout_visualization: bool | None = None,
        **config: Any,
    ) -> None:
        super().__init__(**config)
        if mode not in ("page", "single"):
            raise ValueError(f"mode must be 'page' or 'single', got {mode!r}")
        self.mode: Mode = mode
        self.ocr_options: dict[str, Any] = {
            k: v
            for k, v in {
                "model": model,
                "start_page_id": start_page_id,
                "end_page_id": end_page_id,
                "return_crop_images": return_crop_images,
                "need_layout_visualization": need_layout_visualization,
            }.items()
            if v is not None
        }
        check_page_range(start_page_id, end_page_id)  # now, before any request

    def parse_source(
        self, source: FileSource, label: str, filename: str | None = None
    ) -> list[Document]:
        """Parse a URL, path, bytes or binary file; `label` becomes `metadata["source"]`."""
        with translate_errors():
            result = read_document(self.client, source, filename=filename, **self.ocr_options)
        return _layout_to_documents(result, label, self.mode)

    async def aparse_source(
        self, source: FileSource, label: str, filename: str | None = None
    ) -> list[Document]:
        """Async `parse_source`."""
        with translate_errors():
            result = await aread_document(
                self.client, source, filename=filename, **self.ocr_options
            )
        return _layout_to_documents(result, label, self.mode)

    def lazy_parse(self, blob: Blob) -> Iterator[Document]:
        """The blob's pages (or the whole document) as `Document` objects."""
        source, name, label = _blob_source(blob)
        yield from self.parse_source(source, label, name)

    async def alazy_parse(self, blob: Blob) -> AsyncIterator[Document]:
        """Async `lazy_parse`."""
        source, name, label = _blob_source(blob)
        for doc in await self.aparse_source(source, label, name):
            yield doc


# --------------------------------------------------------------------------- loader


def _is_url(value: str | os.PathLike[str]) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


class ZaiOCRLoader(BaseLoader):
    """Load scanned PDFs and images (paths or URLs) as Markdown with Z.ai's GLM-OCR.

    One `Document` per page (`mode="page"`, default): the page's Markdown as
    `page_content`; `source`, `page` (from 1), `page_width`, `page_height`,
    `total_pages` and `layout_elements` (each with `label`, `bbox`, `content`) as
    metadata. `mode="single"` gives one `Document` per file. Limits (images <= 10 MB,
    PDFs <= 50 MB and <= 100 pages) are checked before a file is sent.

    ???+ info "Setup"

        ```bash
        pip install ".[langchain]"
        export ZAI_API_KEY="your-key"
        ```

    ??? info "Instantiate"

        ```python
        from langchain_zai import ZaiOCRLoader

        loader = ZaiOCRLoader(
            ["scan.pdf", "https://example.com/receipt.png"],
            # mode="single", start_page_id=1, end_page_id=20,
            # api_key="...", base_url="mainland", timeout=120,
        )
        ```

    ??? info "Load"

        ```python
        docs = loader.load()
        print(docs[0].metadata["page"], docs[0].page_content[:200])
        ```

    ??? info "Lazy / async"

        ```python
        for doc in loader.lazy_load():
            ...
        async for doc in loader.alazy_load():
            ...
        ```

    Args:
        file_path: one path or URL, or several.
        mode, model, start_page_id, end_page_id, return_crop_images,
            need_layout_visualization: as in `ZaiOCRParser`.

    The shared Z.ai settings `api_key`, `base_url`, `timeout`, `max_retries`,
    `default_headers`, `http_client`, `http_async_client` and `total_timeout` work as on
    `ChatZai`.
    """

    def __init__(
        self,
        file_path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
        *,
        mode: Mode = "page",
        **options: Any,
    ) -> None:
        paths = [file_path] if isinstance(file_path, (str, os.PathLike)) else list(file_path)
        if not paths:
            raise ValueError("ZaiOCRLoader needs at least one file path or URL")
        self.sources = [p if _is_url(p) else os.fspath(p) for p in paths]
        self.parser = ZaiOCRParser(mode=mode, **options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(sources={[str(s) for s in self.sources]!r})"

    def lazy_load(self) -> Iterator[Document]:
        """Parse the files one by one."""
        for source in self.sources:
            yield from self.parser.parse_source(source, str(source))

    async def alazy_load(self) -> AsyncIterator[Document]:
        """Async `lazy_load`."""
        for source in self.sources:
            for doc in await self.parser.aparse_source(source, str(source)):
                yield doc
