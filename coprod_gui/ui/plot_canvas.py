"""A chart inside the window: pixels drawn by matplotlib in the worker, painted here.

Why pixels and not a ``FigureCanvasQTAgg``: the report's chart functions draw on a plain
``Figure`` (the same functions feed the Word export), and drawing one takes 100-300 ms,
too long for the GUI thread (DESIGN.md §8). So the worker draws each chart with Agg at
the size and screen scaling the window shows it (:func:`.jobs.render_charts`) and hands
over RGBA bytes; this widget only paints them.

The chart follows the window: it fills the width of its page and is never shorter than
its rows need (a scroll bar appears instead of squashed labels). When the size changes,
the old pixels are painted scaled for a moment, and 200 ms after the resizing stops the
widget asks (``size_wanted``) for a fresh drawing at the new size; at 150% scaling the
worker draws 1.5 times the pixels, so the chart stays sharp.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from .jobs import RenderedChart

RESIZE_DELAY_MS = 200
MIN_WIDTH = 260


class ChartImage(QWidget):
    """Paints one :class:`RenderedChart`; asks for a redraw when its size changes."""

    size_wanted = Signal(int, int)  # logical width, height

    def __init__(self, chart: RenderedChart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.image = QImage(
            chart.rgba, chart.width, chart.height, chart.width * 4, QImage.Format.Format_RGBA8888
        ).copy()  # own the pixels (the bytes object may go)
        self.image.setDevicePixelRatio(chart.pixel_ratio)
        self.scaled_paints = 0  # paints that had to stretch old pixels (tests)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RESIZE_DELAY_MS)
        self._timer.timeout.connect(self._ask)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(MIN_WIDTH, max(chart.min_height, 120))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleDescription(chart.alt)
        self.setToolTip(chart.alt)

    def sizeHint(self) -> QSize:
        w, h = self.chart.logical_size
        return QSize(w, h)

    def matches(self) -> bool:
        """Whether the pixels were drawn for the widget's present size."""
        w, h = self.chart.logical_size
        return abs(self.width() - w) <= 1 and abs(self.height() - h) <= 1

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        if self.matches():
            painter.drawImage(0, 0, self.image)
        else:
            self.scaled_paints += 1
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(self.rect()), self.image)
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self.matches():
            self._timer.start()

    def _ask(self) -> None:
        if not self.matches():
            self.size_wanted.emit(self.width(), self.height())


class PlotCanvas(QWidget):
    """One chart's place on a Results page; its alt text is the accessible description."""

    size_wanted = Signal(str, int, int)  # chart name, logical width, height

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"chart_{name}")
        self.setAccessibleName(f"Chart: {name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.canvas: ChartImage | None = None
        self.alt_text = ""
        self._shown = False
        self.scroll = QScrollArea(self)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)  # the chart follows the page's width
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        layout.addWidget(self.scroll)

    def show_chart(self, chart: RenderedChart, title: str = "") -> None:
        """Show ``chart`` (replacing any previous one)."""
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        canvas = ChartImage(chart)
        canvas.setAccessibleName(title or self.accessibleName())
        canvas.size_wanted.connect(lambda w, h: self.size_wanted.emit(self.name, w, h))
        self.scroll.setWidget(canvas)
        self.canvas = canvas
        self.alt_text = chart.alt
        self.setToolTip(chart.alt)
        self.setAccessibleDescription(chart.alt)

    def clear(self) -> None:
        """Show no chart (a new survey is open)."""
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.canvas = None
        self.alt_text = ""
        self.setToolTip("")
        self.setAccessibleDescription("")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._shown = True

    def available_size(self) -> tuple[int, int]:
        """The logical size a chart gets here now (0, 0 before the page was ever shown)."""
        if not self._shown:
            return 0, 0
        size = self.scroll.viewport().size()
        return size.width(), size.height()
