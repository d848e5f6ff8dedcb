"""The workbook safety scan's far-reference test gives the same answer by RE2 (pyarrow)
as by Python's regex, on the cases that matter: far rows and columns, quotes, spaces and
the XML-invalid whitespace a hostile file could try."""

from __future__ import annotations

import pytest

from coprod_gui.core.io import safety

CASES = [
    (b'<c r="A1" s="1">', False),
    (b'<c r="ZZ99999">', False),
    (b'<c r="AAA1">', True),  # a 3-letter column
    (b'<c r="A100000">', True),  # a 6-digit row
    (b"<row r='1048576'>", True),  # single quotes
    (b'<c r = "XFD1">', True),  # spaces around '='
    (b'<c r\t=\n"B123456">', True),
    (b'<c r\x0b="B123456">', True),  # a vertical tab: Python's \\s matched it before
    (b'<c r="B12345">', False),
    (b'<row r="99999" spans="1:29">', False),
    (b"", False),
    (b'\xff\xfe<c r="A1048576"/>', True),  # bytes that are not UTF-8 before it
    (b'\xe2\x82<c r="AAA1">', True),
    (b'\x00<c r="AAA1">', True),
]


@pytest.mark.parametrize(("data", "far"), CASES)
def test_both_engines_find_the_same_far_references(data: bytes, far: bool) -> None:
    assert safety.has_big_ref(data) is far
    assert (safety._BIG_REF.search(data) is not None) is far


def test_a_far_reference_at_the_end_of_a_big_chunk_is_found() -> None:
    data = b'<c r="A1"><v>1</v></c>' * 400_000 + b'<c r="A1048576"/>'
    assert safety.has_big_ref(data)
    assert not safety.has_big_ref(data[: -len(b'<c r="A1048576"/>')])
