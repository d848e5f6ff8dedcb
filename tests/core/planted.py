"""Planted surveys for the comparison tests: the truth is chosen, so a verdict can be wrong.

Effects are planted on the log-odds (latent) scale of taking part in each form, with the
two forms at the very different base rates real surveys show (individual near its ceiling,
collective near its floor): exactly where a comparison in points or in index scores alone
is fooled. Columns are those the models read (``coprod_gui.core.stats``): drivers scored
0–1, age in years, categorical gender and council, a survey weight, ``any_<form>``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# log-odds per unit (drivers: lowest to highest answer; age: per year)
PLANTED = {
    "individual": {"const": 1.7, "efficacy": 1.0, "consultation_satisfaction": 1.2, "age": -0.025},
    "collective": {"const": -2.1, "efficacy": 2.4, "consultation_satisfaction": 1.2, "age": 0.025},
}
NOTHING = {
    "individual": {"const": 1.7, "efficacy": 0.0, "consultation_satisfaction": 0.0, "age": 0.0},
    "collective": {"const": -2.1, "efficacy": 0.0, "consultation_satisfaction": 0.0, "age": 0.0},
}


def planted_frame(n: int, seed: int, effects: dict[str, dict[str, float]] = PLANTED) -> pd.DataFrame:
    """``n`` respondents in three councils with the given log-odds effects."""
    rng = np.random.default_rng(seed)
    council = rng.choice(["Ashby", "Brook", "Carrow"], size=n, p=[0.45, 0.33, 0.22])
    shift = pd.Series(council).map({"Ashby": 0.0, "Brook": 0.2, "Carrow": -0.2}).to_numpy()
    # efficacy: mean of three 4-point agreement items (scores k/9); consultation: 5-point item
    efficacy = rng.binomial(9, rng.beta(2, 2, size=n)) / 9
    consult = np.clip(np.round(4 * (0.5 * efficacy + 0.5 * rng.random(n))) / 4, 0, 1)
    age = rng.integers(18, 90, size=n).astype(float)
    female = rng.random(n) < 0.55
    weight = np.round(np.exp(rng.normal(0, 0.3, size=n)), 4)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "authority": pd.Categorical(council),
            "weight": weight / weight.mean(),
            "efficacy": efficacy,
            "consultation_satisfaction": consult,
            "age": age,
            "gender": pd.Categorical(np.where(female, "Female", "Male")),
        }
    )
    for form, b in effects.items():
        eta = (
            b["const"]
            + shift
            + b["efficacy"] * (efficacy - 0.5)
            + b["consultation_satisfaction"] * (consult - 0.5)
            + b["age"] * (age - 50)
        )
        frame[f"any_{form}"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return frame
