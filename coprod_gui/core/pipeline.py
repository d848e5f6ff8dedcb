"""The whole pipeline in one call: files -> tables -> mapping -> survey -> results.

Why here: the command line, the self-test and the window all run the same steps in the
same order with the same progress and cancel hooks; the window also re-runs the second
half (:func:`analyse_tables`) after the officer edits the mapping, without re-reading
the files.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .progress import (
    CancelFn,
    ProgressFn,
    check_cancelled,
    never_cancelled,
    no_progress,
    slice_progress,
)
from .results import AnalysisResult
from .stats.analysis import AnalysisOptions, analyse
from .types import Mapping, RawTable, Suggestion, SurveyFrame

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


@dataclass
class PipelineOutput:
    """Everything a run produced, so a caller can show or re-use any step."""

    tables: list[RawTable]
    mapping: Mapping
    suggestions: list[Suggestion] = field(default_factory=list)
    survey: SurveyFrame | None = None
    result: AnalysisResult | None = None


def load_tables(
    paths: Sequence[PathLike],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
) -> list[RawTable]:
    """Read every file (``header_row`` 0-based, as :func:`read_survey` takes it)."""
    from .io.reading import read_survey

    paths = [Path(p) for p in paths]
    if not paths:
        raise InputError("No survey file was given.", hint="Choose one or more survey files.")
    tables = []
    for i, path in enumerate(paths):
        check_cancelled(is_cancelled)
        sub = slice_progress(progress, i / len(paths), (i + 1) / len(paths))
        tables.append(
            read_survey(
                path, sheet=sheet, header_row=header_row, progress=sub, is_cancelled=is_cancelled
            )
        )
    return tables


def analyse_tables(
    tables: list[RawTable],
    mapping: Mapping,
    options: AnalysisOptions | None = None,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
) -> tuple[SurveyFrame, AnalysisResult]:
    """Prepare the tables with ``mapping`` and analyse them."""
    from .io import limits
    from .survey.prepare import prepare

    try:
        survey = prepare(
            tables,
            mapping,
            progress=slice_progress(progress, 0.0, 0.3),
            is_cancelled=is_cancelled,
        )
        check_cancelled(is_cancelled)
        result = analyse(
            survey,
            options,
            progress=slice_progress(progress, 0.3, 1.0),
            is_cancelled=is_cancelled,
        )
    except MemoryError as exc:
        # what a run of this size needs, from the cells read (see io.limits)
        cells = sum(t.frame.size for t in tables)
        needed = float(cells) * limits.BYTES_PER_CELL
        name = tables[0].source.name if len(tables) == 1 else "This survey"
        raise limits.too_big(name, needed, limits.available_bytes()) from exc
    return survey, result


def run_pipeline(
    paths: Sequence[PathLike],
    *,
    mapping: Mapping | None = None,
    options: AnalysisOptions | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
    on_suggested: Callable[[list[RawTable], Mapping, list[Suggestion]], None] | None = None,
    codebook: PathLike | None = None,
) -> PipelineOutput:
    """Read, map (suggested when ``mapping`` is None), prepare and analyse.

    ``codebook`` (CSV or Excel: variable, value, label[, question]) gives labels to a
    file of bare codes. ``on_suggested`` sees a suggested mapping before anything is analysed (the command
    line writes the draft there and may stop the run by raising).

    ``sheet``/``header_row`` (0-based) default to the mapping's own when it has them.
    A given mapping is checked against the files first, so a column it names that is not
    there is a plain :class:`InputError` naming the column.
    """
    from .survey.mapping import check_mapping, suggest_mapping

    if mapping is not None:
        sheet = sheet if sheet is not None else mapping.sheet
        header_row = header_row if header_row is not None else mapping.header_row
    progress(0.0, "Reading the survey")
    tables = load_tables(
        paths,
        sheet=sheet,
        header_row=header_row,
        progress=slice_progress(progress, 0.0, 0.4),
        is_cancelled=is_cancelled,
    )
    if codebook is not None:
        from .survey.codebook import apply_codebook, read_codebook

        tables = apply_codebook(tables, read_codebook(codebook))
    check_cancelled(is_cancelled)
    suggestions: list[Suggestion] = []
    if mapping is None:
        progress(0.4, "Matching questions to what they measure")
        mapping, suggestions = suggest_mapping(tables)
        if on_suggested is not None:
            on_suggested(tables, mapping, suggestions)
    else:
        check_mapping(mapping, tables)
    check_cancelled(is_cancelled)
    survey, result = analyse_tables(
        tables,
        mapping,
        options,
        progress=slice_progress(progress, 0.45, 1.0),
        is_cancelled=is_cancelled,
    )
    log.info("pipeline done: %d files, %d respondents", len(tables), result.n_respondents)
    # The mapping as applied: it carries every question definition prepare used.
    return PipelineOutput(tables, survey.mapping, suggestions, survey, result)
