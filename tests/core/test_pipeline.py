"""The whole pipeline: files in five formats, one council each, against one clean file.

An officer often gets one file per council, each from a different system. Analysed
together they must give exactly what the same answers give in one tidy file: the same
respondents, the same councils and the same estimates.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.errors import Cancelled, InputError
from coprod_gui.core.pipeline import analyse_tables, load_tables, run_pipeline
from coprod_gui.core.stats.analysis import AnalysisOptions
from coprod_gui.core.types import Mapping
from tests.file_builders import write_csv, write_dta, write_ods, write_sav, write_xlsx

FREQ = {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 9: "Don't know"}
AGREE = {
    1: "Strongly disagree",
    2: "Tend to disagree",
    3: "Tend to agree",
    4: "Strongly agree",
    9: "Don't know",
}
SAT = {
    1: "Very dissatisfied",
    2: "Fairly dissatisfied",
    3: "Neither satisfied nor dissatisfied",
    4: "Fairly satisfied",
    5: "Very satisfied",
}
GENDER = {1: "Female", 2: "Male"}
QUESTIONS = {  # variable name in SPSS/Stata -> (question text, answer labels)
    "q1": ("How often do you recycle household waste?", FREQ),
    "q2": ("How often do you try to save energy at home?", FREQ),
    "q3": ("How often do you keep an eye on your neighbours' property?", FREQ),
    "q4": ("How often do you volunteer for a local group or charity?", FREQ),
    "q5": ("How often do you work with neighbours to improve the local area?", FREQ),
    "q6": ("How often do you attend a public meeting about local services?", FREQ),
    "q7": ("People like me can influence decisions affecting my local area", AGREE),
    "q8": ("How satisfied are you with the way the council consults residents?", SAT),
    "q9": ("Gender", GENDER),
}
COUNCILS = ("Aston", "Brill", "Cotes", "Dunmow", "Eyke")
PER_COUNCIL = 70
MAPPING = Mapping(
    columns={
        "individual_coproduction": [QUESTIONS[q][0] for q in ("q1", "q2", "q3")],
        "collective_coproduction": [QUESTIONS[q][0] for q in ("q4", "q5", "q6")],
        "efficacy": [QUESTIONS["q7"][0]],
        "consultation_satisfaction": [QUESTIONS["q8"][0]],
        "gender": ["Gender"],
        "age": ["Age"],
        "weight": ["Weight"],
    }
)


def coded_answers(seed: int = 0) -> pd.DataFrame:
    """Codes per council (q1..q9, age, weight): efficacy goes with more co-production."""
    r = np.random.default_rng(seed)
    n = PER_COUNCIL * len(COUNCILS)
    council = np.repeat(np.arange(len(COUNCILS)), PER_COUNCIL)
    eff = r.integers(1, 5, n).astype(float)
    cons = r.integers(1, 6, n).astype(float)
    df = pd.DataFrame({"council": council})
    for k, (base, slope) in enumerate([(1.5, 0.5)] * 3 + [(-0.5, 0.6)] * 3, start=1):
        latent = base + slope * eff + 0.2 * cons + 0.15 * council + r.normal(0, 1, n)
        df[f"q{k}"] = np.clip(np.floor(latent), 1, 4)
    df["q7"], df["q8"] = eff, cons
    df["q9"] = r.choice([1.0, 2.0], n)
    df["Age"] = r.integers(18, 90, n).astype(float)
    df["Weight"] = np.round(r.uniform(0.5, 2.0, n), 3)
    for col, share in (("q1", 0.05), ("q4", 0.05), ("q7", 0.06)):  # don't know
        df.loc[r.random(n) < share, col] = 9.0
    for col in ("q2", "q5", "q8", "q9"):  # blanks
        df.loc[r.random(n) < 0.04, col] = np.nan
    return df


def as_text(codes: pd.DataFrame) -> pd.DataFrame:
    """The same answers as an agency's text export: question headers, answer labels."""
    out = pd.DataFrame(index=codes.index)
    for var, (question, labels) in QUESTIONS.items():
        out[question] = codes[var].map(labels)  # NaN stays blank
    out["Age"] = codes["Age"].astype(int)
    out["Weight"] = codes["Weight"]
    out["Notes"] = "café £5"
    return out


def as_coded(codes: pd.DataFrame) -> pd.DataFrame:
    return codes[[*QUESTIONS, "Age", "Weight"]].reset_index(drop=True)


STAT_LABELS = {
    "value_labels": {v: labels for v, (_, labels) in QUESTIONS.items()},
    "variable_labels": {v: question for v, (question, _) in QUESTIONS.items()},
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    folder = tmp_path_factory.mktemp("five")
    codes = coded_answers()
    parts = [codes[codes["council"] == k].reset_index(drop=True) for k in range(len(COUNCILS))]
    paths = [
        write_xlsx(
            as_text(parts[0]),
            folder / "Aston.xlsx",
            title_rows=["Aston resident survey 2024", "Base: all respondents"],
        ),
        write_csv(as_text(parts[1]), folder / "Brill.csv", encoding="cp1252"),
        write_sav(
            as_coded(parts[2]),
            folder / "Cotes.sav",
            missing={"q1": [9], "q4": [9], "q7": [9]},
            **STAT_LABELS,
        ),
        write_dta(as_coded(parts[3]), folder / "Dunmow.dta", **STAT_LABELS),
        write_ods(as_text(parts[4]), folder / "Eyke.ods"),
    ]
    clean = as_text(codes)
    clean.insert(0, "Council", np.array(COUNCILS)[codes["council"]])
    clean_path = write_csv(clean, folder / "all councils.csv")
    return paths, clean_path


@pytest.fixture(scope="module")
def five_and_one(files):
    paths, clean_path = files
    five = run_pipeline(paths, mapping=MAPPING)
    one_mapping = Mapping(columns={**MAPPING.columns, "authority": ["Council"]})
    one = run_pipeline([clean_path], mapping=one_mapping)
    return five, one


def test_same_respondents_and_councils(five_and_one) -> None:
    five, one = five_and_one
    assert [t.format for t in five.tables] == ["xlsx", "csv", "sav", "dta", "ods"]
    assert five.result.n_respondents == one.result.n_respondents == 350
    assert five.result.authorities == one.result.authorities == dict.fromkeys(COUNCILS, 70)
    names = ["Aston.xlsx", "Brill.csv", "Cotes.sav", "Dunmow.dta", "Eyke.ods"]
    assert [s.split(" [")[0] for s in five.result.sources] == names  # workbooks add the sheet
    a, b = five.survey.data, one.survey.data
    for col in [
        "efficacy",
        "consultation_satisfaction",
        "age",
        "weight",
        *(i.column for i in five.survey.items),
    ]:
        np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float), equal_nan=True)
    assert a["gender"].astype(object).equals(b["gender"].astype(object))
    # "Don't know" (a label in text files, a declared or labelled code 9 in SPSS/Stata)
    # became missing everywhere: 5% of q1 answers
    assert (
        a[five.survey.items[0].column].isna().sum()
        == b[one.survey.items[0].column].isna().sum()
        > 5
    )


def _close(x: float | None, y: float | None, tol: float = 1e-8) -> bool:
    if x is None or y is None:
        return x is y
    return math.isclose(x, y, rel_tol=tol, abs_tol=tol) or (math.isnan(x) and math.isnan(y))


def test_same_levels_indices_and_estimates(five_and_one) -> None:
    five, one = five_and_one
    r5, r1 = five.result, one.result
    assert r5.weighted and r1.weighted
    for form in ("individual", "collective"):
        for attr in ("percent", "ci_low", "ci_high", "effective_base"):
            assert _close(getattr(r5.levels[form], attr), getattr(r1.levels[form], attr))
        assert r5.levels[form].base == r1.levels[form].base
        assert _close(r5.indices[form].mean, r1.indices[form].mean)
        assert _close(r5.indices[form].alpha, r1.indices[form].alpha)
        for fitted5, fitted1 in ((r5.models, r1.models), (r5.participation, r1.participation)):
            m5, m1 = fitted5[form], fitted1[form]
            assert m5.ok and m1.ok and m5.n == m1.n
            assert m5.reference_levels == m1.reference_levels
            assert set(m5.terms) == set(m1.terms)
            for name, t in m5.terms.items():
                assert _close(t.estimate, m1.terms[name].estimate), name
                assert _close(t.std_error, m1.terms[name].std_error), name
        assert set(r5.levels_by["authority"][form]) == set(COUNCILS)
    assert r5.models["collective"].terms["efficacy"].estimate > 0
    assert _close(r5.comparison["efficacy"].difference, r1.comparison["efficacy"].difference)


def test_analyse_tables_reruns_with_an_edited_mapping(five_and_one) -> None:
    five, _ = five_and_one
    edited = Mapping(columns={k: v for k, v in five.mapping.columns.items() if k != "gender"})
    survey, result = analyse_tables(five.tables, edited, AnalysisOptions(weighted=False))
    assert "gender" not in result.controls and "gender" not in survey.controls
    assert not result.weighted and result.n_respondents == 350
    assert not any(t.startswith("gender=") for t in result.models["individual"].terms)


def test_suggested_mapping_when_none_is_given(files) -> None:
    _, clean_path = files
    out = run_pipeline([clean_path])
    assert out.suggestions and out.mapping.has("individual_coproduction")
    assert out.result.n_respondents == 350 and len(out.result.authorities) == 5


def test_progress_and_cancel(files) -> None:
    paths, _ = files
    seen: list[float] = []
    run_pipeline(paths[:2], mapping=MAPPING, progress=lambda f, m: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    started = {"models": False}

    def progress(fraction: float, message: str) -> None:
        started["models"] |= message.startswith("Model of")

    with pytest.raises(Cancelled):
        run_pipeline(
            paths, mapping=MAPPING, progress=progress, is_cancelled=lambda: started["models"]
        )
    assert started["models"]


def test_input_errors(files, tmp_path: Path) -> None:
    paths, _ = files
    with pytest.raises(InputError, match="No survey file"):
        load_tables([])
    bad = Mapping(columns={**MAPPING.columns, "efficacy": ["Q99 no such question"]})
    with pytest.raises(InputError, match="Q99 no such question"):
        run_pipeline(paths, mapping=bad)


def test_estimates_pinned_on_the_prepared_frame(five_and_one) -> None:
    """The index model of the five-file run against statsmodels' formula WLS, rebuilding
    the index from the prepared item scores with plain numpy."""
    import statsmodels.formula.api as smf

    five, _ = five_and_one
    df = five.survey.data.copy()
    for form in ("individual", "collective"):
        items = five.survey.items_of(form)
        scores = df[[i.column for i in items]].to_numpy(float)
        scaled = scores / np.array([i.n_points - 1 for i in items], dtype=float)
        answered = (~np.isnan(scores)).sum(axis=1)
        df[f"idx_{form}"] = (
            np.where(answered * 2 >= len(items), np.nanmean(scaled, axis=1), np.nan) * 100
        )
        m = five.result.models[form]
        refs = m.reference_levels
        formula = (
            f"idx_{form} ~ efficacy + consultation_satisfaction + age"
            f" + C(gender, Treatment({refs['gender']!r}))"
            f" + C(authority, Treatment({refs['authority']!r}))"
        )
        used = df.dropna(
            subset=[
                f"idx_{form}",
                "efficacy",
                "consultation_satisfaction",
                "age",
                "gender",
                "weight",
            ]
        )
        ref = smf.wls(formula, used, weights=used["weight"]).fit(cov_type="HC3", use_t=True)
        assert m.n == len(used)
        for name in ("efficacy", "consultation_satisfaction", "age", "const"):
            pname = "Intercept" if name == "const" else name
            assert m.terms[name].estimate == pytest.approx(ref.params[pname], rel=1e-8, abs=1e-8)
            assert m.terms[name].std_error == pytest.approx(ref.bse[pname], rel=1e-8, abs=1e-8)
            assert m.terms[name].p_value == pytest.approx(ref.pvalues[pname], rel=1e-8, abs=1e-12)
        other = next(c for c in COUNCILS if c != refs["authority"])
        council_term = f"C(authority, Treatment({refs['authority']!r}))[T.{other}]"
        assert m.terms[f"authority={other}"].estimate == pytest.approx(
            ref.params[council_term], rel=1e-8, abs=1e-8
        )
