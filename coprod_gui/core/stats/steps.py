"""The model steps of one analysis, run in this process or shared with a second one.

The steps: the index model of each form, the participation model of each form (with the
efficacy curve and the predicted shares at each driver's ends, from the same fit), the
comparison of taking part (the two participation fits stacked) and the comparison of the
indices. :func:`second_lane` is what :mod:`.lanes` runs in a forked second process on a
big survey: the collective participation model first (its fit goes back at once, so the
comparison of taking part here can reuse it), then the index models; this process fits
the individual participation model and both comparisons meanwhile. Measured at a million
respondents, that splits the models' work about evenly between the two processes.

Every figure is the same whichever process made it: the same functions run on the same
rows (a fit crosses over only when it was made on exactly the respondents this process
would use, checked by a fingerprint of their row labels).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from ..results import Diagnostic, ModelResult
from . import linear, logit
from .comparison import compare_forms, compare_participation, with_verdicts
from .design import DesignCache


def _fingerprint(index: pd.Index) -> tuple[int, str]:
    values = np.ascontiguousarray(index.to_numpy())
    digest = hashlib.sha1(
        values.view(np.uint8) if values.dtype != object else repr(values).encode()
    )
    return len(index), digest.hexdigest()


class ModelSteps:
    """The steps and what they found, kept in the order a reader sees them.

    One :class:`.design.DesignCache` for the steps run here: the participation models
    and the comparison of taking part usually share one design and its fits.
    """

    def __init__(
        self, forms: list[str], fit_kw: dict, curve_points: int, ends: dict[str, dict]
    ) -> None:
        self.forms, self.fit_kw, self.curve_points, self.ends = forms, fit_kw, curve_points, ends
        self.designs = DesignCache()
        self.index: dict[str, ModelResult] = {}
        self.participation: dict[str, ModelResult] = {}
        self.predicted: dict[str, list[dict[str, float]]] = {}
        self.stacked: dict = {}
        self.index_compared: dict = {}
        self.index_notes: list[Diagnostic] = []
        self.part_notes: list[Diagnostic] = []
        self.kept: logit.ParticipationFit | None = None  # the last fit, for second_lane

    @property
    def _kw(self) -> dict[str, Any]:
        return {**self.fit_kw, "designs": self.designs}

    def index_model(self, frame: pd.DataFrame, form: str) -> None:
        self.index[form] = linear.fit_index_model(frame, form, **self._kw)

    def participation_model(self, frame: pd.DataFrame, form: str, *, keep: bool = False) -> None:
        self.participation[form], fitted = logit.fit_participation(frame, form, **self._kw)
        if fitted is not None:  # the efficacy curve and the drivers' ends, in one pass
            self._curve_and_ends(form, fitted)
        self.kept = fitted if keep else None
        del fitted

    def compare_taking_part(self, frame: pd.DataFrame) -> None:
        self.stacked = compare_participation(frame, diagnostics=self.part_notes, **self._kw)

    def compare_indices(self, frame: pd.DataFrame) -> None:
        self.index_compared = compare_forms(frame, diagnostics=self.index_notes, **self._kw)

    def _curve_and_ends(self, form: str, fitted: logit.ParticipationFit) -> None:
        curve = "efficacy" in self.participation[form].terms
        grid = np.linspace(0.0, 1.0, max(self.curve_points, 2))
        asked = [(t, [e["low"], e["high"]]) for t, e in self.ends.items()]
        if curve:
            asked.append(("efficacy", list(grid)))
        got = logit.predicted_at(fitted, asked)
        if curve and got[-1]:
            self.predicted[form] = got[-1]
        for (t, _), two in zip(asked, got, strict=True):
            if len(two) == 2 and t in self.ends:
                self.ends[t][form] = {"low": two[0]["percent"], "high": two[1]["percent"]}

    # ---- a participation model made in the other process

    def shipped(self, form: str) -> tuple:
        """The participation model of ``form`` as the other process needs it: its result,
        curve and ends, and its fit with the fingerprint of its respondents."""
        fitted, self.kept = self.kept, None
        bundle = None
        if fitted is not None:
            bundle = (_fingerprint(fitted.design.rows.index), fitted.fit, fitted.changes)
        ends = {t: e[form] for t, e in self.ends.items() if form in e}
        return self.participation[form], self.predicted.get(form), ends, bundle

    def install(self, form: str, shipped: tuple) -> None:
        """Take a participation model made by the other process, as if made here: its
        fit is offered to the comparison of taking part only when this process's design
        has exactly its respondents."""
        result, predicted, ends, bundle = shipped
        self.participation[form] = result
        if predicted is not None:
            self.predicted[form] = predicted
        for t, e in ends.items():
            if t in self.ends:
                self.ends[t][form] = e
        design = self.designs.design
        if bundle is None or design is None:
            return
        key, fit, changes = bundle
        if key == _fingerprint(design.rows.index):
            y = design.rows[f"any_{form}"].to_numpy(dtype=float)
            self.designs.fits[form] = logit.ParticipationFit(design, y, fit, changes)

    # ---- what the analysis reports

    def comparison(self) -> dict:
        if len(self.forms) != 2:
            return {}
        return with_verdicts(self.index_compared, self.stacked)

    def notes(self) -> list[Diagnostic]:
        return [*self.index_notes, *self.part_notes]


def second_lane(
    frame: pd.DataFrame, forms: list[str], fit_kw: dict, curve_points: int, ends: dict
) -> Iterator[Any]:
    """What a second process does (``lanes.Lane(second_lane, ...)``): with two forms,
    the collective participation model (sent at once), then the index models."""
    steps = ModelSteps(forms, fit_kw, curve_points, ends)
    if len(forms) == 2:
        steps.participation_model(frame, forms[1], keep=True)
        yield steps.shipped(forms[1])
        steps.designs.close()
    for form in forms:
        steps.index_model(frame, form)
    steps.designs.close()
    yield steps.index
