"""The Results tab: headline cards, the charts, levels and drivers, and their diagnostics.

Why it only formats: every number comes from the :class:`AnalysisResult` made in the
worker, every chart from the report's chart functions, and the small-group rule and the
"clear link" test from the report layer (``report.suppression``, ``report.findings``), so
the window can never say something the brief does not.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.survey.constructs import FORMS
from .cards import Card
from .results_text import (
    FORM_LABEL,
    base_words,
    diagnostics_html,
    level_cells,
    num_text,
    plain_level,
)
from .table_models import RowsModel
from .views import make_table, stretch_columns

if TYPE_CHECKING:
    from ..core.results import AnalysisResult
    from ..report.options import BriefOptions
    from .jobs import Analysed, ChartRequest, RenderedChart
    from .plot_canvas import PlotCanvas

ALL_COUNCILS = "Compare all councils"
GROUPING_LABEL = {"authority": "Council", "age_band": "Age band", "gender": "Gender"}


class ResultsTab(QWidget):
    """Shows one analysis; empty until the first result arrives.

    ``charts_wanted`` asks the window to have charts drawn again in the worker: after a
    resize, or when "Break down by" or the council changes the levels chart.
    """

    charts_wanted = Signal(tuple)  # names of the charts to redraw (empty: all)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.analysed: Analysed | None = None
        self.options: BriefOptions | None = None
        self._drivers_stale = False  # the drivers page waits until shown (or filled later)
        self._pending_charts: dict[str, RenderedChart] = {}  # charts of pages not shown
        self.canvases: dict[str, PlotCanvas] = {}
        self._wanted: set[str] = set()
        self._want_timer = QTimer(self)
        self._want_timer.setSingleShot(True)
        self._want_timer.setInterval(50)
        self._want_timer.timeout.connect(self._emit_wanted)
        self._build()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.empty_label = QLabel(
            "No results yet. Open a survey, check the matched questions on the Import tab, "
            "then choose Run analysis.",
            self,
        )
        self.empty_label.setWordWrap(True)
        outer.addWidget(self.empty_label)

        cards = QHBoxLayout()
        self.cards = {
            "respondents": Card("respondents", "Residents who answered", self),
            "councils": Card("councils", "Councils", self),
            "individual": Card("individual", "Doing individual co-production", self),
            "collective": Card("collective", "Doing collective co-production", self),
        }
        for card in self.cards.values():
            cards.addWidget(card, 1)
        outer.addLayout(cards)

        view_row = QHBoxLayout()
        self.view_combo = QComboBox(self)
        self.view_combo.addItems(["Plain view", "Technical view"])
        self.view_combo.setAccessibleName("Plain or technical view of the tables")
        self.view_combo.currentIndexChanged.connect(self._refresh_tables)
        self.view_combo.currentIndexChanged.connect(lambda _i: self._fit_pages())
        view_label = QLabel("View of the &tables:", self)
        view_label.setBuddy(self.view_combo)
        view_row.addWidget(view_label)
        view_row.addWidget(self.view_combo)
        view_row.addStretch(1)
        self.view_row = QWidget(self)
        self.view_row.setLayout(view_row)
        outer.addWidget(self.view_row)

        # One page per topic: the chart on the left, its table (and notes) on the right.
        topics = QTabWidget(self)
        topics.setAccessibleName("Results by topic")
        self.topic_tabs = topics
        self.table_tabs = topics  # the tables live on the same pages as their charts
        self.chart_holders: dict[str, QVBoxLayout] = {}

        levels_page = QSplitter(Qt.Orientation.Horizontal, topics)
        levels_page.addWidget(self._chart_holder("levels", levels_page))
        levels_panel = QWidget(levels_page)
        lv = QVBoxLayout(levels_panel)
        lv.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.council_combo = QComboBox(levels_panel)
        self.council_combo.setAccessibleName("Council to show")
        self.council_combo.setToolTip(
            "Show one council beside all residents (levels by council only: the survey "
            "gives no council-by-age or council-by-gender figures)"
        )
        self.council_combo.currentIndexChanged.connect(self._on_levels_control)
        self.grouping_combo = QComboBox(levels_panel)
        self.grouping_combo.setAccessibleName("Break the levels down by")
        self.grouping_combo.setToolTip("Show the levels, in the table and the chart, by group")
        self.grouping_combo.currentIndexChanged.connect(self._on_levels_control)
        group_label = QLabel("&Break down by:", levels_panel)
        group_label.setBuddy(self.grouping_combo)
        council_label = QLabel("&Council:", levels_panel)
        council_label.setBuddy(self.council_combo)
        for w in (group_label, self.grouping_combo, council_label, self.council_combo):
            row.addWidget(w)
        row.addStretch(1)
        lv.addLayout(row)
        self.levels_model = RowsModel(parent=self)
        self.levels_view = self._table(self.levels_model, "How common co-production is")
        lv.addWidget(self.levels_view, 1)
        self.levels_note = QLabel("", levels_panel)
        self.levels_note.setWordWrap(True)
        self.levels_note.setAccessibleName("Note on small groups")
        lv.addWidget(self.levels_note)
        levels_page.addWidget(levels_panel)
        levels_page.setSizes([660, 560])
        topics.addTab(levels_page, "How common it is")

        drivers_page = QSplitter(Qt.Orientation.Horizontal, topics)
        drivers_page.addWidget(self._chart_holder("drivers", drivers_page))
        right = QSplitter(Qt.Orientation.Vertical, drivers_page)
        self.drivers_model = RowsModel(parent=self)
        self.drivers_view = self._table(self.drivers_model, "What goes with more co-production")
        self.diagnostics_view = QTextBrowser(right)
        self.diagnostics_view.setAccessibleName("Notes on the models")
        right.addWidget(self.drivers_view)
        right.addWidget(self.diagnostics_view)
        right.setSizes([300, 200])
        drivers_page.addWidget(right)
        drivers_page.setSizes([660, 560])
        topics.addTab(drivers_page, "What goes with it")

        efficacy_page = QSplitter(Qt.Orientation.Horizontal, topics)
        efficacy_page.addWidget(self._chart_holder("efficacy", efficacy_page))
        self.efficacy_text = QTextBrowser(efficacy_page)
        self.efficacy_text.setAccessibleName("What the chart shows")
        efficacy_page.addWidget(self.efficacy_text)
        efficacy_page.setSizes([660, 560])
        topics.addTab(efficacy_page, "Feeling able to make a difference")
        self.drivers_page = drivers_page
        topics.currentChanged.connect(lambda _i: self.fill_hidden_pages())
        self.split_pages = (levels_page, drivers_page)
        outer.addWidget(topics, 1)
        self._set_visible(False)

    def _chart_holder(self, name: str, parent: QWidget) -> QWidget:
        from .plot_canvas import PlotCanvas

        canvas = PlotCanvas(name, parent)
        canvas.size_wanted.connect(self._on_chart_size_wanted)
        canvas.setMinimumWidth(280)
        self.canvases[name] = canvas
        self.chart_holders[name] = canvas
        return canvas

    def _table(self, model: RowsModel, name: str) -> QTableView:
        """Results tables wrap their first column instead of eliding it: a council name
        shortened in the middle ('Brac…ncil', seen at 1024x700) names no council. They are
        a few dozen rows, so rows sized to their text cost nothing."""
        view = make_table(model, name, self)
        view.setWordWrap(True)
        view.setTextElideMode(Qt.TextElideMode.ElideNone)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return view

    def _set_visible(self, has: bool) -> None:
        self.empty_label.setVisible(not has)
        for card in self.cards.values():
            card.setVisible(has)
        self.view_row.setVisible(has)
        self.topic_tabs.setVisible(has)

    # ------------------------------------------------------------------ filling

    def clear(self) -> None:
        """Forget the shown analysis (a new survey is open): no old figure stays."""
        self.analysed = None
        self.options = None
        self._drivers_stale = False
        self._pending_charts = {}
        self.levels_model.set_rows([], [])
        self.drivers_model.set_rows([], [])
        self.diagnostics_view.clear()
        self.efficacy_text.clear()
        for canvas in self.canvases.values():
            canvas.clear()
        for card in self.cards.values():
            card.set("–")
        self.council_combo.clear()
        self.grouping_combo.clear()
        self._set_visible(False)

    def set_result(self, analysed: Analysed, options: BriefOptions, charts: bool = True) -> None:
        """Show a new analysis (cards, charts, tables); ``charts=False`` when new options
        only change the figures and the window has asked the worker for new charts."""
        from ..report.suppression import hidden_councils, protect_level
        from ..report.wording import people_share, percent, whole

        self.analysed = analysed
        self.options = options
        result = analysed.result
        self._set_visible(True)
        self.cards["respondents"].set(
            whole(result.n_respondents),
            "weighted results" if result.weighted else "unweighted results",
        )
        hidden = hidden_councils(result, options)
        self.cards["councils"].set(
            whole(len(result.authorities)),
            ", ".join(sorted(a for a in result.authorities if a not in hidden))[:160],
        )
        for form in FORMS:
            level = protect_level(result.levels.get(form), options)
            if level is None or level.level is None:
                self.cards[form].set("not shown", "too few answers to show safely")
            else:
                self.cards[form].set(
                    percent(level.level.percent),
                    f"{people_share(level.level.percent)} do at least one activity "
                    f"{result.threshold} or more often",
                )
        self._fill_filters(result, hidden)
        if charts:
            # The page on screen's chart now, the others' with their tables, a turn later.
            shown = self.topic_tabs.currentWidget()
            now = {n: c for n, c in analysed.charts.items() if self._page_of(n) is shown}
            self._pending_charts = {n: c for n, c in analysed.charts.items() if n not in now}
            self.show_charts(now)
        self._refresh_tables()

    def _page_of(self, chart: str) -> QWidget | None:
        """The topic page that holds ``chart``."""
        canvas = self.canvases.get(chart)
        pages = (self.topic_tabs.widget(i) for i in range(self.topic_tabs.count()))
        return next((p for p in pages if canvas is not None and p.isAncestorOf(canvas)), None)

    def _fill_filters(self, result: AnalysisResult, hidden: set[str]) -> None:
        """Fill the council and grouping choices, keeping the officer's current ones."""
        council = self.council_combo.currentText()
        grouping = self.grouping_combo.currentData()
        self.council_combo.blockSignals(True)
        self.council_combo.clear()
        self.council_combo.addItem(ALL_COUNCILS)
        self.council_combo.addItems(sorted(a for a in result.authorities if a not in hidden))
        self.council_combo.setCurrentIndex(max(self.council_combo.findText(council), 0))
        self.council_combo.blockSignals(False)
        self.grouping_combo.blockSignals(True)
        self.grouping_combo.clear()
        for key, label in GROUPING_LABEL.items():
            if any(result.levels_by.get(key, {}).values()):
                self.grouping_combo.addItem(label, key)
        self.grouping_combo.setCurrentIndex(max(self.grouping_combo.findData(grouping), 0))
        self.grouping_combo.blockSignals(False)
        # Levels exist by council, by age band and by gender, not crossed: one council's
        # age bands cannot be shown, so the council choice applies to councils only.
        self.council_combo.setEnabled(self.grouping() == "authority")

    def show_charts(self, charts: dict[str, RenderedChart]) -> None:
        """Paint charts the worker drew; any not drawn for its page's size is asked again."""
        from .jobs import CHART_TITLES

        for name, chart in charts.items():
            canvas = self.canvases.get(name)
            if canvas is not None:
                canvas.show_chart(chart, CHART_TITLES.get(name, name))
        if "efficacy" in charts:
            self.efficacy_text.setHtml(
                "<h4>What this chart shows</h4>"
                f"<p>{html.escape(charts['efficacy'].alt)}</p>"
                "<p>These are expected shares for otherwise similar residents; they show a "
                "link, not proof that one causes the other.</p>"
            )

    def chart_request(self, pixel_ratio: float, only: tuple[str, ...] = ()) -> ChartRequest:
        """What the worker should draw: the charts' present sizes and the levels controls."""
        from .jobs import ChartRequest

        council = self.council_combo.currentText()
        return ChartRequest(
            sizes={n: c.available_size() for n, c in self.canvases.items()},
            pixel_ratio=pixel_ratio,
            grouping=self.grouping(),
            council=council if council and council != ALL_COUNCILS else None,
            only=only,
        )

    def grouping(self) -> str:
        return self.grouping_combo.currentData() or "authority"

    def _on_chart_size_wanted(self, name: str, _w: int, _h: int) -> None:
        self._want(name)

    def _want(self, name: str) -> None:
        if self.analysed is None:
            return
        self._wanted.add(name)
        self._want_timer.start()

    def _emit_wanted(self) -> None:
        wanted, self._wanted = tuple(sorted(self._wanted)), set()
        if wanted and self.analysed is not None:
            self.charts_wanted.emit(wanted)

    def _on_levels_control(self) -> None:
        self.council_combo.setEnabled(self.grouping() == "authority")
        self._refresh_tables()
        self._want("levels")

    def _fit_pages(self) -> None:
        """The technical tables have twice the columns: give them most of the width (at
        1024 px their interval, p and note columns were cut off beside the chart)."""
        share = 0.62 if self.technical() else 0.46
        for page in self.split_pages:
            width = max(page.width(), 2)
            page.setSizes([round(width * (1 - share)), round(width * share)])

    def technical(self) -> bool:
        return self.view_combo.currentIndex() == 1

    def _refresh_tables(self) -> None:
        """Fill the levels table now; the drivers table and model notes only when their
        page is shown, else at :meth:`fill_hidden_pages` (a later turn of the event loop):
        filling everything at once kept the window from painting for too long."""
        if self.analysed is None or self.options is None:
            return
        self._fill_levels(self.analysed.result, self.options)
        self._drivers_stale = True
        self._fill_drivers_if_shown()

    def _fill_drivers_if_shown(self) -> None:
        if self._drivers_stale and self.topic_tabs.currentWidget() is self.drivers_page:
            self._drivers_stale = False
            if self.analysed is not None and self.options is not None:
                self._fill_drivers(self.analysed.result, self.options)

    def fill_hidden_pages(self) -> None:
        """Fill what :meth:`set_result` left for later (the other pages' charts, the
        drivers table, the notes)."""
        pending, self._pending_charts = self._pending_charts, {}
        if pending:
            self.show_charts(pending)
        if not self._drivers_stale or self.analysed is None or self.options is None:
            return
        self._drivers_stale = False
        self._fill_drivers(self.analysed.result, self.options)

    # ------------------------------------------------------------------ levels

    def _fill_levels(self, result: AnalysisResult, options: BriefOptions) -> None:
        from ..report.suppression import printed_groups, protect_level, protected_by, status_note

        council = self.council_combo.currentText()
        grouping = self.grouping_combo.currentData() or "authority"
        self.levels_note.setText(
            f"Groups with fewer than {options.min_base} residents are not shown, nor any group "
            f"that would let them be worked out; 'caution' marks figures about fewer than "
            f"{options.caution_base}. Share doing at least one activity {result.threshold} "
            "or more often."
        )
        groups: list[tuple[str, dict[str, Any]]] = []
        overall = {f: protect_level(result.levels.get(f), options) for f in FORMS}
        groups.append(("All residents", overall))
        # As the exports print them (core.privacy, report.suppression): a hidden group's
        # label can be a resident's own words, so hidden groups are one "Another answer".
        by = {f: printed_groups(protected_by(result, grouping, f, options)) for f in FORMS}
        names: list[str] = []
        for form in FORMS:
            names += [g for g in by[form] if g not in names]
        if grouping == "authority" and council != ALL_COUNCILS:
            names = [council] if council in names else []
        for name in names:
            groups.append((name, {f: by[f].get(name) for f in FORMS}))

        if self.technical():
            label = GROUPING_LABEL.get(grouping, grouping)
            headers = [label, "Form", "Percent", "95% interval", "Base", "Effective base", "Note"]
            rows: list[list[Any]] = []
            tips: list[str | None] = []
            for name, per_form in groups:
                for form in FORMS:
                    prot = per_form.get(form)
                    rows.append([name, FORM_LABEL[form], *level_cells(prot, options)])
                    tips.append(status_note(prot.status, options) if prot else None)
            self.levels_model.set_rows(headers, rows, tips)
            return
        label = GROUPING_LABEL.get(grouping, grouping)
        headers = [label, "Individual", "Collective", "Answered"]
        rows, tips = [], []
        for name, per_form in groups:
            cells = [plain_level(per_form.get(f), options) for f in FORMS]
            bases = [p for p in (per_form.get(f) for f in FORMS) if p is not None]
            base = base_words(bases[0], options) if bases else "–"
            rows.append([name, *cells, base])
            notes = {status_note(p.status, options) for p in bases} - {""}
            tips.append("; ".join(sorted(notes)) or None)
        self.levels_model.set_rows(headers, rows, tips)

    # ------------------------------------------------------------------ drivers

    def _fill_drivers(self, result: AnalysisResult, options: BriefOptions) -> None:
        from ..report.suppression import term_hidden

        if self.technical():
            headers = [
                "Model",
                "Term",
                "Estimate",
                "Std. error",
                "95% interval",
                "p",
                "Std. effect",
            ]
            rows: list[list[Any]] = []
            for group, models in (("Index", result.models), ("Taking part", result.participation)):
                for form, model in models.items():
                    for term, t in model.terms.items():
                        if term == "const" or term_hidden(term, result, options):
                            continue
                        rows.append(
                            [
                                f"{group}: {FORM_LABEL.get(form, form)}",
                                term,
                                num_text(t.estimate),
                                num_text(t.std_error),
                                f"{num_text(t.ci_low)} to {num_text(t.ci_high)}",
                                "< 0.001" if t.p_value < 0.001 else f"{t.p_value:.3f}",
                                num_text(t.std_estimate),
                            ]
                        )
            self.drivers_model.set_rows(headers, rows)
        else:
            # The same findings as the brief (percentage points, the comparison's verdict).
            from ..report.findings import plain_view

            view = plain_view(result, options)
            self.drivers_model.set_rows(view["headers"], view["rows"], view["tips"])
        self._size_driver_columns()
        self.diagnostics_view.setHtml(diagnostics_html(result, options))

    def _size_driver_columns(self) -> None:
        """Plain view: words in every column, so all share the width and wrap (at 1024 px
        the driver was cut to "Feelin…erence" and the last column off the edge). Technical
        view: numbers sized to their contents, the model and the term share the rest."""
        columns = range(self.drivers_model.columnCount())
        stretch_columns(self.drivers_view, columns if not self.technical() else (0, 1))
