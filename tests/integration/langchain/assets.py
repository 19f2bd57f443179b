"""Small generated files that stand in for the images and PDFs the standard tests download.

``langchain-tests`` fetches a PNG from GitHub and a PDF from w3.org with ``httpx.get``; the
tests here never reach the network, so those URLs are answered with these bytes instead
(the same bytes on every run, so request bodies match their cassettes).
"""

from __future__ import annotations

import zlib
from typing import Any

import httpx

from tests.documents import pdf_file, png_file

__all__ = ["ASSET_HOSTS", "fake_httpx_get", "pdf_bytes", "png_bytes"]

#: Hosts langchain-tests downloads assets from.
ASSET_HOSTS = ("raw.githubusercontent.com", "www.w3.org", "upload.wikimedia.org")


def png_bytes(size: int = 16) -> bytes:
    """A ``size`` x ``size`` PNG: a red square on a white background."""

    rows = b""
    for y in range(size):
        row = b"\x00"
        for x in range(size):
            inside = size // 4 <= x < 3 * size // 4 and size // 4 <= y < 3 * size // 4
            row += b"\xff\x00\x00" if inside else b"\xff\xff\xff"
        rows += row
    return png_file(size, size, zlib.compress(rows, 9))


def pdf_bytes(text: str = "Dummy PDF file") -> bytes:
    """A one-page PDF showing ``text``."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


def fake_httpx_get(real_get: Any) -> Any:
    """``httpx.get`` that answers asset URLs locally and passes anything else through."""

    def get(url: Any, *args: Any, **kwargs: Any) -> httpx.Response:
        parsed = httpx.URL(str(url))
        if parsed.host not in ASSET_HOSTS:
            return real_get(url, *args, **kwargs)  # type: ignore[no-any-return]
        if parsed.path.endswith(".pdf"):
            content, kind = pdf_bytes(), "application/pdf"
        else:
            content, kind = png_bytes(), "image/png"
        request = httpx.Request("GET", parsed)
        return httpx.Response(200, headers={"content-type": kind}, content=content, request=request)

    return get
