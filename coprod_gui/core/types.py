"""Data objects passed between the pipeline steps (DESIGN.md §1).

    files ──read──▶ RawTable[] ──suggest/edit──▶ Mapping ──prepare──▶ SurveyFrame (+ DataQuality)

They are plain dataclasses so each step is a pure function of the one before and can be
tested without the others. Results of the analysis live in :mod:`coprod_gui.core.results`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

Severity = Literal["info", "warning", "error"]


@dataclass
class RawTable:
    """One survey file (or sheet) as read, before any recoding.

    ``frame`` holds the answers as the file has them: text stays text (``"None"``,
    ``"N/A"`` and IDs with leading zeros are not turned into missing or numbers), numbers
    stay numbers, blanks are ``NaN``/``None``. Column names are unique, stripped headers;
    ``renamed_headers`` lists every header that had to change and why.
    """

    source: Path
    frame: pd.DataFrame
    sheet: str | None = None  # sheet name for workbooks
    sheets: list[str] = field(default_factory=list)  # all sheets in the workbook
    header_row: int = 0  # 0-based row of the header in the sheet/file
    format: str = ""  # "xlsx", "xls", "csv", "ods", "sav", "dta"
    encoding: str | None = None  # text files only
    delimiter: str | None = None  # text files only
    variable_labels: dict[str, str] = field(default_factory=dict)  # column -> question text
    value_labels: dict[str, dict[Any, str]] = field(default_factory=dict)  # column -> {code: label}
    missing_codes: dict[str, list[Any]] = field(default_factory=dict)  # declared user-missing
    renamed_headers: list[tuple[str, str, str]] = field(default_factory=list)  # (old, new, why)
    notes: list[str] = field(default_factory=list)  # plain-English notes from the reader
    # column -> where its value labels came from when not the file itself ("codebook")
    label_origin: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The file name shown to users (never the full path: paths can identify people)."""
        return self.source.name if not self.sheet else f"{self.source.name} [{self.sheet}]"

    def question_text(self, column: str) -> str:
        """The variable label when the file has one, else the column header."""
        return self.variable_labels.get(column) or column


@dataclass
class Mapping:
    """Which columns measure which construct (the ``coprod-mapping/2`` file).

    ``columns`` maps a construct name to the list of column names (or, for SPSS/Stata,
    variable labels) that measure it. Single-column constructs hold a one-element list.
    """

    columns: dict[str, list[str]] = field(default_factory=dict)
    missing: list[Any] = field(default_factory=list)  # extra answers/codes to treat as missing
    reverse: list[str] = field(default_factory=list)  # columns worded against their construct
    service_areas: dict[str, str] = field(default_factory=dict)  # outcome column -> area
    sheet: str | None = None
    header_row: int | None = None
    threshold: str = "sometimes"  # lowest answer that counts as doing an activity regularly
    # A question's own missing codes ({column: [codes]}); ``missing`` is for every question.
    missing_by_column: dict[str, list[Any]] = field(default_factory=dict)
    # column -> core.survey.definitions.QuestionDefinition: what every answer means. Filled
    # from a coprod-mapping/2 file or by ``prepare``; a column without one is defined from
    # the files when it is prepared.
    definitions: dict[str, Any] = field(default_factory=dict)

    def get(self, construct: str) -> list[str]:
        return list(self.columns.get(construct, []))

    def has(self, construct: str) -> bool:
        return bool(self.columns.get(construct))


@dataclass
class Suggestion:
    """A proposed column for a construct, with how sure we are and why."""

    construct: str
    column: str
    confidence: float  # 0–1
    reason: str  # plain English, e.g. "question mentions 'volunteer'"
    service_area: str | None = None
    selected: bool = False  # put in the draft mapping (wording and answers both fit)


@dataclass
class QualityIssue:
    """One data problem in plain words: what, where, how many, what we did about it.

    ``examples`` may hold raw answers the program did not recognise (which can be a
    resident's free text), so it is shown only in the window: never in ``message``,
    never exported (``AnalysisResult.to_dict`` drops it), never logged.
    """

    severity: Severity
    message: str
    column: str | None = None
    source: str | None = None  # file name
    count: int = 0
    examples: list[str] = field(default_factory=list)
    action: str = ""  # what was done, e.g. "treated as missing"


@dataclass
class DataQuality:
    """Everything the import and preparation found, for the report and the window."""

    rows_per_file: dict[str, int] = field(default_factory=dict)
    issues: list[QualityIssue] = field(default_factory=list)

    def add(self, severity: Severity, message: str, **kw: Any) -> None:
        self.issues.append(QualityIssue(severity, message, **kw))

    @property
    def warnings(self) -> list[QualityIssue]:
        return [i for i in self.issues if i.severity != "info"]


@dataclass
class ItemInfo:
    """One co-production item in the prepared frame."""

    column: str  # column name in SurveyFrame.data (e.g. "individual_1")
    source: str  # original header or variable label (question text)
    form: Literal["individual", "collective"]
    area: str | None  # service area, if known
    scale: str  # name of the answer scale recognised (see core.survey.scales)
    labels: list[str]  # answer labels in score order, lowest first (score 0 .. n_points-1)
    regular_from: int  # lowest score that counts as doing the activity regularly
    reversed: bool = False

    @property
    def n_points(self) -> int:
        return len(self.labels)


@dataclass
class SurveyFrame:
    """The prepared survey: one row per respondent, canonical columns, scores not labels.

    Columns of ``data``:

    - ``authority``: category (council name) — always present (one value if one council);
      NaN for a respondent whose council cell was blank or "don't know" (reported);
    - ``weight``: float, only when a weight is mapped;
    - one column per item in ``items``: float score 0..n_points-1, NaN = missing;
    - one column per continuous driver in ``drivers``, named by construct
      (``efficacy``, ...): mean of its items, each rescaled to 0–1 (0 = least, 1 = most);
    - ``age``: float years (band midpoints when bands were given), if mapped;
      ``age_band``: category ("16-34", "35-54", "55-74", "75+" or the survey's own bands);
    - categorical controls by construct name (``gender``, ...): pandas category,
      missing answers NaN.
    """

    data: pd.DataFrame
    items: list[ItemInfo]
    drivers: list[str]
    controls: list[str]  # "age" and categorical control names present
    weighted: bool
    quality: DataQuality
    mapping: Mapping
    sources: list[str] = field(default_factory=list)  # file names (not paths)

    def items_of(self, form: str) -> list[ItemInfo]:
        return [i for i in self.items if i.form == form]
