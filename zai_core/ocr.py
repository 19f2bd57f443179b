"""GLM-OCR layout parsing (`POST /layout_parsing`): PDFs and images to Markdown, page by page.

`load_document` turns a URL, a path, bytes or a binary file object into an
`OCRDocument` (a URL as it is; a file base64-encoded) and checks Z.ai's limits before
anything is sent: images (JPG, PNG) up to 10 MB, PDFs up to 50 MB and 100 pages (the page
count is read from the PDF when it shows it; a URL's size and pages cannot be known).
`build_layout_body` adds the options (page range...); `parse_layout_result` turns
the answer into a `LayoutResult` of `LayoutPage` objects, each with its Markdown,
size and `LayoutElement` list (label, box, content). `read_document` /
`aread_document` do all three around the one client.

The shapes are documented (docs.z.ai "Layout Parsing"), never recorded.

Example:
    ```python
    from zai_core import create_client, read_document

    result = read_document(create_client(), "scan.pdf", start_page_id=1, end_page_id=3)
    for page in result.pages:
        print(page.number, page.width, page.height, page.markdown[:80])
    ```
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import APIResponseValidationError
from .files import FileSource, read_file_source, sniff_suffix
from .transport import Transport
from .web import optional_ids, require_text

__all__ = [
    "DEFAULT_OCR_MODEL",
    "MAX_IMAGE_BYTES",
    "MAX_PDF_BYTES",
    "MAX_PDF_PAGES",
    "LayoutElement",
    "LayoutPage",
    "LayoutResult",
    "OCRDocument",
    "aread_document",
    "build_layout_body",
    "check_document_limits",
    "check_page_range",
    "count_pdf_pages",
    "layout_document_metadata",
    "layout_page_metadata",
    "load_document",
    "parse_layout_result",
    "read_document",
]

DEFAULT_OCR_MODEL = "glm-ocr"
LAYOUT_PATH = "/layout_parsing"
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 100
Kind = Literal["pdf", "image", "url"]
_KINDS: dict[str, Kind] = {".pdf": "pdf", ".png": "image", ".jpg": "image", ".jpeg": "image"}
#: A page object of a PDF (not the ``/Pages`` tree node); hidden in compressed object streams.
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@dataclass(frozen=True)
class OCRDocument:
    """A document ready for `/layout_parsing` (the payload never in `repr`).

    Attributes:
        source: what the caller named it by (path, URL, file name) for metadata.
        kind: `"pdf"`, `"image"` or `"url"` (size and pages unknown).
        file: the URL, or the file's bytes base64-encoded.
        size: bytes, when known.
        pages: PDF pages, when the file shows them.
    """

    source: str
    kind: Kind
    file: str = field(repr=False)
    size: int | None = None
    pages: int | None = None


@dataclass(frozen=True)
class LayoutElement:
    """One block on a page: `label` (`"text"`, `"table"`, `"image"`...), `bbox`
    `(x0, y0, x1, y1)` as Z.ai gives it, the block's `content` and its reading `index`."""

    index: int
    label: str
    bbox: tuple[float, ...]
    content: str = ""
    width: float | None = None
    height: float | None = None


@dataclass(frozen=True)
class LayoutPage:
    """One page: its `number` (from 1, counting from the document's first page), Markdown,
    size (`width` / `height` when Z.ai gives them) and layout elements."""

    number: int
    markdown: str
    width: float | None = None
    height: float | None = None
    elements: tuple[LayoutElement, ...] = ()


@dataclass(frozen=True)
class LayoutResult:
    """A parsed document: the whole `markdown`, its `pages`, and the answer's ids."""

    markdown: str
    pages: tuple[LayoutPage, ...]
    model: str | None = None
    id: str | None = None
    request_id: str | None = None
    num_pages: int | None = None
    visualization: tuple[str, ...] = ()
    usage: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- documents


def count_pdf_pages(data: bytes) -> int | None:
    """Pages of a PDF from its page objects, or `None` when they are compressed away. Pure."""
    count = len(_PDF_PAGE.findall(data))
    return count or None


def check_document_limits(
    kind: Kind,
    size: int | None,
    pages: int | None,
    *,
    source: str,
    start_page_id: int | None = None,
    end_page_id: int | None = None,
) -> None:
    """Raise ValueError when a document breaks Z.ai's limits (what is known of them). Pure.

    Images: at most 10 MB. PDFs: at most 50 MB, and at most 100 pages to parse (the page
    range counts when given); a range past the last page is refused too.
    """
    if size is not None and size == 0:
        raise ValueError(f"document {source!r} is empty")
    limit = MAX_IMAGE_BYTES if kind == "image" else MAX_PDF_BYTES
    if size is not None and kind != "url" and size > limit:
        raise ValueError(
            f"{kind} {source!r} is {size} bytes; GLM-OCR takes at most {limit // 2**20} MB "
            f"per {'image' if kind == 'image' else 'PDF'}"
        )
    check_page_range(start_page_id, end_page_id)
    if kind != "pdf" or pages is None:
        return
    last = end_page_id or pages
    if (start_page_id or 1) > pages or last > pages:
        raise ValueError(
            f"page range {start_page_id or 1}-{last} is outside {source!r}, which has {pages} pages"
        )
    span = last - (start_page_id or 1) + 1
    if span > MAX_PDF_PAGES:
        raise ValueError(
            f"PDF {source!r} has {pages} pages to parse ({span} in range); GLM-OCR takes at most "
            f"{MAX_PDF_PAGES}: pass start_page_id / end_page_id to parse it in parts"
        )


def check_page_range(start: int | None, end: int | None) -> None:
    """Raise ValueError unless `start` / `end` are page numbers >= 1 in order. Pure."""
    for name, value in (("start_page_id", start), ("end_page_id", end)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    if start is not None and end is not None and end < start:
        raise ValueError(f"end_page_id ({end}) is before start_page_id ({start})")


def _is_url(source: Any) -> bool:
    return isinstance(source, str) and source.startswith(("http://", "https://"))


def load_document(
    source: FileSource,
    *,
    filename: str | None = None,
    start_page_id: int | None = None,
    end_page_id: int | None = None,
) -> OCRDocument:
    """An `OCRDocument` from a URL, a path, bytes or a binary file object, checked.

    Raises:
        ValueError: not a PDF / JPG / PNG, too big, too many pages, a bad page range, or a
            path that does not exist.
    """
    if _is_url(source):
        assert isinstance(source, str)
        check_page_range(start_page_id, end_page_id)
        return OCRDocument(source=source, kind="url", file=source)
    payload = read_file_source(source, filename)
    suffix = sniff_suffix(payload.content) or os.path.splitext(payload.filename)[1].lower()
    kind = _KINDS.get(suffix)
    if kind is None:
        raise ValueError(f"GLM-OCR reads PDF, JPG and PNG files; {payload.filename!r} is neither")
    label = os.fspath(source) if isinstance(source, (str, os.PathLike)) else payload.filename
    pages = count_pdf_pages(payload.content) if kind == "pdf" else 1
    check_document_limits(
        kind,
        len(payload.content),
        pages,
        source=label,
        start_page_id=start_page_id,
        end_page_id=end_page_id,
    )
    return OCRDocument(
        source=label,
        kind=kind,
        file=base64.b64encode(payload.content).decode("ascii"),
        size=len(payload.content),
        pages=pages,
    )


def build_layout_body(
    document: OCRDocument,
    *,
    model: str = DEFAULT_OCR_MODEL,
    start_page_id: int | None = None,
    end_page_id: int | None = None,
    return_crop_images: bool | None = None,
    need_layout_visualization: bool | None = None,
    request_id: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    """The `POST /layout_parsing` body; checks the page range against the document. Pure."""
    check_document_limits(
        document.kind,
        document.size,
        document.pages,
        source=document.source,
        start_page_id=start_page_id,
        end_page_id=end_page_id,
    )
    body: dict[str, Any] = {"model": require_text("model", model), "file": document.file}
    if start_page_id is not None:
        body["start_page_id"] = start_page_id
    if end_page_id is not None:
        body["end_page_id"] = end_page_id
    if return_crop_images is not None:
        body["return_crop_images"] = bool(return_crop_images)
    if need_layout_visualization is not None:
        body["need_layout_visualization"] = bool(need_layout_visualization)
    body.update(optional_ids(request_id, user_id))
    return body


# --------------------------------------------------------------------------- answers


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _element(raw: Mapping[str, Any], position: int) -> LayoutElement:
    box = raw.get("bbox_2d") or raw.get("bbox") or ()
    index = raw.get("index")
    return LayoutElement(
        index=index if isinstance(index, int) else position,
        label=str(raw.get("label") or "text"),
        bbox=tuple(float(v) for v in box if _number(v) is not None),
        content=str(raw.get("content") or ""),
        width=_number(raw.get("width")),
        height=_number(raw.get("height")),
    )


def _page_sizes(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    info = body.get("data_info")
    pages = info.get("pages") if isinstance(info, Mapping) else None
    return [p if isinstance(p, Mapping) else {} for p in pages or ()]


def _page(
    number: int, raw: Sequence[Any], size: Mapping[str, Any], markdown: str | None
) -> LayoutPage:
    elements = sorted(
        (_element(e, i) for i, e in enumerate(raw) if isinstance(e, Mapping)),
        key=lambda e: e.index,
    )
    text = (
        markdown if markdown is not None else "\n\n".join(e.content for e in elements if e.content)
    )
    first = elements[0] if elements else None
    return LayoutPage(
        number=number,
        markdown=text,
        width=_number(size.get("width")) or (first.width if first else None),
        height=_number(size.get("height")) or (first.height if first else None),
        elements=tuple(elements),
    )


def parse_layout_result(body: Any, *, first_page: int = 1) -> LayoutResult:
    """A `LayoutResult` from a `/layout_parsing` answer. Pure.

    Each page's Markdown is its elements' content in reading order (`md_results` is the
    whole document); `md_results` given as a list is taken page by page. `first_page`
    numbers the pages (the `start_page_id` that was sent).
    """
    if not isinstance(body, Mapping) or "md_results" not in body:
        raise APIResponseValidationError(
            f"layout parsing answer has no 'md_results': {str(body)[:200]!r}", body=body
        )
    md = body["md_results"]
    per_page = [str(m) for m in md] if isinstance(md, list) else None
    whole = "\n\n".join(per_page) if per_page is not None else str(md or "")
    details = [d for d in body.get("layout_details") or () if isinstance(d, list)]
    sizes = _page_sizes(body)
    count = max(len(details), len(per_page or ()), 1)
    pages = []
    for i in range(count):
        raw = details[i] if i < len(details) else []
        markdown = per_page[i] if per_page is not None and i < len(per_page) else None
        if markdown is None and not details:
            markdown = whole
        pages.append(_page(first_page + i, raw, sizes[i] if i < len(sizes) else {}, markdown))
    info = body.get("data_info")
    num_pages = info.get("num_pages") if isinstance(info, Mapping) else None
    return LayoutResult(
        markdown=whole,
        pages=tuple(pages),
        model=body.get("model"),
        id=body.get("id"),
        request_id=body.get("request_id"),
        num_pages=num_pages if isinstance(num_pages, int) else None,
        visualization=tuple(str(u) for u in body.get("layout_visualization") or ()),
        usage=dict(body.get("usage") or {}),
    )


def layout_page_metadata(page: LayoutPage) -> dict[str, Any]:
    """The metadata both frameworks put on one page's document. Pure.

    `page` (from 1), `page_width` / `page_height`, and `layout_elements`: one dict per
    element with its `index`, `label`, `bbox` and `content`.
    """
    return {
        "page": page.number,
        "page_width": page.width,
        "page_height": page.height,
        "layout_elements": [
            {"index": e.index, "label": e.label, "bbox": list(e.bbox), "content": e.content}
            for e in page.elements
        ],
    }


def layout_document_metadata(result: LayoutResult, source: str) -> dict[str, Any]:
    """The metadata every document of one parsed file shares. Pure.

    `source`, `total_pages` (Z.ai's count, else the pages parsed), and `model` /
    `request_id` when the answer names them.
    """
    common: dict[str, Any] = {
        "source": source,
        "total_pages": result.num_pages or len(result.pages),
    }
    for key in ("model", "request_id"):
        if getattr(result, key):
            common[key] = getattr(result, key)
    return common


# --------------------------------------------------------------------------- calls


def read_document(
    client: Transport, source: FileSource, *, filename: str | None = None, **options: Any
) -> LayoutResult:
    """Parse a PDF or image (URL, path, bytes, binary file): `POST /layout_parsing`.

    `options` as in `build_layout_body`; every limit is checked before sending.
    """
    start, end = options.get("start_page_id"), options.get("end_page_id")
    document = load_document(source, filename=filename, start_page_id=start, end_page_id=end)
    body = build_layout_body(document, **options)
    return parse_layout_result(
        client.request("POST", LAYOUT_PATH, json=body), first_page=start or 1
    )


async def aread_document(
    client: Transport, source: FileSource, *, filename: str | None = None, **options: Any
) -> LayoutResult:
    """Async `read_document` (a file is read and encoded in a worker thread)."""
    start, end = options.get("start_page_id"), options.get("end_page_id")
    document = await asyncio.to_thread(
        load_document, source, filename=filename, start_page_id=start, end_page_id=end
    )
    body = build_layout_body(document, **options)
    answer = await client.arequest("POST", LAYOUT_PATH, json=body)
    return parse_layout_result(answer, first_page=start or 1)
