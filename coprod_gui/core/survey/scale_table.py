"""The table of known answer scales, lowest answer first (DESIGN.md §3).

Kept apart from the recoding code so the table can grow (real surveys keep adding
spellings) without the logic around it growing too.
"""

from __future__ import annotations

from dataclasses import dataclass

from .words import norm

# ---------------------------------------------------------------------------------------
# the scale table


@dataclass(frozen=True)
class Scale:
    """One known answer scale: labels lowest first, plus other spellings of each."""

    name: str
    labels: tuple[str, ...]
    aliases: tuple[tuple[str, int], ...] = ()  # (spelling, score)
    kind: str = "ordinal"  # "frequency", "agreement", "binary", ...

    @property
    def keys(self) -> dict[str, int]:
        out = {norm(lab): i for i, lab in enumerate(self.labels)}
        for spelling, score in self.aliases:
            out.setdefault(norm(spelling), score)
        return out


def _a(*pairs: tuple[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(pairs)


SCALES: tuple[Scale, ...] = (
    Scale("frequency_4", ("Never", "Rarely", "Sometimes", "Often"),
          _a(("not at all", 0), ("hardly ever", 1), ("occasionally", 1), ("seldom", 1),
             ("some of the time", 2), ("fairly often", 3), ("often or always", 3),
             ("regularly", 3), ("frequently", 3)), "frequency"),
    Scale("frequency_5", ("Never", "Rarely", "Sometimes", "Often", "Always"),
          _a(("hardly ever", 1), ("occasionally", 1), ("very often", 4), ("all the time", 4),
             ("frequently", 3), ("regularly", 3)), "frequency"),
    Scale("frequency_always_4", ("Never", "Sometimes", "Often", "Always"),
          _a(("not at all", 0), ("occasionally", 1), ("some of the time", 1),
             ("most of the time", 2), ("very often", 2), ("frequently", 2),
             ("all the time", 3), ("every time", 3)), "frequency"),
    Scale("frequency_3", ("Never", "Sometimes", "Always"),
          _a(("not at all", 0), ("occasionally", 1), ("all the time", 2)), "frequency"),
    Scale("done_when_3",
          ("Never", "Longer ago", "In the past year"),
          _a(("have never done it", 0), ("never done it", 0), ("not done it", 0),
             ("have not done it", 0), ("have not done it but might do it", 0),
             ("have not done it and would never do it", 0),
             ("have not done it and would never under any circumstances do it", 0),
             ("have done it in the more distant past", 1), ("in the more distant past", 1),
             ("more than a year ago", 1), ("more than 12 months ago", 1),
             ("longer ago than that", 1), ("longer ago than 12 months", 1),
             ("have done it in the past year", 2), ("in the past year", 2),
             ("in the last year", 2), ("in the last 12 months", 2),
             ("in the past 12 months", 2), ("within the last 12 months", 2),
             ("have done it in the last 12 months", 2)), "frequency"),
    Scale("frequency_monthly",
          ("Not at all", "Less often", "At least monthly", "At least weekly"),
          _a(("never", 0), ("not in the last 12 months", 0),
            ("not at all in the last 12 months", 0), ("less often than monthly", 1),
             ("less than once a month", 1), ("less often than once a month", 1),
             ("at least once a month", 2), ("once a month", 2), ("monthly", 2),
             ("less than once a week but at least once a month", 2),
             ("at least once a month but less than once a week", 2),
             ("at least once a week", 3), ("once a week or more", 3), ("weekly", 3),
             ("every week", 3), ("every day", 3), ("daily", 3), ("at least once a day", 3)),
          "frequency"),
    Scale("agreement_4",
          ("Definitely disagree", "Tend to disagree", "Tend to agree", "Definitely agree"),
          _a(("strongly disagree", 0), ("disagree strongly", 0), ("agree strongly", 3),
             ("strongly agree", 3), ("disagree", 1), ("agree", 2), ("mostly disagree", 1),
             ("mostly agree", 2), ("slightly disagree", 1), ("slightly agree", 2),
             ("somewhat disagree", 1), ("somewhat agree", 2), ("disagree somewhat", 1),
             ("agree somewhat", 2), ("strong disagree", 0), ("strong agree", 3)),
          "agreement"),
    Scale("agreement_5",
          ("Strongly disagree", "Tend to disagree", "Neither agree nor disagree",
           "Tend to agree", "Strongly agree"),
          _a(("definitely disagree", 0), ("disagree strongly", 0), ("disagree", 1),
             ("neither", 2), ("neither agree or disagree", 2), ("neutral", 2),
             ("neither disagree nor agree", 2), ("agree", 3), ("definitely agree", 4),
             ("agree strongly", 4), ("mostly disagree", 1), ("mostly agree", 3),
             ("somewhat disagree", 1), ("somewhat agree", 3), ("disagree somewhat", 1),
             ("agree somewhat", 3), ("neither agree nor disagree", 2)),
          "agreement"),
    Scale("agreement_7",
          ("Strongly disagree", "Disagree", "Slightly disagree", "Neither agree nor disagree",
           "Slightly agree", "Agree", "Strongly agree"),
          _a(("disagree strongly", 0), ("somewhat disagree", 2), ("disagree somewhat", 2),
             ("mildly disagree", 2), ("neither", 3), ("neither agree or disagree", 3),
             ("neutral", 3), ("somewhat agree", 4), ("agree somewhat", 4),
             ("mildly agree", 4), ("agree strongly", 6), ("moderately disagree", 1),
             ("moderately agree", 5), ("completely disagree", 0), ("completely agree", 6)),
          "agreement"),
    Scale("satisfaction_5",
          ("Very dissatisfied", "Fairly dissatisfied", "Neither satisfied nor dissatisfied",
           "Fairly satisfied", "Very satisfied"),
          _a(("dissatisfied", 1), ("quite dissatisfied", 1), ("neither", 2),
             ("neither satisfied or dissatisfied", 2), ("neither dissatisfied nor satisfied", 2),
             ("neutral", 2), ("satisfied", 3), ("quite satisfied", 3),
             ("extremely dissatisfied", 0), ("extremely satisfied", 4)),
          "satisfaction"),
    Scale("satisfaction_4",
          ("Not at all satisfied", "Not very satisfied", "Fairly satisfied", "Very satisfied"),
          _a(("not satisfied at all", 0), ("quite satisfied", 2)), "satisfaction"),
    Scale("amount_4", ("Not at all", "Not very much", "A fair amount", "A great deal"),
          _a(("not much", 1), ("a little", 1), ("not very", 1), ("some", 2),
             ("quite a lot", 2), ("a lot", 3), ("completely", 3), ("none at all", 0)),
          "amount"),
    Scale("informed_4",
          ("Not well informed at all", "Not very well informed", "Fairly well informed",
           "Very well informed"),
          _a(("not at all informed", 0), ("not at all well informed", 0),
             ("not informed at all", 0), ("not very informed", 1), ("fairly informed", 2),
             ("quite well informed", 2), ("very informed", 3), ("well informed", 2)),
          "informed"),
    Scale("likelihood_4", ("Very unlikely", "Fairly unlikely", "Fairly likely", "Very likely"),
          _a(("unlikely", 1), ("likely", 2), ("quite unlikely", 1), ("quite likely", 2)),
          "likelihood"),
    Scale("rating_5",
          ("Very poor", "Fairly poor", "Neither good nor poor", "Fairly good", "Very good"),
          _a(("poor", 1), ("good", 3), ("neither", 2), ("average", 2), ("excellent", 4),
             ("neither poor nor good", 2)),
          "rating"),
    Scale("safety_5",
          ("Very unsafe", "Fairly unsafe", "Neither safe nor unsafe", "Fairly safe",
           "Very safe"),
          _a(("unsafe", 1), ("safe", 3), ("neither", 2), ("a bit unsafe", 1)), "safety"),
    Scale("yes_no", ("No", "Yes"),
          _a(("n", 0), ("y", 1), ("yes definitely", 1), ("no never", 0), ("true", 1),
             ("false", 0), ("yes i have", 1), ("no i have not", 0), ("no i havent", 0),
             ("yes i do", 1), ("no i do not", 0), ("no i dont", 0), ("yes i am", 1),
             ("no i am not", 0), ("yes i did", 1), ("no i did not", 0), ("no i didnt", 0),
             ("yes in the last 12 months", 1), ("yes in the past 12 months", 1),
             ("yes in the last year", 1), ("yes in the past year", 1),
             ("no not in the last 12 months", 0), ("no not in the past year", 0),
             ("not in the last 12 months", 0), ("have done", 1), ("have not done", 0)),
          "binary"),
    Scale("ticked", ("Not ticked", "Ticked"),
          _a(("ticked", 1), ("tick", 1), ("x", 1), ("selected", 1), ("checked", 1),
             ("mentioned", 1), ("not selected", 0), ("not mentioned", 0), ("unticked", 0),
             ("not checked", 0)), "binary"),
)  # fmt: skip

BY_SCALE: dict[str, Scale] = {s.name: s for s in SCALES}

NUMERIC = "numeric codes"
UNKNOWN = "not recognised"

# ---------------------------------------------------------------------------------------
# thresholds

_THRESHOLD_EQUIV: dict[str, dict[str, str]] = {
    # threshold (normalised) -> scale kind family -> label on that scale
    "rarely": {"frequency_4": "rarely", "frequency_5": "rarely", "done_when_3": "longer ago",
               "frequency_always_4": "sometimes", "frequency_3": "sometimes",
               "frequency_monthly": "less often"},
    "sometimes": {"frequency_4": "sometimes", "frequency_5": "sometimes",
                  "frequency_always_4": "sometimes", "frequency_3": "sometimes",
                  "done_when_3": "in the past year",
                  "frequency_monthly": "at least monthly"},
    "often": {"frequency_4": "often", "frequency_5": "often", "frequency_always_4": "often",
              "frequency_3": "always", "done_when_3": "in the past year",
              "frequency_monthly": "at least weekly"},
    "at least monthly": {"frequency_4": "sometimes", "frequency_5": "sometimes",
                         "frequency_always_4": "sometimes", "frequency_3": "sometimes",
                         "done_when_3": "in the past year",
                         "frequency_monthly": "at least monthly"},
    "at least weekly": {"frequency_4": "often", "frequency_5": "often",
                        "frequency_always_4": "often", "frequency_3": "always",
                        "done_when_3": "in the past year",
                        "frequency_monthly": "at least weekly"},
    "less often": {"frequency_4": "rarely", "frequency_5": "rarely",
                   "frequency_always_4": "sometimes", "frequency_3": "sometimes",
                   "done_when_3": "longer ago",
                   "frequency_monthly": "less often"},
    "never": {"frequency_4": "never", "frequency_5": "never", "frequency_monthly": "not at all"},
    "not at all": {"frequency_4": "never", "frequency_5": "never",
                   "frequency_monthly": "not at all"},
}  # fmt: skip

