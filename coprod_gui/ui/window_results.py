"""The window's analysis, brief, charts and export handlers.

Why a mixin of :class:`~.main_window.MainWindow`: like :mod:`.window_files`, these share the
window's state (``loaded``, ``analysed``) and job plumbing; the model, the brief, the charts
and the files exported are all made in the worker, and the handlers here only start the
jobs and show what comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from . import dialogs, jobs
from .slices import in_slices
from .window_files import survey_name_of

if TYPE_CHECKING:
    from .jobs import Analysed, Exported

BRIEF_DELAY_MS = 150  # after an analysis, let the Results tab paint before the brief job


class ResultActions:
    """Mixed into MainWindow (which provides the tabs, the runners, ``_start``)."""

    # ------------------------------------------------------------------ analysis

    def run_analysis(self) -> None:
        """Prepare and analyse the survey with the current mapping, in the worker."""
        from .import_tab import essentials_missing

        if self.loaded is None:
            return
        mapping = self.import_tab.mapping()
        why = essentials_missing(mapping)
        if why:
            dialogs.show_message(self, dialogs.Icon.Information, "Not ready yet", why)
            return
        if not self._confirmed_enough():
            return
        mapping = self.import_tab.mapping()
        options = self.report_tab.brief_options(self._survey_name())
        self._start(
            jobs.analyse_job(
                self.loaded.tables,
                mapping,
                None,
                options,
                charts=self.results_tab.chart_request(self.devicePixelRatioF()),
            ),
            "Analysing",
            self._on_analysed,
            "Could not run the analysis",
        )

    def _confirmed_enough(self) -> bool:
        """Guesses are the program's, not the officer's: before the first analysis with
        questions still to check, ask once, listing their topics."""
        to_check, held = self.import_tab.unconfirmed()
        if not to_check:
            return True
        text = "These topics have questions the program guessed and nobody has checked:\n• "
        text += "\n• ".join(to_check)
        if held:
            text += "\n\nLeft out until their answers are scored: " + ", ".join(held)
        answer = dialogs.ask_confirm(
            self,
            "Check the guesses?",
            text,
            "Confirm all: you have checked them and they are right. Let me check: open "
            "the first one to check.",
        )
        if answer == "confirm":
            refused = self.import_tab.confirm_all()
            if refused:
                self.status_label.setText(
                    f"{len(refused)} question(s) could not be confirmed: some answers still "
                    "need a score or to be marked missing."
                )
            return True
        self.import_tab.open_first_to_check()
        return False

    def _survey_name(self) -> str | None:
        return self.report_tab.survey_edit.text().strip() or survey_name_of(self.paths) or None

    def _on_analysed(self, analysed: Analysed) -> None:
        """Show an analysis in three turns of the event loop (:mod:`.slices`): the Results
        tab's visible page first, then its other pages, then the Import tab's data-quality
        report; ``analysis_done`` is emitted when all is shown."""
        self.analysed = analysed

        def still_shown(step: Callable[[], None]) -> Callable[[], None]:
            return lambda: step() if self.analysed is analysed else None

        in_slices(
            self,
            still_shown(lambda: self._show_analysis(analysed)),
            still_shown(self.results_tab.fill_hidden_pages),
            still_shown(lambda: self._analysis_shown(analysed)),
        )

    def _show_analysis(self, analysed: Analysed) -> None:
        options = self.report_tab.brief_options(self._survey_name())
        self.results_tab.set_result(analysed, options)
        self.report_tab.set_has_result(True)
        self.tabs.setCurrentWidget(self.results_tab)
        self.focus_page()
        result = analysed.result
        self.status_label.setText(
            f"Analysis finished: {result.n_respondents:,} residents, "
            f"{len(result.authorities)} council(s)."
        )
        self._set_busy(False)

    def _analysis_shown(self, analysed: Analysed) -> None:
        self.import_tab.set_quality(analysed.quality)
        # Let the Results tab paint before the brief job starts competing for the GIL:
        # measured, starting it at once pushed the worst GUI stall from ~80 to ~105 ms.
        QTimer.singleShot(BRIEF_DELAY_MS, self.request_brief)
        self.analysis_done.emit(analysed)

    # ------------------------------------------------------------------ report

    def _save_prefs(self) -> None:
        rt = self.report_tab
        self.settings.set("prefs/council_name", rt.council_edit.text().strip())
        self.settings.set("prefs/contact", rt.contact_edit.text().strip())
        self.settings.set("prefs/min_base", rt.min_base_spin.value())
        self.settings.set("prefs/include_appendix", rt.appendix_check.isChecked())

    def _on_brief_options_changed(self) -> None:
        self._save_prefs()
        if self.analysed is not None:
            options = self.report_tab.brief_options(self._survey_name())
            self.results_tab.set_result(self.analysed, options, charts=False)
            self.request_brief()
            # The small-group threshold decides which groups a chart may show.
            self.request_charts()

    def request_brief(self) -> None:
        if self.analysed is None:
            return
        options = self.report_tab.brief_options(self._survey_name())
        self._brief_for = self.analysed
        self.brief_runner.start(jobs.brief_html_job(self.analysed.result, options), "brief")

    def request_charts(self, names: tuple[str, ...] = ()) -> None:
        """Have the worker draw charts again (new size, breakdown, council or threshold)."""
        if self.analysed is None:
            return
        options = self.report_tab.brief_options(self._survey_name())
        request = self.results_tab.chart_request(self.devicePixelRatioF(), tuple(names))
        self._charts_for = self.analysed
        self.chart_runner.start(jobs.charts_job(self.analysed.result, options, request), "charts")

    def _on_charts_ready(self, charts: Any) -> None:
        if self.analysed is None or self._charts_for is not self.analysed:
            return  # drawn for a result no longer shown
        self.analysed.charts.update(charts)
        self.results_tab.show_charts(charts)
        self.charts_shown.emit(tuple(charts))

    def _on_brief_ready(self, view: Any) -> None:
        if self.analysed is None or self._brief_for is not self.analysed:
            return  # the brief of a result no longer shown
        self.report_tab.set_html(view.html)
        self.brief_shown.emit(view.html)

    def _on_brief_failed(self, message: str, hint: str) -> None:
        self.report_tab.set_html(f"<p>{message}</p><p>{hint}</p>")

    def export_file(self, kind: str) -> None:
        """Ask where to save (the dialog asks before overwriting), then write in the worker."""
        if self.analysed is None:
            return
        if kind == "docx":
            title, default, filt = "Export to Word", "brief.docx", "Word document (*.docx)"
        else:
            title, default, filt = "Export to Excel", "results.xlsx", "Excel workbook (*.xlsx)"
        start = str(Path(self.settings.last_folder()) / default)
        name, _ = QFileDialog.getSaveFileName(self, title, start, filt)
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
            # The dialog confirmed the name it saw; ask again for the name we completed.
            if path.exists() and not dialogs.ask_yes_no(
                self, title, f"{path.name} already exists. Replace it?"
            ):
                return
        self.export_to(kind, path)

    def export_to(self, kind: str, path: Path) -> None:
        if self.analysed is None:
            return
        self._save_prefs()
        options = self.report_tab.brief_options(self._survey_name())
        self._start(
            jobs.export_file_job(self.analysed.result, options, path, kind),
            f"Saving {path.name}",
            self._on_exported,
            f"Could not save {path.name}",
        )

    def export_all_dialog(self) -> None:
        if self.analysed is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self, "Choose a folder for the brief", self.settings.last_folder()
        )
        if folder:
            self.export_all_to(Path(folder))

    def export_all_to(self, folder: Path) -> None:
        if self.analysed is None:
            return
        options = self.report_tab.brief_options(self._survey_name())
        self._start(
            jobs.export_all_job(self.analysed.result, options, folder),
            "Saving the brief and results",
            self._on_exported,
            "Could not save the brief",
        )

    def _on_exported(self, exported: Exported) -> None:
        self.report_tab.set_saved(exported.files)
        self.settings.set("window/last_folder", str(exported.folder))
        names = ", ".join(p.name for p in exported.files.values())
        self.status_label.setText(f"Saved {names} in {exported.folder}.")
        self._set_busy(False)
        self.export_done.emit(exported)
