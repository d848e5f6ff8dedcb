"""The Results tab names no group too small to show (issue 12: the exports did not; the
window's own screen did, and a small group's label can be a resident's own words)."""

from __future__ import annotations

from coprod_gui.core.privacy import ANOTHER_ANSWER

from .conftest import ANALYSIS_TIMEOUT_MS


def test_the_results_tab_names_no_hidden_group(qtbot, loaded_window) -> None:
    window = loaded_window
    with qtbot.waitSignal(window.analysis_done, timeout=ANALYSIS_TIMEOUT_MS) as done:
        window.import_tab.run_button.click()
    result = done.args[0].result
    small = min(result.levels_by["gender"]["individual"].items(), key=lambda kv: kv[1].base)
    name, level = small
    rt = window.results_tab
    rt.grouping_combo.setCurrentIndex(rt.grouping_combo.findData("gender"))
    assert name in rt.levels_model.column_values("Gender")  # shown while it is big enough

    window.report_tab.min_base_spin.setValue(int(level.base) + 1)  # now it is too small
    with qtbot.waitSignal(window.brief_shown, timeout=60_000):
        window.report_tab.update_button.click()
    for technical in (False, True):
        rt.view_combo.setCurrentIndex(int(technical))
        cells = [
            str(rt.levels_model.cell(r, c))
            for r in range(rt.levels_model.rowCount())
            for c in range(rt.levels_model.columnCount())
        ]
        assert not any(name in cell for cell in cells)
        groups = rt.levels_model.column_values("Gender")
        assert ANOTHER_ANSWER in groups
        row = groups.index(ANOTHER_ANSWER)
        assert "not shown" in [rt.levels_model.cell(row, c) for c in range(1, 4)]
        # The biggest group is still named (another may be hidden with the small one, so
        # that it cannot be worked out from the total: secondary suppression).
        biggest = max(result.levels_by["gender"]["individual"].items(), key=lambda kv: kv[1].base)
        assert biggest[0] in groups
