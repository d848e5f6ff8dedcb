"""Question definitions: what each mapped column means, answer by answer (DESIGN.md §3a).

Why: guessing is fine, guessing silently is not. A definition is everything the program
decided about one column (its topic, the kind of question, the score or "missing, because
..." of every answer, reverse-keying) together with *where each decision came from* (the
file's labels, the scale table, a codebook, the officer). It is built once from the files
and the mapping (:mod:`define`), shown to the officer, edited with the pure functions
below, saved in the mapping file (``coprod-mapping/2``) and applied exactly by
``prepare``. A question whose answers are only partly recognised is "held back": it is
never scored as if the answers the program knows were the whole scale.

Scores are on the scale's own direction (higher = more often / more agreement);
``reverse`` is applied when the definition is used, so flipping it never loses a score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..errors import InputError
from .scale_table import BY_SCALE
from .words import norm

KINDS: tuple[str, ...] = (
    "frequency", "agreement", "satisfaction", "yes-no", "scale", "categories", "bands",
    "number", "years of birth",
)  # fmt: skip
"""Kinds of question. "scale" is any other ordered scale (amount, informed, rating ...);
"bands" are age bands, each scored by its midpoint."""
SCORED_KINDS = frozenset({"frequency", "agreement", "satisfaction", "yes-no", "scale"})
STATUSES: tuple[str, ...] = ("confirmed", "to check", "held back")
RARE_SHARE = 0.02
"""Unrecognised answers given by at most this share of those answering (a typo, a stray
comment) are counted as missing and reported; more than that holds the question back,
since then they are probably points of the scale the program does not know."""
ORIGINS: tuple[str, ...] = (
    "file labels", "scale table", "codebook", "officer", "answers", "wording", "suggestion",
    "mapping file",
)  # fmt: skip
"""Where a decision came from: ``answers`` = the values themselves (numbers, rates),
``wording`` = the question text (reverse-keying), ``suggestion`` = the suggester."""


@dataclass(frozen=True)
class Answer:
    """One distinct answer of a question and what it becomes.

    ``key`` is the answer's matching key (:func:`words.norm` of its label, or of the value
    when it has no label): the same key in another wave's file is the same answer.
    Exactly one of ``score`` / ``missing`` is set for a scored question; neither means
    the answer is not recognised yet (the question is then held back). For "categories"
    neither is set on the answers that are groups.
    """

    key: str
    label: str
    count: int = 0
    score: float | None = None
    missing: str | None = None  # why it counts as missing ("don't know", "officer" ...)
    origin: str = "scale table"
    code: str | None = None  # the file's code for a labelled answer ("1"), shown beside it

    @property
    def recognised(self) -> bool:
        return self.score is not None or self.missing is not None


@dataclass(frozen=True)
class QuestionDefinition:
    """Everything decided about one mapped column; see the module docstring."""

    column: str
    topic: str
    question: str = ""
    kind: str = "categories"
    answers: tuple[Answer, ...] = ()
    reverse: bool = False
    status: str = "to check"
    reason: str = ""
    scale: str | None = None  # scale-table name, "ranked rates", "numbers" or None
    origins: tuple[tuple[str, str], ...] = ()  # (decision, origin): topic, kind, reverse
    reference_year: int | None = None  # years of birth: the year ages are counted to

    # ---- reading -------------------------------------------------------------------
    def answer(self, key: Any) -> Answer | None:
        """The answer with this key (any spelling: it is normalised first)."""
        k = norm(key)
        return next((a for a in self.answers if a.key == k), None)

    @property
    def unknown(self) -> list[Answer]:
        """Answers of a scored question that have neither a score nor a missing reason."""
        if self.kind not in SCORED_KINDS:
            return []
        return [a for a in self.answers if not a.recognised]

    @property
    def points(self) -> int:
        """Number of score positions (0..points-1) of a scored question."""
        scores = [a.score for a in self.answers if a.score is not None]
        top = int(max(scores)) + 1 if scores else 0
        table = BY_SCALE.get(self.scale or "")
        # A scale from the table keeps all its points even if nobody gave the top answer.
        return max(top, len(table.labels)) if table is not None and scores else top

    @property
    def labels(self) -> list[str]:
        """One label per score position, lowest first (positions nobody uses say so).

        A scale from the table gives its own labels; otherwise the commonest answer at
        each score names it.
        """
        table = BY_SCALE.get(self.scale or "")
        if table is not None and len(table.labels) >= self.points:
            return list(table.labels)
        out = [f"score {i}" for i in range(self.points)]
        for a in sorted(self.answers, key=lambda a: -a.count):
            if a.score is not None and float(a.score).is_integer():
                i = int(a.score)
                if out[i].startswith("score "):
                    out[i] = a.label
        return out

    def origin_of(self, decision: str) -> str | None:
        return dict(self.origins).get(decision)

    @property
    def usable(self) -> bool:
        """Whether ``prepare`` scores this question (it is not held back)."""
        return self.status != "held back"


# ---------------------------------------------------------------------------------------
# status


def settle(defn: QuestionDefinition, *, status: str | None = None) -> QuestionDefinition:
    """The definition with its status worked out from its answers.

    Unknown answers hold it back (naming them); a scored question with nothing scored is
    held back too. Otherwise the given status (or the current one, "held back" becoming
    "to check") stands.
    """
    unknown = defn.unknown
    n_unknown = sum(a.count for a in unknown)
    n_scored = sum(a.count for a in defn.answers if a.score is not None)
    distinct = len({a.score for a in defn.answers if a.score is not None})
    if unknown and (distinct < 2 or n_unknown > RARE_SHARE * (n_unknown + n_scored) or n_scored == 0):
        # The reason is printed and saved, so it counts the answers without quoting them
        # (an unrecognised answer can be a resident's free text); they are in ``answers``.
        n = len(unknown)
        return replace(
            defn,
            status="held back",
            reason=f"needs checking: {n} answer{'s' if n != 1 else ''} not recognised; "
            "give each a score or mark it missing",
        )
    if unknown:
        n = len(unknown)
        note = (
            f"{n} rare answer{'s' if n != 1 else ''} ({n_unknown:,} people) not recognised and "
            "counted as missing; score them or mark them missing to be sure"
        )
        return replace(defn, status="to check", reason=note)
    if defn.kind in SCORED_KINDS and defn.points < 2:
        return replace(
            defn,
            status="held back",
            reason="needs checking: fewer than two answers have a score",
        )
    new = status or (defn.status if defn.status != "held back" else "to check")
    stale = defn.reason.startswith("needs checking") or "not recognised and counted" in defn.reason
    reason = "" if stale else defn.reason
    return replace(defn, status=new, reason=reason)


def _with_origin(defn: QuestionDefinition, decision: str, origin: str) -> tuple[tuple[str, str], ...]:
    return (*tuple((d, o) for d, o in defn.origins if d != decision), (decision, origin))


def _edit_answer(defn: QuestionDefinition, key: Any, **changes: Any) -> QuestionDefinition:
    k = norm(key)
    if not any(a.key == k for a in defn.answers):
        raise InputError(
            f"{defn.column!r} has no answer {key!r}.",
            hint="Choose one of the answers listed for the question.",
        )
    answers = tuple(replace(a, origin="officer", **changes) if a.key == k else a for a in defn.answers)
    return settle(replace(defn, answers=answers), status="to check")


# ---------------------------------------------------------------------------------------
# pure edits for the window (each returns a new definition; the old one is unchanged)


def set_score(defn: QuestionDefinition, key: Any, score: float) -> QuestionDefinition:
    """Give one answer a score (0 = least); it stops being missing."""
    if not isinstance(score, int | float) or isinstance(score, bool) or not math.isfinite(score):
        raise InputError(f"A score must be a number, not {score!r}.", hint="Use 0, 1, 2 ...")
    if score < 0:
        raise InputError("A score must be 0 or more.", hint="Use 0 for the lowest answer.")
    return _edit_answer(defn, key, score=float(score), missing=None)


def mark_missing(defn: QuestionDefinition, key: Any, why: str = "marked missing by the officer") -> QuestionDefinition:
    """Make one answer count as missing (with why), for this question only."""
    return _edit_answer(defn, key, score=None, missing=why or "marked missing by the officer")


def set_reverse(defn: QuestionDefinition, reverse: bool) -> QuestionDefinition:
    """Say whether agreeing means *less* of the topic (the scores are flipped when used)."""
    return replace(defn, reverse=bool(reverse), origins=_with_origin(defn, "reverse", "officer"))


def set_kind(defn: QuestionDefinition, kind: str) -> QuestionDefinition:
    """Change the kind of question. Scores stay; a scored kind needs every answer scored."""
    if kind not in KINDS:
        raise InputError(f"{kind!r} is not a kind of question.", hint="Use one of: " + ", ".join(KINDS))
    new = replace(defn, kind=kind, origins=_with_origin(defn, "kind", "officer"))
    return settle(new, status="to check")


def set_topic(defn: QuestionDefinition, topic: str) -> QuestionDefinition:
    """Move the question to another topic (construct name)."""
    from .constructs import BY_NAME

    if topic not in BY_NAME:
        raise InputError(f"{topic!r} is not a topic.", hint="Use one of: " + ", ".join(BY_NAME))
    return replace(defn, topic=topic, origins=_with_origin(defn, "topic", "officer"), status="to check")


def confirm(defn: QuestionDefinition) -> QuestionDefinition:
    """The officer's "this is right": refused while any answer is still unrecognised."""
    settled = settle(defn)
    if settled.status == "held back" or settled.unknown:
        raise InputError(
            f"{defn.column!r} cannot be confirmed yet: {settled.reason}.",
            hint="Score each answer listed, or mark it missing, then confirm.",
        )
    return replace(settled, status="confirmed", reason="confirmed by the officer",
                   origins=_with_origin(settled, "status", "officer"))  # fmt: skip


def with_counts(defn: QuestionDefinition, counts: Mapping[str, int]) -> QuestionDefinition:
    """The same definition with answer counts from new data (keys as :attr:`Answer.key`)."""
    return replace(defn, answers=tuple(replace(a, count=int(counts.get(a.key, 0))) for a in defn.answers))


# ---------------------------------------------------------------------------------------
# the mapping file's form (coprod-mapping/2 "questions")


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def to_dict(defn: QuestionDefinition) -> dict[str, Any]:
    """The definition as JSON-ready data (no NaN: missing answers carry "missing")."""
    d: dict[str, Any] = {
        "topic": defn.topic,
        "question": defn.question,
        "kind": defn.kind,
        "status": defn.status,
    }
    if defn.reason:
        d["reason"] = defn.reason
    if defn.scale:
        d["scale"] = defn.scale
    if defn.reverse:
        d["reverse"] = True
    if defn.reference_year is not None:
        d["reference_year"] = defn.reference_year
    if defn.origins:
        d["origins"] = dict(defn.origins)
    answers = []
    unlisted = 0
    for a in defn.answers:
        if _private(a):
            unlisted += 1
            continue
        row: dict[str, Any] = {"answer": a.key, "label": a.label, "count": int(a.count)}
        if a.code is not None:
            row["code"] = a.code
        if a.score is not None:
            row["score"] = _num(a.score)
        if a.missing is not None:
            row["missing"] = a.missing
        row["origin"] = a.origin
        answers.append(row)
    if answers:
        d["answers"] = answers
    if unlisted:
        d["unlisted_answers"] = unlisted
    return d


def _private(a: Answer) -> bool:
    """An answer one person wrote that no label or scale explains: maybe their free text.

    It is never written to the mapping file (which may be shared); the file says how many
    were left out, and the program meets them again in the data next time.
    """
    from ..privacy import looks_personal

    if looks_personal(a.label) or looks_personal(a.key):
        return True
    return a.count <= 1 and not a.recognised and a.origin not in ("file labels", "codebook")


def from_dict(column: str, d: Any, *, source: str = "the mapping") -> QuestionDefinition:
    """A definition from the mapping file, checked; a plain message names what is wrong."""

    def bad(what: str) -> InputError:
        return InputError(
            f"{source}: the question {column!r} {what}.",
            hint="Fix it in a text editor, or delete that question's entry under "
            '"questions" so the program works it out again from the file.',
        )

    from .constructs import BY_NAME

    if not isinstance(d, dict):
        raise bad("is not described as a JSON object")
    topic = d.get("topic")
    if topic not in BY_NAME:
        raise bad(f"has an unknown topic {topic!r}")
    kind = d.get("kind", "categories")
    if kind not in KINDS:
        raise bad(f"has an unknown kind {kind!r} (use one of: {', '.join(KINDS)})")
    status = d.get("status", "to check")
    if status not in STATUSES:
        raise bad(f"has an unknown status {status!r} (use one of: {', '.join(STATUSES)})")
    ref = d.get("reference_year")
    if ref is not None and (not isinstance(ref, int) or isinstance(ref, bool) or not 1800 < ref < 2200):
        raise bad('has a "reference_year" that is not a year')
    origins = d.get("origins", {})
    if not isinstance(origins, dict) or not all(isinstance(v, str) for v in origins.values()):
        raise bad('has "origins" that are not a list of decision: origin')
    rows = d.get("answers", [])
    if not isinstance(rows, list):
        raise bad('has "answers" that are not a list')
    answers: list[Answer] = []
    seen: set[str] = set()
    for row in rows:
        if not isinstance(row, dict) or "answer" not in row:
            raise bad('has an answer without an "answer" key')
        raw = row["answer"]
        if isinstance(raw, float) and not math.isfinite(raw):
            raise bad(f"has an answer {raw!r}, which is not a code (write codes as text or whole numbers)")
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise bad(f"has an answer {raw!r} that is not text or a number")
        key = norm(raw)
        if not key:
            raise bad("has an empty answer")
        if key in seen:
            raise bad(f"lists the answer {raw!r} twice")
        seen.add(key)
        score = row.get("score")
        if score is not None and (
            not isinstance(score, int | float) or isinstance(score, bool) or not math.isfinite(score) or score < 0
        ):
            raise bad(f"gives the answer {raw!r} a score {score!r} (scores are numbers, 0 or more)")
        missing = row.get("missing")
        if missing is not None and not isinstance(missing, str):
            missing = "marked missing" if missing is True else None
        if score is not None and missing:
            raise bad(f"gives the answer {raw!r} both a score and a missing reason")
        count = row.get("count", 0)
        code = row.get("code")
        answers.append(
            Answer(
                key=key,
                label=str(row.get("label", raw)),
                count=int(count) if isinstance(count, int | float) and math.isfinite(count) else 0,
                score=None if score is None else float(score),
                missing=missing or None,
                origin=str(row.get("origin", "mapping file")),
                code=None if code is None else str(code),
            )
        )
    defn = QuestionDefinition(
        column=column,
        topic=topic,
        question=str(d.get("question", "")),
        kind=kind,
        answers=tuple(answers),
        reverse=bool(d.get("reverse", False)),
        status=status,
        reason=str(d.get("reason", "")),
        scale=d.get("scale") if isinstance(d.get("scale"), str) else None,
        origins=tuple((str(k), v) for k, v in origins.items()),
        reference_year=ref,
    )
    settled = settle(defn)
    return settled if settled.status == "held back" else defn


def describe(defn: QuestionDefinition) -> str:
    """One line for the command line and logs (never quotes answers: they can be free text)."""
    what = f"{defn.kind}" + (f" ({defn.points} points)" if defn.kind in SCORED_KINDS else "")
    extra = ", reversed" if defn.reverse else ""
    return f"{defn.column}: {what}{extra}, {defn.status}" + (f" ({defn.reason})" if defn.reason else "")
