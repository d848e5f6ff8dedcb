"""results.json (``protected_results``) withholds exactly what the brief withholds."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import openpyxl

from coprod_gui.core.results import Diagnostic
from coprod_gui.report.brief import build_brief
from coprod_gui.report.suppression import protected_results
from coprod_gui.report.xlsx_writer import write_xlsx

from .conftest import (
    CAUTION_COUNCIL,
    SECONDARY_COUNCIL,
    SECONDARY_PERCENTS,
    SMALL_COUNCIL,
    SMALL_PERCENTS,
)


def test_small_and_secondary_councils_are_withheld_everywhere(hand_result, brief_options) -> None:
    doc = protected_results(hand_result, brief_options)
    assert doc["schema"] == "coprod-results/1" and doc["min_base"] == 10
    # counts: the 7-respondent council and the next smallest (secondary) are withheld
    # ... and never named (issue 12): one "Another answer" entry stands for them
    assert SMALL_COUNCIL not in doc["authorities"] and SECONDARY_COUNCIL not in doc["authorities"]
    assert doc["authorities"]["Another answer"] is None
    assert doc["authorities"]["Northbury"] == 420 and doc["authorities"][CAUTION_COUNCIL] == 45
    for i, form in enumerate(("individual", "collective")):
        councils = doc["levels_by"]["authority"][form]
        assert SMALL_COUNCIL not in councils and SECONDARY_COUNCIL not in councils
        hidden = councils["Another answer"]
        assert hidden["suppressed"] is True
        assert hidden["percent"] is None and hidden["base"] is None
        assert councils["Northbury"]["base"] > 400 and "suppressed" not in councils["Northbury"]
        assert councils[CAUTION_COUNCIL]["base"] == 45  # a caution, still shown
        terms = doc["models"][form]["terms"]
        assert f"authority={SMALL_COUNCIL}" not in terms
        assert terms["authority=Another answer"]["estimate"] is None
        assert terms["authority=Eastfield"]["estimate"] is not None
        assert terms["efficacy"]["estimate"] > 0
        # the hidden percentages appear nowhere in the document
        text = json.dumps(doc["levels_by"])
        assert str(SMALL_PERCENTS[i]) not in text and str(SECONDARY_PERCENTS[i]) not in text
    assert doc["levels"]["individual"]["percent"] == hand_result.levels["individual"].percent


def test_the_unprotected_document_is_unchanged(hand_result, brief_options) -> None:
    protected_results(hand_result, brief_options)
    raw = hand_result.to_dict()
    assert raw["authorities"][SMALL_COUNCIL] == 7
    assert raw["levels_by"]["authority"]["individual"][SMALL_COUNCIL]["base"] == 7


def _note_about_small_groups(result) -> None:
    """Separation notes as the logit writes them: one about a 7-person council, one about a
    category of 3 people (not a grouping the levels know), one about a big council."""
    result.participation["collective"].diagnostics += [
        Diagnostic(
            "warning",
            f"No one in {SMALL_COUNCIL} does at least one collective activity regularly, so "
            "a model cannot estimate a chance for that group (perfect prediction). "
            "Those 7 respondents were left out of this model.",
            "participation:collective",
            f"authority={SMALL_COUNCIL}",
            count=7,
        ),
        Diagnostic(
            "warning",
            "Everyone answering 'Other' to Housing tenure does at least one collective "
            "activity regularly (perfect prediction). Those 3 respondents were left out.",
            "participation:collective",
            "tenure=Other",
            count=3,
        ),
        Diagnostic(
            "warning",
            "Everyone in Northbury does at least one collective activity regularly "
            "(perfect prediction). Those 420 respondents were left out of this model.",
            "participation:collective",
            "authority=Northbury",
            count=420,
        ),
    ]


def test_notes_about_small_groups_do_not_name_them(
    hand_result, brief_options, tmp_path: Path
) -> None:
    _note_about_small_groups(hand_result)
    doc = protected_results(hand_result, brief_options)
    notes = doc["participation"]["collective"]["diagnostics"]
    text = json.dumps(notes)
    assert "No one in Smallham" not in text and "'Other' to Housing tenure" not in text
    assert "One small council group (fewer than 10 respondents)" in text
    assert "One small housing tenure group (fewer than 10 respondents)" in text
    assert "Everyone in Northbury" in text  # a big group is named as before
    hidden = [n for n in notes if n["message"].startswith("One small")]
    assert len(hidden) == 2 and all(n["term"] is None and n["count"] is None for n in hidden)

    brief = build_brief(hand_result, brief_options)
    body = json.dumps(dataclasses.asdict(brief), default=str)
    assert "No one in Smallham" not in body and "Those 3 respondents" not in body
    assert "One small council group" in body and "Everyone in Northbury" in body

    path = write_xlsx(brief, hand_result, tmp_path / "r.xlsx", brief_options)
    rows = openpyxl.load_workbook(path)["Data quality"].iter_rows(values_only=True)
    cells = " ".join(str(c) for r in rows for c in r if c is not None)
    assert "No one in Smallham" not in cells and f"authority={SMALL_COUNCIL}" not in cells
    assert "tenure=Other" not in cells and "authority=Northbury" in cells


def test_a_survey_under_the_minimum_hides_its_overall_level_and_index(
    hand_result, brief_options
) -> None:
    hand_result.levels["collective"].base = 8
    doc = protected_results(hand_result, brief_options)
    assert doc["levels"]["collective"] == {
        "percent": None,
        "ci_low": None,
        "ci_high": None,
        "base": None,
        "effective_base": None,
        "suppressed": True,
    }
    assert (
        doc["indices"]["collective"]["mean"] is None and doc["indices"]["collective"]["suppressed"]
    )
    assert doc["indices"]["individual"]["mean"] == hand_result.indices["individual"].mean
