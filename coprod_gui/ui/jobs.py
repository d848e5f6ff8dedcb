"""The window's long jobs as plain functions: read, analyse, preview, brief, export.

Why here and not in the widgets: each job runs on a worker thread
(:class:`~coprod_gui.ui.worker.TaskRunner`) and must never touch a widget; as plain
functions of their inputs they can be tested without a window (Orange's ``run(data,
state)``). Every heavy import (pandas, statsmodels, matplotlib, python-docx) happens
inside the job, on the worker thread, so the window opens before they are loaded.

Each ``*_job`` returns a :data:`~coprod_gui.ui.worker.Job`: a callable taking the
``progress(fraction, message)`` and ``is_cancelled()`` hooks.

Reading (:func:`load_survey`), analysing (:func:`analyse_survey`) and drawing the
charts as pixels run one step further away, in the helper process of
:mod:`coprod_gui.core.child`: a reader that aborts, a MemoryError or a native crash ends
the helper, not the window; Cancel ends a long read at once; and the window never waits
for the GIL behind them. The worker thread only waits for the helper.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import InputError
from ..core.progress import CancelFn, ProgressFn, check_cancelled, slice_progress

if TYPE_CHECKING:
    import pandas as pd

    from ..core.results import AnalysisResult
    from ..core.types import DataQuality, Mapping, RawTable, Suggestion
    from ..report.options import BriefOptions
    from .worker import Job

log = logging.getLogger(__name__)


@dataclass
class LoadedSurvey:
    """What reading gives the Import tab: the tables, a suggested mapping, and the checks."""

    paths: list[Path]
    tables: list[RawTable]
    mapping: Mapping
    suggestions: list[Suggestion]
    quality: DataQuality | None = None  # from preparing with the suggested mapping
    quality_problem: str | None = None  # why preparing was not possible, in plain words
    thread_id: int = 0  # the thread that did the work (tests check it is not the GUI's)


@dataclass
class Analysed:
    """What the analysis gives the Results and Report tabs: only what they show.

    The prepared survey itself stays in the helper process: unpickling its 50,000-row
    frame in the worker thread held the GIL, and so stalled the window, for ~48 ms, and
    the window only ever showed its data-quality report.
    """

    quality: DataQuality | None
    result: AnalysisResult
    charts: dict[str, RenderedChart] = field(default_factory=dict)
    thread_id: int = 0


@dataclass
class RenderedChart:
    """One chart drawn in the worker: RGBA pixels (plain bytes, so they can cross threads
    and processes) and what they show; :mod:`.plot_canvas` paints them."""

    name: str
    rgba: bytes
    width: int  # physical pixels
    height: int
    pixel_ratio: float
    alt: str
    min_height: int  # logical pixels the chart's rows need

    @property
    def logical_size(self) -> tuple[int, int]:
        return round(self.width / self.pixel_ratio), round(self.height / self.pixel_ratio)


@dataclass
class ChartRequest:
    """How the window wants the charts: logical sizes (0 = not known yet), the screen's
    scaling, and the levels chart's breakdown and council (the Results tab's controls)."""

    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    pixel_ratio: float = 1.0
    grouping: str = "authority"
    council: str | None = None
    only: tuple[str, ...] = ()  # redraw just these charts (empty: all)


@dataclass
class Exported:
    """Files written by an export."""

    files: dict[str, Path]
    thread_id: int = 0

    @property
    def folder(self) -> Path:
        return next(iter(self.files.values())).parent


def _thread_id() -> int:
    import threading

    return threading.get_ident()


def read_tables(
    paths: Sequence[Path],
    overrides: dict[Path, tuple[str | None, int | None]] | None,
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> list[RawTable]:
    """Read each file, with the officer's sheet / header-row choices where given."""
    from ..core.io.reading import read_survey

    overrides = overrides or {}
    tables = []
    n = max(len(paths), 1)
    for i, path in enumerate(paths):
        check_cancelled(is_cancelled)
        sheet, header_row = overrides.get(Path(path), (None, None))
        tables.append(
            read_survey(
                path,
                sheet=sheet,
                header_row=header_row,
                progress=slice_progress(progress, i / n, (i + 1) / n),
                is_cancelled=is_cancelled,
            )
        )
    return tables


def load_job(
    paths: Sequence[Path],
    overrides: dict[Path, tuple[str | None, int | None]] | None = None,
    mapping: Mapping | None = None,
) -> Job:
    """Read the files, suggest a mapping (or keep ``mapping``), and check the data."""
    paths = [Path(p) for p in paths]

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> LoadedSurvey:
        from ..core.child import shared_child

        loaded = shared_child().run(
            load_survey,
            (paths, overrides, mapping),
            progress=progress,
            is_cancelled=is_cancelled,
        )
        loaded.thread_id = _thread_id()
        return loaded

    return job


def _import_for_results() -> None:
    """Import what the Results and Report tabs use here in the worker: the charts are
    drawn in the helper now, so otherwise the first import (about 100 ms, compiling
    included) fell on the GUI thread when the results were shown."""
    from ..core.stats import comparison  # noqa: F401
    from ..report import brief, charts, findings, suppression  # noqa: F401


def load_survey(
    paths: list[Path],
    overrides: dict[Path, tuple[str | None, int | None]] | None,
    mapping: Mapping | None,
    *,
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> LoadedSurvey:
    """The work of :func:`load_job`, run in the helper process (core.child)."""
    from ..core.survey.mapping import suggest_mapping

    tables = read_tables(paths, overrides, slice_progress(progress, 0.0, 0.7), is_cancelled)
    check_cancelled(is_cancelled)
    progress(0.7, "Suggesting which questions measure what")
    suggested, suggestions = suggest_mapping(tables)
    used = mapping if mapping is not None else suggested
    loaded = LoadedSurvey(paths, tables, used, suggestions, thread_id=_thread_id())
    check_cancelled(is_cancelled)
    loaded.quality, loaded.quality_problem = check_quality(
        tables, used, slice_progress(progress, 0.75, 1.0), is_cancelled
    )
    progress(1.0, f"Read {sum(len(t.frame) for t in tables):,} rows")
    from ..core.child import keep_in_helper

    keep_in_helper(tables)  # an analysis then sends only their keys
    return loaded


def analyse_survey(
    tables: list[RawTable],
    mapping: Mapping,
    options: Any = None,
    charts: tuple[BriefOptions | None, ChartRequest] | None = None,
    *,
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> tuple[DataQuality, AnalysisResult, dict[str, RenderedChart]]:
    """Prepare and analyse, and draw the charts as pixels when ``charts`` says how, in the
    helper process (core.child): no GIL shared with the window. Python warnings raised on
    the way become notes in the result instead of console noise. Returns the prepared
    survey's data-quality report, not the survey: the window shows nothing else of it."""
    from ..core.child import keep_in_helper
    from ..core.logs import capture_warnings, warning_notes
    from ..core.pipeline import analyse_tables

    rendered: dict[str, RenderedChart] = {}
    with capture_warnings() as caught:
        survey, result = analyse_tables(
            tables,
            mapping,
            options,
            progress=slice_progress(progress, 0.0, 0.9 if charts else 1.0),
            is_cancelled=is_cancelled,
        )
        if charts is not None:
            progress(0.9, "Drawing the charts")
            rendered = render_charts(result, *charts)
    result.warnings.extend(warning_notes(caught))
    keep_in_helper([result], slot="result")  # a chart redraw then sends only its key
    return survey.quality, result, rendered


def render_charts_in_helper(
    result: AnalysisResult,
    brief_options: BriefOptions | None,
    request: ChartRequest,
    *,
    progress: ProgressFn,
    is_cancelled: CancelFn,
) -> dict[str, RenderedChart]:
    """:func:`render_charts`, in the helper process (see :func:`charts_job`)."""
    return render_charts(result, brief_options, request)


def check_quality(
    tables: list[RawTable], mapping: Mapping, progress: ProgressFn, is_cancelled: CancelFn
) -> tuple[DataQuality | None, str | None]:
    """Prepare the survey to collect the data-quality report; a mapping problem is a note."""
    from ..core.survey.prepare import prepare

    try:
        survey = prepare(tables, mapping, progress=progress, is_cancelled=is_cancelled)
    except InputError as exc:
        return None, f"{exc.message} {exc.hint or ''}".strip()
    return survey.quality, None


def analyse_job(
    tables: list[RawTable],
    mapping: Mapping,
    options: Any = None,
    brief_options: BriefOptions | None = None,
    with_charts: bool = True,
    charts: ChartRequest | None = None,
) -> Job:
    """Prepare and analyse, then draw the charts on fresh Figures (still off the GUI thread)."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> Analysed:
        from ..core.child import maybe_kept, shared_child

        request = (brief_options, charts or ChartRequest()) if with_charts else None
        quality, result, rendered = shared_child().run(
            analyse_survey,
            ([maybe_kept(t) for t in tables], mapping, options, request),
            progress=progress,
            is_cancelled=is_cancelled,
        )
        out = Analysed(quality, result, thread_id=_thread_id())
        out.charts = rendered
        _import_for_results()
        progress(1.0, "Analysis finished")
        return out

    return job


CHART_DPI = 100
"""Screen resolution of the charts in the window (the exports use their own)."""

CHART_TITLES: dict[str, str] = {
    "levels": "How common it is",
    "drivers": "What goes with it",
    "efficacy": "Feeling able to make a difference",
}


def render_charts(
    result: AnalysisResult, brief_options: BriefOptions | None, request: ChartRequest
) -> dict[str, RenderedChart]:
    """Draw the report's charts (no pyplot) at the sizes the window shows them, as pixels.

    A size of 0 means the page has not been shown yet: the chart's own size is used, and
    the window asks again once it knows. The height is never less than the chart's rows
    need (``chart_height``), so labels never overlap.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..report.charts import CHARTS, chart_height, draw_levels
    from ..report.options import BriefOptions

    options = brief_options or BriefOptions()
    ratio = request.pixel_ratio if request.pixel_ratio and request.pixel_ratio > 0 else 1.0
    out: dict[str, RenderedChart] = {}
    for name, (draw, (width_in, _height)) in CHARTS.items():
        if request.only and name not in request.only:
            continue
        grouping = request.grouping if name == "levels" else "authority"
        need = round(chart_height(name, result, options, grouping) * CHART_DPI)
        w, h = request.sizes.get(name, (0, 0))
        if w <= 0 or h <= 0:
            w, h = round(width_in * CHART_DPI), need
        w, h = max(w, 260), max(h, need, 120)
        fig = Figure(figsize=(w / CHART_DPI, h / CHART_DPI), dpi=CHART_DPI * ratio)
        fig.set_layout_engine("constrained")
        agg = FigureCanvasAgg(fig)
        if name == "levels":
            alt = draw_levels(fig, result, options, grouping, request.council)
        else:
            alt = draw(fig, result, options)
        agg.draw()
        buffer = agg.buffer_rgba()
        out[name] = RenderedChart(
            name,
            bytes(buffer),
            buffer.shape[1],
            buffer.shape[0],
            ratio,
            str(alt or CHART_TITLES.get(name, name)),
            need,
        )
    return out


def charts_job(
    result: AnalysisResult, brief_options: BriefOptions | None, request: ChartRequest
) -> Job:
    """Redraw charts for a new size, breakdown, council or small-group threshold."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> dict[str, RenderedChart]:
        from ..core.child import maybe_kept, shared_child

        check_cancelled(is_cancelled)
        return shared_child().run(
            render_charts_in_helper,
            (maybe_kept(result), brief_options, request),
            progress=progress,
            is_cancelled=is_cancelled,
        )

    return job


def recode_preview_job(table: RawTable, column: str, mapping: Mapping) -> Job:
    """How each answer in ``column`` will be scored (answer, count, score, what happens)."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> pd.DataFrame:
        from ..core.survey.scales import recode_preview

        check_cancelled(is_cancelled)
        return recode_preview(
            table.frame[column],
            value_labels=table.value_labels.get(column),
            # the file's own user-missing codes too, as prepare() applies them
            extra_missing=(*mapping.missing, *table.missing_codes.get(column, [])),
            reverse=column in mapping.reverse,
        )

    return job


@dataclass
class BriefView:
    """The brief as HTML."""

    html: str


def brief_html(
    result: AnalysisResult, options: BriefOptions, *, progress: ProgressFn, is_cancelled: CancelFn
) -> BriefView:
    """The work of :func:`brief_html_job`, in the helper process."""
    from ..report.brief import brief_to_html, build_brief

    return BriefView(brief_to_html(build_brief(result, options)))


def brief_html_job(result: AnalysisResult, options: BriefOptions) -> Job:
    """The brief as HTML for the Report tab, written in the helper process (which holds
    the result already): about 0.8 s of pure Python, which in the worker thread took the
    GIL from the window in 5 ms turns while the officer looked at the results."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> BriefView:
        from ..core.child import maybe_kept, shared_child

        check_cancelled(is_cancelled)
        return shared_child().run(
            brief_html,
            (maybe_kept(result), options),
            progress=progress,
            is_cancelled=is_cancelled,
            end_on_cancel=False,
        )

    return job


def export_file_job(result: AnalysisResult, options: BriefOptions, path: Path, kind: str) -> Job:
    """Write the brief to Word (``kind="docx"``) or the results to Excel (``"xlsx"``)."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> Exported:
        from ..report.brief import build_brief

        progress(0.05, "Writing the brief")
        brief = build_brief(result, options)
        check_cancelled(is_cancelled)
        progress(0.3, f"Saving {path.name}")
        if kind == "docx":
            from ..report.docx_writer import write_docx

            written = write_docx(brief, result, path, options)
        elif kind == "xlsx":
            from ..report.xlsx_writer import write_xlsx

            written = write_xlsx(brief, result, path, options)
        else:
            raise ValueError(f"unknown export kind {kind!r}")
        progress(1.0, f"Saved {path.name}")
        return Exported({kind: Path(written or path)}, thread_id=_thread_id())

    return job


def export_all_job(result: AnalysisResult, options: BriefOptions, folder: Path) -> Job:
    """Write the Word brief and the Excel results into ``folder`` (as ``export_all``)."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> Exported:
        from ..report.export import export_all

        files = export_all(result, folder, options, progress=progress, is_cancelled=is_cancelled)
        return Exported({k: Path(v) for k, v in files.items()}, thread_id=_thread_id())

    return job


def save_mapping_job(mapping: Mapping, path: Path) -> Job:
    """Save the mapping off the GUI thread (a network drive can stall the write)."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> Path:
        from ..core.survey.mapping import save_mapping

        save_mapping(mapping, path)
        return path

    return job


def load_mapping_job(path: Path, tables: list[RawTable]) -> Job:
    """Load a mapping file and check every column it names is in the survey."""

    def job(progress: ProgressFn, is_cancelled: CancelFn) -> Mapping:
        from ..core.survey.mapping import check_mapping, load_mapping, resolve_column

        mapping = load_mapping(path)
        check_mapping(mapping, tables)

        def actual(name: str) -> str:
            # The editor ticks header names; a mapping may name SPSS variable labels.
            for table in tables:
                column = resolve_column(table, name)
                if column is not None:
                    return column
            return name

        mapping.columns = {k: [actual(c) for c in v] for k, v in mapping.columns.items()}
        mapping.reverse = [actual(c) for c in mapping.reverse]
        mapping.definitions = {actual(c): d for c, d in mapping.definitions.items()}
        return mapping

    return job
