"""A fictional resident survey, generated as a research agency would deliver it.

Why: the product needs an example an officer can try on day one, and the tests, the
self-test and the benchmarks need realistic data of any size. Real survey microdata
cannot be shipped, so this module simulates one from latent variables whose
relationships follow the published findings (shared/domain.md §0 and §3, UK 5-LA study):
- individual co-production is far more common than collective;
- feeling able to make a difference (efficacy) and satisfaction with consultation raise
  both forms, efficacy especially the collective form;
- older residents do less individual and more collective co-production;
- education, employment and tenure matter little; councils differ modestly.

The answers are text labels in real UK wordings (Place Survey, Community Life Survey, LGA
polling), with "Don't know", "Prefer not to say" and blanks sprinkled in, so the example
exercises the same reading, mapping and recoding paths as a real agency file. Nothing here
is a result: every figure the product shows is computed from the generated answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import synthetic_xlsx as _x  # the workbook writer; its names stay importable from here

ABOUT_NOTES, DATA_SHEET, DEFAULT_TITLE, HEADER_ROW_INDEX = _x.ABOUT_NOTES, _x.DATA_SHEET, _x.DEFAULT_TITLE, _x.HEADER_ROW_INDEX
agency_xlsx_bytes, write_agency_xlsx = _x.agency_xlsx_bytes, _x.write_agency_xlsx



FIVE_FICTIONAL_COUNCILS: tuple[str, ...] = (
    "Brackenholt Borough Council",
    "Kelworth District Council",
    "Marrowby City Council",
    "Stanmere District Council",
    "Wendleford Borough Council",
)
"""Made-up councils: the example must never look like any real authority's results."""

DEFAULT_SEED = 20240601

# --- column headers (as an agency delivers them) ------------------------------------------

ID_COL = "Respondent ID"
COUNCIL_COL = "Council"
WEIGHT_COL = "Weight"

_HOW_OFTEN = "In the last 12 months, how often have you "
_AGREE = "To what extent do you agree or disagree that "

FREQUENCY = ("Often", "Sometimes", "Rarely", "Never")
AGREEMENT = ("Definitely agree", "Tend to agree", "Tend to disagree", "Definitely disagree")
SATISFACTION = (
    "Very satisfied",
    "Fairly satisfied",
    "Neither satisfied nor dissatisfied",
    "Fairly dissatisfied",
    "Very dissatisfied",
)
AMOUNT = ("A great deal", "A fair amount", "Not very much", "Not at all")
INFORMED = (
    "Very well informed",
    "Fairly well informed",
    "Not very well informed",
    "Not well informed at all",
)
DONT_KNOW = "Don't know"
PREFER_NOT = "Prefer not to say"


@dataclass(frozen=True)
class Item:
    """One survey question: its header, construct, scale and how it relates to the latent."""

    header: str
    construct: str
    scale: tuple[str, ...]  # labels from the top of the scale (highest score) down
    shares: tuple[float, ...]  # population share of each label, same order (sums to 1)
    loading: float  # correlation of the item's response propensity with its latent
    area: str | None = None  # service area, for co-production items
    reverse: bool = False  # agreeing means LESS of the construct
    dont_know: float = 0.02  # share answering "Don't know"
    blank: float = 0.012  # share left blank


ITEMS: tuple[Item, ...] = (
    # Individual co-production: three service areas, two items each.
    Item(
        _HOW_OFTEN + "made sure your home is secure, for example by locking doors and windows "
        "or fitting a light or alarm?",
        "individual_coproduction",
        FREQUENCY,
        (0.38, 0.24, 0.16, 0.22),
        0.64,
        "community_safety",
    ),
    Item(
        _HOW_OFTEN + "kept an eye on your neighbours' property while they were away?",
        "individual_coproduction",
        FREQUENCY,
        (0.20, 0.26, 0.22, 0.32),
        0.62,
        "community_safety",
    ),
    Item(
        _HOW_OFTEN + "recycled household waste?",
        "individual_coproduction",
        FREQUENCY,
        (0.46, 0.20, 0.13, 0.21),
        0.64,
        "local_environment",
    ),
    Item(
        _HOW_OFTEN + "tried to save energy or water at home?",
        "individual_coproduction",
        FREQUENCY,
        (0.32, 0.26, 0.18, 0.24),
        0.62,
        "local_environment",
    ),
    Item(
        _HOW_OFTEN + "exercised regularly, for example walking, cycling or sport?",
        "individual_coproduction",
        FREQUENCY,
        (0.25, 0.25, 0.20, 0.30),
        0.58,
        "health",
    ),
    Item(
        _HOW_OFTEN + "followed health advice from your GP or the NHS?",
        "individual_coproduction",
        FREQUENCY,
        (0.27, 0.27, 0.19, 0.27),
        0.58,
        "health",
    ),
    # Collective co-production.
    Item(
        _HOW_OFTEN + "worked with other people from your neighbourhood to improve the local area?",
        "collective_coproduction",
        FREQUENCY,
        (0.03, 0.08, 0.12, 0.77),
        0.72,
        "local_environment",
    ),
    Item(
        _HOW_OFTEN + "volunteered for a local group, club or charity?",
        "collective_coproduction",
        FREQUENCY,
        (0.08, 0.10, 0.12, 0.70),
        0.66,
        "other",
    ),
    Item(
        _HOW_OFTEN + "taken part in a residents' group or neighbourhood watch?",
        "collective_coproduction",
        FREQUENCY,
        (0.03, 0.06, 0.10, 0.81),
        0.70,
        "community_safety",
    ),
    Item(
        _HOW_OFTEN + "attended a public meeting about local services?",
        "collective_coproduction",
        FREQUENCY,
        (0.02, 0.06, 0.13, 0.79),
        0.66,
        "other",
    ),
    Item(
        _HOW_OFTEN + "taken part in a local health, walking or exercise group?",
        "collective_coproduction",
        FREQUENCY,
        (0.03, 0.05, 0.08, 0.84),
        0.58,
        "health",
    ),
    # Efficacy (one negatively worded item).
    Item(
        _AGREE + "people in this area can make a difference by working together?",
        "efficacy",
        AGREEMENT,
        (0.20, 0.42, 0.25, 0.13),
        0.70,
        dont_know=0.05,
    ),
    Item(
        _AGREE + "you can influence decisions affecting your local area?",
        "efficacy",
        AGREEMENT,
        (0.07, 0.24, 0.40, 0.29),
        0.72,
        dont_know=0.07,
    ),
    Item(
        _AGREE + "it is too difficult for someone like me to make a difference to the local area?",
        "efficacy",
        AGREEMENT,
        (0.15, 0.30, 0.37, 0.18),
        0.60,
        reverse=True,
        dont_know=0.06,
    ),
    # Consultation satisfaction.
    Item(
        "How satisfied or dissatisfied are you with the way the council consults residents?",
        "consultation_satisfaction",
        SATISFACTION,
        (0.07, 0.27, 0.33, 0.20, 0.13),
        0.80,
        dont_know=0.08,
    ),
    Item(
        "How satisfied or dissatisfied are you with the opportunities the council gives you "
        "to have a say about local services?",
        "consultation_satisfaction",
        SATISFACTION,
        (0.06, 0.24, 0.35, 0.21, 0.14),
        0.78,
        dont_know=0.08,
    ),
    # Other drivers.
    Item(
        "Overall, how well informed do you think the council keeps residents about the "
        "services and benefits it provides?",
        "informed",
        INFORMED,
        (0.12, 0.45, 0.30, 0.13),
        0.9,
        dont_know=0.03,
    ),
    Item(
        "How much do you trust the council?",
        "trust_council",
        AMOUNT,
        (0.08, 0.50, 0.28, 0.14),
        0.9,
        dont_know=0.04,
    ),
    Item(
        "Overall, how satisfied or dissatisfied are you with your local area as a place to live?",
        "area_satisfaction",
        SATISFACTION,
        (0.33, 0.46, 0.09, 0.08, 0.04),
        0.9,
        dont_know=0.01,
    ),
)

CONSTRUCT_COLUMNS: dict[str, tuple[str, ...]] = {}
for _item in ITEMS:
    CONSTRUCT_COLUMNS[_item.construct] = (*CONSTRUCT_COLUMNS.get(_item.construct, ()), _item.header)
"""Construct name -> the generated columns that measure it (the 'true' mapping)."""

SERVICE_AREA: dict[str, str] = {i.header: i.area for i in ITEMS if i.area is not None}
REVERSED: tuple[str, ...] = tuple(i.header for i in ITEMS if i.reverse)
INFLUENCE_COL = next(i.header for i in ITEMS if "you can influence decisions" in i.header)
"""The Place Survey NI 4 style question (UK: 25-38% agree)."""

AGE_COL = "Age group"
GENDER_COL = "Gender"
EDUCATION_COL = "Highest qualification"
EMPLOYMENT_COL = "Employment status"
TENURE_COL = "Housing tenure"
DISABILITY_COL = "Do you have a long-term illness, health problem or disability?"
ETHNICITY_COL = "Ethnic group"

DEMOGRAPHIC_COLUMNS: dict[str, str] = {
    "age": AGE_COL,
    "gender": GENDER_COL,
    "education": EDUCATION_COL,
    "employment": EMPLOYMENT_COL,
    "tenure": TENURE_COL,
    "disability": DISABILITY_COL,
    "ethnicity": ETHNICITY_COL,
}
STRUCTURE_COLUMNS: dict[str, str] = {
    "respondent_id": ID_COL,
    "authority": COUNCIL_COL,
    "weight": WEIGHT_COL,
}


def true_mapping() -> dict[str, tuple[str, ...]]:
    """Every construct -> the generated column(s) measuring it: what a perfect mapping
    suggester would propose for this survey (for tests of the suggester)."""
    out = dict(CONSTRUCT_COLUMNS)
    for name, col in (*DEMOGRAPHIC_COLUMNS.items(), *STRUCTURE_COLUMNS.items()):
        out[name] = (col,)
    return out


AGE_BANDS: tuple[str, ...] = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
AGE_MIDPOINTS: dict[str, float] = {
    "16-24": 20.0, "25-34": 29.5, "35-44": 39.5, "45-54": 49.5,
    "55-64": 59.5, "65-74": 69.5, "75+": 80.0,
}  # fmt: skip
# Panel samples over-represent older residents, as council panels do.
_AGE_SHARES = (0.08, 0.13, 0.15, 0.17, 0.18, 0.17, 0.12)
_EDUCATION = (
    ("Degree or higher", 0.33, 1.0),
    ("A level or equivalent", 0.20, 0.4),
    ("GCSE or equivalent", 0.24, -0.2),
    ("Other qualifications", 0.08, -0.4),
    ("No qualifications", 0.15, -1.0),
)
_TENURE = (
    ("Owned outright", 0.33),
    ("Owned with a mortgage", 0.30),
    ("Rented from the council or a housing association", 0.17),
    ("Rented privately", 0.17),
    ("Other", 0.03),
)
_ETHNICITY = (
    ("White", 0.84),
    ("Asian or Asian British", 0.07),
    ("Black or Black British", 0.035),
    ("Mixed or multiple ethnic groups", 0.025),
    ("Other ethnic group", 0.01),
)

# Latent structural coefficients (standardised units); see the module docstring.
_IND = {"efficacy": 0.26, "consult": 0.22, "age": -0.28, "edu": 0.05, "female": 0.10,
        "employed": -0.03, "owner": 0.05}  # fmt: skip
_COL = {"efficacy": 0.58, "consult": 0.22, "age": 0.22, "edu": 0.06, "female": 0.0,
        "employed": -0.05, "owner": 0.06}  # fmt: skip


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / x.std()


def _categorise(rng: np.random.Generator, latent: np.ndarray, item: Item) -> np.ndarray:
    """Ordinal answers: thresholds on ``loading*latent + noise`` give the target shares."""
    from scipy.stats import norm

    n = len(latent)
    lam = item.loading
    propensity = lam * _z(latent) + np.sqrt(1 - lam * lam) * rng.standard_normal(n)
    if item.reverse:
        propensity = -propensity
    # Highest label first: cut points from the top of the distribution down.
    cum = np.cumsum(item.shares)[:-1]
    cuts = norm.ppf(1 - cum)  # decreasing
    idx = np.searchsorted(-cuts, -propensity, side="right")  # 0 = top label
    out = np.asarray(item.scale, dtype=object)[idx]
    u = rng.random(n)
    out[u < item.dont_know] = DONT_KNOW
    out[(u >= item.dont_know) & (u < item.dont_know + item.blank)] = None
    return out


def _choice(
    rng: np.random.Generator, labels: Sequence[str], probs: Sequence[float], n: int
) -> np.ndarray:
    p = np.asarray(probs, dtype=float)
    return rng.choice(np.asarray(labels, dtype=object), size=n, p=p / p.sum())


def generate_survey(
    n_respondents: int = 5000,
    seed: int = DEFAULT_SEED,
    councils: tuple[str, ...] = FIVE_FICTIONAL_COUNCILS,
    effects: dict[str, dict[str, float]] | None = None,
) -> pd.DataFrame:
    """One row per respondent, text answers and question-text headers, fully seeded.

    ``effects`` replaces the latent coefficients of either form (keys ``"individual"`` and
    ``"collective"``, each a dict like ``_IND``; missing names keep their default), so a
    test can plant a survey whose truth it knows, e.g. one where nothing matters.
    """
    if n_respondents < 1:
        raise ValueError("n_respondents must be at least 1")
    if not councils:
        raise ValueError("at least one council is needed")
    rng = np.random.default_rng(seed)
    n = n_respondents

    # Councils roughly equal, as several council panels stacked by the agency.
    council_idx = rng.choice(len(councils), size=n)
    council_fx = rng.normal(0.0, 1.0, size=(len(councils), 4)) * np.array([0.10, 0.08, 0.12, 0.12])

    age_i = rng.choice(len(AGE_BANDS), size=n, p=_AGE_SHARES)
    age_years = np.array([AGE_MIDPOINTS[b] for b in AGE_BANDS])[age_i]
    age_z = _z(age_years)
    female = rng.random(n) < 0.54
    gender = np.where(female, "Female", "Male").astype(object)
    other_g = rng.random(n)
    gender[other_g < 0.006] = "In another way"
    gender[(other_g >= 0.006) & (other_g < 0.021)] = PREFER_NOT

    # Education: younger cohorts hold more degrees.
    edu_labels = [e[0] for e in _EDUCATION]
    edu_score_of = np.array([e[2] for e in _EDUCATION])
    edu_base = np.log([e[1] for e in _EDUCATION])
    edu_i = np.empty(n, dtype=int)
    for k in range(len(AGE_BANDS)):
        mask = age_i == k
        tilt = -0.15 * (k - 3) * np.array([1.0, 0.5, 0.0, -0.5, -1.0])
        p = np.exp(edu_base + tilt)
        edu_i[mask] = rng.choice(len(_EDUCATION), size=mask.sum(), p=p / p.sum())
    edu_z = _z(edu_score_of[edu_i])

    # Employment follows age.
    employment = np.empty(n, dtype=object)
    emp_by_age = {
        "young": (("Employed full-time", 0.38), ("Employed part-time", 0.15),
                  ("Self-employed", 0.03), ("Unemployed", 0.07), ("Student", 0.30),
                  ("Looking after home or family", 0.04), ("Other", 0.03)),
        "working": (("Employed full-time", 0.52), ("Employed part-time", 0.15),
                    ("Self-employed", 0.10), ("Unemployed", 0.04),
                    ("Looking after home or family", 0.07),
                    ("Long-term sick or disabled", 0.05), ("Retired", 0.04), ("Other", 0.03)),
        "older": (("Employed full-time", 0.03), ("Employed part-time", 0.06),
                  ("Self-employed", 0.03), ("Retired", 0.84),
                  ("Long-term sick or disabled", 0.02), ("Other", 0.02)),
    }  # fmt: skip
    groups = np.where(age_i == 0, "young", np.where(age_i >= 5, "older", "working"))
    for g, opts in emp_by_age.items():
        mask = groups == g
        employment[mask] = _choice(rng, [o[0] for o in opts], [o[1] for o in opts], mask.sum())
    employed = np.isin(employment, ["Employed full-time", "Employed part-time", "Self-employed"])

    tenure = _choice(rng, [t[0] for t in _TENURE], [t[1] for t in _TENURE], n)
    older_owner = (age_i >= 5) & (rng.random(n) < 0.35)
    tenure[older_owner] = "Owned outright"
    owner = np.isin(tenure, ["Owned outright", "Owned with a mortgage"])
    disabled = rng.random(n) < (0.12 + 0.05 * age_i)
    disability = np.where(disabled, "Yes", "No").astype(object)
    disability[rng.random(n) < 0.02] = PREFER_NOT
    ethnicity = _choice(rng, [e[0] for e in _ETHNICITY], [e[1] for e in _ETHNICITY], n)
    ethnicity[rng.random(n) < 0.02] = PREFER_NOT

    # Latent attitudes.
    fx = council_fx[council_idx]
    efficacy = 0.12 * edu_z - 0.08 * disabled + fx[:, 0] + rng.standard_normal(n)
    efficacy = _z(efficacy)
    consult = _z(0.38 * efficacy + fx[:, 1] + rng.standard_normal(n))
    trust = _z(0.55 * consult + 0.20 * efficacy + rng.standard_normal(n))
    informed = _z(0.45 * consult + 0.15 * trust + rng.standard_normal(n))
    area = _z(0.30 * trust + 0.12 * efficacy + 0.10 * age_z + fx[:, 1] + rng.standard_normal(n))

    def form(coef: dict[str, float], council_shift: np.ndarray) -> np.ndarray:
        return (
            coef["efficacy"] * efficacy
            + coef["consult"] * consult
            + coef["age"] * age_z
            + coef["edu"] * edu_z
            + coef["female"] * (female - 0.5)
            + coef["employed"] * (employed - 0.5)
            + coef["owner"] * (owner - 0.5)
            + council_shift
            + 0.8 * rng.standard_normal(n)
        )

    latents = {
        "individual_coproduction": form({**_IND, **(effects or {}).get("individual", {})}, fx[:, 2]),
        "collective_coproduction": form({**_COL, **(effects or {}).get("collective", {})}, fx[:, 3]),
        "efficacy": efficacy,
        "consultation_satisfaction": consult,
        "informed": informed,
        "trust_council": trust,
        "area_satisfaction": area,
    }

    age_band = np.asarray(AGE_BANDS, dtype=object)[age_i]
    age_band[rng.random(n) < 0.015] = PREFER_NOT
    education = np.asarray(edu_labels, dtype=object)[edu_i]
    education[rng.random(n) < 0.025] = PREFER_NOT

    # Survey weight: older and degree-holding panel members are over-represented, so they
    # are weighted down; normalised to mean 1.
    w = np.exp(-0.12 * age_z - 0.10 * edu_z + rng.normal(0.0, 0.25, n))
    w = np.round(w / w.mean(), 4)

    ids = rng.permutation(np.arange(1, n + 1))
    width = max(6, len(str(n)))
    columns: dict[str, object] = {
        ID_COL: [f"{i:0{width}d}" for i in ids],
        COUNCIL_COL: np.asarray(councils, dtype=object)[council_idx],
    }
    for item in ITEMS:
        columns[item.header] = _categorise(rng, latents[item.construct], item)
    columns.update(
        {
            AGE_COL: age_band,
            GENDER_COL: gender,
            EDUCATION_COL: education,
            EMPLOYMENT_COL: employment,
            TENURE_COL: tenure,
            DISABILITY_COL: disability,
            ETHNICITY_COL: ethnicity,
            WEIGHT_COL: w,
        }
    )
    df = pd.DataFrame(columns)
    return df.sort_values(ID_COL, kind="stable").reset_index(drop=True)
