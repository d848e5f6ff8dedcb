"""The help window (F1): a few pages of wrapped text, one of them "How to read the results".

Why a window and not a message box: a message box breaks lines where the text has them
and cannot be resized or kept open beside the results; a ``QTextBrowser`` wraps to its
width, scrolls, and can be read with the keyboard or a screen reader.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

GETTING_STARTED = """
<h3>Getting started</h3>
<ol>
<li><b>Open your survey</b> (File → Open survey…, Ctrl+O). Excel, OpenDocument, CSV, tab
separated, SPSS and Stata files are read; several files of one survey can be added.</li>
<li><b>Check the questions</b> on the Import tab. The program guesses which questions
measure which topic; every guess is marked <i>to check</i>. Pick a topic, tick the
columns that measure it, and look at how each answer will be scored. In the list of
questions, open a question to change an answer's score or to mark it as missing.</li>
<li><b>Run the analysis</b> (Ctrl+R). If some topics are still to check, the program
lists them and asks once.</li>
<li><b>Read the results</b> on the Results tab, then <b>save the brief</b> to Word or
Excel on the Report tab.</li>
<li><b>Save the project</b> (File → Save project, Ctrl+S) to keep your checks and
corrections with the survey for next time.</li>
</ol>
<p>Every change can be undone (Ctrl+Z) and redone (Ctrl+Shift+Z). Your survey never
leaves this computer.</p>
"""

HOW_TO_READ = """
<h3>How to read the results</h3>
<p><b>Individual co-production</b> is what residents do for their own needs alongside
services (recycling, keeping their home secure, looking after their health).
<b>Collective co-production</b> is what they do together for their community
(volunteering, neighbourhood groups).</p>
<p><b>Doing co-production</b> means doing at least one of the activities asked about
regularly (at least "sometimes", unless you chose otherwise).</p>
<p><b>Break down by</b> shows the levels, in the table and the chart, for each council,
age band or gender. The <b>Council</b> choice shows one council beside all residents; it
applies to the breakdown by council only, because the survey gives no council-by-age or
council-by-gender figures.</p>
<p><b>What goes with it</b> shows which attitudes go with more co-production, once the
others and who residents are (age, gender, council...) are taken into account. A
<i>clear link</i> is one the survey is large enough to be confident about. These are
links, not proof of cause.</p>
<p><b>Small groups</b>: figures about fewer residents than the "smallest group shown"
(10 unless you change it on the Report tab) are never shown, so nobody can be identified.
Figures about fewer than 50 residents carry a caution.</p>
<p>The <b>technical view</b> of each table gives the model estimates, their 95% intervals
and the number of residents used, for an analyst to check.</p>
"""

PAGES: dict[str, str] = {
    "Getting started": GETTING_STARTED,
    "How to read the results": HOW_TO_READ,
}


class HelpWindow(QDialog):
    """A list of pages on the left, the chosen page (wrapped, scrolling) on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Help")
        self.setModal(False)
        self.resize(760, 520)
        outer = QVBoxLayout(self)
        row = QHBoxLayout()
        self.pages = QListWidget(self)
        self.pages.setAccessibleName("Help pages")
        self.pages.addItems(list(PAGES))
        self.pages.setMaximumWidth(220)
        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("Help text")
        self.browser.setOpenExternalLinks(False)
        self.browser.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        self.pages.currentRowChanged.connect(self._show_page)
        row.addWidget(self.pages)
        row.addWidget(self.browser, 1)
        outer.addLayout(row, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setToolTip("Close the help (Esc)")
        outer.addWidget(buttons)
        self.pages.setCurrentRow(0)

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.browser.setHtml(list(PAGES.values())[row])

    def show_page(self, title: str) -> None:
        """Open at the page ``title`` and bring the window to the front."""
        self.pages.setCurrentRow(list(PAGES).index(title))
        self.show()
        self.raise_()
        self.activateWindow()
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)
