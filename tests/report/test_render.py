"""The demo brief as a reader gets it: rendered by LibreOffice, at most 10 pages, the
appendix at most 5 (skipped where LibreOffice or poppler's pdftotext is not installed)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from coprod_gui.report.export import export_all
from coprod_gui.report.options import BriefOptions

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and pdftotext are needed to render the brief",
)
def test_demo_brief_pages(demo_result, tmp_path) -> None:
    files = export_all(demo_result, tmp_path, BriefOptions(survey_name="Resident Survey 2024"))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(files["docx"])],
        capture_output=True,
        timeout=240,
        check=True,
    )
    pdf = tmp_path / "brief.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) <= 10, len(pages)
    start = next(i for i, p in enumerate(pages) if "Technical appendix" in p)
    assert len(pages) - start <= 5, (len(pages), start)
    # page 1: the key messages, and the efficacy chart's title beside them
    assert "Key messages" in pages[0] and "Figure 1: Taking part rises with feeling able" in pages[0]
