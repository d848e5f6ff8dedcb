"""Drive the window as an officer would: open, match, analyse, read the cards, export.

Every wait is on the window's own signals, so the real worker thread does the work.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from coprod_gui.core.survey.constructs import BY_NAME
from coprod_gui.ui import jobs
from coprod_gui.ui.main_window import MainWindow
from coprod_gui.ui.worker import UNEXPECTED_MESSAGE

from .conftest import ANALYSIS_TIMEOUT_MS, LOAD_TIMEOUT_MS

pytestmark = pytest.mark.slow


def _analyse(qtbot, window: MainWindow):
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as blocker:
        window.import_tab.run_button.click()
    return blocker.args[0]


def test_first_run_shows_welcome_and_title(window: MainWindow) -> None:
    assert window.stack.currentWidget() is window.welcome
    assert window.welcome.open_button.text().replace("&", "") == "Open your survey…"
    assert window.welcome.example_button.text().replace("&", "") == "Try the example survey"
    assert window.windowTitle() == "Co-production Analyser"
    assert not window.export_action.isEnabled()
    assert window.report_tab.min_base_spin.value() == 10


def test_officer_opens_changes_mapping_analyses_and_exports(
    qtbot, loaded_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages
) -> None:
    window = loaded_window
    gui_thread = threading.get_ident()
    loaded = window.loaded
    assert loaded.thread_id != gui_thread  # reading ran in the worker
    assert window.windowTitle().startswith("example_survey.xlsx")
    assert window.stack.currentWidget() is window.tabs
    assert window.import_tab.preview_model.rowCount() == len(loaded.tables[0].frame) == 5000
    assert "5,000 rows" in window.import_tab.quality_view.toPlainText()

    # Change one mapping: trust in the council is not a driver for this council.
    it = window.import_tab
    it.select_construct("trust_council")
    trust_column = loaded.mapping.get("trust_council")[0]
    it.set_column_checked(trust_column, False)
    assert "not matched" in it.constructs_list.currentItem().text()
    assert not it.mapping().has("trust_council")
    assert it.run_button.isEnabled()

    analysed = _analyse(qtbot, window)
    result = analysed.result
    assert analysed.thread_id != gui_thread  # analysis ran in the worker
    assert "trust_council" not in result.drivers
    assert "trust_council" in result.drivers_not_mapped
    assert "efficacy" in result.drivers
    assert not window.busy
    assert window.tabs.currentWidget() is window.results_tab

    # Cards against the results.json document of this very result.
    doc = json.loads(result.to_json())
    cards = window.results_tab.cards
    assert cards["respondents"].value.text() == f"{doc['n_respondents']:,}" == "5,000"
    assert cards["councils"].value.text() == str(len(doc["authorities"])) == "5"
    for form in ("individual", "collective"):
        pct = doc["levels"][form]["percent"]
        assert cards[form].value.text() == f"{pct:.0f}%"
    assert doc["levels"]["individual"]["percent"] > doc["levels"]["collective"]["percent"]

    # Charts embedded, each with alt text as its accessible description.
    canvases = window.results_tab.canvases
    assert set(canvases) == {"levels", "drivers", "efficacy"}
    for canvas in canvases.values():
        assert canvas.canvas is not None
        assert len(canvas.canvas.accessibleDescription()) > 20
    # The worker drew them at the size each page gives them (asked again once the page
    # is shown): the pixels painted fit the widget, nothing is stretched.
    for index in range(window.results_tab.topic_tabs.count()):
        window.results_tab.topic_tabs.setCurrentIndex(index)
        name = ("levels", "drivers", "efficacy")[index]
        qtbot.waitUntil(lambda n=name: canvases[n].canvas.matches(), timeout=30_000)
        assert canvases[name].canvas.image.width() == round(
            canvases[name].canvas.width() * window.devicePixelRatioF()
        )
    window.results_tab.topic_tabs.setCurrentIndex(0)

    # Plain and technical views of the drivers table.
    rt = window.results_tab
    rt.table_tabs.setCurrentIndex(1)
    plain = [rt.drivers_model.cell(r, 0) for r in range(rt.drivers_model.rowCount())]
    assert BY_NAME["efficacy"].label in plain
    assert "not in this survey" in rt.drivers_model.column_values("Individual")
    rt.view_combo.setCurrentIndex(1)
    terms = rt.drivers_model.column_values("Term")
    assert "efficacy" in terms and "trust_council" not in terms
    row = terms.index("efficacy")
    assert (
        rt.drivers_model.cell(row, 2)
        == f"{result.models['individual'].terms['efficacy'].estimate:.2f}"
    )
    model = result.models["individual"]
    assert f"{model.n:,} of {model.n_in_data:,}" in rt.diagnostics_view.toPlainText()

    # Council filter: one council against everyone.
    rt.view_combo.setCurrentIndex(0)
    council = sorted(result.authorities)[0]
    rt.council_combo.setCurrentText(council)
    groups = rt.levels_model.column_values("Council")
    assert groups == ["All residents", council]
    level = result.levels_by["authority"]["collective"][council]
    assert rt.levels_model.cell(1, 2).startswith(f"{level.percent:.0f}%")

    # The brief appears on the Report tab with the same numbers.
    qtbot.waitUntil(lambda: bool(window.report_tab.browser.toPlainText()), timeout=60_000)
    brief_text = window.report_tab.browser.toPlainText()
    assert f"{doc['levels']['individual']['percent']:.0f}%" in brief_text

    # Export both files through the save dialogs (the dialog confirms overwrites itself).
    asked: list[tuple[str, str]] = []
    targets = {
        "Export to Word": tmp_path / "out" / "brief",
        "Export to Excel": tmp_path / "out" / "results.xlsx",
    }

    def fake_save(parent, caption, start, filt, *a, **k):
        asked.append((caption, filt))
        return str(targets[caption]), filt

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    with qtbot.waitSignal(window.export_done, timeout=120_000) as word:
        window.report_tab.word_button.click()
    with qtbot.waitSignal(window.export_done, timeout=120_000) as excel:
        window.report_tab.excel_button.click()
    docx_path = word.args[0].files["docx"]
    xlsx_path = excel.args[0].files["xlsx"]
    assert docx_path == tmp_path / "out" / "brief.docx"  # suffix added when left off
    assert word.args[0].thread_id != gui_thread and excel.args[0].thread_id != gui_thread
    import docx
    import openpyxl

    text = "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
    assert f"{doc['levels']['collective']['percent']:.0f}%" in text
    wb = openpyxl.load_workbook(xlsx_path)
    assert len(wb.sheetnames) >= 3
    wb.close()
    assert window.report_tab.open_folder_button.isEnabled()
    assert window.report_tab.last_folder == tmp_path / "out"
    opened: list[str] = []
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(url.toLocalFile()) or True),
    )
    window.report_tab.open_folder_button.click()
    assert [Path(p) for p in opened] == [tmp_path / "out"]
    assert [c for c, _ in asked] == ["Export to Word", "Export to Excel"]

    # File > Export brief… writes every output into one folder.
    assert window.export_action.isEnabled()
    with qtbot.waitSignal(window.export_done, timeout=120_000) as everything:
        window.export_all_to(tmp_path / "all")
    files = everything.args[0].files
    assert {".docx", ".xlsx"} <= {p.suffix for p in files.values()}
    assert all(p.is_file() and p.stat().st_size > 0 for p in files.values())

    _check_accessibility(window)
    assert messages == []


def test_cancel_a_running_analysis(qtbot, loaded_window: MainWindow) -> None:
    window = loaded_window
    done: list[object] = []
    window.analysis_done.connect(done.append)
    window.import_tab.run_button.click()
    assert window.busy and window.cancel_button.isVisible()
    assert not window.import_tab.run_button.isEnabled()
    with qtbot.waitSignal(window.job_cancelled, timeout=5_000):
        window.cancel_button.click()
    assert not window.busy
    assert not window.progress_bar.isVisible()
    assert window.import_tab.run_button.isEnabled()
    assert window.runner.wait(120_000)  # let the cancelled job reach its next check
    qtbot.wait(100)
    assert done == []
    assert window.results_tab.analysed is None
    assert not window.results_tab.cards["respondents"].isVisible()
    assert "Cancelled" in window.status_label.text()


def test_empty_file_shows_message_and_window_stays_usable(
    qtbot, window: MainWindow, tmp_path: Path, messages
) -> None:
    bad = tmp_path / "survey from agency.xlsx"
    bad.write_bytes(b"")
    with qtbot.waitSignal(window.job_failed, timeout=LOAD_TIMEOUT_MS):
        window.open_files([bad])
    assert len(messages) == 1
    assert messages[0].title == "Could not open the survey"
    assert "survey from agency.xlsx" in messages[0].text
    assert messages[0].detail  # says what to do
    assert "Traceback" not in messages[0].text + messages[0].detail
    assert not window.busy
    assert window.stack.currentWidget() is window.welcome
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.welcome.example_button.click()
    assert window.import_tab.run_button.isEnabled()


def test_worker_error_clears_busy_state(
    qtbot, loaded_window: MainWindow, monkeypatch: pytest.MonkeyPatch, messages
) -> None:
    window = loaded_window
    seen: list[int] = []

    def broken_analysis(*_args, **_kwargs):
        def job(progress, is_cancelled):
            seen.append(threading.get_ident())
            progress(0.3, "Fitting the models")
            raise ZeroDivisionError("bug")

        return job

    monkeypatch.setattr(jobs, "analyse_job", broken_analysis)
    with qtbot.waitSignal(window.job_failed, timeout=10_000):
        window.import_tab.run_button.click()
    assert seen and seen[0] != threading.get_ident()
    assert not window.busy
    assert not window.progress_bar.isVisible()
    assert window.import_tab.run_button.isEnabled()
    assert messages[-1].text == UNEXPECTED_MESSAGE
    assert "log" in messages[-1].detail.lower() or "try again" in messages[-1].detail.lower()


def test_run_needs_a_form_and_a_driver(loaded_window: MainWindow) -> None:
    it = loaded_window.import_tab
    mapping = it.mapping()
    for driver in (
        "efficacy",
        "consultation_satisfaction",
        "informed",
        "trust_council",
        "area_satisfaction",
    ):
        it.select_construct(driver)
        for column in mapping.get(driver):
            it.set_column_checked(column, False)
    assert not it.run_button.isEnabled()
    assert "driver" in it.run_hint.text()
    assert not loaded_window.run_action.isEnabled()
    it.select_construct("informed")
    it.set_column_checked(mapping.get("informed")[0], True)
    assert it.run_button.isEnabled()


def test_recoding_preview_and_reverse(qtbot, loaded_window: MainWindow) -> None:
    window = loaded_window
    it = window.import_tab
    it.select_construct("efficacy")
    model = it.recode_model
    first = it.columns_list.item(0)
    column = first.data(Qt.ItemDataRole.UserRole + 1)[1]
    qtbot.waitUntil(lambda: it.recode_column == column and model.rowCount() > 0, timeout=20_000)
    answers = model.column_values("Answer")
    assert any("agree" in a.lower() for a in answers)
    what = " ".join(model.column_values("What happens")).lower()
    assert "missing" in what or "score" in what
    before = model.column_values("What happens")
    was_reversed = column in it.mapping().reverse
    it.reverse_check.setChecked(not was_reversed)
    assert (column in it.mapping().reverse) is (not was_reversed)
    # The worker works out again what the analysis will do: each score turned round.
    qtbot.waitUntil(lambda: model.column_values("What happens") != before, timeout=20_000)
    after = model.column_values("What happens")
    turned = [w for w in after if "turned round" in w]
    assert bool(turned) is (not was_reversed)
    tops = {w.split(" of ")[1].split()[0] for w in after if w.startswith("counts as")}
    assert len(tops) == 1  # one scale, 0 to its top


def test_header_row_change_reads_again(qtbot, loaded_window: MainWindow) -> None:
    window = loaded_window
    it = window.import_tab
    table = window.loaded.tables[0]
    assert it.header_spin.value() == table.header_row + 1
    assert table.sheet in [it.sheet_combo.itemText(i) for i in range(it.sheet_combo.count())]
    it.header_spin.setValue(table.header_row + 2)  # one row too low: the first answers row
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        it.reread_button.click()
    assert window.loaded.tables[0].header_row == table.header_row + 1
    assert len(window.loaded.tables[0].frame) == len(table.frame) - 1


def test_files_dropped_on_the_window_are_opened(qtbot, window: MainWindow) -> None:
    from coprod_gui.core.survey.example import example_survey_paths

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in example_survey_paths()])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.dropEvent(event)
    assert window.paths == list(example_survey_paths())
    assert window.settings.recent_files() == list(example_survey_paths())


def test_export_to_a_locked_file_gives_a_plain_message(
    qtbot, loaded_window: MainWindow, tmp_path: Path, messages
) -> None:
    window = loaded_window
    _analyse(qtbot, window)
    locked = tmp_path / "brief.docx"
    locked.mkdir()  # a target that cannot be replaced, as a file held open by Word
    with qtbot.waitSignal(window.job_failed, timeout=120_000):
        window.export_to("docx", locked)
    assert messages[-1].title == "Could not save brief.docx"
    assert "brief.docx" in messages[-1].text
    assert not window.busy
    assert window.report_tab.word_button.isEnabled()


def test_exception_hook_logs_without_values_and_shows_dialog(
    qtbot, window: MainWindow, messages, caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    import sys

    from coprod_gui.ui.dialogs import ExceptionBridge

    bridge = ExceptionBridge(window)
    bridge.install()
    try:
        caplog.set_level(logging.ERROR, logger="coprod_gui")
        value = "-".join(["Jane Doe", "12 High St"])
        try:
            raise ValueError(value)
        except ValueError:
            info = sys.exc_info()
        worker = threading.Thread(target=lambda: sys.excepthook(*info))
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(messages), timeout=5_000)
    finally:
        bridge.uninstall()
    assert messages[0].title == "Unexpected problem"
    assert "ValueError" in caplog.text
    assert "Jane Doe" not in caplog.text
    assert QApplication.instance() is not None


def test_save_and_load_mapping_round_trip(
    qtbot, loaded_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages
) -> None:
    window = loaded_window
    it = window.import_tab
    it.select_construct("informed")
    informed = it.mapping().get("informed")[0]
    it.set_column_checked(informed, False)
    target = tmp_path / "wave 2 mapping"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    with qtbot.waitSignal(window.runner.finished, timeout=20_000):
        window.save_mapping_action.trigger()
    saved = tmp_path / "wave 2 mapping.json"
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["schema"] == "coprod-mapping/2"
    assert "informed" not in doc["columns"]
    assert "efficacy" in doc["columns"]

    it.select_construct("informed")
    it.set_column_checked(informed, True)
    assert it.mapping().has("informed")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(saved), ""))
    )
    with qtbot.waitSignal(window.runner.finished, timeout=20_000):
        window.load_mapping_action.trigger()
    assert not it.mapping().has("informed")
    assert it.mapping().get("efficacy") == window.loaded.mapping.get("efficacy")
    assert it.constructs_list.currentItem().text().endswith("not matched")
    assert messages == []


def test_mapping_naming_a_missing_column_is_refused_plainly(
    qtbot, loaded_window: MainWindow, tmp_path: Path, messages
) -> None:
    bad = tmp_path / "old.json"
    bad.write_text(
        json.dumps(
            {
                "schema": "coprod-mapping/1",
                "columns": {"individual_coproduction": ["Q99 recycling"], "efficacy": "Q98"},
            }
        ),
        encoding="utf-8",
    )
    before = loaded_window.import_tab.mapping()
    with qtbot.waitSignal(loaded_window.job_failed, timeout=20_000):
        loaded_window.load_mapping(bad)
    assert messages[-1].title == "Could not use the mapping"
    assert "Q99 recycling" in messages[-1].text + messages[-1].detail
    assert loaded_window.import_tab.mapping() == before
    assert not loaded_window.busy


def test_window_module_defers_heavy_imports() -> None:
    import subprocess
    import sys

    code = (
        "import sys, time; t = time.perf_counter();"
        "import coprod_gui.ui.main_window;"
        "heavy = [m for m in ('pandas', 'matplotlib', 'statsmodels', 'scipy') if m in sys.modules];"
        "print(heavy, round(time.perf_counter() - t, 2))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    heavy, seconds = out.rsplit(" ", 1)
    assert heavy == "[]"
    assert float(seconds) < 2.0


def test_small_group_threshold_hides_groups_everywhere(qtbot, loaded_window: MainWindow) -> None:
    window = loaded_window
    analysed = _analyse(qtbot, window)
    base = analysed.result.levels_by["gender"]["individual"]["In another way"].base
    assert 10 <= base < 50  # the example's smallest gender group
    rt = window.results_tab
    rt.grouping_combo.setCurrentIndex(rt.grouping_combo.findData("gender"))
    groups = rt.levels_model.column_values("Gender")
    row = groups.index("In another way")
    assert rt.levels_model.cell(row, 1).endswith("caution")
    old_canvas = rt.canvases["levels"].canvas
    qtbot.waitUntil(lambda: bool(window.report_tab.browser.toPlainText()), timeout=60_000)

    window.report_tab.min_base_spin.setValue(50)
    with qtbot.waitSignals([window.brief_shown, window.charts_shown], timeout=60_000):
        window.report_tab.update_button.click()
    groups = rt.levels_model.column_values("Gender")
    # Hidden, and not named: on screen as in the exports, one "Another answer" row.
    assert "In another way" not in groups
    assert rt.levels_model.cell(groups.index("Another answer"), 1) == "not shown"
    # The levels chart follows "Break down by" (gender) and is redrawn with the rule.
    assert rt.canvases["levels"].canvas is not old_canvas
    assert "In another way" not in rt.canvases["levels"].alt_text
    assert "Female" in rt.canvases["levels"].alt_text or "Male" in rt.canvases["levels"].alt_text
    assert window.settings.get("prefs/min_base") == 50


def test_export_asks_before_replacing_a_completed_name(
    qtbot, loaded_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coprod_gui.ui import dialogs

    window = loaded_window
    window.analysed = jobs.Analysed(quality=None, result=None)  # the question comes first
    existing = tmp_path / "brief.docx"
    existing.write_bytes(b"the officer's earlier brief")
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "brief"), ""))
    )
    asked: list[str] = []

    def say_no(_parent, _title, text):
        asked.append(text)
        return False

    monkeypatch.setattr(dialogs, "ask_yes_no", say_no)
    window.export_file("docx")  # what the Export to Word button calls
    assert asked == ["brief.docx already exists. Replace it?"]
    assert not window.busy
    assert existing.read_bytes() == b"the officer's earlier brief"


def _check_accessibility(window: MainWindow) -> None:
    """Every control has an accessible name (or its own text) and takes keyboard focus."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QTextBrowser,
        QWidget,
    )

    def inside_combo(widget: QWidget) -> bool:  # a combo box's own popup list
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QComboBox):
                return True
            parent = parent.parentWidget()
        return False

    kinds = (
        QAbstractButton,
        QComboBox,
        QLineEdit,
        QAbstractSpinBox,
        QAbstractItemView,
        QTextBrowser,
    )
    nameless, unfocusable = [], []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, kinds) or inside_combo(widget):
            continue
        if widget.objectName().startswith("qt_"):  # Qt's parts of a named control
            continue
        if type(widget).__name__ in ("QHeaderView", "QTabBar", "QToolButton", "QCalendarWidget"):
            continue
        if isinstance(widget, QAbstractButton) and widget.text().strip():
            pass  # a button's own text is its accessible name
        elif not widget.accessibleName():
            nameless.append(f"{type(widget).__name__} {widget.objectName()}")
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            unfocusable.append(f"{type(widget).__name__} {widget.accessibleName()}")
    assert nameless == []
    assert unfocusable == []
    for canvas in window.results_tab.canvases.values():
        assert canvas.canvas.focusPolicy() == Qt.FocusPolicy.StrongFocus
        assert canvas.canvas.accessibleName()


def test_keyboard_shortcut_opens_the_example(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    assert window.example_action.shortcut().toString() == "Ctrl+E"
    with qtbot.waitSignal(window.survey_loaded, timeout=LOAD_TIMEOUT_MS):
        window.example_action.trigger()
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS):
        window.run_action.trigger()
    assert window.run_action.shortcut().toString() == "Ctrl+R"
