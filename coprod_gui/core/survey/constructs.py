"""The constructs of DESIGN.md §2: canonical names, roles and how each is measured.

One table, used by the mapping suggester, the preparer, the models, the brief and the
window, so that a construct's name, label and role are defined once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["outcome", "driver", "control", "structure"]
Kind = Literal["items", "score", "age", "category", "authority", "weight", "id"]

FORMS: tuple[str, ...] = ("individual", "collective")
"""The two forms of co-production, in the order they are always reported."""

SERVICE_AREAS: tuple[str, ...] = ("community_safety", "local_environment", "health", "other")


@dataclass(frozen=True)
class Construct:
    """One thing a survey column can measure."""

    name: str
    label: str  # plain-English name shown to officers
    role: Role
    kind: Kind
    multi: bool  # may several columns measure it (averaged / indexed)?
    description: str


CONSTRUCTS: tuple[Construct, ...] = (
    Construct("individual_coproduction", "Individual co-production", "outcome", "items", True,
              "How often residents act for their own needs alongside services "
              "(recycling, home security, looking after their health)."),
    Construct("collective_coproduction", "Collective co-production", "outcome", "items", True,
              "How often residents act together for their community "
              "(volunteering, neighbourhood groups, joint action)."),
    Construct("efficacy", "Feeling able to make a difference", "driver", "score", True,
              "People like me / working together can make a difference; "
              "I can influence decisions affecting my area."),
    Construct("consultation_satisfaction", "Satisfaction with consultation", "driver", "score", True,
              "Satisfaction with how the council consults and involves residents."),
    Construct("informed", "Feeling informed", "driver", "score", True,
              "How well informed residents feel about council services."),
    Construct("trust_council", "Trust in the council", "driver", "score", True,
              "How much residents trust the council."),
    Construct("area_satisfaction", "Satisfaction with the area", "driver", "score", True,
              "Satisfaction with the local area as a place to live."),
    Construct("age", "Age", "control", "age", False, "Age in years, or age bands such as 25-34."),
    Construct("gender", "Gender", "control", "category", False, "Gender."),
    Construct("education", "Education", "control", "category", False, "Highest qualification."),
    Construct("employment", "Employment", "control", "category", False, "Employment status."),
    Construct("ethnicity", "Ethnicity", "control", "category", False, "Ethnic group."),
    Construct("disability", "Disability", "control", "category", False, "Long-term illness or disability."),
    Construct("tenure", "Housing tenure", "control", "category", False, "Owner, social or private renter."),
    Construct("authority", "Council", "structure", "authority", False,
              "Council, area or ward; taken from the file name when there is no column."),
    Construct("weight", "Survey weight", "structure", "weight", False, "Survey weight."),
    Construct("respondent_id", "Respondent ID", "structure", "id", False,
              "Kept for de-duplication only; never exported."),
)

BY_NAME: dict[str, Construct] = {c.name: c for c in CONSTRUCTS}
OUTCOMES: tuple[str, ...] = ("individual_coproduction", "collective_coproduction")
DRIVERS: tuple[str, ...] = tuple(c.name for c in CONSTRUCTS if c.role == "driver")
KEY_DRIVERS: tuple[str, ...] = ("efficacy", "consultation_satisfaction")
CATEGORICAL_CONTROLS: tuple[str, ...] = tuple(c.name for c in CONSTRUCTS if c.kind == "category")
FORM_OF_OUTCOME: dict[str, str] = {
    "individual_coproduction": "individual",
    "collective_coproduction": "collective",
}


def label(name: str) -> str:
    """Plain-English label of a construct (or of a model term built from one)."""
    base, _, level = name.partition("=")
    text = BY_NAME[base].label if base in BY_NAME else base.replace("_", " ").capitalize()
    return f"{text}: {level}" if level else text
