"""A matplotlib chart inside the window (``FigureCanvasQTAgg``), with its alt text.

Why the figure arrives already drawn: the report's chart functions draw on a plain
``Figure`` in the worker thread (the same functions feed the Word export), and the worker
also renders it once with Agg at the size the window shows it. The canvas here adopts that
rendering, so showing a chart costs the GUI thread a copy of pixels, not a 300 ms draw
(DESIGN.md §8: no stall over 100 ms). The chart keeps that size; a scroll area holds it on
a small screen. If the size or screen scaling differs, the canvas simply draws again.

This module imports matplotlib, so it is imported only when the first result is shown.
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget


class PrerenderedCanvas(FigureCanvasQTAgg):
    """A Qt canvas that reuses an Agg rendering made in the worker while the size matches."""

    def __init__(self, figure: Any, prerendered: Any = None) -> None:
        super().__init__(figure)
        self._reuse_key: tuple[Any, ...] | None = None
        base_dpi = getattr(figure, "_original_dpi", figure.dpi)
        if base_dpi and figure.dpi != base_dpi:
            # Drawn for a scaled screen (150%): use that ratio from the start, so a resize
            # delivered before the first show does not shrink the figure to 100%.
            self._set_device_pixel_ratio(figure.dpi / base_dpi)
        if prerendered is not None:
            renderer, key = prerendered
            if key == self._current_key():
                self.renderer = renderer
                self._lastKey = key
                self._reuse_key = key
        self.full_draws = 0  # how often the GUI thread had to draw (tests, benchmark)

    def _current_key(self) -> tuple[Any, ...]:
        w, h = self.get_width_height(physical=True)
        return (w, h, self.figure.dpi)

    def draw(self) -> None:
        if self._reuse_key is not None and self._reuse_key == self._current_key():
            self.update()  # the worker's pixels are still right
            return
        self._reuse_key = None
        self.full_draws += 1
        super().draw()


class PlotCanvas(QWidget):
    """Shows one Figure; its alt text is the accessible description and the tooltip."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"chart_{name}")
        self.setAccessibleName(f"Chart: {name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas: PrerenderedCanvas | None = None
        self.figure: Any = None
        self.alt_text = ""
        self.scroll = QScrollArea(self)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll.setWidgetResizable(False)
        layout.addWidget(self.scroll)

    def show_figure(
        self, figure: Any, alt_text: str, title: str = "", prerendered: Any = None
    ) -> None:
        """Attach ``figure`` to a Qt canvas (replacing any previous chart)."""
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.figure = figure
        canvas = PrerenderedCanvas(figure, prerendered)
        # Logical size from the figure's own dpi: the screen's scaling multiplies it.
        base_dpi = getattr(figure, "_original_dpi", figure.dpi)
        width, height = figure.get_size_inches() * base_dpi
        canvas.setFixedSize(round(width), round(height))
        canvas.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        canvas.setAccessibleName(title or self.accessibleName())
        canvas.setAccessibleDescription(alt_text)
        canvas.setToolTip(alt_text)
        self.scroll.setWidget(canvas)
        self.canvas = canvas
        self.alt_text = alt_text
        self.setToolTip(alt_text)
        self.setAccessibleDescription(alt_text)
