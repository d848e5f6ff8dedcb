"""What the Import tab shows beside the editor: the data-quality report and the data itself.

Why apart from the tab: both only display what reading and preparing found (plain words
for the report, the rows as read for the data window), and the tab stays about editing.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton, QTableView, QVBoxLayout, QWidget

from .table_models import DataFrameModel

if TYPE_CHECKING:
    from ..core.types import DataQuality, RawTable


def quality_html(tables: list[RawTable], quality: DataQuality | None, problem: str | None) -> str:
    """The data-quality report in plain English (what, where, how many, what we did)."""
    esc = html.escape
    parts = ["<h3>What we found in the data</h3>"]
    if quality is not None and quality.rows_per_file:
        parts.append("<p>Rows read per file:</p><ul>")
        parts += [f"<li>{esc(f)}: {n:,} rows</li>" for f, n in quality.rows_per_file.items()]
        parts.append("</ul>")
    else:
        parts.append("<ul>")
        parts += [f"<li>{esc(t.name)}: {len(t.frame):,} rows</li>" for t in tables]
        parts.append("</ul>")
    said = {i.message for i in quality.issues} if quality is not None else set()
    notes = [(t.name, n) for t in tables for n in t.notes if n not in said]
    renamed = [(t.name, old, new, why) for t in tables for old, new, why in t.renamed_headers]
    if notes or renamed:
        parts.append("<h4>Reading the files</h4><ul>")
        parts += [f"<li>{esc(name)}: {esc(note)}</li>" for name, note in notes]
        parts += [
            f"<li>{esc(name)}: column heading {esc(repr(old))} is shown as "
            f"{esc(repr(new))} ({esc(why)})</li>"
            for name, old, new, why in renamed
        ]
        parts.append("</ul>")
    if problem:
        parts.append(f"<h4>Before the analysis can run</h4><p>{esc(problem)}</p>")
    if quality is not None:
        order = {"error": 0, "warning": 1, "info": 2}
        heading = {"error": "Problems", "warning": "Please check", "info": "For information"}
        issues = sorted(quality.issues, key=lambda i: order.get(i.severity, 3))
        current = None
        for issue in issues:
            if issue.severity != current:
                if current is not None:
                    parts.append("</ul>")
                parts.append(f"<h4>{heading.get(issue.severity, 'Notes')}</h4><ul>")
                current = issue.severity
            text = esc(issue.message)
            if issue.column and issue.column not in issue.message:
                text = f"<b>{esc(issue.column)}</b>: {text}"
            if issue.source and len(tables) > 1 and issue.source not in issue.message:
                text = f"<b>{esc(issue.source)}</b> — {text}"
            if issue.count and f"{issue.count}" not in issue.message.replace(",", ""):
                text += f" ({issue.count:,} answers)"
            if issue.examples:
                text += " Examples: " + ", ".join(esc(repr(e)) for e in issue.examples[:5]) + "."
            if issue.action:
                text += f" <i>What we did: {esc(issue.action)}</i>"
            parts.append(f"<li>{text}</li>")
        if current is not None:
            parts.append("</ul>")
        if not issues:
            parts.append("<p>No problems found.</p>")
    elif not problem:
        parts.append("<p>The full check runs when the questions are matched.</p>")
    return "\n".join(parts)



class DataWindow(QDialog):
    """The survey as read, in its own resizable window (rows on demand from the model)."""

    def __init__(self, model: DataFrameModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        self.view = QTableView(self)
        self.view.setModel(model)
        self.view.setAccessibleName("Preview of the survey data")
        self.view.setTabKeyNavigation(False)
        header = self.view.horizontalHeader()
        header.setDefaultSectionSize(160)
        header.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # question ends differ
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        layout.addWidget(self.view)
        close = QPushButton("Close", self)
        close.setToolTip("Close this window (Esc)")
        close.clicked.connect(self.close)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
