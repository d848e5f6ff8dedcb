"""Write the brief (Word) and the results (Excel) into a folder, as ``analyse`` does.

Why one function: the command line, the window's Export button and the self-test all
write the same two files the same way (atomically, with progress and cancel).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..core.progress import CancelFn, ProgressFn, check_cancelled, never_cancelled, no_progress
from ..core.results import AnalysisResult
from .brief import build_brief
from .docx_writer import write_docx
from .options import WORKBOOK_NAME, BriefOptions
from .xlsx_writer import write_xlsx

DEMO_SURVEY_NAME = "Resident Survey 2024 (fictional example data)"
DEMO_FIELDWORK = "September to October 2024 (fictional)"
DEMO_CONTACT = "Policy team (fictional example)"
DEMO_SAMPLING = "members of a residents' panel in each council (fictional)"
DEMO_WEIGHTING = "the mix of ages and qualifications among residents (fictional)"
DOCX_NAME = "brief.docx"
XLSX_NAME = WORKBOOK_NAME


def export_all(
    result: AnalysisResult,
    out_dir: str | os.PathLike[str],
    options: BriefOptions | None = None,
    *,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
) -> dict[str, Path]:
    """Write ``brief.docx`` and ``results.xlsx`` into ``out_dir``; returns {"docx", "xlsx"}."""
    options = options or BriefOptions()
    out = Path(out_dir)
    progress(0.0, "Writing the brief")
    brief = build_brief(result, options)
    check_cancelled(is_cancelled)
    progress(0.1, "Drawing charts and writing the Word brief")
    docx_path = write_docx(brief, result, out / DOCX_NAME, options)
    check_cancelled(is_cancelled)
    progress(0.7, "Writing the Excel results")
    xlsx_path = write_xlsx(brief, result, out / XLSX_NAME, options)
    progress(1.0, "Brief and results written")
    return {"docx": docx_path, "xlsx": xlsx_path}


def results_document(result: AnalysisResult, options: BriefOptions) -> dict[str, Any]:
    """results.json: the protected ``coprod-results/1`` document plus ``brief`` (the key
    messages and recommendations as written, each with the terms it rests on)."""
    from .suppression import protected_results

    doc = protected_results(result, options)
    doc["brief"] = build_brief(result, options).items()
    return doc
