"""``looks_personal``: residents' contact details and free text, not answer options."""

from __future__ import annotations

import pytest

from coprod_gui.core.privacy import ANOTHER_ANSWER, looks_personal, safe_label

PERSONAL = [
    "In another way: Jo Bloggs, call 07700 900123",
    "jo.bloggs@example.com",
    "email me at jo (at) example . com",
    "07700900123",
    "+44 20 7946 0958",
    "+33 6 12 34 56 78",
    "0044 161 496 0000",
    "(0161) 496 0000",
    "I live at SW1A 1AA",
    "m1 1ae",
    "https://example.org/jo",
    "see www.jobloggs.co.uk",
    "jobloggs.com",
    "I would rather describe myself in my own words because none of these boxes fit me "
    "and my neighbours at number twelve agree",
    "x" * 130,
]

ORDINARY = [
    "Female",
    "Prefer not to say",
    "Rented from the council or a housing association",
    "White: English, Welsh, Scottish, Northern Irish or British",
    "Asian or Asian British: Bangladeshi",
    "A level or equivalent",
    "Level 4 qualifications or above",
    "Employed full-time (30 or more hours a week)",
    "£20,000 to £29,999",
    "£100,000-£149,999",
    "Aged 16-24",
    "1990 - 2000",
    "Kelworth Borough Council",
    "Brackenholt Borough Council",
    "Year 11 or below",
    "NVQ 3 or equivalent",
    "GCSE grades 9-4 (A*-C)",
    "2",
    "65+",
]


@pytest.mark.parametrize("text", PERSONAL)
def test_personal_data_is_recognised(text: str) -> None:
    assert looks_personal(text)
    assert safe_label(text) == ANOTHER_ANSWER


@pytest.mark.parametrize("text", ORDINARY)
def test_answer_options_are_kept(text: str) -> None:
    assert not looks_personal(text)
    assert safe_label(text) == text
