"""The main window: welcome page, Import / Results / Report tabs, menus and status bar.

Why the window is thin: it owns the state (the files, the survey read, the result) and
starts jobs (:mod:`.jobs`) on the worker (:mod:`.worker`); the tabs show things and say
what the officer asked for. Nothing heavy is imported at module level, so the window
shows well within 2 s; pandas, statsmodels and matplotlib load in the worker.

``run_gui`` is the program's window entry (``python main.py [--demo] [FILE...]``);
``smoke_test_window`` is the self-test's check that the window works end to end.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from .. import APP_NAME, __version__
from ..core.runtime import limit_blas_threads
from . import definition_jobs, dialogs, jobs
from .import_tab import ImportTab
from .project_actions import ProjectActions
from .report_tab import ReportTab
from .results_tab import ResultsTab
from .settings import Settings
from .welcome import WelcomePage
from .worker import TaskRunner, warm_up_imports

if TYPE_CHECKING:
    from .jobs import Analysed, Exported, LoadedSurvey

log = logging.getLogger(__name__)

AUTO_RUN_DELAY_MS = 300
BRIEF_DELAY_MS = 150  # after an analysis, let the Results tab paint before the brief job
# After a survey is read, let the Import tab paint before the recoding preview job: started
# at once, it fought the first paint for the GIL (50,000 rows: a 72-112 ms stall of the
# window, 51-72 ms with the job held back).
PREVIEW_DELAY_MS = 150

SURVEY_FILTER = (
    "Survey files (*.xlsx *.xlsm *.xls *.ods *.csv *.tsv *.tab *.txt *.sav *.zsav *.dta);;"
    "All files (*)"
)


class MainWindow(QMainWindow):
    """The whole program's window. Signals let tests and the self-test follow the jobs."""

    survey_loaded = Signal(object)  # LoadedSurvey
    analysis_done = Signal(object)  # Analysed
    export_done = Signal(object)  # Exported
    brief_shown = Signal(str)
    preview_shown = Signal(object)  # DefinedColumn: the answers table shows it
    definitions_ready = Signal()
    charts_shown = Signal(tuple)  # names of the charts just painted
    job_failed = Signal(str, str)  # message, hint (after the message box)
    job_cancelled = Signal()

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.loaded: LoadedSurvey | None = None
        self.analysed: Analysed | None = None
        self.paths: list[Path] = []
        self.overrides: dict[Path, tuple[str | None, int | None]] = {}
        self._auto_run = False
        self._on_done: Callable[[Any], None] | None = None
        self._on_fail: Callable[[str, str], None] | None = None
        self._fail_title = ""
        self._charts_for: Analysed | None = None
        self._brief_for: Analysed | None = None
        self.help_window: Any = None
        self.exception_bridge: dialogs.ExceptionBridge | None = None

        # One worker thread for all jobs: a recoding preview or the brief never competes
        # with an analysis for the GIL (the GUI thread would lose out), it queues behind it.
        self.pool = QThreadPool(self)
        self.runner = TaskRunner(self, self.pool)
        self.runner.progress.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.busy_changed.connect(self._set_busy)
        self.preview_runner = TaskRunner(self, self.pool)
        self.preview_runner.finished.connect(self._on_preview_ready)
        self.preview_runner.failed.connect(self._on_preview_failed)
        self._preview_column = ""
        self._hold_previews = False  # True while a freshly read survey is being shown
        self._pending_preview: tuple[int, str] | None = None
        self.brief_runner = TaskRunner(self, self.pool)
        self.brief_runner.finished.connect(self._on_brief_ready)
        self.brief_runner.failed.connect(self._on_brief_failed)
        self.chart_runner = TaskRunner(self, self.pool)
        self.chart_runner.finished.connect(self._on_charts_ready)
        self.define_runner = TaskRunner(self, self.pool)
        self.define_runner.finished.connect(self._on_definitions_ready)

        self.setAcceptDrops(True)
        self.setMinimumSize(900, 600)
        self._build()
        self.project = ProjectActions(self)
        self.report_tab.edited.connect(self.project.mark_options_dirty)
        self._build_menus()
        self._restore()
        self._update_title()
        self._set_busy(False)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.stack = QStackedWidget(self)
        self.welcome = WelcomePage(self.stack)
        self.welcome.open_requested.connect(self.open_dialog)
        self.welcome.example_requested.connect(self.open_example)
        self.welcome.recent_requested.connect(lambda p: self.open_recent(Path(p)))
        self.tabs = QTabWidget(self.stack)
        self.tabs.setAccessibleName("Steps")
        self.import_tab = ImportTab(self.tabs)
        self.results_tab = ResultsTab(self.tabs)
        self.report_tab = ReportTab(self.tabs)
        self.tabs.addTab(self.import_tab, "&1 Import")
        self.tabs.addTab(self.results_tab, "&2 Results")
        self.tabs.addTab(self.report_tab, "&3 Report")
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        it = self.import_tab
        it.add_files_requested.connect(self.add_files_dialog)
        it.remove_file_requested.connect(self.remove_file)
        it.reread_requested.connect(self.reread_file)
        it.preview_requested.connect(self.request_recode_preview)
        it.run_requested.connect(self.run_analysis)
        it.mapping_edited.connect(self._on_mapping_edited)
        self.results_tab.charts_wanted.connect(self.request_charts)
        rt = self.report_tab
        rt.options_changed.connect(self._on_brief_options_changed)
        rt.export_requested.connect(self.export_file)

        bar = self.statusBar()
        self.status_label = QLabel("Ready.", bar)
        self.status_label.setAccessibleName("Status")
        self.progress_bar = QProgressBar(bar)
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setMaximumWidth(240)
        self.progress_bar.setAccessibleName("Progress")
        self.cancel_button = QPushButton("Cancel", bar)
        self.cancel_button.setAccessibleName("Cancel the running job")
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_button.setToolTip("Stop the running job (Esc)")
        self.cancel_button.clicked.connect(self.cancel)
        bar.addWidget(self.status_label, 1)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.cancel_button)

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: QKeySequence | str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.open_action = self._action(
            "&Open survey…", self.open_dialog, QKeySequence.StandardKey.Open
        )
        self.example_action = self._action("Open &example survey", self.open_example, "Ctrl+E")
        self.recent_menu = file_menu.addMenu("&Recent files")
        self.open_project_action = self._action(
            "Open &project…", self.project.open_dialog, "Ctrl+Shift+O"
        )
        self.recent_projects_menu = file_menu.addMenu("Recent pro&jects")
        self.save_project_action = self._action(
            "&Save project", self.project.save, QKeySequence.StandardKey.Save
        )
        self.save_project_as_action = self._action(
            "Save project &as…", self.project.save_as, "Ctrl+Shift+S"
        )
        self.run_action = self._action("&Run analysis", self.run_analysis, "Ctrl+R")
        self.save_mapping_action = self._action("Save &mapping…", self.save_mapping_dialog)
        self.load_mapping_action = self._action(
            "&Load mapping…", self.load_mapping_dialog, "Ctrl+L"
        )
        self.export_action = self._action("E&xport brief…", self.export_all_dialog, "Ctrl+Shift+E")
        self.quit_action = self._action(
            "&Quit", self.close, "Ctrl+Q"
        )  # Windows has no standard key
        file_menu.insertAction(self.recent_menu.menuAction(), self.open_action)
        file_menu.insertAction(self.recent_menu.menuAction(), self.example_action)
        file_menu.insertAction(self.recent_projects_menu.menuAction(), self.open_project_action)
        file_menu.addAction(self.save_project_action)
        file_menu.addAction(self.save_project_as_action)
        file_menu.addSeparator()
        for action in (self.run_action, self.save_mapping_action, self.load_mapping_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = menu.addMenu("&Edit")
        stack = self.import_tab.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        view_menu = menu.addMenu("&View")
        for i, name in enumerate(("Import", "Results", "Report")):
            view_menu.addAction(
                self._action(f"&{name}", lambda i=i: self.show_tab(i), f"Ctrl+{i + 1}")
            )

        help_menu = menu.addMenu("&Help")
        help_menu.addAction(
            self._action("&Help", self.show_help, QKeySequence.StandardKey.HelpContents)
        )
        help_menu.addAction(self._action("&How to read the results", self.show_how_to_read))
        help_menu.addAction(self._action("&About", self.show_about))
        self._fill_recent()

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

    def _restore(self) -> None:
        geometry, state = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            # 1280x820 where it fits; on a smaller screen (a 1024x700 laptop) the
            # available area, so nothing opens off the edge (issue 13).
            screen = self.screen() or QApplication.primaryScreen()
            room = screen.availableGeometry() if screen is not None else None
            width, height = 1280, 820
            if room is not None:
                width = min(width, room.width())
                height = min(height, room.height())
            self.resize(width, height)
        if state is not None:
            self.restoreState(state)
        s = self.settings
        # The title belongs to one survey's brief, so it is not restored (issue 13).
        self.report_tab.set_options(
            s.get("prefs/council_name"),
            "",
            s.get("prefs/min_base"),
            s.get("prefs/include_appendix"),
        )

    def show_tab(self, index: int) -> None:
        if self.loaded is not None:
            self.stack.setCurrentWidget(self.tabs)
            self.tabs.setCurrentIndex(index)

    def survey_title(self) -> str:
        return survey_name_of(self.paths) or "survey"

    def _update_title(self) -> None:
        """The project's name (or the files'), with an asterisk for unsaved changes."""
        project = getattr(self, "project", None)
        if project is not None and project.path is not None:
            names = project.path.name
        else:
            names = ", ".join(p.name for p in self.paths)
        modified = project is not None and project.is_modified()
        star = "*" if modified else ""
        self.setWindowTitle(f"{names}{star} — {APP_NAME}" if names else APP_NAME)

    # ------------------------------------------------------------------ jobs plumbing

    def _start(
        self,
        job: jobs.Job,
        name: str,
        on_done: Callable[[Any], None],
        fail_title: str,
        on_fail: Callable[[str, str], None] | None = None,
    ) -> None:
        self._on_done = on_done
        self._on_fail = on_fail
        self._fail_title = fail_title
        self.progress_bar.setValue(0)
        self.status_label.setText(f"{name}…")
        self.runner.start(job, name)

    def _set_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        has_survey = self.loaded is not None
        has_result = self.analysed is not None
        for action in (
            self.open_action,
            self.example_action,
            self.load_mapping_action,
            self.open_project_action,
        ):
            action.setEnabled(not busy)
        for action in (self.save_project_action, self.save_project_as_action):
            action.setEnabled(has_survey and not busy)
        self.recent_menu.setEnabled(not busy and bool(self.settings.recent_files()))
        self.welcome.setEnabled(not busy)
        self.save_mapping_action.setEnabled(has_survey and not busy)
        self.load_mapping_action.setEnabled(has_survey and not busy)
        self.export_action.setEnabled(has_result and not busy)
        self.import_tab.set_busy(busy)
        self.run_action.setEnabled(self.import_tab.run_button.isEnabled())
        self.report_tab.set_busy(busy)

    def runners(self) -> tuple[TaskRunner, ...]:
        """Every job runner of the window (shut down together when it closes)."""
        runners = (
            self.runner,
            self.preview_runner,
            self.brief_runner,
            self.chart_runner,
            self.define_runner,
        )
        project = getattr(self, "project", None)
        return (*runners, project.recovery_runner) if project is not None else runners

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(round(fraction * 100))
        self.status_label.setText(message)

    def _on_finished(self, result: object) -> None:
        callback, self._on_done = self._on_done, None
        if callback is not None:
            callback(result)

    def _on_failed(self, message: str, hint: str) -> None:
        self.status_label.setText(message)
        dialogs.show_message(
            self, dialogs.Icon.Warning, self._fail_title or APP_NAME, message, hint
        )
        if self._on_fail is not None:
            self._on_fail(message, hint)
        self._auto_run = False
        self.job_failed.emit(message, hint)

    def _on_cancelled(self) -> None:
        self._auto_run = False
        self.status_label.setText("Cancelled. Nothing was changed.")
        self.job_cancelled.emit()

    def cancel(self) -> None:
        """Stop the running job; the window is usable at once."""
        self.runner.cancel()

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
        if after is not None:
            after(loaded)
        self.survey_loaded.emit(loaded)
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
        self.analysed = analysed
        options = self.report_tab.brief_options(self._survey_name())
        self.import_tab.set_quality(analysed.survey.quality)
        self.results_tab.set_result(analysed, options)
        self.report_tab.set_has_result(True)
        self.tabs.setCurrentWidget(self.results_tab)
        result = analysed.result
        self.status_label.setText(
            f"Analysis finished: {result.n_respondents:,} residents, "
            f"{len(result.authorities)} council(s)."
        )
        self._set_busy(False)
        # Let the Results tab paint before the brief job starts competing for the GIL:
        # measured, starting it at once pushed the worst GUI stall from ~80 to ~105 ms.
        QTimer.singleShot(BRIEF_DELAY_MS, self.request_brief)
        self.analysis_done.emit(analysed)

    # ------------------------------------------------------------------ report

    def _save_prefs(self) -> None:
        rt = self.report_tab
        self.settings.set("prefs/council_name", rt.council_edit.text().strip())
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

    # ------------------------------------------------------------------ help

    def _help(self) -> Any:
        from .help_window import HelpWindow

        if self.help_window is None:
            self.help_window = HelpWindow(self)
        return self.help_window

    def show_help(self) -> None:
        """F1: the help window at its first page."""
        self._help().show_page("Getting started")

    def show_how_to_read(self) -> None:
        self._help().show_page("How to read the results")

    def show_about(self) -> None:
        from .worker import log_file_hint

        dialogs.show_message(
            self,
            dialogs.Icon.Information,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\n\nAnalyses co-production in resident surveys and "
            "writes a plain-English brief. Your survey never leaves this computer.",
            f"Settings file: {self.settings.file_name}\n{log_file_hint()}",
        )

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy is False and not self.project.maybe_save(self.close):
            event.ignore()  # "Cancel", or "Save" (the window closes once it is saved)
            return
        if self.busy and self.project.is_modified() and not self.project.maybe_save(self.close):
            event.ignore()
            return
        self.project.remove_recovery()
        self.settings.save_geometry(self.saveGeometry(), self.saveState())
        self._save_prefs()
        self.settings.sync()
        for runner in self.runners():
            runner.shutdown(timeout_ms=5_000)
        if self.exception_bridge is not None:
            self.exception_bridge.uninstall()
        super().closeEvent(event)


def survey_name_of(paths: Sequence[Path]) -> str:
    """A survey's name from its files: "GSS2010.dta" gives "GSS2010"."""
    return ", ".join(dict.fromkeys(Path(p).stem for p in paths))


def get_application() -> QApplication:
    """The running QApplication, created if there is none yet (tests and the self-test)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    return app


def run_gui(demo: bool = False, files: Sequence[Path] = ()) -> int:
    """Open the window (with the example analysed when ``demo``); returns the exit status."""
    from .. import ORG_NAME
    from ..core.io.paths import resource_path

    limit_blas_threads()  # before numpy is first imported
    app = get_application()
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    icon = resource_path("icon.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    window = MainWindow()
    window.exception_bridge = dialogs.ExceptionBridge(window)
    window.exception_bridge.install()
    window.show()
    threading.Thread(target=warm_up_imports, name="warm-up", daemon=True).start()
    if files and len(files) == 1 and Path(files[0]).suffix.lower() == ".coprod":
        QTimer.singleShot(0, lambda: window.project.open(Path(files[0]), ask=False))
    elif files:
        QTimer.singleShot(0, lambda: window.open_files(list(files)))
    elif demo:
        QTimer.singleShot(0, lambda: window.open_example(auto_run=True))
    else:
        QTimer.singleShot(0, window.project.offer_recovery)
    log.info("window shown")
    return app.exec()


# --------------------------------------------------------------------------- self-test


def smoke_test_window(timeout_s: float = 180) -> list[str]:
    """Build the window offscreen, analyse the example through the real worker, check the
    headline cards show numbers; returns plain problems (empty list = all well).

    Used by ``--self-test`` (``selftest.check_window``); the work is in :mod:`.smoke`.
    """
    from .smoke import run_smoke_test

    return run_smoke_test(timeout_s)
