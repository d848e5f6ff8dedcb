"""File → Save project / Open project, unsaved changes, and the recovery copy.

Why a controller beside the window: the window reads surveys and runs analyses; this
class keeps what belongs to the officer's *work* on a survey: which project file it lives
in, whether it has changes not yet saved (the title's asterisk), asking "Save changes?"
before that work would be lost (opening another survey or project, quitting), and a
recovery copy written a few seconds after each change, so a crash loses nothing. Hashing
the survey files and writing the project run in the worker, never on the GUI thread.

"Modified" means: an edit on the undo stack since the last save (or since the survey was
opened), or a changed brief option.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog

from . import dialogs

if TYPE_CHECKING:
    from ..core.project import OpenedProject
    from .main_window import MainWindow
    from .worker import Job

log = logging.getLogger(__name__)

PROJECT_FILTER = "Co-production project (*.coprod);;All files (*)"
RECOVERY_NAME = "recovery.coprod"
RECOVERY_DELAY_MS = 2_000


def save_project_job(
    paths: list[Path],
    mapping: Any,
    target: Path,
    overrides: dict[Path, tuple[str | None, int | None]],
    brief: dict[str, Any],
) -> Job:
    """Hash the survey files and write the project atomically (in the worker)."""

    def job(progress: Callable[[float, str], None], is_cancelled: Callable[[], bool]) -> Path:
        from ..core.project import make_project, save_project

        progress(0.1, f"Checking {', '.join(p.name for p in paths)}")
        project = make_project(paths, mapping, target, overrides=overrides, brief=brief)
        progress(0.9, f"Saving {target.name}")
        return save_project(project, target)

    return job


def open_project_job(path: Path) -> Job:
    """Read a project and check its survey files are there and unchanged (in the worker)."""

    def job(progress: Callable[[float, str], None], is_cancelled: Callable[[], bool]) -> Any:
        from ..core.project import open_project

        progress(0.1, f"Opening {path.name}")
        return open_project(path)

    return job


class ProjectActions(QObject):
    """The project side of the window (one per window)."""

    project_saved = Signal(object)  # Path
    project_opened = Signal(object)  # OpenedProject, once its survey is shown

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.path: Path | None = None
        self.options_dirty = False
        self._after_save: Callable[[], None] | None = None
        self._recovery_timer = QTimer(self)
        self._recovery_timer.setSingleShot(True)
        self._recovery_timer.setInterval(RECOVERY_DELAY_MS)
        self._recovery_timer.timeout.connect(self.write_recovery)
        from .worker import TaskRunner

        self.recovery_runner = TaskRunner(self, window.pool)
        window.import_tab.undo_stack.indexChanged.connect(self._on_stack_changed)

    # ------------------------------------------------------------------ state

    def _on_stack_changed(self, _index: int) -> None:
        if shiboken6.isValid(self.window):  # not while the window is being taken down
            self.changed()

    def is_modified(self) -> bool:
        w = self.window
        try:
            clean = w.import_tab.undo_stack.isClean()
        except RuntimeError:  # the window is being taken down
            return False
        return w.loaded is not None and (not clean or self.options_dirty)

    def changed(self) -> None:
        """Something the officer did: the title gets its asterisk, a recovery copy follows."""
        self.window._update_title()
        if self.is_modified():
            self._recovery_timer.start()

    def mark_options_dirty(self) -> None:
        if self.window.loaded is not None and not self.options_dirty:
            self.options_dirty = True
        self.changed()

    def mark_clean(self) -> None:
        self.window.import_tab.undo_stack.setClean()
        self.options_dirty = False
        self.remove_recovery()
        self.window._update_title()

    def new_survey(self) -> None:
        """A survey opened on its own: no project yet, nothing changed."""
        self.path = None
        self.options_dirty = False

    # ------------------------------------------------------------------ asking

    def maybe_save(self, then: Callable[[], None]) -> bool:
        """Before work would be lost: ask "Save changes?". Returns True when ``then`` may
        run now; after "Save" it runs once the project is saved; "Cancel" drops it."""
        if not self.is_modified():
            return True
        name = self.path.name if self.path else self.window.survey_title()
        answer = dialogs.ask_save_changes(
            self.window,
            f"Save the changes to {name}?",
            "Your matching and scoring checks and the brief's options are kept in a project file.",
        )
        if answer == "discard":
            return True
        if answer == "save":
            self.save(then=then)
        return False

    # ------------------------------------------------------------------ saving

    def save(self, then: Callable[[], None] | None = None) -> None:
        if self.path is None:
            self.save_as(then=then)
        else:
            self.save_to(self.path, then=then)

    def save_as(self, then: Callable[[], None] | None = None) -> None:
        w = self.window
        if w.loaded is None:
            return
        folder = Path(w.paths[0]).parent if w.paths else Path(w.settings.last_folder())
        start = str(self.path or folder / f"{w.survey_title()}.coprod")
        name, _ = QFileDialog.getSaveFileName(w, "Save project", start, PROJECT_FILTER)
        if name:
            path = Path(name)
            if path.suffix.lower() != ".coprod":
                path = path.with_name(path.name + ".coprod")
            self.save_to(path, then=then)

    def _job_inputs(self) -> tuple[list[Path], Any, dict, dict[str, Any]]:
        from ..core.project import options_to_dict

        w = self.window
        overrides = {p: w.overrides[p] for p in w.paths if p in w.overrides}
        brief = options_to_dict(w.report_tab.brief_options(w._survey_name()))
        brief.pop("date", None)
        return list(w.paths), w.import_tab.mapping(), overrides, brief

    def save_to(self, path: Path, then: Callable[[], None] | None = None) -> None:
        w = self.window
        if w.loaded is None:
            return
        paths, mapping, overrides, brief = self._job_inputs()
        self._after_save = then

        def done(saved: Path) -> None:
            self.path = Path(saved)
            self.mark_clean()
            w.settings.add_recent_project(self.path)
            w._fill_recent()
            w.status_label.setText(f"Saved the project {self.path.name}.")
            w._set_busy(False)
            self.project_saved.emit(self.path)
            after, self._after_save = self._after_save, None
            if after is not None:
                after()

        w._start(
            save_project_job(paths, mapping, Path(path), overrides, brief),
            f"Saving {Path(path).name}",
            done,
            "Could not save the project",
            on_fail=lambda _m, _h: setattr(self, "_after_save", None),
        )

    # ------------------------------------------------------------------ opening

    def open_dialog(self) -> None:
        w = self.window
        if not self.maybe_save(self.open_dialog):
            return
        name, _ = QFileDialog.getOpenFileName(
            w, "Open project", w.settings.last_folder(), PROJECT_FILTER
        )
        if name:
            self.open(Path(name), ask=False)

    def open(self, path: Path, *, ask: bool = True, recovered: bool = False) -> None:
        """Open a project: read it and check its files (worker), then read the survey
        with its mapping; the brief's options follow once the survey is shown."""
        w = self.window
        if ask and not self.maybe_save(lambda: self.open(path, ask=False, recovered=recovered)):
            return

        def done(opened: OpenedProject) -> None:
            w.open_files(
                opened.paths,
                mapping=opened.project.mapping,
                overrides=opened.overrides,
                remember=False,
                after=lambda _loaded: self._on_project_shown(opened, recovered),
            )

        w._start(
            open_project_job(Path(path)),
            f"Opening {Path(path).name}",
            done,
            "Could not open the project",
        )

    def _on_project_shown(self, opened: OpenedProject, recovered: bool) -> None:
        from ..core.project import options_from_dict
        from ..report.options import BriefOptions

        w = self.window
        options = options_from_dict(BriefOptions, opened.project.brief)
        w.report_tab.apply_options(options)
        self.path = None if recovered else opened.path
        self.options_dirty = recovered  # recovered work is not saved anywhere yet
        if not recovered:
            w.settings.add_recent_project(opened.path)
            w._fill_recent()
            self.remove_recovery()
        w._update_title()
        if opened.warnings:
            dialogs.show_message(
                w, dialogs.Icon.Warning, "The survey has changed", "\n".join(opened.warnings)
            )
        self.project_opened.emit(opened)

    # ------------------------------------------------------------------ recovery

    def recovery_path(self) -> Path:
        return Path(self.window.settings.file_name).parent / RECOVERY_NAME

    def write_recovery(self) -> None:
        """Write the unsaved work to the recovery copy (atomically, in the worker)."""
        w = self.window
        if not self.is_modified() or w.loaded is None:
            return
        if w.busy:  # after the job: queued behind it, it ran while its result was shown
            self._recovery_timer.start()  # (its GIL turns stalled the window; issue 12)
            return
        paths, mapping, overrides, brief = self._job_inputs()
        self.recovery_runner.start(
            save_project_job(paths, mapping, self.recovery_path(), overrides, brief),
            "recovery copy",
        )

    def remove_recovery(self) -> None:
        self._recovery_timer.stop()
        self.recovery_runner.cancel()
        try:
            self.recovery_path().unlink(missing_ok=True)
        except OSError:
            log.info("could not remove the recovery copy")

    def offer_recovery(self) -> bool:
        """At start-up: a recovery copy means the last session ended without closing
        properly. Offer to open it; returns True when it is being opened."""
        path = self.recovery_path()
        if not path.is_file():
            return False
        if dialogs.ask_yes_no(
            self.window,
            "Recover unsaved work",
            "The program did not close properly last time. Open the work that was not saved?",
        ):
            self.open(path, ask=False, recovered=True)
            return True
        self.remove_recovery()
        return False
