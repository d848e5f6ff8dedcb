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
import dataclasses
import io
import json
import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, TextIO

from .core.errors import Cancelled, CoprodError, InputError, os_error
from .core.memory import memory_error
from .core.runtime import limit_blas_threads

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INPUT = 2

OUTPUT_ORDER = ("results.json", "mapping.json", "brief.docx", "results.xlsx")


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
        "--codebook",
        type=Path,
        help="labels for a file of bare codes: CSV or Excel with variable, value, label "
        "(and optionally question) columns",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("coprod-results"), help="output folder (made if needed)"
    )
    parser.add_argument(
        "--robustness", action="store_true", help="also fit the slower robustness checks"
    )
    parser.add_argument(
        "--project", type=Path, help="run a project saved by the window (.coprod) headless"
    )
    parser.add_argument(
        "--save-project",
        type=Path,
        help="also save the files and mapping used as a project (.coprod) for the window",
    )
    parser.add_argument("--sheet", help="the worksheet to read in Excel/ODS files")
    parser.add_argument(
        "--header-row", type=int, help="the row number (1 = first row) holding the column headings"
    )
    brief = parser.add_argument_group("the brief's context (shown on its title page)")
    brief.add_argument("--survey-name", help="e.g. \"Residents' Survey 2026\"")
    brief.add_argument("--fieldwork", help='when the survey ran, e.g. "September to October 2026"')
    brief.add_argument("--council", help="the council the brief is for")
    brief.add_argument("--contact", help="who to contact about the brief (name, team, email)")
    brief.add_argument(
        "--sampling", help='how residents were chosen, e.g. "a random sample of 8,000 addresses"'
    )
    brief.add_argument(
        "--weighting",
        help='what the weights make the answers match, e.g. "the age and sex of residents"',
    )
    return parser


class ProgressPrinter:
    """Progress on stderr: a redrawn bar on a terminal, one line per new step otherwise."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream: TextIO | None = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_message = ""
        self.last_draw = 0.0
        self.drawn = False

    def __call__(self, fraction: float, message: str) -> None:
        if self.stream is None:
            return
        try:
            self._draw(fraction, message)
        except (OSError, ValueError):  # stderr closed or full: carry on without progress
            self.stream = None

    def _draw(self, fraction: float, message: str) -> None:
        assert self.stream is not None
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
        if self.tty and self.drawn and self.stream is not None:
            self.drawn = False
            try:
                self.stream.write("\n")
                self.stream.flush()
            except (OSError, ValueError):
                self.stream = None


def _log_file() -> str | None:
    for handler in logging.getLogger("coprod_gui").handlers:
        name = getattr(handler, "baseFilename", None)
        if name:
            return str(name)
    return None


def _say(*lines: str) -> None:
    """Print to stderr; a closed or full stderr is ignored (nothing else can be done)."""
    try:
        for line in lines:
            print(line, file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _quiet_stdout() -> None:
    """stdout is a closed pipe or a full device: send the rest (and the interpreter's
    final flush) to the null device so the run ends without a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


NESTED_TOO_DEEPLY = InputError(
    "An input file is nested too deeply to read (for example a mapping file with "
    "thousands of brackets inside each other).",
    hint="Check the file is the one you meant; a mapping saved by this program never is.",
)


def _as_input_error(exc: BaseException) -> CoprodError | None:
    """The plain error for a problem the user can fix that arrived as a Python error."""
    if isinstance(exc, CoprodError):
        return exc
    if isinstance(exc, MemoryError):
        return memory_error(exc)
    if isinstance(exc, RecursionError):
        return NESTED_TOO_DEEPLY
    if isinstance(exc, OSError):
        return os_error(exc)
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
        _say("Stopped.")
        return EXIT_INPUT
    except KeyboardInterrupt:
        printer.finish()
        _say("Stopped.")
        return 130
    except Exception as exc:  # MemoryError, RecursionError and OSError included
        printer.finish()
        error = _as_input_error(exc)
        if error is not None:
            log.info("analyse stopped on an input problem (%s)", type(exc).__name__)
            _say(f"Error: {error.message}", *([error.hint] if error.hint else []))
            return EXIT_INPUT
        # The traceback's frames, not the message: a library's message can quote a cell.
        log.error(
            "analyse failed with %s:\n%s",
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        where = _log_file()
        _say(
            f"Error: something went wrong inside the program ({type(exc).__name__}). "
            + (f"The details are in the log: {where}" if where else "Please report this.")
        )
        return EXIT_INTERNAL
    printer.finish()
    try:
        print(f"Results written to {Path(os.path.abspath(args.out))}:")
        for path in written:
            print(f"  {path.name}")
        sys.stdout.flush()
    except (OSError, ValueError):  # a closed pipe (`| head`) or a full device: all was written
        _quiet_stdout()
    return EXIT_OK


def run(args: argparse.Namespace, progress: ProgressPrinter) -> list[Path]:
    """Do the work of ``main``; raises :class:`InputError` for anything the user can fix.

    Every output is written into a private staging folder and moved into ``--out`` only
    when all of them are complete (:class:`~.core.output_folder.OutputFolder`).
    """
    from .core.io.files import atomic_write_text
    from .core.logs import capture_warnings, warning_notes
    from .core.output_folder import OutputFolder
    from .core.pipeline import run_pipeline
    from .core.progress import slice_progress
    from .core.stats.analysis import AnalysisOptions
    from .core.survey.mapping import load_mapping, save_mapping
    from .core.survey.suggestions import to_check
    from .report.export import (
        DEMO_CONTACT,
        DEMO_FIELDWORK,
        DEMO_SAMPLING,
        DEMO_SURVEY_NAME,
        DEMO_WEIGHTING,
        export_all,
        results_document,
    )
    from .report.options import BriefOptions

    if args.demo and args.files:
        raise InputError(
            "Give either survey files or --demo, not both.",
            hint="Use --demo on its own to analyse the example survey.",
        )
    project = None
    if args.project is not None:
        if args.files or args.demo or args.mapping:
            raise InputError(
                "Give either --project or survey files (with --mapping), not both.",
                hint="A project already names its survey files and their mapping.",
            )
        from .core.project import open_project

        project = open_project(args.project)
        for warning in project.warnings:
            print(f"Warning: {warning}", file=sys.stderr)
        paths = project.paths
    elif args.demo:
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
    folder = OutputFolder(args.out)
    with folder as staging, capture_warnings() as caught:
        mapping = load_mapping(args.mapping) if args.mapping else None
        header_row = args.header_row - 1 if args.header_row is not None else None
        options = AnalysisOptions(robustness=args.robustness)
        log.info("analyse: %d file(s), mapping given: %s", len(paths), mapping is not None)
        if project is not None:
            from .core.project import run_project

            out, brief_options = run_project(
                project, BriefOptions, args.robustness, slice_progress(progress, 0.0, 0.8)
            )
        else:
            out = run_pipeline(
                paths,
                mapping=mapping,
                options=options,
                sheet=args.sheet,
                header_row=header_row,
                progress=slice_progress(progress, 0.0, 0.8),
                on_suggested=None if mapping else _draft_step(folder, staging, args.out, progress),
                codebook=args.codebook,
            )
            brief_options = BriefOptions()
        result = out.result
        assert result is not None  # run_pipeline always analyses
        result.warnings.extend(warning_notes(caught))
        # The brief's context: the flags given win over a project's saved brief options.
        context = {
            "survey_name": args.survey_name
            or (DEMO_SURVEY_NAME if args.demo and not brief_options.survey_name else None),
            "fieldwork": args.fieldwork
            or (DEMO_FIELDWORK if args.demo and not brief_options.fieldwork else None),
            "council_name": args.council,
            "contact": args.contact
            or (DEMO_CONTACT if args.demo and not brief_options.contact else None),
            "sampling": args.sampling
            or (DEMO_SAMPLING if args.demo and not brief_options.sampling else None),
            "weighting": args.weighting
            or (DEMO_WEIGHTING if args.demo and not brief_options.weighting else None),
        }
        brief_options = dataclasses.replace(
            brief_options, **{k: v for k, v in context.items() if v is not None}
        )
        export_all(result, staging, brief_options, progress=slice_progress(progress, 0.8, 0.98))
        save_mapping(out.mapping, staging / "mapping.json", to_check=to_check(out.suggestions))
        # Notes on warnings raised while drawing the charts reach results.json too.
        result.warnings.extend(w for w in warning_notes(caught) if w not in result.warnings)
        # Small groups are withheld from results.json exactly as from the brief beside it;
        # the brief's key messages and recommendations are in it with the terms they rest on.
        doc = json.dumps(
            results_document(result, brief_options),
            indent=2,
            ensure_ascii=False,
            allow_nan=False,
        )
        atomic_write_text(staging / "results.json", doc + "\n")
        progress(0.99, "Moving the results into the output folder")
        written = sorted(folder.commit(), key=lambda p: OUTPUT_ORDER.index(p.name))
    if args.save_project is not None:
        from .core.project import make_project, options_to_dict, save_project

        same = {Path(p): (args.sheet, header_row) for p in paths} if project is None else None
        saved = make_project(
            [Path(p) for p in paths],
            out.mapping,
            args.save_project,
            overrides=project.overrides if project is not None else same,
            brief=options_to_dict(brief_options),
            analysis={"robustness": bool(options.robustness)},
        )
        written.append(save_project(saved, args.save_project))
    progress(1.0, "Done")
    return written


def _draft_step(folder: Any, staging: Path, out: Path, progress: ProgressPrinter) -> Any:
    """What ``analyse`` does with a suggested mapping before analysing (issue 9).

    Writes the draft ``mapping.json`` (with every question's definition and the
    suggestions left "to check") into ``--out``, prints (on stderr) per topic what was
    chosen and how sure; when a form of co-production or the efficacy driver is unsure, stops with exit 2
    asking the officer to check that file and run again with ``--mapping``.
    """
    from .core.errors import InputError
    from .core.survey.define import build_definitions
    from .core.survey.draft import draft_report
    from .core.survey.mapping import save_mapping
    from .core.survey.suggestions import to_check

    def step(tables: list[Any], mapping: Any, suggestions: list[Any]) -> None:
        mapping.definitions = build_definitions(tables, mapping)
        lines, unsure = draft_report(mapping, suggestions, ", ".join(repr(t.name) for t in tables))
        progress.finish()
        draft = Path(os.path.abspath(out)) / "mapping.json"
        # On stderr with the progress: stdout carries only the list of files written.
        _say("No --mapping given, so the program chose the questions itself:", *lines)
        if not unsure:
            _say(f"The mapping used is saved as {draft}; check it, then use --mapping {draft} next time.")
            return
        save_mapping(mapping, staging / "mapping.json", to_check=to_check(suggestions))
        folder.commit()
        raise InputError(
            "The program is not sure which questions to use: " + "; ".join(unsure) + ". "
            f"No brief was written. A draft mapping is saved as {draft}.",
            hint=f"Open the mapping file {draft} in a text editor, move the right columns from "
            f"\"to_check\" into \"columns\" (and check each question's answers under "
            f"\"questions\"), then run again with --mapping {draft}.",
        )

    return step
