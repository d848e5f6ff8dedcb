"""The window's file handling: opening surveys, recent files, drag and drop, mapping files,
and the recoding previews and question definitions worked out after a survey is read.

Why a mixin of :class:`~.main_window.MainWindow`: these handlers share the window's state
(``loaded``, ``paths``, ``overrides``) and its job plumbing (``_start``, the runners); keeping
them on the window keeps one object to follow, and this module keeps ``main_window.py``
short. Every file is read in the worker; the GUI thread only shows what comes back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from . import definition_jobs, dialogs, jobs
from .slices import in_slices

if TYPE_CHECKING:
    from .jobs import LoadedSurvey

AUTO_RUN_DELAY_MS = 300
# After a survey is read, let the Import tab paint before the recoding preview job: started
# at once, it fought the first paint for the GIL (50,000 rows: a 72-112 ms stall of the
# window, 51-72 ms with the job held back).
PREVIEW_DELAY_MS = 150

SURVEY_FILTER = (
    "Survey files (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.tab *.txt *.sav *.zsav *.dta);;"
    "All files (*)"
)


CODEBOOK_FILTER = (
    "Codebook or data dictionary (*.csv *.tsv *.tab *.txt *.xlsx *.xlsm *.xls *.ods);;"
    "All files (*)"
)


def survey_name_of(paths: Sequence[Path]) -> str:
    """A survey's name from its files: "GSS2010.dta" gives "GSS2010"."""
    return ", ".join(dict.fromkeys(Path(p).stem for p in paths))


class FileActions:
    """Mixed into MainWindow (which provides the tabs, the runners, ``_start``)."""

    # ------------------------------------------------------------------ recent files

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        for path in recent:
            action = QAction(path.name, self.recent_menu)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_files([p]))
            self.recent_menu.addAction(action)
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self._action("Clear the list", self._clear_recent))
        self.recent_menu.setEnabled(bool(recent))
        self.recent_projects_menu.clear()
        projects = self.settings.recent_projects()
        for path in projects:
            action = QAction(path.name, self.recent_projects_menu)
            action.setToolTip(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.project.open(p))
            self.recent_projects_menu.addAction(action)
        self.recent_projects_menu.setEnabled(bool(projects))
        self.welcome.set_recent(projects + recent)

    def _clear_recent(self) -> None:
        self.settings.clear_recent()
        self._fill_recent()

    # ------------------------------------------------------------------ opening files

    def open_recent(self, path: Path) -> None:
        """A recent file or project from the welcome page."""
        if path.suffix.lower() == ".coprod":
            self.project.open(path)
        elif self.project.maybe_save(lambda: self.open_files([path])):
            self.open_files([path])

    def open_dialog(self) -> None:
        if not self.project.maybe_save(self.open_dialog):
            return
        names, _ = QFileDialog.getOpenFileNames(
            self, "Open your survey", self.settings.last_folder(), SURVEY_FILTER
        )
        if names:
            self.open_files([Path(n) for n in names])

    def add_files_dialog(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, "Add survey files", self.settings.last_folder(), SURVEY_FILTER
        )
        if names:
            new = [Path(n) for n in names if Path(n) not in self.paths]
            self.open_files([*self.paths, *new], keep_overrides=True)

    def open_example(self, auto_run: bool = False) -> None:
        """Open the bundled example survey (and analyse it when ``auto_run``)."""
        if not self.project.maybe_save(lambda: self.open_example(auto_run)):
            return
        from ..core.errors import InputError
        from ..core.survey.example import example_survey_paths

        try:
            paths = example_survey_paths()
        except InputError as exc:
            dialogs.show_message(
                self, dialogs.Icon.Warning, "Example survey missing", exc.message, exc.hint or ""
            )
            return
        self.open_files(paths, auto_run=auto_run, remember=False)

    def open_files(
        self,
        paths: Sequence[Path],
        *,
        auto_run: bool = False,
        remember: bool = True,
        keep_overrides: bool = False,
        mapping: Any = None,
        overrides: dict[Path, tuple[str | None, int | None]] | None = None,
        after: Callable[[LoadedSurvey], None] | None = None,
    ) -> None:
        """Read ``paths`` in the worker; the Import tab shows them when done (then
        ``after`` runs: a project applies its brief options there)."""
        paths = [Path(p) for p in paths]
        if not paths:
            return
        if not keep_overrides:
            self.overrides = dict(overrides or {})
        self._auto_run = auto_run

        def done(loaded: LoadedSurvey) -> None:
            self._on_loaded(loaded, remember)

        names = ", ".join(p.name for p in paths)
        self._start(
            jobs.load_job(paths, dict(self.overrides), mapping),
            f"Reading {names}",
            lambda loaded: self._on_loaded(loaded, remember, fresh=not keep_overrides, after=after),
            "Could not open the survey",
        )

    def _on_loaded(
        self,
        loaded: LoadedSurvey,
        remember: bool,
        fresh: bool = True,
        after: Callable[[LoadedSurvey], None] | None = None,
    ) -> None:
        """Show a survey read in the worker; ``fresh`` when it is another survey (not the
        same one with a file added, removed or read again): then nothing of the last
        survey stays (search text, scoring preview, results, the brief's title)."""
        codebook = None if fresh else self.import_tab.codebook
        self.loaded = loaded
        self.paths = list(loaded.paths)
        self.analysed = None
        self._charts_for = None
        for runner in (self.brief_runner, self.chart_runner):
            runner.cancel()  # a brief or chart of the last result must not arrive now
        self.results_tab.clear()
        self.report_tab.set_has_result(False)
        if fresh:
            self.import_tab.reset()
            self.report_tab.new_survey(survey_name_of(self.paths))
            self.project.new_survey()
        self._hold_previews = True
        try:
            self.import_tab.set_survey(loaded)
        finally:
            self._hold_previews = False
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.import_tab)
        # The keyboard starts where the work is (the focus was on the welcome page, now
        # hidden, so it was nowhere): the matched questions; arrows choose, Enter opens.
        self.focus_page()
        if remember:
            for path in loaded.paths:
                self.settings.add_recent(path)
            self._fill_recent()
        self._update_title()
        rows = sum(len(t.frame) for t in loaded.tables)
        self.status_label.setText(
            f"Read {rows:,} rows from {len(loaded.tables)} file(s). "
            "Check the matched questions, then run the analysis."
        )
        self._set_busy(False)
        # The variable view and the quality report a turn later, after the first paint
        # (:mod:`.slices`: at once, showing a 50,000-row survey held the window ~80 ms).
        in_slices(self, lambda: None, *self._survey_details(loaded, after, codebook))

    def _survey_details(
        self,
        loaded: LoadedSurvey,
        after: Callable[[LoadedSurvey], None] | None,
        codebook: Any = None,
    ) -> tuple[Callable[[], None], Callable[[], None]]:
        """The rest of :meth:`_on_loaded` in two turns: the details, then the signals and
        the jobs that follow (none of it once another survey is shown)."""

        def details() -> None:
            if self.loaded is loaded:
                self.import_tab.show_survey_details()

        def shown() -> None:
            if self.loaded is loaded:
                self._survey_shown(loaded, after, codebook)

        return details, shown

    def _survey_shown(
        self,
        loaded: LoadedSurvey,
        after: Callable[[LoadedSurvey], None] | None,
        codebook: Any = None,
    ) -> None:
        if after is not None:
            after(loaded)
        self.survey_loaded.emit(loaded)
        if codebook is not None:  # the same survey read again keeps its answer labels
            self.import_labels(codebook)
        QTimer.singleShot(PREVIEW_DELAY_MS, self._start_pending_preview)
        QTimer.singleShot(PREVIEW_DELAY_MS, self.define_missing)
        if self._auto_run:
            self._auto_run = False
            # Let the Import tab paint first: painting while the analysis starts makes the
            # two fight for the GIL (a 200-350 ms stall measured at 50,000 rows).
            QTimer.singleShot(AUTO_RUN_DELAY_MS, self.run_analysis)

    def remove_file(self, index: int) -> None:
        if not 0 <= index < len(self.paths):
            return
        path = self.paths[index]
        self.overrides.pop(path, None)
        rest = [p for i, p in enumerate(self.paths) if i != index]
        if rest:
            self.open_files(rest, keep_overrides=True, remember=False)
            return
        self.loaded = None
        self.analysed = None
        self.paths = []
        self.results_tab.clear()
        self.report_tab.set_has_result(False)
        self.stack.setCurrentWidget(self.welcome)
        self._update_title()
        self._set_busy(False)

    def reread_file(self, index: int, sheet: object, header_row: int) -> None:
        """Read one file again with the officer's sheet and header row."""
        if not 0 <= index < len(self.paths):
            return
        self.overrides[self.paths[index]] = (sheet if isinstance(sheet, str) else None, header_row)
        self.open_files(list(self.paths), keep_overrides=True, remember=False)

    # drag and drop ---------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.isLocalFile() for u in urls) and not self.busy:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            if len(paths) == 1 and paths[0].suffix.lower() == ".coprod":
                self.project.open(paths[0])
            elif self.project.maybe_save(lambda: self.open_files(paths)):
                self.open_files(paths)

    # ------------------------------------------------------------------ mapping

    def _on_mapping_edited(self) -> None:
        self.run_action.setEnabled(self.import_tab.run_button.isEnabled())
        if self.import_tab.missing_definitions():
            self.define_missing()
        self._update_title()
        self.status_label.setText("Matching changed. Run the analysis to see its effect.")

    def request_recode_preview(self, table_index: int, column: str) -> None:
        if self._hold_previews:  # started after the first paint (_start_pending_preview)
            self._pending_preview = (table_index, column)
            return
        self._pending_preview = None  # a newer choice replaces a held one
        if self.loaded is None or not 0 <= table_index < len(self.loaded.tables):
            return
        mapping = self.import_tab.mapping()
        topic = self.import_tab.current_construct()
        if mapping is None or topic is None:
            return
        self._preview_column = column
        self.preview_runner.start(
            definition_jobs.define_job(self.loaded.tables, mapping, column, topic),
            "recoding preview",
        )

    def _start_pending_preview(self) -> None:
        pending, self._pending_preview = self._pending_preview, None
        if pending is not None:
            self.request_recode_preview(*pending)

    def _on_preview_ready(self, defined: Any) -> None:
        self.import_tab.set_recode_preview(defined)
        self.preview_shown.emit(defined)

    def define_missing(self) -> None:
        """Work out (in the worker) the definitions of mapped columns that have none."""
        if self.loaded is None:
            return
        columns = self.import_tab.missing_definitions()
        mapping = self.import_tab.mapping()
        if columns and mapping is not None:
            self.define_runner.start(
                definition_jobs.define_missing_job(self.loaded.tables, mapping, columns),
                "question definitions",
            )

    def _on_definitions_ready(self, definitions: Any) -> None:
        self.import_tab.add_definitions(definitions)
        self.definitions_ready.emit()

    def _on_preview_failed(self, message: str, hint: str) -> None:
        self.import_tab.recode_title.setText(f"{message} {hint}".strip())

    def save_mapping_dialog(self) -> None:
        mapping = self.import_tab.mapping()
        if mapping is None:
            return
        start = str(Path(self.settings.last_folder()) / "mapping.json")
        name, _ = QFileDialog.getSaveFileName(self, "Save mapping", start, "Mapping file (*.json)")
        if not name:
            return
        path = Path(name) if name.lower().endswith(".json") else Path(name + ".json")
        self._start(
            jobs.save_mapping_job(mapping, path),
            "Saving the mapping",
            lambda p: self.status_label.setText(f"Saved the mapping to {Path(p).name}."),
            "Could not save the mapping",
        )

    def load_mapping_dialog(self) -> None:
        if self.loaded is None:
            return
        name, _ = QFileDialog.getOpenFileName(
            self, "Load mapping", self.settings.last_folder(), "Mapping file (*.json)"
        )
        if name:
            self.load_mapping(Path(name))

    def load_mapping(self, path: Path) -> None:
        if self.loaded is None:
            return

        def done(mapping: Any) -> None:
            self.import_tab.set_mapping(mapping)
            self._set_busy(False)
            self.status_label.setText(f"Loaded the mapping {path.name}.")

        self._start(
            jobs.load_mapping_job(path, self.loaded.tables),
            f"Loading {path.name}",
            done,
            "Could not use the mapping",
        )

    # ------------------------------------------------------------------ answer labels

    def import_labels_dialog(self) -> None:
        """File → Import answer labels…: a codebook for a file that holds only codes."""
        if self.loaded is None:
            return
        name, _ = QFileDialog.getOpenFileName(
            self, "Import answer labels", self.settings.last_folder(), CODEBOOK_FILTER
        )
        if name:
            self.import_labels(Path(name))

    def import_labels(self, path: Path) -> None:
        """Read the codebook in the worker (the reader ``analyse --codebook`` uses); the
        Import tab then shows words instead of codes, as one undo step."""
        if self.loaded is None:
            return

        def done(labelled: Any) -> None:
            self.import_tab.apply_labels(labelled)
            self._set_busy(False)
            count = len(labelled.labelled)
            self.status_label.setText(
                f"Answer labels for {count:,} question{'s' if count != 1 else ''} came from "
                f"{labelled.source}. Check the matched questions, then run the analysis."
            )
            self.labels_imported.emit(labelled)

        self._start(
            definition_jobs.labels_job(self.loaded.tables, self.import_tab.mapping(), path),
            f"Reading {path.name}",
            done,
            "Could not use the answer labels",
        )
