"""Build the double-clickable program with build.spec, zip it, and optionally test it.

Normally run through ``scripts/build_exe.sh`` (which sets up .venv first):

    python scripts/build_exe.py                    build + zip
    python scripts/build_exe.py --self-test        ... then unzip it and run the BUILT
                                                   program's self-test (offscreen)
    python scripts/build_exe.py --no-build --self-test   test an existing build
    python scripts/build_exe.py --max-mb 350       ... fail if the folder is over 350 MB
    python scripts/build_exe.py --startup [N]      launch -> window shown, frozen and from
                                                   source (median of N, default 5)

Prints the build time, folder size and file count. Output: dist/CoprodAnalyser/ (and on
macOS dist/Co-production Analyser.app) plus dist/CoprodAnalyser-<version>-<platform>.zip.
Same script on Windows, macOS and Linux (no du, zip or other Unix tools needed).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
FOLDER = "CoprodAnalyser"
NAME = "coprod-analyser"


def version() -> str:
    text = (ROOT / "coprod_gui" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__\s*=\s*"([^"]+)"', text)
    return match.group(1) if match else "0"


def platform_tag() -> str:
    system = {"Windows": "windows", "Darwin": "macos", "Linux": "linux"}.get(
        platform.system(), platform.system().lower()
    )
    machine = platform.machine().lower().replace("amd64", "x86_64").replace("aarch64", "arm64")
    return f"{system}-{machine}"


def app_dir(base: Path = DIST) -> Path:
    """The folder (or .app) that is zipped and handed to officers."""
    if sys.platform == "darwin":
        apps = list(base.glob("*.app"))
        if apps:
            return apps[0]
    return base / FOLDER


def executable(cli: bool = True, base: Path = DIST) -> Path:
    """The built program under ``base``; on macOS the copy inside the .app, which ships."""
    name = NAME
    if sys.platform.startswith("win"):  # only Windows has the console twin
        name = f"{NAME}-cli.exe" if cli else f"{NAME}.exe"
    target = app_dir(base)
    if target.suffix == ".app":
        return target / "Contents" / "MacOS" / name
    return target / name


def folder_stats(folder: Path) -> tuple[int, int]:
    size = files = 0
    if sys.platform == "darwin" and app_dir().suffix == ".app":
        folder = app_dir()
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            size += p.stat().st_size
            files += 1
    return size, files


def build() -> float:
    start = time.perf_counter()
    for d in (ROOT / "build" / "build", DIST / FOLDER):
        shutil.rmtree(d, ignore_errors=True)
    for app in DIST.glob("*.app"):
        shutil.rmtree(app, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(ROOT / "build" / "build"),
        str(ROOT / "build.spec"),
    ]
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    return time.perf_counter() - start


def zip_folder(folder: Path, out: Path) -> None:
    """Zip ``folder`` (as its own top-level folder) keeping symbolic links as links.

    PyInstaller's Linux build links e.g. _internal/libicudata.so.73 to the copy under
    PySide6/; shutil.make_archive would store both copies (about 120 MB more once unzipped).
    """
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            here = Path(dirpath)
            for name in sorted(filenames) + [d for d in dirnames if (here / d).is_symlink()]:
                path = here / name
                arcname = path.relative_to(folder.parent).as_posix()
                if path.is_symlink():
                    info = zipfile.ZipInfo(arcname)
                    info.create_system = 3  # Unix, so unzip restores the link
                    info.external_attr = (stat.S_IFLNK | 0o777) << 16
                    zf.writestr(info, os.readlink(path))
                else:
                    zf.write(path, arcname)


def make_zip() -> Path:
    """Zip the folder (or .app) for handing out; written to a temporary name, then renamed,
    so an interrupted build never leaves a truncated zip that looks finished."""
    start = time.perf_counter()
    final = DIST / f"{FOLDER}-{version()}-{platform_tag()}.zip"
    partial = DIST / f"{final.stem}.partial.zip"
    partial.unlink(missing_ok=True)
    target = app_dir()
    if target.suffix == ".app":
        # A .app holds symlinks (and a code signature) that shutil's zip would break.
        subprocess.run(
            ["ditto", "-c", "-k", "--sequesterRsrc", "--keepParent", str(target), str(partial)],
            check=True,
        )
    else:
        zip_folder(target, partial)
    partial.replace(final)
    size = final.stat().st_size
    print(f"zip: {final} ({size / 1e6:.0f} MB, {time.perf_counter() - start:.1f} s)")
    return final


def unzip(archive: Path, dest: Path) -> None:
    """Unpack the zip as an officer would get it, symbolic links and all."""
    if sys.platform == "darwin":
        subprocess.run(["ditto", "-x", "-k", str(archive), str(dest)], check=True)
        return
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            mode = info.external_attr >> 16
            path = dest / info.filename
            if stat.S_ISLNK(mode):
                path.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(zf.read(info).decode("utf-8"), path)
            else:
                zf.extract(info, dest)
                if mode & 0o111:
                    path.chmod(stat.S_IMODE(mode))


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            found[path.relative_to(folder).as_posix()] = (st.st_size, st.st_mtime_ns)
    return found


def self_test(archive: Path | None) -> int:
    """Run the built program's --self-test offscreen; from the unpacked zip when there is
    one (that is what officers run), else from dist/. Also fails if the program wrote
    anything into its own folder (it may be read-only on an officer's PC)."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.pop("COPROD_STARTUP_PROBE", None)
    with tempfile.TemporaryDirectory(prefix="coprod-unzipped-") as tmp:
        base = DIST
        if archive is not None:
            start = time.perf_counter()
            unzip(archive, Path(tmp))
            base = Path(tmp)
            print(f"unzipped {archive.name} in {time.perf_counter() - start:.1f} s")
        exe = executable(cli=True, base=base)
        before = snapshot(app_dir(base))
        print(f"$ {exe} --self-test", flush=True)
        start = time.perf_counter()
        try:
            rc = subprocess.run([str(exe), "--self-test"], env=env, timeout=900).returncode
        except subprocess.TimeoutExpired:
            print("the built program's self-test did not finish within 15 minutes")
            rc = 124
        changed = sorted(set(snapshot(app_dir(base)).items()) ^ set(before.items()))
        if changed:
            names = sorted({name for name, _ in changed})
            print(f"FAIL  the program wrote into its own folder: {names[:10]}")
            rc = rc or 1
    print(f"built program's self-test: exit {rc} in {time.perf_counter() - start:.1f} s")
    return rc


def time_to_window(cmd: list[str], runs: int) -> list[float]:
    """Launch ``cmd`` with the start-up probe; seconds from launch to the window shown."""
    env = dict(os.environ, COPROD_STARTUP_PROBE="1")
    times = []
    for _ in range(runs):
        start = time.time()
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        match = re.search(r"COPROD_WINDOW_SHOWN ([0-9.]+)", out.stdout)
        if not match:
            print(f"no window reported by {cmd} (exit {out.returncode}):\n{out.stderr[-2000:]}")
            return []
        times.append(float(match.group(1)) - start)
    return times


def qt_platform() -> str:
    """The Qt platform a launch from here uses (the probe picks offscreen with no screen)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return os.environ["QT_QPA_PLATFORM"]
    if sys.platform.startswith("linux"):
        return "xcb" if os.environ.get("DISPLAY") else "offscreen"
    return "native"


def startup(runs: int) -> None:
    print(f"start-up probe on Qt platform: {qt_platform()} (DISPLAY={os.environ.get('DISPLAY')})")
    variants = [("from source", [sys.executable, str(ROOT / "main.py"), "--self-test"])]
    if executable().exists():
        variants.append(("frozen", [str(executable()), "--self-test"]))
    for label, cmd in variants:
        time_to_window(cmd, 1)  # warm the disk cache (and matplotlib's font cache)
        times = time_to_window(cmd, runs)
        if times:
            print(
                f"launch -> window shown, {label}: median {statistics.median(times):.2f} s "
                f"(runs: {', '.join(f'{t:.2f}' for t in times)})  "
                f"[COPROD_STARTUP_PROBE=1 {' '.join(cmd)}]"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--self-test", action="store_true", help="run the built self-test")
    parser.add_argument("--no-build", action="store_true", help="use the existing build")
    parser.add_argument("--no-zip", action="store_true", help="skip the zip")
    parser.add_argument(
        "--startup",
        nargs="?",
        type=int,
        const=5,
        metavar="N",
        help="measure launch -> window (median of N runs)",
    )
    parser.add_argument(
        "--max-mb",
        type=float,
        metavar="MB",
        help="fail if the built folder is larger than MB megabytes (10^6 bytes)",
    )
    args = parser.parse_args(argv)

    if not args.no_build:
        seconds = build()
        size, files = folder_stats(DIST / FOLDER)
        print(
            f"built {DIST / FOLDER} in {seconds:.1f} s: {size / 1e6:.0f} MB "
            f"({size / 2**20:.0f} MiB), {files} files"
        )
    archive = None
    if not args.no_build and not args.no_zip:
        archive = make_zip()
    if not executable().exists():
        print(f"no build found at {executable()}", file=sys.stderr)
        return 1
    rc = 0
    if args.max_mb is not None:
        size, _files = folder_stats(DIST / FOLDER)
        if size / 1e6 > args.max_mb:
            print(
                f"FAIL  the built folder is {size / 1e6:.0f} MB, over the {args.max_mb:.0f} MB budget"
            )
            rc = 1
    if args.self_test:
        rc = self_test(archive) or rc
    if args.startup:
        startup(args.startup)
    return rc


if __name__ == "__main__":
    sys.exit(main())
