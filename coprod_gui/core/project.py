"""Project files (``.coprod``, JSON ``coprod-project/1``): a survey and the officer's work on it.

Why a project and not just a mapping file: the officer's checks (which question measures
what, which are reversed, how each answer is scored) belong to one survey file, and
reopening the survey alone brings every guess back. A project names the survey files by
path relative to the project (so a folder can be moved or shared as a whole), with each
file's size and SHA-256 so a changed file is noticed before old checks are applied to
it, and carries the mapping (with the question definitions it holds) and the brief's
options. The window and ``analyse --project`` read the same file.

The document::

    {"schema": "coprod-project/1",
     "files": [{"path": "GSS2010.dta", "size": 123, "sha256": "…",
                "sheet": null, "header_row": null}],
     "mapping": {"schema": "coprod-mapping/2", …},
     "brief": {"title": "…", "min_base": 10, …},
     "analysis": {"robustness": false}}

Files are written with :func:`~coprod_gui.core.io.files.atomic_write_text`: a crash while
saving leaves the old project whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .io.files import atomic_write_text
from .progress import CancelFn, ProgressFn, never_cancelled, no_progress, slice_progress
from .survey.mapping import mapping_document, mapping_from_dict
from .types import Mapping

if TYPE_CHECKING:
    from .pipeline import PipelineOutput

SCHEMA = "coprod-project/1"
SUFFIX = ".coprod"
MAX_PROJECT_BYTES = 20_000_000  # a project is a few KB; refuse to parse anything huge
_CHUNK = 1 << 20


@dataclass
class ProjectFile:
    """One survey file of a project; ``path`` is relative to the project's folder."""

    path: str
    size: int
    sha256: str
    sheet: str | None = None
    header_row: int | None = None  # 0-based, as the reader takes it


@dataclass
class Project:
    """What a ``.coprod`` file holds."""

    files: list[ProjectFile]
    mapping: Mapping
    brief: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] = field(default_factory=dict)


@dataclass
class OpenedProject:
    """A project read from disk, its files found, and anything the officer should know."""

    project: Project
    path: Path
    paths: list[Path]  # the survey files, absolute
    overrides: dict[Path, tuple[str | None, int | None]]  # sheet / header row per file
    warnings: list[str] = field(default_factory=list)


def file_hash(path: Path) -> str:
    """SHA-256 of a file, read in chunks (a survey can be hundreds of MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _relative(path: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return path.resolve().as_posix()


def make_project(
    paths: list[Path],
    mapping: Mapping,
    project_path: Path,
    *,
    overrides: dict[Path, tuple[str | None, int | None]] | None = None,
    brief: dict[str, Any] | None = None,
    analysis: dict[str, Any] | None = None,
) -> Project:
    """A project for ``paths`` to be saved at ``project_path`` (hashes every file)."""
    overrides = overrides or {}
    folder = Path(project_path).parent
    files = []
    for p in paths:
        p = Path(p)
        sheet, header_row = overrides.get(p, (None, None))
        files.append(
            ProjectFile(_relative(p, folder), p.stat().st_size, file_hash(p), sheet, header_row)
        )
    return Project(files, mapping, dict(brief or {}), dict(analysis or {}))


def project_to_dict(project: Project) -> dict[str, Any]:
    """The ``coprod-project/1`` document."""
    return {
        "schema": SCHEMA,
        "files": [dataclasses.asdict(f) for f in project.files],
        "mapping": mapping_document(project.mapping),
        "brief": _plain(project.brief),
        "analysis": _plain(project.analysis),
    }


def save_project(project: Project, path: str | os.PathLike[str]) -> Path:
    """Write ``project`` to ``path`` atomically (``.coprod`` added when missing)."""
    target = Path(path)
    if target.suffix.lower() != SUFFIX:
        target = target.with_name(target.name + SUFFIX)
    text = json.dumps(project_to_dict(project), indent=2, ensure_ascii=False, allow_nan=False)
    return atomic_write_text(target, text + "\n")


def project_from_dict(d: Any, *, source: str = "the project") -> Project:
    """A :class:`Project` from a ``coprod-project/1`` document (validated)."""

    def bad(what: str) -> InputError:
        return InputError(
            f"{source} is not a valid project file: {what}.",
            hint="Choose a .coprod file saved by this program, or open the survey itself.",
        )

    if not isinstance(d, dict):
        raise bad("it is not a JSON object")
    if d.get("schema") != SCHEMA:
        raise bad(f'its "schema" is {d.get("schema")!r}, not "{SCHEMA}"')
    raw_files = d.get("files")
    if not isinstance(raw_files, list) or not raw_files:
        raise bad("it names no survey file")
    files = []
    for entry in raw_files:
        if not isinstance(entry, dict):
            raise bad("a survey file entry is not an object")
        path, size, digest = entry.get("path"), entry.get("size"), entry.get("sha256")
        sheet, header_row = entry.get("sheet"), entry.get("header_row")
        if not isinstance(path, str) or not path:
            raise bad("a survey file has no path")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise bad(f"the size of {Path(path).name!r} is not a whole number")
        if not isinstance(digest, str) or len(digest) != 64:
            raise bad(f"the checksum of {Path(path).name!r} is missing")
        if sheet is not None and not isinstance(sheet, str):
            raise bad(f"the sheet of {Path(path).name!r} is not a name")
        if header_row is not None and (
            not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 0
        ):
            raise bad(f"the heading row of {Path(path).name!r} is not a whole number")
        files.append(ProjectFile(path, size, digest, sheet, header_row))
    mapping = mapping_from_dict(d.get("mapping"), source=f"The mapping in {source}")
    brief = d.get("brief", {})
    analysis = d.get("analysis", {})
    if not isinstance(brief, dict) or not isinstance(analysis, dict):
        raise bad('"brief" and "analysis" must be objects')
    return Project(files, mapping, brief, analysis)


def load_project(path: str | os.PathLike[str]) -> Project:
    """Read a ``.coprod`` file; a plain-English error names the file if it is bad."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_PROJECT_BYTES:
            raise InputError(
                f"{p.name!r} is too large to be a project file.",
                hint="Choose a .coprod file saved by this program.",
            )
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"The project {p.name!r} was not found.", hint="Check the name.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"The project {p.name!r} could not be read.",
            hint="Choose a .coprod file saved by this program.",
        ) from exc
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"The project {p.name!r} is not valid JSON (line {exc.lineno}).",
            hint="Open the survey itself and save the project again.",
        ) from exc
    return project_from_dict(d, source=f"The project {p.name!r}")


def open_project(path: str | os.PathLike[str]) -> OpenedProject:
    """Read a project and find its survey files (beside the project, as saved).

    A missing file is an :class:`InputError` naming it; a file whose size or checksum has
    changed since the project was saved is a warning (the checks may no longer fit it).
    """
    p = Path(path)
    project = load_project(p)
    folder = p.parent
    paths, overrides, warnings = [], {}, []
    for entry in project.files:
        candidate = Path(entry.path)
        file = candidate if candidate.is_absolute() else (folder / candidate)
        if not file.is_file():
            raise InputError(
                f"The survey file {candidate.name!r} of the project {p.name!r} was not found "
                f"(looked in {file.parent.name or 'the project folder'}).",
                hint="Put the survey file back beside the project (as when it was saved), "
                "or open the survey itself and save a new project.",
            )
        file = file.resolve()
        if file.stat().st_size != entry.size or file_hash(file) != entry.sha256:
            warnings.append(
                f"{file.name} has changed since the project was saved: check the matched "
                "questions and their scores before trusting the results."
            )
        paths.append(file)
        overrides[file] = (entry.sheet, entry.header_row)
    return OpenedProject(project, p, paths, overrides, warnings)


def run_project(
    opened: OpenedProject,
    brief_cls: type,
    robustness: bool = False,
    progress: ProgressFn = no_progress,
    is_cancelled: CancelFn = never_cancelled,
) -> tuple[PipelineOutput, Any]:
    """Read a project's files (each with its own sheet and heading row), check its mapping
    against them and analyse: what ``analyse --project`` does. Returns the pipeline's
    output and the project's brief options as ``brief_cls`` (the report's BriefOptions)."""
    from .pipeline import PipelineOutput, analyse_tables, load_tables
    from .stats.analysis import AnalysisOptions
    from .survey.mapping import check_mapping

    tables = []
    n = len(opened.paths)
    for i, path in enumerate(opened.paths):
        sheet, header_row = opened.overrides.get(path, (None, None))
        tables += load_tables(
            [path],
            sheet=sheet,
            header_row=header_row,
            progress=slice_progress(progress, 0.4 * i / n, 0.4 * (i + 1) / n),
            is_cancelled=is_cancelled,
        )
    mapping = opened.project.mapping
    check_mapping(mapping, tables)
    options = AnalysisOptions(
        robustness=robustness or bool(opened.project.analysis.get("robustness", False))
    )
    survey, result = analyse_tables(
        tables, mapping, options, slice_progress(progress, 0.4, 1.0), is_cancelled
    )
    out = PipelineOutput(tables, mapping, [], survey, result)
    return out, options_from_dict(brief_cls, opened.project.brief)


def options_to_dict(options: Any) -> dict[str, Any]:
    """The plain fields (text, numbers, yes/no) of an options dataclass, for ``brief``."""
    out = {}
    for f in dataclasses.fields(options):
        value = getattr(options, f.name)
        if value is None or isinstance(value, str | int | float | bool):
            out[f.name] = value
    return out


def options_from_dict(cls: type, d: dict[str, Any], **fixed: Any) -> Any:
    """An options dataclass ``cls`` from ``d``: unknown keys (a newer program's) and
    values of the wrong type are left at their defaults."""
    kwargs: dict[str, Any] = {}
    defaults = cls(**fixed)
    for f in dataclasses.fields(cls):
        if f.name in d and f.name not in fixed:
            value, default = d[f.name], getattr(defaults, f.name)
            if default is None or value is None or type(value) is type(default):
                kwargs[f.name] = value
    return cls(**fixed, **kwargs)


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in d.items() if v is None or isinstance(v, str | int | float | bool)}
