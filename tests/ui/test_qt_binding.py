"""The Qt binding must not lose references on signal emission (PySide6 6.12.0 did)."""

from __future__ import annotations

import sys

import pytest

from coprod_gui.ui import qt_binding


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from Python 3.12")
def test_emitting_signals_keeps_the_count_of_true(qapp) -> None:
    # 6.12.0 lost exactly one reference per emit: 200 emits -> 200 lost, which over a
    # session ends in "Fatal Python error: bool_dealloc"
    assert qt_binding.emit_miscount(200) == 0
