"""The Report tab: the brief on screen, its options, and the Word and Excel exports.

Why the tab asks and the window acts: building the brief and writing the files are worker
jobs started by the main window; the tab holds the options, shows the HTML it is given,
and offers "Open folder" once a file has been written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from ..report.options import BriefOptions


class ReportTab(QWidget):
    """Options on the left, the brief on the right."""

    options_changed = Signal()
    edited = Signal()  # the officer changed an option (the project has unsaved changes)
    export_requested = Signal(str)  # "docx" or "xlsx"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_folder: Path | None = None
        self._has_result = False
        self._build()

    def _build(self) -> None:
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        box = QGroupBox("Brief options", self)
        form = QFormLayout(box)
        self.council_edit = QLineEdit(box)
        self.council_edit.setPlaceholderText("e.g. Northshire County Council")
        self.council_edit.setAccessibleName("Council name")
        self.council_edit.setToolTip("The council the brief is for (kept for next time)")
        self.title_edit = QLineEdit(box)
        self.title_edit.setPlaceholderText("Co-production in our residents' survey")
        self.title_edit.setAccessibleName("Title of the brief")
        self.title_edit.setToolTip("Leave empty for “Co-production in <your council>”")
        self.survey_edit = QLineEdit(box)
        self.survey_edit.setAccessibleName("Name of the survey")
        self.survey_edit.setToolTip("How the brief names the survey; taken from the file name")
        self.fieldwork_edit = self._line(
            box, "e.g. September to October 2026", "When the survey ran",
            "Shown on the title page and under every table and chart",
        )
        self.contact_edit = self._line(
            box, "e.g. Policy team, policy@council.gov.uk", "Contact",
            "Who readers can ask about the brief (kept for next time)",
        )
        self.sampling_edit = self._line(
            box, "e.g. a random sample of 8,000 addresses, by post or online", "Who was asked",
            "How residents were chosen. Left empty, the brief warns that its margins assume "
            "a random sample",
        )
        self.weighting_edit = self._line(
            box, "e.g. the age and sex of residents (ONS estimates)", "What the weights match",
            "What the survey's weights make the answers match. Left empty, the brief says "
            "only that the survey's own weights are used",
        )
        self.min_base_spin = QSpinBox(box)
        self.min_base_spin.setRange(5, 100)
        self.min_base_spin.setValue(10)
        self.min_base_spin.setAccessibleName("Smallest group shown")
        self.min_base_spin.setToolTip(
            "Figures about fewer residents than this are never shown, so nobody can be "
            "identified. 10 is the usual rule."
        )
        self.appendix_check = QCheckBox("Include the technical a&ppendix", box)
        self.appendix_check.setChecked(True)
        self.appendix_check.setAccessibleName("Include the technical appendix")
        self.appendix_check.setToolTip("Add the model estimates and notes for an analyst")
        form.addRow("&Council name:", self.council_edit)
        form.addRow("&Title:", self.title_edit)
        form.addRow("Su&rvey:", self.survey_edit)
        form.addRow("Fiel&dwork:", self.fieldwork_edit)
        form.addRow("Co&ntact:", self.contact_edit)
        form.addRow("Who was as&ked:", self.sampling_edit)
        form.addRow("Weights m&atch:", self.weighting_edit)
        form.addRow("&Smallest group shown:", self.min_base_spin)
        form.addRow("", self.appendix_check)
        self.update_button = QPushButton("&Update the brief", box)
        self.update_button.setAccessibleName("Update the brief with these options")
        self.update_button.setToolTip("Rebuild the brief and the charts with these options")
        self.update_button.clicked.connect(self.options_changed)
        form.addRow("", self.update_button)
        left.addWidget(box)

        export_box = QGroupBox("Save the brief", self)
        ex = QVBoxLayout(export_box)
        self.word_button = QPushButton("Export to &Word…", export_box)
        self.word_button.setAccessibleName("Export the brief to Word")
        self.word_button.setToolTip("Save the brief as a Word document")
        self.word_button.clicked.connect(lambda: self.export_requested.emit("docx"))
        self.excel_button = QPushButton("Export to E&xcel…", export_box)
        self.excel_button.setAccessibleName("Export the results to Excel")
        self.excel_button.setToolTip("Save the results tables as an Excel workbook")
        self.excel_button.clicked.connect(lambda: self.export_requested.emit("xlsx"))
        self.open_folder_button = QPushButton("&Open folder", export_box)
        self.open_folder_button.setAccessibleName("Open the folder of the saved file")
        self.open_folder_button.setEnabled(False)
        self.open_folder_button.setToolTip("Open the folder the last file was saved in")
        self.open_folder_button.clicked.connect(self.open_folder)
        self.saved_label = QLabel("", export_box)
        self.saved_label.setWordWrap(True)
        self.saved_label.setAccessibleName("Last saved file")
        for w in (self.word_button, self.excel_button, self.open_folder_button, self.saved_label):
            ex.addWidget(w)
        left.addWidget(export_box)
        left.addStretch(1)
        outer.addLayout(left, 1)

        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("The brief")
        self.browser.setOpenExternalLinks(False)
        self.browser.setPlaceholderText("The brief appears here once the analysis has run.")
        outer.addWidget(self.browser, 3)
        for line in self._context_edits():
            line.textEdited.connect(lambda _t: self.edited.emit())
        self.min_base_spin.valueChanged.connect(self._on_edited)
        self.appendix_check.toggled.connect(self._on_edited)
        self._applying = False
        self.set_busy(False)

    @staticmethod
    def _line(box: QWidget, placeholder: str, name: str, tip: str) -> QLineEdit:
        edit = QLineEdit(box)
        edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(name)
        edit.setToolTip(tip)
        return edit

    def _context_edits(self) -> tuple[QLineEdit, ...]:
        return (
            self.council_edit, self.title_edit, self.survey_edit, self.fieldwork_edit,
            self.contact_edit, self.sampling_edit, self.weighting_edit,
        )

    def _on_edited(self, *_args: object) -> None:
        if not self._applying:
            self.edited.emit()

    def apply_options(self, options: BriefOptions) -> None:
        """Show a project's saved brief options (not an edit of the officer's)."""
        self._applying = True
        try:
            self.council_edit.setText(options.council_name or "")
            self.title_edit.setText(options.title or "")
            if options.survey_name:
                self.survey_edit.setText(options.survey_name)
            self.fieldwork_edit.setText(options.fieldwork or "")
            self.contact_edit.setText(options.contact or "")
            self.sampling_edit.setText(options.sampling or "")
            self.weighting_edit.setText(options.weighting or "")
            self.min_base_spin.setValue(options.min_base)
            self.appendix_check.setChecked(options.include_appendix)
        finally:
            self._applying = False

    def set_options(
        self, council: str, title: str, min_base: int, appendix: bool, contact: str = ""
    ) -> None:
        """The officer's saved preferences (council, contact, smallest group, appendix)."""
        self._applying = True
        try:
            self.council_edit.setText(council)
            self.contact_edit.setText(contact)
            self.title_edit.setText(title)
            self.min_base_spin.setValue(min_base)
            self.appendix_check.setChecked(appendix)
        finally:
            self._applying = False

    def new_survey(self, survey_name: str) -> None:
        """Another survey is open: its own name, no title, fieldwork, sample, weighting or
        saved file from the last one (the council and contact stay: they are the officer's)."""
        self.title_edit.clear()
        for edit in (self.fieldwork_edit, self.sampling_edit, self.weighting_edit):
            edit.clear()
        self.survey_edit.setText(survey_name)
        self.browser.clear()
        self.saved_label.clear()
        self.last_folder = None
        self.open_folder_button.setEnabled(False)

    def brief_options(self, survey_name: str | None = None) -> BriefOptions:
        """The officer's choices as the report layer's ``BriefOptions``."""
        from ..report.options import BriefOptions

        return BriefOptions(
            council_name=self.council_edit.text().strip() or None,
            title=self.title_edit.text().strip() or None,
            survey_name=self.survey_edit.text().strip() or survey_name,
            fieldwork=self.fieldwork_edit.text().strip() or None,
            contact=self.contact_edit.text().strip() or None,
            sampling=self.sampling_edit.text().strip() or None,
            weighting=self.weighting_edit.text().strip() or None,
            min_base=self.min_base_spin.value(),
            include_appendix=self.appendix_check.isChecked(),
        )

    def set_has_result(self, has: bool) -> None:
        self._has_result = has
        if not has:
            self.browser.clear()
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        for w in (self.word_button, self.excel_button, self.update_button):
            w.setEnabled(self._has_result and not busy)

    def set_html(self, text: str) -> None:
        self.browser.setHtml(text)

    def set_saved(self, files: dict[str, Path]) -> None:
        names = ", ".join(p.name for p in files.values())
        self.last_folder = next(iter(files.values())).parent
        self.saved_label.setText(f"Saved {names} in {self.last_folder}")
        self.open_folder_button.setEnabled(True)

    def open_folder(self) -> bool:
        if self.last_folder is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_folder)))
