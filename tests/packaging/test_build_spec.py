"""build.spec: portable (no absolute paths) and its slimming filters keep what the app
needs on Windows, macOS and Linux. The spec is executed with stand-ins for PyInstaller's
build classes, so no build runs here (scripts/build_exe.sh --self-test does that)."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "build.spec"

ABSOLUTE = re.compile(r"^(/[A-Za-z]|[A-Za-z]:[\\/]|\\\\[A-Za-z]|~[\\/])")


def test_build_spec_has_no_absolute_paths() -> None:
    text = SPEC.read_text(encoding="utf-8")
    strings = [
        n.value
        for n in ast.walk(ast.parse(text))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    assert strings, "build.spec should parse as Python"
    absolute = [s for s in strings if ABSOLUTE.match(s)]
    assert not absolute, f"absolute paths in build.spec: {absolute}"
    for marker in ("/work/", "/home/", "/Users/", "/root/", "C:\\", "site-packages"):
        assert marker not in text, f"{marker!r} in build.spec"
    assert "SPECPATH" in text


KEEP = [
    ("PySide6/Qt/lib/libQt6Core.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "BINARY"),
    ("PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", "BINARY"),
    ("PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so", "BINARY"),
    ("PySide6/plugins/platforms/qwindows.dll", "BINARY"),
    ("PySide6/plugins/styles/qmodernwindowsstyle.dll", "BINARY"),
    ("PySide6/Qt6Widgets.dll", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", "BINARY"),
    ("PySide6/Qt/lib/QtGui.framework/Versions/A/QtGui", "BINARY"),
    ("libQt6Core.so.6", "SYMLINK"),
    ("matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", "DATA"),
    ("matplotlib/mpl-data/images/home.png", "DATA"),
    ("docx/templates/default.docx", "DATA"),
    ("resources/icon.png", "DATA"),
    ("resources/example_survey.xlsx", "DATA"),
    ("numpy.libs/libscipy_openblas64_.so", "BINARY"),
]
DROP = [
    ("PySide6/Qt/translations/qtbase_de.qm", "DATA"),
    ("PySide6/translations/qtbase_fr.qm", "DATA"),
    ("PySide6/Qt/lib/libQt6Pdf.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6Network.so.6", "BINARY"),
    ("PySide6/Qt/lib/libQt6QmlModels.so.6", "BINARY"),
    ("PySide6/Qt6Pdf.dll", "BINARY"),
    ("PySide6/Qt/lib/libQt6WebEngineCore.so.6", "BINARY"),
    ("PySide6/Qt63DRender.dll", "BINARY"),
    ("PySide6/Qt/lib/QtMultimedia.framework/Versions/A/QtMultimedia", "BINARY"),
    ("PySide6/Qt6Network.dll", "BINARY"),
    ("PySide6/Qt/lib/QtQml.framework/Versions/A/QtQml", "BINARY"),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", "BINARY"),
    ("PySide6/plugins/imageformats/qpdf.dll", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqtiff.so", "BINARY"),
    ("PySide6/plugins/imageformats/qwebp.dll", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", "BINARY"),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", "BINARY"),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "BINARY"),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "BINARY"),
    ("libQt6Network.so.6", "SYMLINK"),
    ("scipy/special/tests/data/boost.npz", "DATA"),
    ("matplotlib/mpl-data/sample_data/goog.npz", "DATA"),
]
PURE_KEEP = ["pandas.core.frame", "numpy.testing", "coprod_gui.selftest", "unittest"]
PURE_DROP = ["pandas.tests.frame.test_api", "scipy.stats.tests", "numpy._core.tests.test_x"]


_SPEC_NS: dict[str, Any] = {}  # the namespace of the last executed spec


class _Recorder:
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]

    def __init__(self) -> None:
        self.calls = []

    def make(self, kind: str) -> Any:
        recorder = self

        class Target:
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                recorder.calls.append((kind, args, kwargs))
                self.kwargs = kwargs
                if kind == "Analysis":
                    self.binaries = [
                        (d, f"/nonexistent/{d}", t) for d, t in KEEP + DROP if t != "DATA"
                    ]
                    self.datas = [
                        (d, f"/nonexistent/{d}", t) for d, t in KEEP + DROP if t == "DATA"
                    ]
                    for entries in (self.binaries,):
                        for i, (d, _s, t) in enumerate(entries):
                            if t == "SYMLINK":
                                target = "PySide6/Qt/lib/" + d
                                entries[i] = (d, target, t)
                    self.pure = [(m, "", "PYMODULE") for m in PURE_KEEP + PURE_DROP]
                    self.scripts = [("main", "main.py", "PYSOURCE")]

        return Target


class _Recorded:
    """Stand-in for PyInstaller's version-info classes: keeps its arguments, shows them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.args!r}, {self.kwargs!r})"


def _stub_pyinstaller(monkeypatch: pytest.MonkeyPatch) -> None:
    """``./test.sh`` installs the test extras only, not PyInstaller (the build step of
    .ci/run does): give the spec the two PyInstaller modules it imports."""
    names = ["PyInstaller", "PyInstaller.utils", "PyInstaller.utils.hooks"]
    names += ["PyInstaller.utils.win32", "PyInstaller.utils.win32.versioninfo"]
    modules = {name: types.ModuleType(name) for name in names}
    for name, module in modules.items():
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(modules[parent], child, module)
        monkeypatch.setitem(sys.modules, name, module)
    versioninfo = modules["PyInstaller.utils.win32.versioninfo"]
    for cls in ("StringStruct", "VSVersionInfo", "FixedFileInfo", "StringFileInfo"):
        setattr(versioninfo, cls, type(cls, (_Recorded,), {}))
    for cls in ("StringTable", "VarFileInfo", "VarStruct"):
        setattr(versioninfo, cls, type(cls, (_Recorded,), {}))
    modules["PyInstaller.utils.hooks"].collect_submodules = lambda name, **_k: [name]  # type: ignore[attr-defined]


def _exec_spec(monkeypatch: pytest.MonkeyPatch, platform: str) -> tuple[_Recorder, Any]:
    if importlib.util.find_spec("PyInstaller") is None:
        _stub_pyinstaller(monkeypatch)
    else:
        import PyInstaller.utils.hooks as hooks

        monkeypatch.setattr(hooks, "collect_submodules", lambda name, **_k: [name])
        if platform == "win32":  # PyInstaller's version-info module needs pefile (Windows)
            import PyInstaller.compat as compat

            stub = types.ModuleType("stub")
            monkeypatch.setitem(sys.modules, "pefile", sys.modules.get("pefile") or stub)
            monkeypatch.setattr(
                compat, "win32api", getattr(compat, "win32api", stub), raising=False
            )
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    rec = _Recorder()
    namespace: dict[str, Any] = {"SPECPATH": str(ROOT), "__name__": "__spec__"}
    for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        namespace[kind] = rec.make(kind)
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    _SPEC_NS.clear()
    _SPEC_NS.update(namespace)
    return rec, namespace["a"]


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_spec_filters_and_executables(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    rec, a = _exec_spec(monkeypatch, platform)
    kept = {d for d, _s, _t in a.binaries + a.datas}
    for dest, _t in KEEP:
        assert dest in kept, f"{dest} was dropped but the app needs it"
    for dest, _t in DROP:
        assert dest not in kept, f"{dest} should be left out"
    pure = {m for m, _s, _t in a.pure}
    assert set(PURE_KEEP) <= pure
    assert not set(PURE_DROP) & pure

    analysis = next(kw for kind, _a, kw in rec.calls if kind == "Analysis")
    assert analysis["hooksconfig"] == {"matplotlib": {"backends": ["QtAgg", "Agg"]}}
    assert "resources" in {dest for _src, dest in analysis["datas"]}
    assert "tkinter" in analysis["excludes"]
    assert analysis["module_collection_mode"]["docx"] == "pyz+py"  # docx/parts/../templates

    exes = [kw for kind, _a, kw in rec.calls if kind == "EXE"]
    names = {kw["name"]: kw["console"] for kw in exes}
    if platform == "win32":
        assert names == {"coprod-analyser": False, "coprod-analyser-cli": True}
        assert exes[0]["icon"].endswith("icon.ico")
        assert exes[0]["version"] is not None and "ProductVersion" in str(exes[0]["version"])
    else:
        assert names == {"coprod-analyser": False}
    bundles = [kw for kind, _a, kw in rec.calls if kind == "BUNDLE"]
    assert len(bundles) == (1 if platform == "darwin" else 0)
    if bundles:
        assert bundles[0]["icon"].endswith("icon.icns")
        from coprod_gui import __version__

        assert bundles[0]["info_plist"]["CFBundleShortVersionString"] == __version__
    for kw in exes + bundles:
        icon = kw.get("icon")
        assert icon is None or Path(icon).is_file()


def test_icons_are_generated() -> None:
    from PIL import Image

    for name in ("icon.png", "icon.ico", "icon.icns"):
        assert (ROOT / "resources" / name).is_file(), f"run scripts/make_icon.py ({name})"
    with Image.open(ROOT / "resources" / "icon.ico") as ico:
        assert (256, 256) in ico.info.get("sizes", {ico.size})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="strip runs on Linux only")
def test_strip_leaves_vendored_libraries_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stripping numpy's patchelf-rewritten OpenBLAS made the frozen numpy fail to import
    ("ELF load command address/offset not page-aligned"): <package>.libs/ must be skipped,
    while libraries that still carry a symbol table are stripped."""
    import numpy

    _rec, _a = _exec_spec(monkeypatch, "linux")
    namespace_should_strip = _SPEC_NS["_should_strip"]
    libs = Path(numpy.__file__).resolve().parent.parent / "numpy.libs"
    vendored = sorted(libs.glob("libscipy_openblas*.so"))
    assert vendored, "numpy's vendored OpenBLAS not found"
    dest = f"numpy.libs/{vendored[0].name}"
    assert not namespace_should_strip(dest, str(vendored[0]))
    assert not namespace_should_strip("numpy.libs\\x.so", str(vendored[0]))
    assert not namespace_should_strip("libfoo.so", "/nonexistent/libfoo.so")
    assert not namespace_should_strip("README.txt", str(ROOT / "README.md"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="strip runs on Linux only")
def test_strip_takes_a_library_that_has_a_symbol_table(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    import subprocess
    import sysconfig

    readelf = shutil.which("readelf")
    lib = Path(sysconfig.get_config_var("LIBDIR") or "/") / (
        sysconfig.get_config_var("LDLIBRARY") or "-"
    )
    if readelf is None or not lib.is_file():
        pytest.skip("needs readelf and a shared libpython")
    sections = subprocess.run([readelf, "-S", "-W", str(lib)], capture_output=True, text=True)
    _exec_spec(monkeypatch, "linux")
    assert _SPEC_NS["_should_strip"](lib.name, str(lib)) is (".symtab" in sections.stdout)
