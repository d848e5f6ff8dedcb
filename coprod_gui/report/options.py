"""Settings of the brief: who it is for and how small groups are protected.

Why a separate module: findings, suppression, charts and the writers all read the same
options, and keeping them here avoids an import cycle between those modules.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

WORKBOOK_NAME = "results.xlsx"
"""The workbook written beside the brief; the brief names it where it says "see the workbook"."""


@dataclass
class BriefOptions:
    """What the officer can set for a brief.

    ``min_base``: figures resting on fewer respondents than this are never shown (UK secure
    research settings use 10). ``caution_base``: figures on fewer than this carry a caution.
    ``min_points``: the smallest gap (percentage points, over a driver's range) the body
    reports as a finding or bases a recommendation on. ``survey_name``, ``fieldwork``,
    ``council_name``, ``contact``, ``sampling`` (how residents were chosen) and
    ``weighting`` (what the weights make the answers match) are the context a published
    statistic carries; the brief never shows a file or sheet name in their place, and never
    claims what the officer has not said (a weight's target, a random sample).
    """

    council_name: str | None = None
    title: str | None = None
    survey_name: str | None = None
    fieldwork: str | None = None  # e.g. "September to November 2026"
    contact: str | None = None  # e.g. "Policy team, policy@council.gov.uk"
    sampling: str | None = None  # how residents were chosen, e.g. "a random sample of addresses"
    weighting: str | None = None  # what the weights match, e.g. "the age and sex of residents"
    min_points: float = 5.0
    min_base: int = 10
    caution_base: int = 50
    include_appendix: bool = True
    workbook_name: str = WORKBOOK_NAME
    date: _dt.date = field(default_factory=_dt.date.today)
