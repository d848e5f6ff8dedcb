"""Headless command line: ``main.py analyse FILE... [--mapping M.json] [--out DIR]``.

Writes ``results.json`` (``coprod-results/1``), the ``mapping.json`` it used (ready to
edit and pass back with ``--mapping``), ``brief.docx`` and ``results.xlsx`` into the
output folder, and prints where they went.

Exit status: 0 when all went well; 2 when the input needs fixing (a plain message and a
hint on stderr, never a traceback); 1 for anything else (a short message on stderr, the
details in the log). Progress goes to stderr: a bar on a terminal, plain lines otherwise
(so a log or CI output stays readable).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import traceback
from pathlib import Path
from typing import TextIO

from .core.errors import Cancelled, CoprodError
from .core.runtime import limit_blas_threads

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """The ``analyse`` command's options (``app.py`` strips the word ``analyse``)."""
    parser = argparse.ArgumentParser(
        prog="main.py analyse",
        description="Analyse one or more survey files and write the results and the brief.",
    )
    parser.add_argument("files", nargs="*", type=Path, help="survey files (xlsx, csv, sav, ...)")
    parser.add_argument("--demo", action="store_true", help="analyse the bundled example survey")
    parser.add_argument("--mapping", type=Path, help="a mapping file saved earlier (JSON)")
    parser.add_argument(
        "--out", type=Path, default=Path("coprod-results"), help="output folder (made if needed)"
    )
    parser.add_argument(
        "--robustness", action="store_true", help="also fit the slower robustness checks"
    )
    parser.add_argument("--sheet", help="the worksheet to read in Excel/ODS files")
    parser.add_argument(
        "--header-row", type=int, help="the row number (1 = first row) holding the column headings"
    )
    return parser


class ProgressPrinter:
    """Progress on stderr: a redrawn bar on a terminal, one line per new step otherwise."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_message = ""
        self.last_draw = 0.0
        self.drawn = False

    def __call__(self, fraction: float, message: str) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if self.tty:
            now = time.monotonic()
            if message == self.last_message and now - self.last_draw < 0.1 and fraction < 1:
                return
            self.last_draw = now
            filled = round(fraction * self.WIDTH)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            text = f"\r[{bar}] {fraction * 100:3.0f}% {message[:60]:<60}"
            self.stream.write(text)
            self.drawn = True
        elif message != self.last_message:
            self.stream.write(f"{fraction * 100:3.0f}% {message}\n")
        self.last_message = message
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line so later messages start on a fresh one."""
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def _log_file() -> str | None:
    for handler in logging.getLogger("coprod_gui").handlers:
        name = getattr(handler, "baseFilename", None)
        if name:
            return str(name)
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the ``analyse`` command; returns the exit status."""
    limit_blas_threads()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its message
        return EXIT_OK if exc.code in (0, None) else EXIT_INPUT
    printer = ProgressPrinter()
    try:
        written = run(args, printer)
    except Cancelled:
        printer.finish()
        print("Stopped.", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        printer.finish()
        print("Stopped.", file=sys.stderr)
        return 130
    except CoprodError as exc:
        printer.finish()
        log.info("analyse stopped on an input problem (%s)", type(exc).__name__)
        print(f"Error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:
        printer.finish()
        # The traceback's frames, not the message: a library's message can quote a cell.
        log.error(
            "analyse failed with %s:\n%s",
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        where = _log_file()
        print(
            f"Error: something went wrong inside the program ({type(exc).__name__}). "
            + (f"The details are in the log: {where}" if where else "Please report this."),
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    printer.finish()
    print(f"Results written to {args.out.resolve()}:")
    for path in written:
        print(f"  {path.name}")
    return EXIT_OK


def run(args: argparse.Namespace, progress: ProgressPrinter) -> list[Path]:
    """Do the work of ``main``; raises :class:`InputError` for anything the user can fix."""
    from .core.errors import InputError
    from .core.io.files import atomic_write_text
    from .core.pipeline import run_pipeline
    from .core.progress import slice_progress
    from .core.stats.analysis import AnalysisOptions
    from .core.survey.mapping import load_mapping, save_mapping
    from .report.export import export_all
    from .report.options import BriefOptions
    from .report.suppression import protected_results

    if args.demo and args.files:
        raise InputError(
            "Give either survey files or --demo, not both.",
            hint="Use --demo on its own to analyse the example survey.",
        )
    if args.demo:
        from .core.survey.example import example_survey_paths

        paths = example_survey_paths()
    elif args.files:
        paths = list(args.files)
    else:
        raise InputError(
            "No survey file was given.",
            hint="Name one or more survey files, or use --demo to try the example survey.",
        )
    if args.header_row is not None and args.header_row < 1:
        raise InputError(
            "The header row must be 1 or more (the first row of the sheet is 1).",
            hint="Leave out --header-row to let the program find the headings.",
        )
    mapping = load_mapping(args.mapping) if args.mapping else None
    header_row = args.header_row - 1 if args.header_row is not None else None
    options = AnalysisOptions(robustness=args.robustness)
    log.info("analyse: %d file(s), mapping given: %s", len(paths), mapping is not None)
    out = run_pipeline(
        paths,
        mapping=mapping,
        options=options,
        sheet=args.sheet,
        header_row=header_row,
        progress=slice_progress(progress, 0.0, 0.8),
    )
    result = out.result
    assert result is not None  # run_pipeline always analyses
    folder: Path = args.out
    brief_options = BriefOptions()
    # Small groups are withheld from results.json exactly as from the brief it sits beside.
    doc = json.dumps(
        protected_results(result, brief_options), indent=2, ensure_ascii=False, allow_nan=False
    )
    written = [atomic_write_text(folder / "results.json", doc + "\n")]
    save_mapping(out.mapping, folder / "mapping.json")
    written.append(folder / "mapping.json")
    files = export_all(result, folder, brief_options, progress=slice_progress(progress, 0.8, 1.0))
    written.extend(Path(p) for p in files.values())
    progress(1.0, "Done")
    return written
