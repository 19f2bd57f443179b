"""File upload (`POST /files`, multipart) and the file sources every upload reads.

A source is a path, bytes, or a binary file object; `read_file_source` turns any of
them into a `FilePayload` (name, bytes, MIME type) before anything is sent.
`upload_file` / `aupload_file` upload it with a `purpose` (`"agent"` for files
agents read, such as a translation glossary; `"user_data"`) and return an
`UploadedFile` whose `id` agent messages and `custom_variables` refer to.

Example:
    ```python
    from zai_core import create_client, upload_file

    glossary = upload_file(create_client(), "glossary.csv", purpose="agent")
    print(glossary.id)
    ```
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import APIResponseValidationError
from .transport import Transport
from .web import require_text

__all__ = [
    "FILE_PURPOSES",
    "FilePayload",
    "FileSource",
    "UploadedFile",
    "aupload_file",
    "build_upload_fields",
    "parse_uploaded_file",
    "read_file_source",
    "sniff_suffix",
    "upload_file",
]

#: Purposes docs.z.ai lists for ``POST /files``.
FILE_PURPOSES = ("agent", "user_data")
FILES_PATH = "/files"

FileSource = str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes]

_MAGIC = ((b"%PDF-", ".pdf"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"))


@dataclass(frozen=True)
class FilePayload:
    """A file ready to send: name, bytes and MIME type (the bytes never in `repr`)."""

    filename: str
    content: bytes
    mimetype: str

    def __repr__(self) -> str:
        return f"{type(self).__name__}(filename={self.filename!r}, size={len(self.content)})"


@dataclass(frozen=True)
class UploadedFile:
    """What `POST /files` returned.

    Attributes:
        id: the file id agents refer to.
        filename: the name it was stored under.
        bytes: its size.
        purpose: `"agent"` or `"user_data"`.
        created_at: creation time (Unix seconds), when given.
    """

    id: str
    filename: str | None = None
    bytes: int | None = None
    purpose: str | None = None
    created_at: int | None = None


def sniff_suffix(data: bytes) -> str | None:
    """`".pdf"`, `".png"` or `".jpg"` from the first bytes, else `None`. Pure."""
    return next((suffix for magic, suffix in _MAGIC if data.startswith(magic)), None)


def _payload(data: bytes, name: str) -> FilePayload:
    if not data:
        raise ValueError(f"file {name!r} is empty")
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FilePayload(Path(name).name, data, mimetype)


def read_file_source(source: FileSource, filename: str | None = None) -> FilePayload:
    """A `FilePayload` from a path, bytes or a binary file object.

    Bytes without a `filename` are named `file` plus the suffix their first bytes show.

    Raises:
        ValueError: the path does not exist, the file is empty, or a text stream was given.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return _payload(data, filename or "file" + (sniff_suffix(data) or ""))
    if isinstance(source, (str, os.PathLike)):
        path = Path(os.fspath(source))
        if not path.is_file():
            raise ValueError(f"file {str(path)!r} does not exist")
        return _payload(path.read_bytes(), filename or path.name)
    if hasattr(source, "read"):
        data = source.read()
        if not isinstance(data, (bytes, bytearray)):
            raise ValueError("a file object must be opened in binary mode ('rb')")
        name = filename or os.path.basename(str(getattr(source, "name", "") or ""))
        return _payload(bytes(data), name or "file" + (sniff_suffix(bytes(data)) or ""))
    raise ValueError(f"a file must be a path, bytes or a binary file object, got {source!r}")


def build_upload_fields(purpose: str = "agent") -> dict[str, str]:
    """The form fields of `POST /files` (all but the file). Pure."""
    if purpose not in FILE_PURPOSES:
        raise ValueError(f"purpose must be one of {', '.join(FILE_PURPOSES)}; got {purpose!r}")
    return {"purpose": purpose}


def parse_uploaded_file(body: Any) -> UploadedFile:
    """An `UploadedFile` from the `/files` answer. Pure."""
    if not isinstance(body, Mapping) or not body.get("id"):
        raise APIResponseValidationError(
            f"file upload answer has no 'id': {str(body)[:200]!r}", body=body
        )
    size = body.get("bytes")
    created = body.get("created_at")
    return UploadedFile(
        id=str(body["id"]),
        filename=body.get("filename"),
        bytes=size if isinstance(size, int) else None,
        purpose=body.get("purpose"),
        created_at=created if isinstance(created, int) else None,
    )


def _form(
    payload: FilePayload, purpose: str
) -> tuple[dict[str, str], dict[str, tuple[str, bytes, str]]]:
    return build_upload_fields(purpose), {
        "file": (payload.filename, payload.content, payload.mimetype)
    }


def upload_file(
    client: Transport, source: FileSource, *, purpose: str = "agent", filename: str | None = None
) -> UploadedFile:
    """Upload a path, bytes or binary file object: `POST /files` (multipart)."""
    build_upload_fields(purpose)  # a bad purpose fails before the file is read
    if filename is not None:
        require_text("filename", filename)
    fields, files = _form(read_file_source(source, filename), purpose)
    return parse_uploaded_file(client.request("POST", FILES_PATH, data=fields, files=files))


async def aupload_file(
    client: Transport, source: FileSource, *, purpose: str = "agent", filename: str | None = None
) -> UploadedFile:
    """Async `upload_file` (a path is read in a worker thread)."""
    build_upload_fields(purpose)
    if filename is not None:
        require_text("filename", filename)
    payload = await asyncio.to_thread(read_file_source, source, filename)
    fields, files = _form(payload, purpose)
    answer = await client.arequest("POST", FILES_PATH, data=fields, files=files)
    return parse_uploaded_file(answer)
