"""The UTF-8 check decides how a CSV is decoded: pyarrow's validator (fast, no copy) and
Python's strict decoder (the executable, without pyarrow) must agree with
``bytes.decode("utf-8")`` on every kind of bad byte sequence, or a file would be read as
Windows text (or refused) depending on the build."""

from __future__ import annotations

import pytest

from coprod_gui.core.io import encoding

CASES = {
    "plain": b"ID,Council\n1,North\n",
    "pound and accents": "Caf\u00e9,\u00a3 5,na\u00efve\n".encode(),
    "BOM": b"\xef\xbb\xbfID,Q1\n1,Often\n",
    "four-byte": "emoji \U0001f600 ok\n".encode(),
    "cp1252 pound": b"price \xa3 5\n",
    "lone continuation": b"a\x80b\n",
    "overlong slash": b"a\xc0\xafb\n",
    "surrogate": b"a\xed\xa0\x80b\n",
    "beyond U+10FFFF": b"a\xf4\x90\x80\x80b\n",
    "cut at the end": "ends with \u00e9".encode()[:-1],
    "empty": b"",
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("arrow", [True, False])
def test_the_utf8_check_agrees_with_python(
    name: str, arrow: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = CASES[name]
    try:
        data.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False
    monkeypatch.setattr(encoding, "USE_ARROW", arrow)
    assert encoding._valid_utf8(data) is expected
    # across the block boundary of the Python path too
    assert encoding._valid_utf8(data, block=3) is expected
