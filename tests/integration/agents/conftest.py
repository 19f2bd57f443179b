"""Agents, file upload and GLM-OCR cassettes: a scanned report on disk, strict replay order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.documents import pdf_bytes

#: The pages of the sample report (what the emulator's OCR reads back, page by page).
REPORT_PAGES = [
    ["Quarterly report", "Revenue grew 12 percent in the third quarter.", "Costs stayed flat."],
    ["Outlook", "The company expects revenue growth of 8 percent next year."],
    ["Risks", "Supply chain delays could slow deliveries in the first half."],
]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """``report.pdf``: a three-page text PDF."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes(REPORT_PAGES))
    return path


@pytest.fixture(scope="module")
def vcr_config(vcr_config: dict[str, Any]) -> dict[str, Any]:
    """Replay identical requests in recorded order: an async agent result answers ``pending``
    and then ``success``, so a repeated poll must get the next answer, not the first."""
    return {**vcr_config, "allow_playback_repeats": False}
