"""Settings of the brief: who it is for and how small groups are protected.

Why a separate module: findings, suppression, charts and the writers all read the same
options, and keeping them here avoids an import cycle between those modules.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field


@dataclass
class BriefOptions:
    """What the officer can set for a brief.

    ``min_base``: figures resting on fewer respondents than this are never shown (UK secure
    research settings use 10). ``caution_base``: figures on fewer than this carry a caution.
    """

    council_name: str | None = None
    title: str | None = None
    survey_name: str | None = None
    min_base: int = 10
    caution_base: int = 50
    include_appendix: bool = True
    date: _dt.date = field(default_factory=_dt.date.today)
