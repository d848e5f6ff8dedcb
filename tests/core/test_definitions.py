"""Question definitions (issue 9, DESIGN.md §3a): built once, edited purely, saved, applied.

The fixtures are shaped like the real surveys that broke the program: GSS-style
"YES, I HAVE" items, a home-made how-often ladder, a top-coded age, years of birth, an
audit file with a different "don't know" code per question, -1/-8/-9 codes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coprod_gui.core.errors import InputError
from coprod_gui.core.io.reading import read_survey
from coprod_gui.core.survey.define import build_definitions
from coprod_gui.core.survey.definitions import (
    confirm,
    mark_missing,
    set_kind,
    set_reverse,
    set_score,
    set_topic,
)
from coprod_gui.core.survey.mapping import load_mapping, mapping_from_dict, save_mapping
from coprod_gui.core.survey.prepare import prepare
from coprod_gui.core.types import Mapping
from tests.file_builders import write_csv, write_sav

VOLUNTEER = "How often have you volunteered for a local group?"
LADDER = [
    "More than once a week",
    "Once a week",
    "Once a month",
    "A few times a year",
    "Once in the past year",
    "Not at all in the past year",
]


def _ladder_table(tmp_path: Path):
    # 19% at least monthly: 5 + 6 + 8 of 100; the rest spread below.
    counts = [5, 6, 8, 21, 20, 40]
    answers = [a for a, n in zip(LADDER, counts, strict=True) for _ in range(n)]
    df = pd.DataFrame({VOLUNTEER: answers, "Age": list(range(20, 120))[:100]})
    return read_survey(write_csv(df, tmp_path / "ladder.csv"))


def test_home_made_frequency_ladder_is_ranked_not_scored_as_one_answer(tmp_path: Path) -> None:
    # The defect: only "once a month" was recognised and the item showed 100%.
    table = _ladder_table(tmp_path)
    m = Mapping(columns={"collective_coproduction": [VOLUNTEER]}, threshold="at least monthly")
    survey = prepare([table], m)
    item = survey.items[0]
    assert item.labels == LADDER[::-1]
    regular = (survey.data[item.column] >= item.regular_from).mean()
    assert regular == pytest.approx(0.19)
    defn = survey.mapping.definitions[VOLUNTEER]
    assert (defn.kind, defn.scale, defn.status) == ("frequency", "ranked rates", "to check")


def test_partly_recognised_scale_is_held_back_with_its_unknown_answers(tmp_path: Path) -> None:
    answers = ["Once a month"] * 19 + ["Every so often"] * 40 + ["Hardly ever at all"] * 41
    df = pd.DataFrame({VOLUNTEER: answers, "How often do you recycle?": ["Often"] * 100})
    table = read_survey(write_csv(df, tmp_path / "s.csv"))
    m = Mapping(
        columns={
            "collective_coproduction": [VOLUNTEER],
            "individual_coproduction": ["How often do you recycle?"],
        }
    )
    survey = prepare([table], m)
    assert survey.items_of("collective") == []  # never 100% from one known answer
    defn = survey.mapping.definitions[VOLUNTEER]
    assert defn.status == "held back" and "needs checking" in defn.reason
    assert sorted(a.label for a in defn.unknown) == ["Every so often", "Hardly ever at all"]


def test_edits_are_pure_and_make_a_held_back_question_usable(tmp_path: Path) -> None:
    answers = ["Often"] * 30 + ["Never"] * 30 + ["Now and then"] * 40
    df = pd.DataFrame({VOLUNTEER: answers})
    table = read_survey(write_csv(df, tmp_path / "s.csv"))
    m = Mapping(columns={"collective_coproduction": [VOLUNTEER]})
    defn = build_definitions([table], m)[VOLUNTEER]
    assert defn.status == "held back"
    with pytest.raises(InputError, match="cannot be confirmed"):
        confirm(defn)
    edited = set_score(defn, "now and then", 2)
    assert defn.answer("Now and then").score is None  # the original is unchanged
    assert edited.answer("Now and then").score == 2.0
    assert edited.answer("Now and then").origin == "officer"
    done = confirm(edited)
    assert done.status == "confirmed" and done.origin_of("status") == "officer"
    m.definitions[VOLUNTEER] = done
    survey = prepare([table], m)
    assert survey.data["collective_1"].value_counts().to_dict() == {2.0: 40, 0.0: 30, 3.0: 30}
    # Mark one answer missing, reverse, and change topic: each a new definition.
    gone = mark_missing(done, "Often", "asked of a different group")
    assert gone.answer("often").missing == "asked of a different group"
    assert set_reverse(done, True).reverse and not done.reverse
    assert set_kind(done, "categories").kind == "categories"
    assert set_topic(done, "individual_coproduction").topic == "individual_coproduction"
    with pytest.raises(InputError):
        set_score(done, "an answer nobody gave", 1)
    with pytest.raises(InputError):
        set_score(done, "often", float("nan"))


def test_mapping_2_round_trip_applies_the_saved_definition_exactly(tmp_path: Path) -> None:
    table = _ladder_table(tmp_path)
    m = Mapping(columns={"collective_coproduction": [VOLUNTEER], "age": ["Age"]}, missing=[99])
    survey = prepare([table], m)
    # The officer decides "once in the past year" is missing (not asked of everyone).
    d = survey.mapping.definitions[VOLUNTEER]
    survey.mapping.definitions[VOLUNTEER] = mark_missing(d, "Once in the past year")
    path = save_mapping(survey.mapping, tmp_path / "m.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema"] == "coprod-mapping/2"
    rows = {r["answer"]: r for r in doc["questions"][VOLUNTEER]["answers"]}
    assert rows["once a week"]["score"] == 4 and rows["once a week"]["count"] == 6
    assert rows["once in the past year"]["missing"] == "marked missing by the officer"
    back = load_mapping(path)
    assert back.definitions[VOLUNTEER] == survey.mapping.definitions[VOLUNTEER]
    again = prepare([table], back)
    col = again.data["collective_1"]
    assert int(col.isna().sum()) == 20  # exactly the 20 "once in the past year"
    # Saving what was read gives the same file.
    assert save_mapping(again.mapping, tmp_path / "m2.json").read_text() == path.read_text()


def test_version_1_files_load_and_bad_codes_are_refused(tmp_path: Path) -> None:
    v1 = mapping_from_dict(
        {"schema": "coprod-mapping/1", "columns": {"collective_coproduction": "Q1"}, "missing": [9]}
    )
    assert v1.missing == [9] and v1.definitions == {}
    p = tmp_path / "nan.json"
    p.write_text('{"schema": "coprod-mapping/2", "columns": {"collective_coproduction": ["Q1"]},'
                 ' "missing": [NaN]}')  # fmt: skip
    with pytest.raises(InputError, match="not a code"):
        load_mapping(p)
    bad = {"schema": "coprod-mapping/2", "columns": {"collective_coproduction": ["Q1"]},
           "questions": {"Q1": {"topic": "efficacy", "kind": "frequency"}}}  # fmt: skip
    with pytest.raises(InputError, match="definition says 'efficacy'"):
        mapping_from_dict(bad)


def test_missing_codes_per_question_in_an_audit_style_file(tmp_path: Path) -> None:
    # 6 = "Don't know" on the how-often item, but 6 = "Other" on qualification.
    df = pd.DataFrame(
        {"q1": [1, 2, 3, 4, 6, 1, 2] * 10, "q2": [1, 2, 6, 6, 3, 1, 2] * 10, "q3": [1, 2, 3, 4, 1, 2, 9] * 10}
    )
    path = write_sav(
        df,
        tmp_path / "audit.sav",
        value_labels={
            "q1": {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 6: "Don't know"},
            "q2": {1: "Degree", 2: "A level", 3: "GCSE", 6: "Other"},
            "q3": {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often", 9: "Not asked"},
        },
        variable_labels={"q1": "How often do you recycle?", "q2": "Highest qualification",
                         "q3": "How often have you volunteered?"},
    )
    table = read_survey(path)
    m = mapping_from_dict(
        {
            "schema": "coprod-mapping/2",
            "columns": {"individual_coproduction": ["q1"], "education": "q2",
                        "collective_coproduction": ["q3"]},
            "missing": {"*": [6]},
        }
    )
    survey = prepare([table], m)
    edu = survey.data["education"].value_counts().to_dict()
    assert edu["Other"] == 20  # a global "don't know" code does not wipe a real answer
    assert "is a real answer in 'q2'" in " ".join(i.message for i in survey.quality.issues)
    assert int(survey.data["individual_1"].isna().sum()) == 10
    # "9 = Not asked" is missing by its label, per question.
    assert int(survey.data["collective_1"].isna().sum()) == 10
    d = survey.mapping.definitions["q3"]
    assert d.answer("not asked").missing == "not applicable"


def test_negative_codes_without_labels_are_missing(tmp_path: Path) -> None:
    df = pd.DataFrame({"q1": [1, 2, 3, 4, -1, -9, -8, 2] * 5})
    path = write_sav(df, tmp_path / "neg.sav",
                     value_labels={"q1": {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often"}},
                     variable_labels={"q1": "How often do you recycle?"})  # fmt: skip
    survey = prepare([read_survey(path)], Mapping(columns={"individual_coproduction": ["q1"]}))
    assert int(survey.data["individual_1"].isna().sum()) == 15
    assert survey.items[0].labels == ["Never", "Rarely", "Sometimes", "Often"]


def test_top_coded_age_stays_a_number_and_years_of_birth_become_ages(tmp_path: Path) -> None:
    ages = [25, 35, 45, 55, 65, 75, 89, 89, 30, 40] * 10
    df = pd.DataFrame({"age": ages, "born": [1990, 1980, 1970, 1960, 1950] * 20,
                       "q1": [1, 2, 3, 4, 1] * 20})  # fmt: skip
    path = write_sav(df, tmp_path / "age.sav",
                     value_labels={"age": {89: "89 OR OLDER"},
                                   "q1": {1: "Never", 2: "Rarely", 3: "Sometimes", 4: "Often"}},
                     variable_labels={"q1": "How often do you recycle?"})  # fmt: skip
    table = read_survey(path)
    survey = prepare([table], Mapping(columns={"individual_coproduction": ["q1"], "age": ["age"]}))
    assert survey.data["age"].max() == 89.0 and survey.data["age"].min() == 25.0
    groups = survey.data["age_band"].value_counts()
    assert (groups > 0).sum() == 4  # not one "89 OR OLDER" group
    defn = survey.mapping.definitions["age"]
    assert defn.kind == "number" and defn.answer("89 or older").score == 89.0
    born = prepare([table], Mapping(columns={"individual_coproduction": ["q1"], "age": ["born"]}))
    d = born.mapping.definitions["born"]
    assert d.kind == "years of birth" and d.status == "to check"
    expected = d.reference_year - np.array([1990, 1980, 1970, 1960, 1950] * 20)
    assert np.allclose(born.data["age"], expected)


def test_yes_no_variants_and_equally_spaced_always_scale(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "Signed a petition about a local issue": ["YES, I HAVE", "NO, I HAVE NOT"] * 10,
            "Helped at a community event": ["Yes, in the last 12 months", "No"] * 10,
            "How often do you recycle?": ["Always", "Often", "Sometimes", "Never"] * 5,
            "Have you taken part in a protest?": ["Have done it in the past year",
                                                  "Have done it in the more distant past",
                                                  "Have not done it but might do it",
                                                  "Have not done it and would never do it"] * 5,
        }
    )  # fmt: skip
    table = read_survey(write_csv(df, tmp_path / "yn.csv"))
    m = Mapping(
        columns={
            "collective_coproduction": [
                "Signed a petition about a local issue",
                "Helped at a community event",
                "Have you taken part in a protest?",
            ],
            "individual_coproduction": ["How often do you recycle?"],
        }
    )
    survey = prepare([table], m)
    first, second, third = survey.items_of("collective")
    assert survey.data[first.column].mean() == 0.5 and survey.data[second.column].mean() == 0.5
    assert third.labels == ["Never", "Longer ago", "In the past year"]
    assert survey.data[third.column].tolist()[:4] == [2.0, 1.0, 0.0, 0.0]
    ind = survey.items_of("individual")[0]
    assert ind.labels == ["Never", "Sometimes", "Often", "Always"]
    assert sorted(survey.data[ind.column].unique()) == [0.0, 1.0, 2.0, 3.0]


# --- codebooks, file limits, mapping checks, weights (issue 9 item 5; issue 12) -------------


def test_codes_only_file_gets_its_labels_from_a_codebook(tmp_path: Path) -> None:
    from coprod_gui.core.survey.codebook import apply_codebook, read_codebook

    data = pd.DataFrame({"V1": [1, 2, 3, 4, 9] * 10, "V2": [1, 2, 1, 2, 1] * 10})
    table = read_survey(write_csv(data, tmp_path / "codes.csv"))
    book = tmp_path / "dictionary.csv"
    book.write_text(
        "Variable name,Value,Value label,Variable label\n"
        "V1,,,How often have you volunteered for a local group?\n"
        ",1,Never,\n,2,Rarely,\n,3,Sometimes,\n,4,Often,\n,9,Don't know,\n"
        "V2,1,Yes,Signed a petition about a local issue\nV2,2,No,\n",
        encoding="utf-8",
    )
    labelled = apply_codebook([table], read_codebook(book))
    assert labelled[0].question_text("V1") == "How often have you volunteered for a local group?"
    survey = prepare(labelled, Mapping(columns={"collective_coproduction": ["V1", "V2"]}))
    first, second = survey.items
    assert first.labels == ["Never", "Rarely", "Sometimes", "Often"]
    assert int(survey.data[first.column].isna().sum()) == 10  # 9 = Don't know
    assert survey.data[second.column].mean() == pytest.approx(0.6)
    defn = survey.mapping.definitions["V1"]
    assert defn.answer("never").origin == "scale table" and defn.answer("dont know").origin == "codebook"
    # The same from Excel, and a codebook without the needed columns is refused plainly.
    xl = tmp_path / "dictionary.xlsx"
    pd.DataFrame({"variable": ["V2", "V2"], "code": [1, 2], "label": ["Yes", "No"]}).to_excel(xl, index=False)
    assert read_codebook(xl).labels["V2"] == {1: "Yes", 2: "No"}
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs the columns variable, value and label"):
        read_codebook(bad)


def test_mapping_and_codebook_must_be_ordinary_small_files(tmp_path: Path) -> None:
    import os

    from coprod_gui.core.survey.codebook import read_codebook

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not an ordinary file"):
        load_mapping(fifo)
    with pytest.raises(InputError, match="not an ordinary file"):
        read_codebook(Path("/dev/zero"))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match="nested far too deeply"):
        load_mapping(deep)


def test_cli_refuses_a_fifo_and_a_deep_mapping_with_exit_2(tmp_path: Path, capsys) -> None:
    import os

    from coprod_gui.cli import main

    table = _ladder_table(tmp_path)
    fifo = tmp_path / "m.json"
    os.mkfifo(fifo)
    assert main([str(table.source), "--mapping", str(fifo), "--out", str(tmp_path / "o")]) == 2
    assert "not an ordinary file" in capsys.readouterr().err


def test_mapping_problems_are_each_named() -> None:
    doc = {
        "schema": "coprod-mapping/2",
        "columns": {"collective_coproduction": ["Q1", "Q2"], "efficacy": ["Q2"]},
        "reverse": ["Q9"],
        "missing": {"Q8": [6]},
    }
    with pytest.raises(InputError) as err:
        mapping_from_dict(doc)
    msg = err.value.message
    assert "'Q2' is under both 'collective_coproduction' and 'efficacy'" in msg
    assert "\"reverse\" names 'Q9'" in msg and "codes for 'Q8'" in msg


def test_infinite_weights_are_reported_and_left_out(tmp_path: Path) -> None:
    df = pd.DataFrame({VOLUNTEER: ["Often", "Never"] * 5,
                       "Weight": ["1.0", "Infinity", "1e309", "0.5", "2", "1", "1", "inf", "1", "1"]})  # fmt: skip
    table = read_survey(write_csv(df, tmp_path / "w.csv"))
    survey = prepare([table], Mapping(columns={"collective_coproduction": [VOLUNTEER], "weight": ["Weight"]}))
    w = survey.data["weight"]
    assert int(w.isna().sum()) == 3 and np.isfinite(w.dropna()).all()
    assert "3 have a weight that is not a finite number" in " ".join(i.message for i in survey.quality.issues)


def test_a_constant_weight_is_ignored_and_nothing_is_weighted(tmp_path: Path) -> None:
    df = pd.DataFrame({VOLUNTEER: ["Often", "Never"] * 5, "Weight": [1] * 10})
    table = read_survey(write_csv(df, tmp_path / "w.csv"))
    survey = prepare([table], Mapping(columns={"collective_coproduction": [VOLUNTEER], "weight": ["Weight"]}))
    assert not survey.weighted and "weight" not in survey.data
    assert "same value for every respondent" in " ".join(i.message for i in survey.quality.issues)


def test_cli_codebook_option(tmp_path: Path, capsys) -> None:
    from coprod_gui.cli import main

    data = pd.DataFrame({"V1": [1, 2, 3, 4] * 10, "V2": [1, 2] * 20})
    csv = write_csv(data, tmp_path / "codes.csv")
    book = tmp_path / "book.csv"
    book.write_text("variable,value,label\n" + "".join(
        f"V1,{i},{lab}\n" for i, lab in enumerate(["Never", "Rarely", "Sometimes", "Often"], 1)
    ) + "V2,1,Yes\nV2,2,No\n", encoding="utf-8")  # fmt: skip
    m = tmp_path / "m.json"
    m.write_text(json.dumps({"schema": "coprod-mapping/2", "columns": {"collective_coproduction": ["V1", "V2"]}}))
    out = tmp_path / "o"
    assert main([str(csv), "--codebook", str(book), "--mapping", str(m), "--out", str(out)]) == 0
    doc = json.loads((out / "mapping.json").read_text(encoding="utf-8"))
    assert doc["questions"]["V1"]["kind"] == "frequency"
    assert doc["questions"]["V2"]["kind"] == "yes-no"
