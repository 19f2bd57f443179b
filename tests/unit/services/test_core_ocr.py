"""zai_core.ocr: documents and their limits (checked before sending), bodies, answers."""

from __future__ import annotations

import asyncio
import base64
import io
from pathlib import Path
from typing import Any

import pytest

from tests.documents import pdf_bytes, png_bytes
from tests.unit.services.fakes import FakeZai
from zai_core import (
    APIResponseValidationError,
    aread_document,
    build_layout_body,
    load_document,
    parse_layout_result,
    read_document,
)
from zai_core.ocr import MAX_IMAGE_BYTES, MAX_PDF_BYTES, check_document_limits, count_pdf_pages

PDF = pdf_bytes([["Page one"], ["Page two"], ["Page three"]])

ANSWER = {
    "id": "ocr-1",
    "created": 1782862773,
    "model": "glm-ocr",
    "md_results": "# Title\n\nBody one\n\nBody two",
    "layout_details": [
        [
            {"index": 1, "label": "text", "bbox_2d": [0.1, 0.2, 0.9, 0.3], "content": "Body one"},
            {
                "index": 0,
                "label": "title",
                "bbox_2d": [0.1, 0.05, 0.9, 0.1],
                "content": "# Title",
                "width": 612,
                "height": 792,
            },
        ],
        [{"index": 0, "label": "text", "bbox_2d": [0.1, 0.1, 0.9, 0.2], "content": "Body two"}],
    ],
    "layout_visualization": ["https://files.example.com/vis_0.png"],
    "data_info": {
        "num_pages": 2,
        "pages": [{"width": 612, "height": 792}, {"width": 595, "height": 842}],
    },
    "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30},
    "request_id": "ocr-1",
}


# --------------------------------------------------------------------------- documents


def test_pdf_pages_are_counted() -> None:
    assert count_pdf_pages(PDF) == 3
    assert count_pdf_pages(b"%PDF-1.7 compressed object streams only") is None


@pytest.mark.parametrize("kind", ["path", "bytes", "file object"])
def test_documents_from_each_source_are_base64(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(PDF)
    source: Any = {"path": path, "bytes": PDF, "file object": io.BytesIO(PDF)}[kind]
    document = load_document(source)
    assert document.kind == "pdf" and document.pages == 3 and document.size == len(PDF)
    assert base64.b64decode(document.file) == PDF
    assert "file=" not in repr(document)  # the payload never shows


def test_images_and_urls() -> None:
    image = load_document(png_bytes(), filename="photo.png")
    assert (image.kind, image.pages, image.source) == ("image", 1, "photo.png")
    url = load_document("https://example.com/report.pdf")
    assert (url.kind, url.file, url.size, url.pages) == (
        "url",
        "https://example.com/report.pdf",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("kind", "size", "pages", "start", "end", "match"),
    [
        ("image", MAX_IMAGE_BYTES + 1, 1, None, None, "at most 10 MB"),
        ("pdf", MAX_PDF_BYTES + 1, 3, None, None, "at most 50 MB"),
        ("pdf", 1000, 101, None, None, "at most 100"),
        ("pdf", 1000, 150, 20, 130, "111 in range"),
        ("pdf", 1000, 3, 2, 5, "outside"),
        ("pdf", 1000, 3, 4, None, "outside"),
        ("pdf", 1000, None, 3, 2, "before start_page_id"),
        ("url", None, None, 0, None, "start_page_id must be an integer >= 1"),
        ("pdf", 0, None, None, None, "empty"),
    ],
)
def test_limits(
    kind: Any, size: int | None, pages: int | None, start: Any, end: Any, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        check_document_limits(kind, size, pages, source="doc", start_page_id=start, end_page_id=end)


@pytest.mark.parametrize(
    ("kind", "size", "pages", "start", "end"),
    [
        ("image", MAX_IMAGE_BYTES, 1, None, None),
        ("pdf", MAX_PDF_BYTES, 100, None, None),
        ("pdf", 1000, 150, 51, 150),  # a range of <= 100 pages of a long PDF
        ("pdf", 1000, None, 1, 500),  # pages unknown: nothing to check against
        ("url", None, None, 1, 2),
    ],
)
def test_within_limits(
    kind: Any, size: int | None, pages: int | None, start: Any, end: Any
) -> None:
    check_document_limits(kind, size, pages, source="doc", start_page_id=start, end_page_id=end)


def test_a_101_page_pdf_is_refused_before_anything_is_sent() -> None:
    fake = FakeZai({"/layout_parsing": ANSWER})
    long_pdf = pdf_bytes([[f"p{i}"] for i in range(101)])
    with pytest.raises(ValueError, match="has 101 pages"):
        read_document(fake.client(), long_pdf)
    assert fake.requests == []


def test_an_oversized_image_is_refused_before_anything_is_sent() -> None:
    fake = FakeZai({"/layout_parsing": ANSWER})
    big = png_bytes() + b"\x00" * MAX_IMAGE_BYTES
    with pytest.raises(ValueError, match="10 MB"):
        read_document(fake.client(), big)
    assert fake.requests == []


@pytest.mark.parametrize(
    ("source", "match"),
    [(b"GIF89a....", "PDF, JPG and PNG"), ("missing.pdf", "does not exist")],
)
def test_unreadable_documents(source: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        load_document(source)


# --------------------------------------------------------------------------- bodies


@pytest.mark.parametrize(
    ("kwargs", "extra"),
    [
        ({}, {}),
        (
            {"start_page_id": 2, "end_page_id": 3, "return_crop_images": False},
            {"start_page_id": 2, "end_page_id": 3, "return_crop_images": False},
        ),
        (
            {"need_layout_visualization": True, "request_id": "r-1", "user_id": "user-42"},
            {"need_layout_visualization": True, "request_id": "r-1", "user_id": "user-42"},
        ),
        ({"model": "GLM-OCR"}, {"model": "GLM-OCR"}),
    ],
)
def test_layout_bodies(kwargs: dict[str, Any], extra: dict[str, Any]) -> None:
    document = load_document(PDF)
    expected = {"model": "glm-ocr", "file": base64.b64encode(PDF).decode(), **extra}
    assert build_layout_body(document, **kwargs) == expected


def test_url_body_sends_the_url() -> None:
    body = build_layout_body(load_document("https://example.com/a.png"))
    assert body == {"model": "glm-ocr", "file": "https://example.com/a.png"}


# --------------------------------------------------------------------------- answers


def test_answer_becomes_pages_with_elements_and_sizes() -> None:
    result = parse_layout_result(ANSWER)
    assert result.markdown == ANSWER["md_results"] and result.num_pages == 2
    first, second = result.pages
    assert (first.number, first.width, first.height) == (1, 612, 792)
    assert first.markdown == "# Title\n\nBody one"  # elements in reading order
    assert [e.label for e in first.elements] == ["title", "text"]
    assert first.elements[0].bbox == (0.1, 0.05, 0.9, 0.1)
    assert (second.number, second.width, second.markdown) == (2, 595, "Body two")
    assert result.visualization == ("https://files.example.com/vis_0.png",)
    assert result.usage["total_tokens"] == 30


@pytest.mark.parametrize(
    ("body", "first_page", "pages"),
    [
        ({"md_results": "only text"}, 1, [(1, "only text")]),
        ({"md_results": ["a", "b"]}, 4, [(4, "a"), (5, "b")]),
        ({"md_results": "", "layout_details": [[], []]}, 1, [(1, ""), (2, "")]),
    ],
)
def test_answer_variants(body: Any, first_page: int, pages: list[tuple[int, str]]) -> None:
    result = parse_layout_result(body, first_page=first_page)
    assert [(p.number, p.markdown) for p in result.pages] == pages


@pytest.mark.parametrize("body", [None, {"id": "x"}, []])
def test_answer_without_md_results(body: Any) -> None:
    with pytest.raises(APIResponseValidationError, match="md_results"):
        parse_layout_result(body)


def test_read_document_sync_and_async_number_pages_from_the_range() -> None:
    fake = FakeZai({"/layout_parsing": ANSWER})
    result = read_document(fake.client(), PDF, start_page_id=2, end_page_id=3)
    assert [p.number for p in result.pages] == [2, 3]
    again = asyncio.run(aread_document(fake.client(), PDF, start_page_id=2, end_page_id=3))
    assert again == result
    assert str(fake.requests[0].url) == "https://api.z.ai/api/paas/v4/layout_parsing"
    assert fake.bodies("/layout_parsing")[0]["start_page_id"] == 2
