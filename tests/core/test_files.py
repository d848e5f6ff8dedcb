"""Every file we write goes through atomic_write: old file or new file, never a mix."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from coprod_gui.core.errors import InputError
from coprod_gui.core.io import files
from coprod_gui.core.io.files import atomic_write, atomic_write_text


def test_writes_content_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "results.json"
    atomic_write_text(target, '{"a": 1}\n')
    assert target.read_text(encoding="utf-8") == '{"a": 1}\n'
    assert [p.name for p in target.parent.iterdir()] == ["results.json"]


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "brief.docx"
    target.write_bytes(b"old brief")

    def broken(fh: object) -> None:
        fh.write(b"half a new")  # type: ignore[attr-defined]
        raise RuntimeError("writer crashed")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old brief"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.docx"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_output_gets_normal_permissions_not_mkstemp_0600(tmp_path: Path) -> None:
    target = atomic_write_text(tmp_path / "mapping.json", "{}")
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode == files._FILE_MODE
    assert mode & stat.S_IRGRP  # with the usual umask 022 others in the group can read it


def test_file_open_in_another_program_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "results.xlsx"
    target.write_bytes(b"open in Excel")

    def locked(src: object, dst: object) -> None:
        err = PermissionError(13, "Permission denied")
        err.winerror = 32  # type: ignore[attr-defined]  # ERROR_SHARING_VIOLATION
        raise err

    monkeypatch.setattr(files.os, "replace", locked)
    monkeypatch.setattr(files.time, "sleep", lambda s: None)
    with pytest.raises(InputError, match="open in another program") as info:
        atomic_write_text(target, "new")
    assert "Close it" in info.value.hint
    assert target.read_bytes() == b"open in Excel"
    assert [p.name for p in tmp_path.iterdir()] == ["results.xlsx"]
