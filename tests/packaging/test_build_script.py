"""scripts/build_exe.py: the zip officers get unpacks to the same folder (links, program
bits) and is only ever seen complete. The build itself runs in .ci/run, not here."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("build_exe", ROOT / "scripts" / "build_exe.py")
assert _spec is not None and _spec.loader is not None
build_exe = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_exe)

posix_only = pytest.mark.skipif(sys.platform.startswith("win"), reason="symlinks, mode bits")


def _fake_build(base: Path) -> Path:
    folder = base / "CoprodAnalyser"
    lib = folder / "_internal" / "PySide6" / "Qt" / "lib"
    lib.mkdir(parents=True)
    (lib / "libQt6Core.so.6").write_bytes(b"\x7fELF" + b"q" * 5000)
    program = folder / "coprod-analyser"
    program.write_bytes(b"#!/bin/sh\necho hi\n")
    program.chmod(0o755)
    (folder / "_internal" / "resources").mkdir()
    (folder / "_internal" / "resources" / "example_survey.xlsx").write_bytes(b"PK" * 100)
    return folder


@posix_only
def test_zip_keeps_links_as_links_and_the_program_executable(tmp_path: Path) -> None:
    folder = _fake_build(tmp_path / "dist")
    os.symlink("PySide6/Qt/lib/libQt6Core.so.6", folder / "_internal" / "libQt6Core.so.6")
    os.symlink("PySide6/Qt/lib", folder / "_internal" / "qtlib")  # a linked folder
    archive = tmp_path / "out.zip"
    build_exe.zip_folder(folder, archive)

    dest = tmp_path / "unzipped"
    build_exe.unzip(archive, dest)
    got = dest / "CoprodAnalyser"
    link = got / "_internal" / "libQt6Core.so.6"
    assert link.is_symlink()
    assert os.readlink(link) == "PySide6/Qt/lib/libQt6Core.so.6"
    assert link.read_bytes() == b"\x7fELF" + b"q" * 5000
    assert (got / "_internal" / "qtlib").is_symlink()
    assert os.access(got / "coprod-analyser", os.X_OK)
    assert (got / "_internal" / "resources" / "example_survey.xlsx").read_bytes() == b"PK" * 100
    # the link is stored once, not as a second copy of the library
    import zipfile

    with zipfile.ZipFile(archive) as zf:
        sizes = {i.filename: i.file_size for i in zf.infolist()}
    assert sizes["CoprodAnalyser/_internal/libQt6Core.so.6"] == len(
        "PySide6/Qt/lib/libQt6Core.so.6"
    )


def test_make_zip_leaves_only_the_finished_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "dist"
    _fake_build(dist)
    monkeypatch.setattr(build_exe, "DIST", dist)
    monkeypatch.setattr(build_exe, "app_dir", lambda base=dist: dist / "CoprodAnalyser")
    stale = dist / f"CoprodAnalyser-{build_exe.version()}-{build_exe.platform_tag()}.partial.zip"
    stale.write_bytes(b"left over from an interrupted build")

    archive = build_exe.make_zip()
    assert archive.name == f"CoprodAnalyser-{build_exe.version()}-{build_exe.platform_tag()}.zip"
    assert sorted(p.name for p in dist.iterdir()) == ["CoprodAnalyser", archive.name]
    import zipfile

    with zipfile.ZipFile(archive) as zf:
        assert zf.testzip() is None
        assert "CoprodAnalyser/_internal/resources/example_survey.xlsx" in zf.namelist()


def test_version_and_platform_tag_name_the_zip() -> None:
    from coprod_gui import __version__

    assert build_exe.version() == __version__
    system, machine = build_exe.platform_tag().split("-", 1)
    assert system in {"linux", "windows", "macos"}
    assert machine in {"x86_64", "arm64"}


@posix_only
@pytest.mark.parametrize(("script", "expected_rc"), [("exit 0", 0), ("exit 3", 3)])
def test_self_test_fails_when_the_program_writes_beside_itself(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    script: str,
    expected_rc: int,
) -> None:
    dist = tmp_path / "dist"
    folder = _fake_build(dist)
    monkeypatch.setattr(build_exe, "DIST", dist)
    monkeypatch.setattr(build_exe, "app_dir", lambda base=dist: base / "CoprodAnalyser")
    program = folder / "coprod-analyser"
    program.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    assert build_exe.self_test(None) == expected_rc
    assert "wrote into its own folder" not in capsys.readouterr().out

    program.write_text(
        f'#!/bin/sh\ntouch "$(dirname "$0")/settings.ini"\n{script}\n', encoding="utf-8"
    )
    assert build_exe.self_test(None) == (expected_rc or 1)
    assert "the program wrote into its own folder: ['settings.ini']" in capsys.readouterr().out
