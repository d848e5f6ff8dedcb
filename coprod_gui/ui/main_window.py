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
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
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
from . import dialogs, jobs
from .import_tab import ImportTab
from .project_actions import ProjectActions
from .report_tab import ReportTab
from .results_tab import ResultsTab
from .settings import Settings
from .welcome import WelcomePage
from .window_files import FileActions, survey_name_of
from .window_results import ResultActions
from .worker import TaskRunner, warm_up_imports

if TYPE_CHECKING:
    from .jobs import Analysed, LoadedSurvey

log = logging.getLogger(__name__)


class MainWindow(FileActions, ResultActions, QMainWindow):
    """The whole program's window. Signals let tests and the self-test follow the jobs.

    The handlers live in mixins: opening files, mapping files and previews in
    :mod:`.window_files`, the analysis, brief, charts and export in :mod:`.window_results`.
    """

    survey_loaded = Signal(object)  # LoadedSurvey
    analysis_done = Signal(object)  # Analysed
    export_done = Signal(object)  # Exported
    brief_shown = Signal(str)
    preview_shown = Signal(object)  # DefinedColumn: the answers table shows it
    definitions_ready = Signal()
    labels_imported = Signal(object)  # definition_jobs.Labelled
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
        # After the tab bar (Ctrl+Tab, a click) has moved the focus, or lost it.
        self.tabs.currentChanged.connect(lambda _i: QTimer.singleShot(0, self.focus_page))
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
        self.labels_action = self._action("Import answer la&bels…", self.import_labels_dialog)
        self.labels_action.setToolTip(
            "Read a codebook (variable, value, label) so a file of bare codes shows its answers"
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
        for action in (
            self.run_action,
            self.save_mapping_action,
            self.load_mapping_action,
            self.labels_action,
        ):
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
            contact=s.get("prefs/contact"),
        )

    def show_tab(self, index: int) -> None:
        if self.loaded is not None:
            self.stack.setCurrentWidget(self.tabs)
            self.tabs.setCurrentIndex(index)
            self.focus_page()

    def focus_page(self) -> None:
        """Put the keyboard focus on the shown tab's first control when it is not in the
        tab already: a tab change hides the control that had it (the Run button, say), and
        the focus was then nowhere, so Tab, Ctrl+Tab and the arrows did nothing."""
        page = self.tabs.currentWidget()
        focus = QApplication.focusWidget()
        if page is None or (focus is not None and focus.isVisible() and page.isAncestorOf(focus)):
            return
        target = {
            self.import_tab: self.import_tab.variable_view,
            self.results_tab: self.results_tab.cards["respondents"],
            self.report_tab: self.report_tab.council_edit,
        }.get(page)
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

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
        self.labels_action.setEnabled(has_survey and not busy)
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
