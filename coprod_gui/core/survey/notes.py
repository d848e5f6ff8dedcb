"""Plain-English notes about one mapped column, for the data-quality report.

Why together: ``prepare`` and the age and group builders all report missing answers,
unrecognised answers and files without the column in the same words.
"""

from __future__ import annotations

from ..privacy import ANOTHER_ANSWER
from ..types import DataQuality
from .constructs import BY_NAME
from .stack import Stacked

MAX_EXAMPLES = 12


def file_note(st: Stacked, construct: str, quality: DataQuality) -> None:
    if st.files_without:
        quality.add(
            "warning",
            f"The column {st.name!r} ({BY_NAME[construct].label}) is not in "
            f"{', '.join(st.files_without)}: its {st.not_in_file:,} respondents count as not "
            "having answered it.",
            column=st.name,
            count=st.not_in_file,
            action="treated as missing",
        )
    if st.partial:
        quality.add(
            "warning",
            f"In {', '.join(st.partial)} only some codes of {st.name!r} have answer labels "
            "(usually the two ends of the scale); the codes were used as ordered scores, "
            "turned so that a higher score means more.",
            column=st.name,
            action="codes used as scores",
        )
    if st.mixed:
        quality.add(
            "info",
            f"The column {st.name!r} holds both numbers and text in "
            f"{', '.join(st.mixed)}; both were read the same way.",
            column=st.name,
            action="numbers and text matched as answers",
        )


def missing_note(
    name: str, counts: dict[str, int], quality: DataQuality, what: str = "answers"
) -> None:
    counts = {k: v for k, v in counts.items() if v}
    if not counts:
        return
    total = sum(counts.values())
    parts = ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    quality.add(
        "info",
        f"{total:,} {what} in {name!r} became missing: {parts}.",
        column=name,
        count=total,
        action="treated as missing",
    )


def short(label: str, limit: int = 60) -> str:
    """Long "labels" are probably free text: show only their start."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def unknown_note(name: str, unknown: dict[str, int], quality: DataQuality) -> None:
    if not unknown:
        return
    total = sum(unknown.values())
    order = sorted(unknown, key=lambda k: -unknown[k])
    labels = [short(lab) for lab in order]
    # The message is exported (brief, workbook, results.json), so it never quotes the
    # answers: an unrecognised cell can be a resident's free text (a name, a phone number).
    # They stay in ``examples``, which only the window shows.
    kinds = f"{len(labels):,} different answer{'s' if len(labels) != 1 else ''}"
    quality.add(
        "warning",
        f"{total:,} answers in {name!r} are not ones this program recognises ({kinds}). "
        "They were not guessed: they count as missing. Add them to the mapping's "
        '"missing" list if that is what they mean, or check the column.',
        column=name,
        count=total,
        examples=labels[:MAX_EXAMPLES],
        action="treated as missing",
    )


def unscorable(name: str, construct: str, quality: DataQuality) -> None:
    """Note an item left out because none of its answers could be scored."""
    quality.add(
        "error",
        f"No answer in {name!r} could be scored, so it was left out of "
        f"{BY_NAME[construct].label.lower()}.",
        column=name,
        action="item left out",
    )


def held_back(name: str, construct: str, reason: str, unknown: list[str], quality: DataQuality) -> None:
    """Note a question left out because its definition is held back ("needs checking")."""
    quality.add(
        "error",
        f"{name!r} was left out of {BY_NAME[construct].label.lower()}: it {reason}. "
        "Open its question definition (in the mapping file or the window), score or mark "
        "missing each answer listed, and run again.",
        column=name,
        count=len(unknown),
        examples=[short(x) for x in unknown[:MAX_EXAMPLES]],
        action="question held back",
    )


def personal_note(name: str, count: int, quality: DataQuality) -> None:
    if count:
        quality.add(
            "warning",
            f"{count:,} answers in {name!r} look like personal details (an e-mail address, "
            f"phone number, postcode, web address or free text). They count as "
            f"{ANOTHER_ANSWER!r} and are never printed.",
            column=name,
            count=count,
            action=f"counted as {ANOTHER_ANSWER!r}",
        )
