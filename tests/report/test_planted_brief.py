"""The brief on planted surveys read through the whole pipeline, as an officer runs it.

One survey where nothing matters (every latent effect zero, councils still differ): no
key message and no recommendation may rest on a driver. The demo survey is the planted
one of DESIGN §4 (efficacy stronger for collective on the latent scale, consultation
equal, age opposite): its brief must say exactly that, and never the reverse.
"""

from __future__ import annotations

import pytest

from coprod_gui.core.pipeline import run_pipeline
from coprod_gui.core.survey.constructs import DRIVERS
from coprod_gui.core.survey.synthetic import generate_survey, write_agency_xlsx
from coprod_gui.report.brief import build_brief

ZERO = {k: 0.0 for k in ("efficacy", "consult", "age", "edu", "female", "employed", "owner")}


@pytest.fixture(scope="module")
def null_result(tmp_path_factory):
    # Seeds 1 to 4 were checked: no driver reaches |z| 2.4 in any of them. (Seed 404 gives
    # one chance link at z = 3.2, about 1 survey in 70 with ten driver tests: a 95% rule
    # cannot promise more than that, and the brief's caveat says so.)
    path = tmp_path_factory.mktemp("null") / "null_survey.xlsx"
    write_agency_xlsx(
        generate_survey(3000, seed=1, effects={"individual": ZERO, "collective": ZERO}), path
    )
    return run_pipeline([path]).result


def test_nothing_matters_no_driver_message_or_recommendation(null_result) -> None:
    brief = build_brief(null_result)
    assert 3 <= len(brief.key_messages) <= 6
    for m in brief.key_messages:
        assert not any(t in DRIVERS for t in m.terms), m.text
    assert brief.recommendations == []
    body = brief.body_text()
    assert "so we make no recommendation from it" in body
    assert "Next time, consider asking" in body


def test_planted_demo_brief_says_what_was_planted(demo_result) -> None:
    brief = build_brief(demo_result)
    body = brief.body_text()
    assert "Matters more for acting with others: feeling able to make a difference." in body
    assert "Goes opposite ways for the two forms: age." in body
    assert "satisfaction with how the council consults" in body.split(
        "We cannot tell which form it matters more for:", 1
    )[1].split("\n", 1)[0]
    assert "Matters more for doing things for themselves" not in body
